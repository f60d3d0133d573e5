// `packsync server` as a user runs it: serves, writes a kubeconfig, stops on a signal.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureIo } from '../helpers/cli-capture.js';
import { startServer } from '../../src/server/index.js';
import { clientsFor, eventually } from './helpers.js';

describe('packsync server', () => {
  it('serves HTTPS with a data dir, writes a kubeconfig clients use, and stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'packsync-cli-'));
    try {
      const cap = captureIo();
      const kubeconfig = join(dir, 'kubeconfig');
      const done = main(
        [
          'node',
          'packsync',
          'server',
          '--port',
          '0',
          '--data-dir',
          join(dir, 'data'),
          '--kubeconfig-out',
          kubeconfig,
        ],
        { stdout: cap.io.stdout, stderr: cap.io.stderr },
      );
      await eventually(() => cap.out().includes('kubeconfig written'), 'the server to start');
      expect(cap.out()).toMatch(
        /^serving on https:\/\/127\.0\.0\.1:\d+\ndata dir .*: 0 objects at revision 0\n/,
      );
      const c = clientsFor(readFileSync(kubeconfig, 'utf8'));
      const names = (await c.core.listNamespace()).items.map((n) => n.metadata?.name);
      expect(names).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
      process.emit('SIGTERM');
      expect(await done).toBe(0);
      expect(cap.err()).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a port in use as a user error', async () => {
    const other = await startServer({ insecureHttp: true });
    try {
      const cap = captureIo();
      expect(
        await main(['node', 'packsync', 'server', '--port', String(other.port)], {
          stdout: cap.io.stdout,
          stderr: cap.io.stderr,
        }),
      ).toBe(1);
      expect(cap.err()).toMatch(/^Error: listening on 127\.0\.0\.1:\d+: listen EADDRINUSE/);
    } finally {
      await other.stop();
    }
  });

  it('refuses a bad port as a user error', async () => {
    const cap = captureIo();
    expect(
      await main(['node', 'packsync', 'server', '--port', 'abc'], {
        stdout: cap.io.stdout,
        stderr: cap.io.stderr,
      }),
    ).toBe(1);
    expect(cap.err()).toBe('Error: --port: not a port number: abc\n');
  });
});
