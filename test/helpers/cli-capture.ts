/**
 * Runs the CLI in-process with captured output streams, for tests of `main()` and its verbs.
 */
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';

export interface CapturedIo {
  /** The streams to hand to `main(argv, io)`. */
  io: { stdout: PassThrough; stderr: PassThrough };
  /** Everything written to stdout so far, as UTF-8. */
  out(): string;
  /** Everything written to stderr so far, as UTF-8. */
  err(): string;
}

/** Two fresh streams whose output is collected. */
export function captureIo(): CapturedIo {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  return {
    io: { stdout, stderr },
    out: () => Buffer.concat(out).toString('utf8'),
    err: () => Buffer.concat(err).toString('utf8'),
  };
}

/** `packsync <args...>` run through `main()`: its exit code and what it printed. */
export async function runCli(
  ...args: string[]
): Promise<{ code: number; out: string; err: string }> {
  const c = captureIo();
  const code = await main(['node', 'packsync', ...args], c.io);
  return { code, out: c.out(), err: c.err() };
}
