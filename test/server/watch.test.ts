// Conformance: watch from a resourceVersion, 410 Expired, informer relist, selector transitions,
// bookmarks and timeouts, pagination from a consistent snapshot.
import {
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
  Watch,
  type V1ConfigMap,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  freshNamespace,
  raw,
  startTestServer,
  testNames,
  type TestServer,
} from './helpers.js';

let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer();
});
afterAll(async () => {
  await ts.server.stop();
});

interface Seen {
  type: string;
  name: string;
  rv: string;
}

async function watchEvents(
  t: TestServer,
  path: string,
  params: Record<string, string>,
): Promise<{ seen: Seen[]; stop: () => void; done: Promise<unknown> }> {
  const seen: Seen[] = [];
  let resolveDone: (v: unknown) => void = () => undefined;
  const done = new Promise((r) => (resolveDone = r));
  const ctl = await new Watch(t.kc).watch(
    path,
    params,
    (type, obj: { metadata?: { name?: string; resourceVersion?: string }; code?: number }) => {
      if (obj.metadata?.name && testNames([obj]).length === 0) return; // the cluster's own objects
      seen.push({
        type,
        name: obj.metadata?.name ?? String(obj.code ?? ''),
        rv: obj.metadata?.resourceVersion ?? '',
      });
    },
    (err) => resolveDone(err),
  );
  return { seen, stop: () => ctl.abort(), done };
}

describe('watch', () => {
  it('replays every change after a resourceVersion, then streams new ones', async () => {
    const ns = await freshNamespace(ts);
    const a = await ts.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'a' } },
    });
    await ts.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'b' } } });
    await ts.core.patchNamespacedConfigMap(
      { name: 'a', namespace: ns, body: { data: { x: '1' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const w = await watchEvents(ts, `/api/v1/namespaces/${ns}/configmaps`, {
      resourceVersion: a.metadata?.resourceVersion ?? '',
    });
    await eventually(() => w.seen.length >= 2, 'replayed events');
    await ts.core.deleteNamespacedConfigMap({ name: 'b', namespace: ns });
    await eventually(() => w.seen.length >= 3, 'live event');
    w.stop();
    expect(w.seen.map((e) => `${e.type} ${e.name}`)).toEqual([
      'ADDED b',
      'MODIFIED a',
      'DELETED b',
    ]);
    const rvs = w.seen.map((e) => Number(e.rv));
    expect([...rvs].sort((x, y) => x - y)).toEqual(rvs);
  });

  it('without a resourceVersion starts with ADDED for the current state', async () => {
    const ns = await freshNamespace(ts);
    await ts.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'a' } } });
    const w = await watchEvents(ts, `/api/v1/namespaces/${ns}/configmaps`, {});
    await eventually(() => w.seen.length >= 1, 'initial ADDED');
    w.stop();
    expect(w.seen[0]).toMatchObject({ type: 'ADDED', name: 'a' });
  });

  it('sends an object entering the selector as ADDED and one leaving it as DELETED', async () => {
    const ns = await freshNamespace(ts);
    const w = await watchEvents(ts, `/api/v1/namespaces/${ns}/configmaps`, {
      labelSelector: 'app in (web),tier!=db',
    });
    await ts.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'c', labels: { app: 'other' } } },
    });
    const label = (labels: Record<string, string>): Promise<V1ConfigMap> =>
      ts.core.patchNamespacedConfigMap(
        { name: 'c', namespace: ns, body: { metadata: { labels } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    await label({ app: 'web' });
    await ts.core.patchNamespacedConfigMap(
      { name: 'c', namespace: ns, body: { data: { v: '1' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await label({ app: 'web', tier: 'db' });
    await ts.core.deleteNamespacedConfigMap({ name: 'c', namespace: ns });
    await ts.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'end', labels: { app: 'web' } } },
    });
    await eventually(() => w.seen.some((e) => e.name === 'end'), 'the last event');
    w.stop();
    expect(w.seen.map((e) => `${e.type} ${e.name}`)).toEqual([
      'ADDED c',
      'MODIFIED c',
      'DELETED c',
      'ADDED end',
    ]);
  });

  it('releases the watch when the client disconnects', async () => {
    const ns = await freshNamespace(ts);
    const before = ts.server.core.store.watcherCount;
    const w = await watchEvents(ts, `/api/v1/namespaces/${ns}/configmaps`, {});
    await eventually(() => ts.server.core.store.watcherCount === before + 1, 'the watch to open');
    w.stop();
    await eventually(
      () => ts.server.core.store.watcherCount === before,
      'the watch to be released',
    );
  });

  it('ends at timeoutSeconds with a bookmark when bookmarks are allowed', async () => {
    const ns = await freshNamespace(ts);
    const started = Date.now();
    const r = await raw(
      ts.server,
      'GET',
      `/api/v1/namespaces/${ns}/configmaps?watch=true&allowWatchBookmarks=true&timeoutSeconds=1`,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const lines = r.text
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            type: string;
            object: { kind: string; metadata: { resourceVersion: string } };
          },
      );
    expect(lines.at(-1)).toMatchObject({
      type: 'BOOKMARK',
      object: { kind: 'ConfigMap', apiVersion: 'v1' },
    });
    expect(Number(lines.at(-1)?.object.metadata.resourceVersion)).toBeGreaterThan(0);
  });
});

