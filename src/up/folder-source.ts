/**
 * `packsync up DIR`: discover -> build every package folder into the local registry -> apply the
 * objects found (Package images pinned to the digests just built). Problems name their file and
 * never stop the rest.
 */
import { stat } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { UserError, errorMessage } from '../errors.js';
import { applyObjects, defaultPackageObjects, localImageTags } from './apply.js';
import { discover, localRegistryHost } from './discover.js';
import { buildLocalPackages } from './local-packages.js';
import type { SourceReporter, SourceResult, UpSession, UpSource } from './session.js';

export function folderSource(dir: string, cwd: string = process.cwd()): UpSource {
  const shown = (abs: string): string => {
    const rel = relative(cwd, abs);
    return rel === '' ? '.' : rel.startsWith('..') ? abs : rel;
  };
  return {
    describe: dir,
    async check(): Promise<void> {
      let st;
      try {
        st = await stat(resolve(cwd, dir));
      } catch (err) {
        const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
        throw new UserError(`${dir}: ${missing ? 'no such directory' : errorMessage(err)}`, {
          cause: err,
        });
      }
      if (!st.isDirectory()) throw new UserError(`${dir}: not a directory`);
    },
    async sync(session: UpSession, report: SourceReporter): Promise<SourceResult> {
      const found = await discover(resolve(cwd, dir), shown);
      for (const p of found.problems) report.problem(p);
      const tags = localImageTags(found.objects);
      const builds = await buildLocalPackages(
        found.packages,
        session.registryClient,
        session.registry.host,
        {
          shown,
          tagsFor: (repo) => [...(tags.get(repo) ?? [])],
          onBuilt: (b) =>
            report.info(
              `built ${shown(b.found.folder)} -> ${localRegistryHost}/${b.found.repository}@${b.digest.slice(0, 19)}`,
            ),
          onFailed: (p) => report.problem(p),
        },
      );
      const objects = [...found.objects, ...defaultPackageObjects(found.objects, builds)];
      const { applied, problems } = await applyObjects(session.client, objects, builds);
      for (const a of applied) {
        const m = a.object.metadata;
        report.info(
          `applied ${a.object.kind} ${m.namespace ? `${m.namespace}/` : ''}${m.name ?? ''} (${a.found.file})`,
        );
      }
      for (const p of problems) report.problem(p);
      if (
        found.packages.length === 0 &&
        found.objects.length === 0 &&
        found.problems.length === 0
      ) {
        report.info(`no package folders or objects found in ${dir}`);
      }
      return {
        applied: applied.map((a) => a.object),
        problems: [...found.problems, ...builds.failed.values(), ...problems],
      };
    },
  };
}
