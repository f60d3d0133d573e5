// Informers against the embedded API server: add/update/delete events, relist after 410 Expired,
// reconnect after a network partition and after a server restart, managed-cache users.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CACHE_LABEL_SELECTOR,
  Informer,
  InformerCache,
  KubeEventRecorder,
  KubeClient,
  type InformerEvent,
} from '../../src/kube/index.js';
import { startServer } from '../../src/server/index.js';
import { configMap, eventually, freshNamespace, startEnv, type Env } from './helpers.js';
import { startTcpProxy } from './tcp-proxy.js';

let env: Env;
beforeAll(async () => {
  env = await startEnv({ historySize: 8 });
});
afterAll(async () => {
  await env.stop();
});

function recorder(): { events: string[]; handler: (ev: InformerEvent) => void } {
  const events: string[] = [];
  return {
    events,
    handler: (ev) => {
      const data = ev.object.data as Record<string, string> | undefined;
      events.push(`${ev.type} ${ev.object.metadata.name}${data?.v ? `=${data.v}` : ''}`);
    },
  };
}

const fastRetry = { backoffBaseMs: 20, backoffMaxMs: 200 };
/** Labels for the test's own objects (the server adds kube-root-ca.crt to every namespace). */
const mine = { test: 'mine' };

describe('Informer', () => {
  it('lists, then delivers add, update and delete, filtered by namespace and label', async () => {
    const c = env.client;
    const ns = await freshNamespace(c);
    await c.create(configMap(ns, 'pre', { v: '0' }, { app: 'x' }));
    await c.create(configMap(ns, 'other', {}, { app: 'y' }));
    const inf = new Informer(c, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: ns,
      labelSelector: 'app=x',
    });
    const rec = recorder();
    inf.addHandler(rec.handler);
    inf.start();
    try {
      await inf.waitForSync();
      expect(rec.events).toEqual(['add pre=0']);
      await c.create(configMap(ns, 'a', { v: '1' }, { app: 'x' }));
      await c.patch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'a' }, 'merge', {
        data: { v: '2' },
      });
      await c.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'pre' });
      await eventually(() => rec.events.length >= 4, 'four events');
      expect(rec.events).toEqual(['add pre=0', 'add a=1', 'update a=2', 'delete pre=0']);
      expect(inf.get(ns, 'a')?.data).toEqual({ v: '2' });
      expect(inf.get(ns, 'other')).toBeUndefined();
      expect(inf.list().map((o) => o.metadata.name)).toEqual(['a']);
      // A late handler gets the current state replayed.
      const late = recorder();
      inf.addHandler(late.handler);
      expect(late.events).toEqual(['add a=2']);
      const h = inf.health();
      expect(h).toMatchObject({ synced: true, objects: 1, relists: 0, lastError: undefined });
    } finally {
      await inf.stop();
    }
  });

  it('reconnects after a partition and relists when the watch resourceVersion expired', async () => {
    const proxy = await startTcpProxy(env.server.port);
    const kubeconfig = env.server.kubeconfig.replace(
      env.server.url,
      `https://127.0.0.1:${proxy.port}`,
    );
    const c = await KubeClient.fromKubeConfigString(kubeconfig);
    const ns = await freshNamespace(env.client);
    await env.client.create(configMap(ns, 'keep', { v: '1' }, mine));
    await env.client.create(configMap(ns, 'doomed', { v: '1' }, mine));
    const inf = new Informer(c, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: ns,
      labelSelector: 'test=mine',
      ...fastRetry,
    });
    const rec = recorder();
    inf.addHandler(rec.handler);
    inf.start();
    try {
      await inf.waitForSync();
      await eventually(() => inf.health().watching, 'watch open');
      proxy.cut();
      await eventually(() => inf.health().reconnects >= 1, 'a failed reconnect');
      expect(inf.health().lastError).toBeDefined();
      // While partitioned: changes the informer misses, and more writes than the server's
      // watch history holds, so its resourceVersion is too old when it comes back.
      const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns };
      await env.client.delete({ ...ref, name: 'doomed' });
      await env.client.patch({ ...ref, name: 'keep' }, 'merge', { data: { v: '2' } });
      await env.client.create(configMap(ns, 'born', { v: '1' }, mine));
      const noise = await freshNamespace(env.client);
      for (let i = 0; i < 10; i++) await env.client.create(configMap(noise, `n${i}`));
      proxy.heal();
      await eventually(
        () => inf.health().relists >= 1 && inf.health().watching,
        'relisted and watching',
      );
      expect(rec.events.slice(2).sort()).toEqual([
        'add born=1',
        'delete doomed=1',
        'update keep=2',
      ]);
      expect(
        inf
          .list()
          .map((o) => o.metadata.name)
          .sort(),
      ).toEqual(['born', 'keep']);
      expect(inf.health()).toMatchObject({
        synced: true,
        lastError: undefined,
        consecutiveFailures: 0,
      });
      // Still live after the relist.
      await env.client.create(configMap(ns, 'after', { v: '1' }, mine));
      await eventually(() => rec.events.includes('add after=1'), 'event after relist');
    } finally {
      await inf.stop();
      c.close();
      await proxy.stop();
    }
  });

  it('re-opens the watch when the server ends it (timeout) without missing changes', async () => {
    const c = env.client;
    const ns = await freshNamespace(c);
    const inf = new Informer(c, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: ns,
      watchTimeoutSeconds: 1,
    });
    const rec = recorder();
    inf.addHandler(rec.handler);
    inf.start();
    try {
      await inf.waitForSync();
      const before = env.server
        .requests()
        .filter(
          (r) => r.query.includes('watch=true') && r.path.includes(`/namespaces/${ns}/`),
        ).length;
      await eventually(
        () =>
          env.server
            .requests()
            .filter((r) => r.query.includes('watch=true') && r.path.includes(`/namespaces/${ns}/`))
            .length >=
          before + 1,
        'a second watch request',
        5000,
      );
      await c.create(configMap(ns, 'x', { v: '1' }));
      await eventually(() => rec.events.includes('add x=1'), 'event on the re-opened watch');
      expect(inf.health().reconnects).toBe(0);
      expect(inf.health().relists).toBe(0);
    } finally {
      await inf.stop();
    }
  });

  it('reconnects after the API server restarts (persisted data dir)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'packsync-informer-'));
    let server = await startServer({ dataDir: dir });
    const port = server.port;
    const c = await KubeClient.fromKubeConfigString(server.kubeconfig);
    const ns = 'restart';
    await c.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await c.create(configMap(ns, 'a', { v: '1' }));
    const inf = new Informer(c, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: ns,
      ...fastRetry,
    });
    const rec = recorder();
    inf.addHandler(rec.handler);
    inf.start();
    try {
      await inf.waitForSync();
      await eventually(() => inf.health().watching, 'watch open');
      await server.stop();
      await eventually(() => inf.health().reconnects >= 1, 'informer notices the outage');
      server = await startServer({ dataDir: dir, port });
      await c.patch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'a' }, 'merge', {
        data: { v: '2' },
      });
      await c.create(configMap(ns, 'b', { v: '1' }));
      await eventually(
        () => rec.events.includes('update a=2') && rec.events.includes('add b=1'),
        'changes after the restart',
      );
      expect(inf.health()).toMatchObject({ synced: true, lastError: undefined });
    } finally {
      await inf.stop();
      c.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('keeps ordinary requests flowing with more open watches than the request socket pool', async () => {
    const c = await KubeClient.fromKubeConfigString(env.server.kubeconfig);
    const ns = await freshNamespace(c);
    const informers = Array.from(
      { length: 80 },
      (_, i) =>
        new Informer(c, {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          namespace: ns,
          labelSelector: `shard=s${i}`,
        }),
    );
    try {
      for (const inf of informers) inf.start();
      await Promise.all(informers.map((i) => i.waitForSync(15_000)));
      await eventually(() => informers.every((i) => i.health().watching), 'all watches open');
      await c.create(configMap(ns, 'last', {}, { shard: 's79' }));
      await eventually(
        () => informers[79]?.get(ns, 'last') !== undefined,
        'event on the 80th watch',
      );
      expect(
        await c.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'last' }),
      ).toBeDefined();
    } finally {
      await Promise.all(informers.map((i) => i.stop()));
      c.close();
    }
  });
});

