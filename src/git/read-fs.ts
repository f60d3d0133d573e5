/**
 * A read-only file system client for isomorphic-git that remembers what it saw during one tree
 * read. isomorphic-git looks every object up as a loose file first and lists `objects/pack` for each
 * one; over thousands of blobs those failed opens and listings cost as much as inflating. Here each
 * directory is listed once, and a loose object that is not in its directory's listing fails without
 * touching the disk. Only for reading a repository nothing writes to meanwhile (our cache is locked
 * per repository; a local repository changing during a read gives a not-found, not a wrong file).
 */
import { readdir, readFile, readlink, stat, lstat } from 'node:fs/promises';
import { dirname } from 'node:path';

import type { PromiseFsClient } from 'isomorphic-git';

function notFound(path: string): Error {
  return Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), {
    code: 'ENOENT',
  });
}

function readOnly(): never {
  throw Object.assign(new Error('read-only file system'), { code: 'EROFS' });
}

const looseObject = /[/\\]objects[/\\][0-9a-f]{2}[/\\]([0-9a-f]{38,62})$/;

export function readOnlyCachedFs(): PromiseFsClient {
  const listings = new Map<string, Promise<Set<string>>>();
  const stats = new Map<string, ReturnType<typeof stat>>();
  const listing = (dir: string): Promise<Set<string>> => {
    let p = listings.get(dir);
    if (!p) {
      p = readdir(dir).then(
        (names) => new Set(names),
        () => new Set<string>(),
      );
      listings.set(dir, p);
    }
    return p;
  };
  return {
    promises: {
      async readFile(path: string, options?: unknown) {
        const m = looseObject.exec(path);
        if (m && !(await listing(dirname(path))).has(m[1] as string)) throw notFound(path);
        return readFile(path, options as Parameters<typeof readFile>[1]);
      },
      async readdir(path: string) {
        const names = await listing(path);
        if (names.size === 0) return readdir(path);
        return [...names];
      },
      stat(path: string) {
        let p = stats.get(path);
        if (!p) {
          p = stat(path);
          stats.set(path, p);
        }
        return p;
      },
      lstat,
      readlink,
      writeFile: readOnly,
      mkdir: readOnly,
      rmdir: readOnly,
      unlink: readOnly,
      symlink: readOnly,
      chmod: readOnly,
    },
  };
}
