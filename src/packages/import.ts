/**
 * Importers: sources -> `RawPackage`. The folder importer is the only part of the pipeline that
 * reads the disk; it never follows symbolic links and skips every file or folder whose name starts
 * with `.`.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import type { RawPackage } from './types.js';

/** Reads a package folder into memory. */
export async function importFolder(folder: string): Promise<RawPackage> {
  let st;
  try {
    st = await stat(folder); // the folder itself may be a link; nothing inside it is followed
  } catch (err) {
    throw new UserError(`loading package from folder: ${(err as Error).message}`, { cause: err });
  }
  if (!st.isDirectory()) {
    throw new UserError(`loading package from folder: ${folder} is not a directory`);
  }
  const found: [string, string][] = [];
  async function walk(dir: string, rel: string): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const e of entries) {
      if (e.name.startsWith('.') || e.isSymbolicLink()) continue;
      const abs = join(dir, e.name);
      const relPath = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(abs, relPath);
      else if (e.isFile()) found.push([relPath, abs]);
    }
  }
  const files = new Map<string, Uint8Array>();
  try {
    await walk(folder, '');
    found.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    // Read in bounded batches: far faster than one file at a time, without exhausting handles.
    for (let i = 0; i < found.length; i += 64) {
      const batch = found.slice(i, i + 64);
      const contents = await Promise.all(batch.map(([, abs]) => readFile(abs)));
      batch.forEach(([rel], j) => files.set(rel, new Uint8Array(contents[j] ?? [])));
    }
  } catch (err) {
    throw new UserError(`loading package from folder: ${(err as Error).message}`, { cause: err });
  }
  return { files };
}

/**
 * A package from an in-memory file map (Git trees, tests). Applies the same rules as a folder:
 * paths are normalised to `a/b`, and any path with a segment starting with `.` is left out.
 */
export function importFiles(
  files: ReadonlyMap<string, Uint8Array | string> | Record<string, Uint8Array | string>,
): RawPackage {
  const entries: [string, Uint8Array | string][] =
    files instanceof Map
      ? [...(files as ReadonlyMap<string, Uint8Array | string>).entries()]
      : Object.entries(files as Record<string, Uint8Array | string>);
  const out = new Map<string, Uint8Array>();
  for (const [path, content] of entries) {
    const segments = path.split('/').filter((s) => s !== '' && s !== '.');
    if (segments.length === 0) continue;
    if (segments.some((s) => s === '..')) {
      throw new UserError(`importing files: path ${JSON.stringify(path)} leaves the package`);
    }
    if (segments.some((s) => s.startsWith('.'))) continue;
    out.set(
      segments.join('/'),
      typeof content === 'string' ? new TextEncoder().encode(content) : content,
    );
  }
  return { files: new Map([...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
}
