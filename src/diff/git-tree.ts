/**
 * Reads the files under a path at any ref of a local Git repository, straight from the object
 * store (no checkout, the working tree is never touched): branches, tags (annotated ones peeled),
 * remote-tracking branches, `HEAD`, full or abbreviated commit ids, and `~N` / `^` suffixes. A
 * remote repository (URL) is read through the GitSync controller's `GitSource`: a branch, else a
 * tag, else a commit id.
 */
import * as fs from 'node:fs';
import git from 'isomorphic-git';
import { UserError, errorMessage } from '../errors.js';
import type { GitRef } from '../apis/index.js';
import { GitSourceError, type GitSource } from '../git/index.js';

export interface RefTree {
  /** The commit the ref resolved to. */
  commit: string;
  /** Files under the path, relative to it. */
  files: Map<string, Uint8Array>;
}

/** The repository root holding `dir` (a work tree with `.git`, or `dir` itself). */
export async function repositoryRoot(dir: string): Promise<string> {
  try {
    return await git.findRoot({ fs, filepath: dir });
  } catch (err) {
    throw new UserError(`${dir} is not inside a Git repository`, { cause: err });
  }
}

const suffixRe = /^(.*?)((?:[~^]\d*)*)$/;

async function peelToCommit(dir: string, cache: object, oid: string): Promise<string> {
  // Annotated tags point at tag objects; follow them to the commit.
  for (let i = 0; i < 10; i++) {
    try {
      // readCommit peels an annotated tag itself; its answer names the commit.
      return (await git.readCommit({ fs, dir, oid, cache })).oid;
    } catch {
      const tag = await git.readTag({ fs, dir, oid, cache });
      oid = tag.tag.object;
    }
  }
  throw new Error(`tag chain too long at ${oid}`);
}

async function resolveBase(dir: string, cache: object, name: string): Promise<string> {
  try {
    return await git.resolveRef({ fs, dir, ref: name });
  } catch {
    // not a ref name
  }
  if (/^[0-9a-f]{4,40}$/.test(name)) return git.expandOid({ fs, dir, oid: name, cache });
  throw new Error(`unknown revision ${JSON.stringify(name)}`);
}

/** The commit a ref names (`main`, `v1.2.0`, `1a2b3c4`, `HEAD~1`, `feature^`). */
export async function resolveCommit(dir: string, ref: string, cache: object = {}): Promise<string> {
  const m = suffixRe.exec(ref.trim());
  const name = m?.[1] ?? ref;
  const suffix = m?.[2] ?? '';
  try {
    let oid = await peelToCommit(
      dir,
      cache,
      await resolveBase(dir, cache, name === '' ? 'HEAD' : name),
    );
    for (const step of suffix.matchAll(/([~^])(\d*)/g)) {
      const n = step[2] === '' ? 1 : Number(step[2]);
      if (step[1] === '^') {
        // `^N`: the Nth parent.
        const { commit } = await git.readCommit({ fs, dir, oid, cache });
        const parent = commit.parent[n - 1];
        if (parent === undefined) throw new Error(`${oid.slice(0, 7)} has no parent ${n}`);
        oid = parent;
      } else {
        for (let i = 0; i < n; i++) {
          const { commit } = await git.readCommit({ fs, dir, oid, cache });
          const parent = commit.parent[0];
          if (parent === undefined) throw new Error(`${oid.slice(0, 7)} has no parent`);
          oid = parent;
        }
      }
    }
    return oid;
  } catch (err) {
    throw new UserError(`resolving ${JSON.stringify(ref)} in ${dir}: ${errorMessage(err)}`, {
      cause: err,
    });
  }
}

/** The files under `path` at `ref`. */
export async function readRefTree(dir: string, ref: string, path: string): Promise<RefTree> {
  const cache = {};
  const commit = await resolveCommit(dir, ref, cache);
  const prefix = path
    .split('/')
    .filter((s) => s !== '' && s !== '.')
    .join('/');
  const files = new Map<string, Uint8Array>();
  const walk = async (oid: string, rel: string): Promise<void> => {
    const { tree } = await git.readTree({ fs, dir, oid, cache });
    for (const e of tree) {
      const p = rel === '' ? e.path : `${rel}/${e.path}`;
      if (e.type === 'tree') await walk(e.oid, p);
      else if (e.type === 'blob' && e.mode !== '120000') {
        const { blob } = await git.readBlob({ fs, dir, oid: e.oid, cache });
        files.set(p, blob);
      }
    }
  };
  try {
    let treeOid = (await git.readCommit({ fs, dir, oid: commit, cache })).commit.tree;
    if (prefix !== '') {
      const { oid, type } = await git
        .readTree({ fs, dir, oid: commit, filepath: prefix, cache })
        .then((t) => ({ oid: t.oid, type: 'tree' as const }));
      if (type !== 'tree') throw new Error(`${prefix} is not a folder`);
      treeOid = oid;
    }
    await walk(treeOid, '');
  } catch (err) {
    throw new UserError(
      `reading ${prefix === '' ? 'the repository' : prefix} at ${ref} (${commit.slice(0, 7)}): ${errorMessage(err)}`,
      { cause: err },
    );
  }
  return { commit, files };
}

/** True for `https://...`, `http://...`, `file://...` (a URL rather than a local path). */
export function isRepositoryUrl(repo: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(repo);
}

/** The files under `path` at `ref` of a remote repository, fetched into `source`'s cache. */
export async function readRemoteRefTree(
  source: GitSource,
  url: string,
  ref: string,
  path: string,
): Promise<RefTree> {
  const candidates: GitRef[] = [{ branch: ref }, { tag: ref }];
  if (/^[0-9a-f]{7,40}$/.test(ref)) candidates.push({ commit: ref });
  let lastErr: unknown;
  for (const candidate of candidates) {
    try {
      const resolved = await source.resolve({ url, ref: candidate });
      const out = await source.checkout({ url, ref: candidate }, resolved.sha, path);
      return { commit: out.commit.sha, files: out.files };
    } catch (err) {
      if (!(err instanceof GitSourceError && err.reason === 'RefNotFound')) throw err;
      lastErr = err;
    }
  }
  throw new UserError(
    `resolving ${JSON.stringify(ref)} in ${url}: no branch, tag or commit of that name`,
    {
      cause: lastErr,
    },
  );
}
