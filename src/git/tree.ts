/**
 * Reads the tree at a path of a commit from a repository's object store into memory. Nothing is
 * checked out; links are never followed: a symlink or a submodule inside the path is refused.
 */
import * as fs from 'node:fs';

import git from 'isomorphic-git';

export interface TreeReadOptions {
  gitdir: string;
  commit: string;
  /** Folder inside the repository, `/`-separated; `''` or `.` for the root. */
  path: string;
  /** Limit on the total size of the files read. */
  maxBytes: number;
  /** isomorphic-git's object cache, shared across reads of one operation. */
  cache: object;
}

export type TreeReadResult =
  | { ok: true; files: Map<string, Uint8Array> }
  | { ok: false; problem: 'PathNotFound' | 'TooLarge' | 'Unsupported'; message: string };

/** `path` normalised to `a/b` form (no leading `./` or `/`, no trailing `/`); undefined if it escapes. */
export function normalizeTreePath(path: string): string | undefined {
  const parts: string[] = [];
  for (const seg of path.split(/[/\\]+/)) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') return undefined;
    parts.push(seg);
  }
  return parts.join('/');
}

function safeName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !/[/\\\0]/.test(name);
}

export async function readTreeFiles(opts: TreeReadOptions): Promise<TreeReadResult> {
  const path = normalizeTreePath(opts.path);
  if (path === undefined) {
    return {
      ok: false,
      problem: 'PathNotFound',
      message: `path ${opts.path} leaves the repository`,
    };
  }
  const shown = path === '' ? '.' : path;
  const base = { fs, gitdir: opts.gitdir, cache: opts.cache };
  let root: string;
  try {
    const r = await git.readTree({
      ...base,
      oid: opts.commit,
      ...(path ? { filepath: path } : {}),
    });
    root = r.oid;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'NotFoundError') {
      return { ok: false, problem: 'PathNotFound', message: `path ${shown} not found` };
    }
    if (code === 'ObjectTypeError') {
      return { ok: false, problem: 'PathNotFound', message: `path ${shown} is not a directory` };
    }
    throw err;
  }
  const files = new Map<string, Uint8Array>();
  let total = 0;
  const walk = async (oid: string, prefix: string): Promise<TreeReadResult | undefined> => {
    const { tree } = await git.readTree({ ...base, oid });
    for (const entry of tree) {
      const rel = prefix ? `${prefix}/${entry.path}` : entry.path;
      const shownEntry = path ? `${path}/${rel}` : rel;
      if (!safeName(entry.path)) {
        return {
          ok: false,
          problem: 'Unsupported',
          message: `unsafe file name ${JSON.stringify(shownEntry)}`,
        };
      }
      if (entry.type === 'tree') {
        const problem = await walk(entry.oid, rel);
        if (problem) return problem;
      } else if (entry.type === 'commit') {
        return {
          ok: false,
          problem: 'Unsupported',
          message: `${shownEntry} is a submodule; submodules are not supported`,
        };
      } else if (entry.mode === '120000') {
        return {
          ok: false,
          problem: 'Unsupported',
          message: `${shownEntry} is a symbolic link; links are not followed, commit the file itself`,
        };
      } else {
        const { blob } = await git.readBlob({ ...base, oid: entry.oid });
        total += blob.byteLength;
        if (total > opts.maxBytes) {
          return {
            ok: false,
            problem: 'TooLarge',
            message: `files under ${shown} exceed the limit of ${opts.maxBytes} bytes`,
          };
        }
        files.set(rel, blob);
      }
    }
    return undefined;
  };
  const problem = await walk(root, '');
  return problem ?? { ok: true, files };
}
