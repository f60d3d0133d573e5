import { describe, expect, it } from 'vitest';
import { captureIo } from '../../test/helpers/cli-capture.js';
import { main } from './main.js';
import { packageVersion } from './version.js';

describe('cli main', () => {
  it('prints the version from package.json', async () => {
    const c = captureIo();
    expect(await main(['node', 'packsync', '--version'], c.io)).toBe(0);
    expect(c.out().trim()).toBe(packageVersion());
  });

  it('prints help with exit code 0', async () => {
    const c = captureIo();
    expect(await main(['node', 'packsync', '--help'], c.io)).toBe(0);
    expect(c.out()).toContain('Usage: packsync');
  });

  it('rejects an unknown command with a usage error', async () => {
    const c = captureIo();
    const code = await main(['node', 'packsync', 'no-such-verb'], c.io);
    expect(code).not.toBe(0);
    expect(c.err()).toMatch(/^error: (unknown command 'no-such-verb'|too many arguments)/m);
  });

  it('rejects an invalid log level', async () => {
    const c = captureIo();
    const code = await main(['node', 'packsync', '--log-level', 'loud', '--help'], c.io);
    expect(code).not.toBe(0);
    expect(c.err()).toContain('--log-level');
  });
});
