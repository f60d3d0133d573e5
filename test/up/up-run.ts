/**
 * `packsync up` as a child process, as a user runs it (`node bin/packsync.js up ...`), for the
 * end-to-end tests: the build check and a runner that waits on the output.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const repo = resolve(import.meta.dirname, '../..');
const bin = join(repo, 'bin/packsync.js');

/** Newest modification time of the non-test TypeScript under `dir`. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
      newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** `bin/packsync.js` runs dist/: rebuild it when the sources are newer (a fresh clone has it from npm ci). */
export function ensureBuilt(): void {
  const main = join(repo, 'dist/cli/main.js');
  if (existsSync(main) && statSync(main).mtimeMs >= newestSource(join(repo, 'src'))) return;
  const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: repo, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}${r.stderr}`);
}

export interface UpRun {
  proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the output once it matches `re`; rejects when the process ends first or after `ms`. */
  waitFor(re: RegExp, ms?: number): Promise<string>;
  exited: Promise<number | null>;
}

/** Starts `packsync up ARGS` in `cwd` (no colours); `waitMs` is the default of `waitFor`. */
export function runUp(cwd: string, args: string[], waitMs = 60_000): UpRun {
  const proc = spawn(process.execPath, [bin, 'up', ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  proc.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  });
  proc.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return {
    proc,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor: (re, ms = waitMs) =>
      new Promise<string>((resolveWait, reject) => {
        const done = (): void => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        const check = (): void => {
          if (!re.test(out)) return;
          done();
          resolveWait(out);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no ${re} in output after ${ms} ms:\n${out}\n${err}`));
        }, ms);
        listeners.add(check);
        void exited.then((code) => {
          if (re.test(out)) return;
          done();
          reject(new Error(`exited ${code} before ${re}:\n${out}\n${err}`));
        });
        check();
      }),
  };
}
