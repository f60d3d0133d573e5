// Informer store details that keep the manager small and fast: managedFields are not kept, and a
// list by label equality (served from a label index) sees exactly what a full scan would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Informer, InformerCache } from '../../src/kube/index.js';
import { configMap, eventually, freshNamespace, startEnv, type Env } from './helpers.js';

let env: Env;
beforeAll(async () => {
  env = await startEnv();
});
afterAll(async () => {
  await env.stop();
});

const names = (objs: { metadata: { name?: string } }[]) => objs.map((o) => o.metadata.name).sort();

describe('Informer store', () => {
  it('drops managedFields unless asked to keep them', async () => {
    const c = env.client;
    const ns = await freshNamespace(c, 'mf');
    await c.apply(configMap(ns, 'a', { v: '1' }), { force: true });
    const live = await c.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'a' });
    expect(live?.metadata.managedFields?.length).toBeGreaterThan(0);
    const plain = new Informer(c, { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns });
    const keeping = new Informer(c, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: ns,
      keepManagedFields: true,
    });
    plain.start();
    keeping.start();
    try {
      await Promise.all([plain.waitForSync(), keeping.waitForSync()]);
      expect(plain.get(ns, 'a')?.metadata.managedFields).toBeUndefined();
      expect(plain.get(ns, 'a')?.data).toEqual({ v: '1' });
      expect(keeping.get(ns, 'a')?.metadata.managedFields?.length).toBeGreaterThan(0);
      // Objects arriving over the watch too.
      await c.apply(configMap(ns, 'b', { v: '2' }), { force: true });
      await eventually(() => plain.get(ns, 'b') !== undefined, 'b in the store');
      expect(plain.get(ns, 'b')?.metadata.managedFields).toBeUndefined();
    } finally {
      await Promise.all([plain.stop(), keeping.stop()]);
    }
  });

  it('lists by label equality the same as a full scan, through adds, relabels and deletes', async () => {
    const c = env.client;
    const ns = await freshNamespace(c, 'idx');
    const ref = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name });
    await c.create(configMap(ns, 'x1', {}, { app: 'x', tier: 'a' }));
    await c.create(configMap(ns, 'y1', {}, { app: 'y' }));
    const cache = new InformerCache(c);
    await cache.ensure('test', [{ apiVersion: 'v1', kind: 'ConfigMap' }]);
    const inf = cache.informerFor('v1', 'ConfigMap')!;
    const check = (selector: string) => {
      const scan = inf.list({ namespace: ns }).filter((o) => {
        const l = o.metadata.labels ?? {};
        return selector.split(',').every((p) => {
          const [k, v] = p.split('=');
          return l[k!] === v;
        });
      });
      expect(names(inf.list({ namespace: ns, labelSelector: selector }))).toEqual(names(scan));
      return names(scan);
    };
    try {
      expect(check('app=x')).toEqual(['x1']); // builds the index
      await c.create(configMap(ns, 'x2', {}, { app: 'x' }));
      await c.patch(ref('y1'), 'merge', { metadata: { labels: { app: 'x' } } });
      await c.patch(ref('x1'), 'merge', { metadata: { labels: { app: 'z' } } });
      await eventually(
        () => inf.get(ns, 'x1')?.metadata.labels?.app === 'z' && inf.get(ns, 'x2') !== undefined,
        'changes seen',
      );
      expect(check('app=x')).toEqual(['x2', 'y1']);
      expect(check('app=z,tier=a')).toEqual(['x1']);
      await c.delete(ref('x2'));
      await eventually(() => inf.get(ns, 'x2') === undefined, 'x2 gone');
      expect(check('app=x')).toEqual(['y1']);
      // The cache hands out copies: changing one leaves the store intact.
      const listed = await cache.list('v1', 'ConfigMap', { namespace: ns, labelSelector: 'app=x' });
      listed.items[0]!.metadata.labels!.app = 'changed';
      expect(check('app=x')).toEqual(['y1']);
    } finally {
      await cache.stop();
    }
  });
});
