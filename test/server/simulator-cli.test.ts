// `packsync server --no-simulator` / `--simulator-delay` as a user runs them.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureIo } from '../helpers/cli-capture.js';
import { clientsFor, eventually } from './helpers.js';

describe('packsync server simulator flags', () => {
  it('--no-simulator leaves Deployments without status', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'packsync-sim-cli-'));
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
          '--no-simulator',
          '--kubeconfig-out',
          kubeconfig,
        ],
        { stdout: cap.io.stdout, stderr: cap.io.stderr },
      );
      await eventually(() => cap.out().includes('kubeconfig written'), 'the server to start');
      const c = clientsFor(readFileSync(kubeconfig, 'utf8'));
      await c.apps.createNamespacedDeployment({
        namespace: 'default',
        body: {
          metadata: { name: 'idle' },
          spec: {
            selector: { matchLabels: { app: 'idle' } },
            template: {
              metadata: { labels: { app: 'idle' } },
              spec: { containers: [{ name: 'c', image: 'nginx' }] },
            },
          },
        },
      });
      // The namespace controllers still run; once a later namespace is populated, the
      // deployment's event has been seen by every controller.
      await c.core.createNamespace({ body: { metadata: { name: 'later' } } });
      await eventually(
        () => c.core.readNamespacedConfigMap({ name: 'kube-root-ca.crt', namespace: 'later' }),
        'the later namespace to be populated',
      );
      const d = await c.apps.readNamespacedDeployment({ name: 'idle', namespace: 'default' });
      expect(d.status?.observedGeneration).toBeUndefined();
      process.emit('SIGTERM');
      expect(await done).toBe(0);
      expect(cap.err()).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a bad --simulator-delay as a user error', async () => {
    const cap = captureIo();
    expect(
      await main(['node', 'packsync', 'server', '--simulator-delay', 'soon'], {
        stdout: cap.io.stdout,
        stderr: cap.io.stderr,
      }),
    ).toBe(1);
    expect(cap.err()).toBe('Error: --simulator-delay: not a number of milliseconds: soon\n');
  });
});
