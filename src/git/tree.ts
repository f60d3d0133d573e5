/**
 * Reads the tree at a path of a commit from a repository's object store into memory. Nothing is
 * checked out; links are never followed: a symlink or a submodule inside the path is refused.
 */
import * as fs from 'node:fs';

import git from 'isomorphic-git';

import {
  commitTree,
  ObjectReader,
  parseTree,
  type GitObject,
  type GitObjectType,
} from './objects.js';

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

/** Reads objects with `ObjectReader`, falling back to isomorphic-git for what it cannot find. */
function objectSource(gitdir: string, cache: object): (oid: string) => Promise<GitObject> {
  const reader = new ObjectReader(gitdir);
  return async (oid) => {
    const fast = await reader.read(oid);
    if (fast) return fast;
    const { type, object } = await git.readObject({ fs, gitdir, oid, cache, format: 'content' });
    return { type: type as GitObjectType, data: Buffer.from(object as Uint8Array) };
  };
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
  const read = objectSource(opts.gitdir, opts.cache);
  const commit = await read(opts.commit);
  let root = commit.type === 'commit' ? commitTree(commit.data) : undefined;
  if (!root) throw new Error(`${opts.commit} is not a commit`);
  // Down the path, one tree at a time.
  const seen: string[] = [];
  for (const seg of path ? path.split('/') : []) {
    const tree = parseTree((await read(root)).data);
    const entry = tree.find((e) => e.name === seg);
    seen.push(seg);
    const at = seen.join('/');
    if (!entry) return { ok: false, problem: 'PathNotFound', message: `path ${shown} not found` };
    if (entry.mode !== '40000') {
      const what = at === path ? `path ${shown}` : `${at} (in path ${shown})`;
      return { ok: false, problem: 'PathNotFound', message: `${what} is not a directory` };
    }
    root = entry.oid;
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
    const tree = parseTree((await read(oid)).data);
    const files = new Map<string, Uint8Array>();
    let bytes = 0;
    for (const entry of tree) {
      const shownEntry = [path, dir, entry.name].filter((x) => x !== '').join('/');
      if (!safeName(entry.name)) {
        return {
          ok: false,
          problem: 'Unsupported',
          message: `unsafe file name ${JSON.stringify(shownEntry)}`,
        };
      }
      if (entry.mode === '40000') {
        const sub = await walk(entry.oid, dir ? `${dir}/${entry.name}` : entry.name);
        if ('ok' in sub) return sub;
        for (const [rel, content] of sub.files) files.set(`${entry.name}/${rel}`, content);
        bytes += sub.bytes;
      } else if (entry.mode === '160000') {
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
        const blob = await read(entry.oid);
        if (blob.type !== 'blob') throw new Error(`${shownEntry}: object ${entry.oid} is no blob`);
        total += blob.data.byteLength;
        if (total > opts.maxBytes) return tooLarge(shown, opts.maxBytes);
        bytes += blob.data.byteLength;
        files.set(
          entry.name,
          new Uint8Array(blob.data.buffer, blob.data.byteOffset, blob.data.byteLength),
        );
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
