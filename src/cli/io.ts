import type { Writable } from 'node:stream';

/** Where a command writes. Injected so tests capture output without a child process. */
export interface CliIO {
  stdout: Writable;
  stderr: Writable;
}

export function write(stream: Writable, text: string): void {
  stream.write(text);
}
