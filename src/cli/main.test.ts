import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from './main.js';
import { packageVersion } from './version.js';

function capture() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (c: Buffer) => out.push(c.toString()));
  stderr.on('data', (c: Buffer) => err.push(c.toString()));
  return { io: { stdout, stderr }, out: () => out.join(''), err: () => err.join('') };
}

describe('cli main', () => {
  it('prints the version from package.json', async () => {
    const c = capture();
    expect(await main(['node', 'packsync', '--version'], c.io)).toBe(0);
    expect(c.out().trim()).toBe(packageVersion());
  });

  it('prints help with exit code 0', async () => {
    const c = capture();
    expect(await main(['node', 'packsync', '--help'], c.io)).toBe(0);
    expect(c.out()).toContain('Usage: packsync');
  });

  it('rejects an unknown command with a usage error', async () => {
    const c = capture();
    const code = await main(['node', 'packsync', 'no-such-verb'], c.io);
    expect(code).not.toBe(0);
    expect(c.err()).toMatch(/^error: (unknown command 'no-such-verb'|too many arguments)/m);
  });

  it('rejects an invalid log level', async () => {
    const c = capture();
    const code = await main(['node', 'packsync', '--log-level', 'loud', '--help'], c.io);
    expect(code).not.toBe(0);
    expect(c.err()).toContain('--log-level');
  });
});
