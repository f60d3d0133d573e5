/**
 * The disk side of template tests: fixture folders under a package folder. Listing follows
 * symbolic links (as Package Operator's index of a fixture folder does) and includes dot files.
 */
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FixtureStore } from './template-tests.js';

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

export const diskFixtureStore: FixtureStore = {
  async list(dir) {
    if (!(await isDir(dir))) return undefined;
    const out: string[] = [];
    async function walk(abs: string, rel: string, depth: number): Promise<void> {
      if (depth > 64) return;
      for (const e of await readdir(abs, { withFileTypes: true })) {
        const childAbs = join(abs, e.name);
        const childRel = rel ? `${rel}/${e.name}` : e.name;
        let st;
        try {
          st = await stat(childAbs);
        } catch {
          continue; // dangling link
        }
        if (st.isDirectory()) await walk(childAbs, childRel, depth + 1);
        else if (st.isFile()) out.push(childRel);
      }
    }
    await walk(dir, '', 0);
    return out;
  },
  async read(path) {
    try {
      return new Uint8Array(await readFile(path));
    } catch {
      return undefined;
    }
  },
  async write(dir, files) {
    await mkdir(dir, { recursive: true });
    for (const [path, bytes] of files) {
      const abs = join(dir, path);
      await mkdir(dirname(abs), { recursive: true });
      await writeFile(abs, bytes);
    }
  },
};