describe('InformerCache', () => {
  it('starts informers for users on demand, filters by the cache label, and stops them when freed', async () => {
    const c = env.client;
    const ns = await freshNamespace(c);
    await c.create(configMap(ns, 'managed', {}, { 'package-operator.run/cache': 'True' }));
    await c.create(configMap(ns, 'unmanaged'));
    const cache = new InformerCache(c, { labelSelector: CACHE_LABEL_SELECTOR });
    const seen: string[] = [];
    cache.addHandler((ev) => seen.push(`${ev.kind} ${ev.type} ${ev.object.metadata.name}`));
    try {
      const cm = { apiVersion: 'v1', kind: 'ConfigMap' };
      const sa = { apiVersion: 'v1', kind: 'ServiceAccount' };
      await cache.ensure('os-1', [cm, sa]);
      await cache.ensure('os-2', [cm]);
      expect(cache.users('v1', 'ConfigMap').sort()).toEqual(['os-1', 'os-2']);
      expect(
        cache
          .health()
          .map((h) => h.kind)
          .sort(),
      ).toEqual(['ConfigMap', 'ServiceAccount']);
      const ref = { ...cm, namespace: ns };
      expect((await cache.get({ ...ref, name: 'managed' }))?.metadata.name).toBe('managed');
      // Invisible to the cache, visible to the client.
      expect(await cache.get({ ...ref, name: 'unmanaged' })).toBeUndefined();
      expect(await c.get({ ...ref, name: 'unmanaged' })).toBeDefined();
      expect(
        (await cache.list('v1', 'ConfigMap', { namespace: ns })).items.map((o) => o.metadata.name),
      ).toEqual(['managed']);
      expect(seen).toContain('ConfigMap add managed');

      await cache.free('os-1');
      expect(cache.informerFor('v1', 'ServiceAccount')).toBeUndefined();
      expect(cache.informerFor('v1', 'ConfigMap')?.running).toBe(true);
      await cache.setKinds('os-2', []);
      expect(cache.health()).toEqual([]);
      // Without an informer, reads go to the API server (unfiltered).
      expect(await cache.get({ ...ref, name: 'unmanaged' })).toBeDefined();

      await expect(
        cache.ensure('os-3', [{ apiVersion: 'none.example.com/v1', kind: 'Nothing' }]),
      ).rejects.toThrow(/no matches for kind "Nothing"/);
    } finally {
      await cache.stop();
    }
  });
});

