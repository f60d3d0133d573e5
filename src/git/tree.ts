/**
 * Reads the tree at a path of a commit from a repository's object store into memory. Nothing is
 * checked out; links are never followed: a symlink or a submodule inside the path is refused.
 */
import git from 'isomorphic-git';

import { readOnlyCachedFs } from './read-fs.js';

export interface TreeReadOptions {
  gitdir: string;
  commit: string;
  /** Folder inside the repository, `/`-separated; `''` or `.` for the root. */
  path: string;
  /** Limit on the total size of the files read. */
  maxBytes: number;
  /** isomorphic-git's object cache, shared across reads of one operation. */
  cache: object;
  /**
   * Files of subtrees read before, by tree oid (content-addressed, so valid for any commit of any
   * repository). Subtrees found here are not read again; every subtree read or reused is recorded
   * in `memo.next`, which the caller keeps as the memo of its next read.
   */
  memo?: TreeMemo | undefined;
}

/** Subtree file maps by tree oid: the previous read's, and the one being built. */
export interface TreeMemo {
  prev: Map<string, SubtreeFiles>;
  next: Map<string, SubtreeFiles>;
}

interface SubtreeFiles {
  files: Map<string, Uint8Array>;
  bytes: number;
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
  const base = { fs: readOnlyCachedFs(), gitdir: opts.gitdir, cache: opts.cache };
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
  let total = 0;
  // Each subtree's files relative to the subtree, so they can be reused under any prefix.
  const walk = async (oid: string, dir: string): Promise<SubtreeFiles | TreeReadResult> => {
    const known = opts.memo?.prev.get(oid) ?? opts.memo?.next.get(oid);
    if (known) {
      opts.memo?.next.set(oid, known);
      total += known.bytes;
      if (total > opts.maxBytes) return tooLarge(shown, opts.maxBytes);
      return known;
    }
    const { tree } = await git.readTree({ ...base, oid });
    const files = new Map<string, Uint8Array>();
    let bytes = 0;
    for (const entry of tree) {
      const shownEntry = [path, dir, entry.path].filter((x) => x !== '').join('/');
      if (!safeName(entry.path)) {
        return {
          ok: false,
          problem: 'Unsupported',
          message: `unsafe file name ${JSON.stringify(shownEntry)}`,
        };
      }
      if (entry.type === 'tree') {
        const sub = await walk(entry.oid, dir ? `${dir}/${entry.path}` : entry.path);
        if ('ok' in sub) return sub;
        for (const [rel, content] of sub.files) files.set(`${entry.path}/${rel}`, content);
        bytes += sub.bytes;
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
        if (total > opts.maxBytes) return tooLarge(shown, opts.maxBytes);
        bytes += blob.byteLength;
        files.set(entry.path, blob);
      }
    }
    const result = { files, bytes };
    opts.memo?.next.set(oid, result);
    return result;
  };
  const result = await walk(root, '');
  return 'ok' in result ? result : { ok: true, files: new Map(result.files) };
}

function tooLarge(shown: string, limit: number): TreeReadResult {
  return {
    ok: false,
    problem: 'TooLarge',
    message: `files under ${shown} exceed the limit of ${limit} bytes`,
  };
}
