// `packsync server` as a user runs it: serves, writes a kubeconfig, stops on a signal.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { startServer } from '../../src/server/index.js';
import { clientsFor, eventually } from './helpers.js';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return { stream, text: () => text };
}

describe('packsync server', () => {
  it('serves HTTPS with a data dir, writes a kubeconfig clients use, and stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'packsync-cli-'));
    try {
      const out = capture();
      const err = capture();
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
        { stdout: out.stream, stderr: err.stream },
      );
      await eventually(() => out.text().includes('kubeconfig written'), 'the server to start');
      expect(out.text()).toMatch(
        /^serving on https:\/\/127\.0\.0\.1:\d+\ndata dir .*: 0 objects at revision 0\n/,
      );
      const c = clientsFor(readFileSync(kubeconfig, 'utf8'));
      const names = (await c.core.listNamespace()).items.map((n) => n.metadata?.name);
      expect(names).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
      process.emit('SIGTERM');
      expect(await done).toBe(0);
      expect(err.text()).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a port in use as a user error', async () => {
    const other = await startServer({ insecureHttp: true });
    try {
      const out = capture();
      const err = capture();
      expect(
        await main(['node', 'packsync', 'server', '--port', String(other.port)], {
          stdout: out.stream,
          stderr: err.stream,
        }),
      ).toBe(1);
      expect(err.text()).toMatch(/^Error: listening on 127\.0\.0\.1:\d+: listen EADDRINUSE/);
    } finally {
      await other.stop();
    }
  });

  it('refuses a bad port as a user error', async () => {
    const out = capture();
    const err = capture();
    expect(
      await main(['node', 'packsync', 'server', '--port', 'abc'], {
        stdout: out.stream,
        stderr: err.stream,
      }),
    ).toBe(1);
    expect(err.text()).toBe('Error: --port: not a port number: abc\n');
  });
});