describe('KubeEventRecorder', () => {
  it('writes core/v1 Events and folds repeats into a count', async () => {
    const c = env.client;
    const ns = await freshNamespace(c);
    const cm = await c.create(configMap(ns, 'subject'));
    const rec = new KubeEventRecorder(c, { component: 'test-component' });
    rec.event(cm, 'Warning', 'ProbeFailed', 'not ready yet');
    await rec.flush();
    rec.event(cm, 'Warning', 'ProbeFailed', 'not ready yet');
    rec.event(cm, 'Normal', 'Available', 'ready');
    await rec.flush();
    const events = (await c.list('v1', 'Event', { namespace: ns })).items;
    const byReason = Object.fromEntries(events.map((e) => [e.reason as string, e]));
    expect(Object.keys(byReason).sort()).toEqual(['Available', 'ProbeFailed']);
    expect(byReason.ProbeFailed).toMatchObject({
      type: 'Warning',
      message: 'not ready yet',
      count: 2,
      involvedObject: { kind: 'ConfigMap', name: 'subject', namespace: ns, uid: cm.metadata.uid },
      source: { component: 'test-component' },
    });
    expect(byReason.Available).toMatchObject({ type: 'Normal', count: 1 });
  });

  it('holds events back while the controllers are busy, folds repeats, and writes them when idle', async () => {
    const c = env.client;
    const ns = await freshNamespace(c);
    const cm = await c.create(configMap(ns, 'busy-subject'));
    let busy = true;
    // While busy only the burst goes out (the rate is too low for more during this test).
    const rec = new KubeEventRecorder(c, {
      busy: () => busy,
      busyBurst: 5,
      busyPerSecond: 0.001,
    });
    for (let i = 0; i < 30; i++) rec.event(cm, 'Normal', 'Step', `step ${i}`);
    // Repeats of an event still waiting become its count.
    for (let i = 0; i < 3; i++) rec.event(cm, 'Warning', 'Again', 'the same thing');
    const listed = async () => (await c.list('v1', 'Event', { namespace: ns })).items;
    await eventually(() => rec.pending === 26, 'the burst written');
    expect((await listed()).length).toBe(5);
    busy = false;
    await eventually(async () => (await listed()).length === 31, 'the rest written once idle');
    const again = (await listed()).filter((e) => e.reason === 'Again');
    expect(again.map((e) => e.count)).toEqual([3]);
    expect(rec.pending).toBe(0);
  });

  it('flush writes events held back by a busy manager', async () => {
    const c = env.client;
    const ns = await freshNamespace(c);
    const cm = await c.create(configMap(ns, 'flush-subject'));
    const rec = new KubeEventRecorder(c, { busy: () => true, busyBurst: 0, busyPerSecond: 0.001 });
    for (let i = 0; i < 10; i++) rec.event(cm, 'Normal', 'Step', `step ${i}`);
    expect(rec.pending).toBe(10);
    await rec.flush();
    expect((await c.list('v1', 'Event', { namespace: ns })).items).toHaveLength(10);
  });

  it('cache reads are copies: mutating one does not change the cache', async () => {
    const c = env.client;
    const ns = await freshNamespace(c);
    await c.create(configMap(ns, 'orig', { v: '1' }, mine));
    const cache = new InformerCache(c, { labelSelector: 'test=mine' });
    try {
      await cache.ensure('u', [{ apiVersion: 'v1', kind: 'ConfigMap' }]);
      const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'orig' };
      const a = await cache.get(ref);
      (a!.data as Record<string, string>).v = 'changed';
      expect((await cache.get(ref))?.data).toEqual({ v: '1' });
    } finally {
      await cache.stop();
    }
  });
});
