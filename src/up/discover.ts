/**
 * What `packsync up DIR` finds in a folder: package folders (a folder holding `manifest.yaml` or
 * `manifest.yml`; everything below it belongs to that package) and the objects to apply (every
 * YAML document in the other `.yaml`/`.yml` files). Names starting with `.` and `node_modules`
 * are skipped, as is anything behind a symbolic link.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { UserError } from '../errors.js';
import type { KubeObject } from '../kube/index.js';

/** The well-known registry host of locally built packages, mapped to the local registry. */
export const localRegistryHost = 'packsync.local';

export interface FoundPackage {
  /** Absolute folder. */
  folder: string;
  /** Folder relative to DIR, `/`-separated (`app`, `team/api`); `.` when DIR itself is one. */
  path: string;
  /** The file that made it a package folder (`manifest.yaml` or `manifest.yml`). */
  manifestFile: string;
  /** `manifestFile` as messages show it. */
  manifestShown: string;
  /** Repository in the local registry: the path, lowercased (`packsync.local/<repository>`). */
  repository: string;
}

export interface FoundObject {
  object: KubeObject;
  /** File relative to the working directory shown to users, and document index in it. */
  file: string;
  index: number;
}

/** A file or folder that could not be used, with the file named in the message. */
export interface FoundProblem {
  file: string;
  message: string;
}

export interface Discovery {
  packages: FoundPackage[];
  objects: FoundObject[];
  problems: FoundProblem[];
}

const manifestNames = ['manifest.yaml', 'manifest.yml'];
const repositoryPattern =
  /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

/**
 * Walks DIR. `shown(abs)` turns absolute paths into what messages name (default: relative to
 * the current directory).
 */
export async function discover(
  dir: string,
  shown: (abs: string) => string = (abs) => relative(process.cwd(), abs) || '.',
): Promise<Discovery> {
  let st;
  try {
    st = await stat(dir);
  } catch (err) {
    throw new UserError(
      `reading ${dir}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : (err as Error).message}`,
      { cause: err },
    );
  }
  if (!st.isDirectory()) throw new UserError(`reading ${dir}: not a directory`);
  const out: Discovery = { packages: [], objects: [], problems: [] };
  const yamlFiles: string[] = [];
  async function walk(abs: string): Promise<void> {
    const entries = (await readdir(abs, { withFileTypes: true })).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    const manifest = manifestNames.find((n) => entries.some((e) => e.isFile() && e.name === n));
    if (manifest !== undefined) {
      const path = relative(dir, abs).split(sep).join('/') || '.';
      const repository = (path === '.' ? (abs.split(sep).pop() ?? 'package') : path).toLowerCase();
      if (!repositoryPattern.test(repository)) {
        out.problems.push({
          file: shown(join(abs, manifest)),
          message: `package folder ${JSON.stringify(path)} cannot be an image repository name (use lowercase letters, digits, '.', '_' and '-')`,
        });
        return;
      }
      out.packages.push({
        folder: abs,
        path,
        manifestFile: join(abs, manifest),
        manifestShown: shown(join(abs, manifest)),
        repository,
      });
      return;
    }
    for (const e of entries) {
      if (e.name.startsWith('.') || e.name === 'node_modules' || e.isSymbolicLink()) continue;
      const child = join(abs, e.name);
      if (e.isDirectory()) await walk(child);
      else if (e.isFile() && /\.ya?ml$/.test(e.name)) yamlFiles.push(child);
    }
  }
  await walk(dir);
  for (const file of yamlFiles) {
    const name = shown(file);
    let docs;
    try {
      docs = parseAllDocuments(await readFile(file, 'utf8'));
    } catch (err) {
      out.problems.push({ file: name, message: (err as Error).message });
      continue;
    }
    const list = Array.isArray(docs) ? docs : [docs];
    list.forEach((doc, index) => {
      const err = doc.errors[0];
      if (err !== undefined) {
        out.problems.push({ file: name, message: `document ${index}: ${err.message}` });
        return;
      }
      const value: unknown = doc.toJS();
      if (value === null || value === undefined) return;
      const problem = objectProblem(value);
      if (problem !== undefined) {
        out.problems.push({ file: name, message: `document ${index}: ${problem}` });
        return;
      }
      out.objects.push({ object: value as KubeObject, file: name, index });
    });
  }
  return out;
}

function objectProblem(v: unknown): string | undefined {
  if (typeof v !== 'object' || Array.isArray(v) || v === null) return 'not a Kubernetes object';
  const o = v as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } };
  if (typeof o.apiVersion !== 'string' || o.apiVersion === '') return 'apiVersion missing';
  if (typeof o.kind !== 'string' || o.kind === '') return 'kind missing';
  if (typeof o.metadata?.name !== 'string' || o.metadata.name === '')
    return 'metadata.name missing';
  return undefined;
}