describe('bounded history', () => {
  it('answers a too old resourceVersion with an ERROR 410 event; an informer relists and catches up', async () => {
    const small = await startTestServer({ historySize: 5, watchTimeoutSeconds: 0.3 });
    try {
      const ns = await freshNamespace(small);
      const other = await freshNamespace(small);
      await small.core.createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { name: 'first' } },
      });
      for (let i = 0; i < 8; i++)
        await small.core.createNamespacedConfigMap({
          namespace: other,
          body: { metadata: { name: `x${i}` } },
        });
      const r = await raw(
        small.server,
        'GET',
        `/api/v1/namespaces/${ns}/configmaps?watch=true&resourceVersion=1`,
      );
      expect(r.status).toBe(200);
      const ev = JSON.parse(r.text.trim()) as {
        type: string;
        object: { code: number; reason: string; message: string };
      };
      expect(ev).toMatchObject({
        type: 'ERROR',
        object: { kind: 'Status', code: 410, reason: 'Expired' },
      });
      expect(ev.object.message).toMatch(/^too old resource version: 1 \(\d+\)$/);

      const path = `/api/v1/namespaces/${ns}/configmaps`;
      const informer = makeInformer<V1ConfigMap>(small.kc, path, () =>
        small.core.listNamespacedConfigMap({ namespace: ns }),
      );
      const errors: unknown[] = [];
      informer.on('error', (e) => errors.push(e));
      await informer.start();
      expect(testNames(informer.list(ns))).toEqual(['first']);
      small.server.clearRequests();
      // Writes elsewhere move the revision past the informer's, out of the 5-event history; when
      // the server closes its watch (timeout), the re-watch from the old revision gets 410.
      for (let i = 0; i < 8; i++)
        await small.core.createNamespacedConfigMap({
          namespace: other,
          body: { metadata: { name: `y${i}` } },
        });
      await eventually(
        () =>
          small.server
            .requests()
            .some((q) => q.method === 'GET' && q.path === path && !q.query.includes('watch=true')),
        'a relist by the informer',
      );
      await small.core.createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { name: 'after' } },
      });
      await eventually(() => informer.get('after', ns), 'the informer to see a new object');
      // stop() aborts the watch, which client-node reports as an AbortError; nothing before that.
      expect(errors).toEqual([]);
      await informer.stop();
      expect(testNames(informer.list(ns)).sort()).toEqual(['after', 'first']);
    } finally {
      await small.server.stop();
    }
  });
});

describe('pagination', () => {
  // Secrets: the cluster adds no secrets of its own to a namespace, so the counts are exact.
  it('serves every page from the first page snapshot with continue and remainingItemCount', async () => {
    const ns = await freshNamespace(ts);
    for (const n of ['a', 'b', 'c', 'd', 'e'])
      await ts.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: n } } });
    const p1 = await ts.core.listNamespacedSecret({ namespace: ns, limit: 2 });
    expect(p1.items.map((i) => i.metadata?.name)).toEqual(['a', 'b']);
    expect(p1.metadata?.remainingItemCount).toBe(3);
    await ts.core.deleteNamespacedSecret({ name: 'c', namespace: ns });
    await ts.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 'bb' } } });
    const names: string[] = [];
    let cont = p1.metadata?._continue;
    while (cont) {
      const p = await ts.core.listNamespacedSecret({ namespace: ns, limit: 2, _continue: cont });
      expect(p.metadata?.resourceVersion).toBe(p1.metadata?.resourceVersion);
      names.push(...p.items.map((i) => i.metadata?.name ?? ''));
      cont = p.metadata?._continue;
    }
    expect(names).toEqual(['c', 'd', 'e']);
    const fresh = await ts.core.listNamespacedSecret({ namespace: ns });
    expect(fresh.items.map((i) => i.metadata?.name)).toEqual(['a', 'b', 'bb', 'd', 'e']);
  });

  it('filters lists by label and field selectors', async () => {
    const ns = await freshNamespace(ts);
    await ts.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'a', labels: { app: 'x', tier: 'web' } } },
    });
    await ts.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'b', labels: { app: 'y' } } },
    });
    await ts.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'c' } } });
    const names = async (q: {
      labelSelector?: string;
      fieldSelector?: string;
    }): Promise<string[]> =>
      testNames((await ts.core.listNamespacedConfigMap({ namespace: ns, ...q })).items);
    expect(await names({ labelSelector: 'app' })).toEqual(['a', 'b']);
    expect(await names({ labelSelector: '!app' })).toEqual(['c']);
    expect(await names({ labelSelector: 'app notin (x)' })).toEqual(['b', 'c']);
    expect(await names({ labelSelector: 'app=x,tier==web' })).toEqual(['a']);
    expect(await names({ fieldSelector: 'metadata.name!=a' })).toEqual(['b', 'c']);
    expect(await names({ fieldSelector: `metadata.namespace=${ns},metadata.name=c` })).toEqual([
      'c',
    ]);
  });
});
