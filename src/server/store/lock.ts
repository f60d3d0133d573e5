/**
 * One server per data dir: a `lock` file holding the owner's pid. A lock whose process is gone
 * (kill -9) is taken over; a live one is refused.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../../errors.js';

const held = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the data dir's lock; returns its release function. */
export function lockDataDir(dir: string): () => void {
  const abs = resolve(dir);
  const file = join(abs, 'lock');
  if (held.has(abs))
    throw new UserError(`data dir ${dir} is already in use by a server in this process`);
  let owner: number | undefined;
  try {
    owner = Number(readFileSync(file, 'utf8').trim());
  } catch {
    owner = undefined;
  }
  if (owner !== undefined && Number.isInteger(owner) && owner !== process.pid && alive(owner)) {
    throw new UserError(
      `data dir ${dir} is in use by process ${owner} (remove ${file} if that is not a packsync server)`,
    );
  }
  writeFileSync(file, `${process.pid}\n`);
  held.add(abs);
  return () => {
    held.delete(abs);
    rmSync(file, { force: true });
  };
}
