// Persistence: state survives a clean restart and a kill -9 of a child process in the middle of
// writes (every acknowledged write is there); a torn or corrupt log is reported, never dropped.
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { clientsFor, eventually, startTestServer, testNames } from './helpers.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'packsync-server-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('persistence', () => {
  it('keeps objects, CRDs, the token and the CA across a restart; revisions keep rising', async () => {
    const dir = tempDir();
    const a = await startTestServer({ dataDir: dir });
    await a.core.createNamespace({ body: { metadata: { name: 'p' } } });
    await a.core.createNamespacedConfigMap({
      namespace: 'p',
      body: { metadata: { name: 'keep' }, data: { k: 'v' } },
    });
    await a.core.createNamespacedConfigMap({
      namespace: 'p',
      body: { metadata: { name: 'gone' } },
    });
    await a.core.deleteNamespacedConfigMap({ name: 'gone', namespace: 'p' });
    await a.ext.createCustomResourceDefinition({
      body: {
        metadata: { name: 'things.example.com' },
        spec: {
          group: 'example.com',
          scope: 'Cluster',
          names: { plural: 'things', kind: 'Thing' },
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              schema: {
                openAPIV3Schema: { type: 'object', x_kubernetes_preserve_unknown_fields: true },
              },
            },
          ],
        },
      },
    });
    await eventually(async () => {
      try {
        return (await a.custom.createClusterCustomObject({
          group: 'example.com',
          version: 'v1',
          plural: 'things',
          body: { apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 't1' }, x: 1 },
        })) as unknown;
      } catch {
        return undefined;
      }
    }, 'the CRD to serve');
    const lastRv = Number((await a.core.listNamespace()).metadata?.resourceVersion);
    const { token, caCert } = a.server;
    await a.server.stop();

    const b = await startTestServer({ dataDir: dir });
    try {
      await expect(startTestServer({ dataDir: dir })).rejects.toThrow(
        'is already in use by a server in this process',
      );
      expect(b.server.token).toBe(token);
      expect(b.server.caCert).toBe(caCert);
      expect(b.server.recovered.revision).toBe(lastRv);
      const keep = await b.core.readNamespacedConfigMap({ name: 'keep', namespace: 'p' });
      expect(keep.data).toEqual({ k: 'v' });
      expect(testNames((await b.core.listNamespacedConfigMap({ namespace: 'p' })).items)).toEqual([
        'keep',
      ]);
      const thing = (await b.custom.getClusterCustomObject({
        group: 'example.com',
        version: 'v1',
        plural: 'things',
        name: 't1',
      })) as { x: number };
      expect(thing.x).toBe(1);
      const next = await b.core.createNamespacedConfigMap({
        namespace: 'p',
        body: { metadata: { name: 'next' } },
      });
      expect(Number(next.metadata?.resourceVersion)).toBeGreaterThan(lastRv);
    } finally {
      await b.server.stop();
    }
  });

  it('after kill -9 in the middle of writes, every acknowledged write is there', async () => {
    const dir = tempDir();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'child-server.ts'), dir],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`child exited with ${String(code)}`)));
      });
      const { kubeconfig } = JSON.parse(line) as { kubeconfig: string };
      const c = clientsFor(kubeconfig);
      const acked = new Map<string, string>();
      let killed = false;
      const writer = async (w: number): Promise<void> => {
        for (let i = 0; !killed; i++) {
          const name = `w${w}-${i}`;
          try {
            const cm = await c.core.createNamespacedConfigMap({
              namespace: 'default',
              body: { metadata: { name }, data: { payload: 'x'.repeat(2000) } },
            });
            acked.set(name, cm.metadata?.resourceVersion ?? '');
          } catch {
            return;
          }
        }
      };
      const writers = [0, 1, 2, 3, 4, 5].map(writer);
      await eventually(() => acked.size >= 150, 'acknowledged writes');
      child.kill('SIGKILL');
      killed = true;
      await Promise.all(writers);
      await new Promise((r) =>
        child.exitCode !== null || child.signalCode !== null ? r(undefined) : child.once('exit', r),
      );

      const s = await startTestServer({ dataDir: dir });
      try {
        const items = new Map(
          (await s.core.listNamespacedConfigMap({ namespace: 'default' })).items.map((i) => [
            i.metadata?.name ?? '',
            i.metadata?.resourceVersion ?? '',
          ]),
        );
        const missing = [...acked.keys()].filter((n) => !items.has(n));
        expect(missing).toEqual([]);
        for (const [n, rv] of acked) expect(items.get(n)).toBe(rv);
        const maxAcked = Math.max(...[...acked.values()].map(Number));
        expect(s.server.recovered.revision).toBeGreaterThanOrEqual(maxAcked);
      } finally {
        await s.server.stop();
      }
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  it('cuts a torn last record and reports it; refuses to start on a corrupt record with its offset', async () => {
    const dir = tempDir();
    const a = await startTestServer({ dataDir: dir });
    await a.core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'a' } },
    });
    await a.server.stop();
    const log = join(dir, 'store', 'wal.log');
    const good = readFileSync(log);
    appendFileSync(log, '0badc0de {"rev":99,"key":"/configmaps|default|torn"');
    const b = await startTestServer({ dataDir: dir });
    try {
      expect(b.server.recovered.tornTail).toEqual({
        offset: good.length,
        bytes: expect.any(Number) as number,
      });
      await b.core.readNamespacedConfigMap({ name: 'a', namespace: 'default' });
    } finally {
      await b.server.stop();
    }
    const lines = readFileSync(log, 'utf8').split('\n');
    lines[1] = (lines[1] ?? '').replace('"name"', '"nAme"');
    writeFileSync(log, lines.join('\n'));
    const offset = (lines[0] ?? '').length + 1;
    await expect(startTestServer({ dataDir: dir })).rejects.toThrow(
      `corrupt record at byte offset ${offset}`,
    );
  });
});
