// The controller runtime end to end against the embedded API server: a small "mirror" controller
// (ConfigMap -> owned copy) run by a Manager, with owner-mapped events from the managed cache,
// requeueAfter, retry policy, events, metrics and graceful shutdown.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CACHE_LABEL,
  KubeClient,
  isNotFound,
  splitKey,
  type KubeObject,
} from '../../src/kube/index.js';
import {
  Controller,
  Manager,
  RetryAfterError,
  TerminalError,
  enqueueObject,
  enqueueOwner,
  type Result,
} from '../../src/controllers/runtime/index.js';
import { RuntimeMetrics, createRegistry } from '../../src/metrics/index.js';
import {
  configMap,
  eventually,
  freshNamespace,
  startEnv,
  widgetCrd,
  type Env,
} from '../kube/helpers.js';

let env: Env;
beforeAll(async () => {
  env = await startEnv();
});
afterAll(async () => {
  await env.stop();
});

const CM = { apiVersion: 'v1', kind: 'ConfigMap' };

interface Harness {
  mgr: Manager;
  ctrl: Controller;
  metrics: RuntimeMetrics;
  calls: Map<string, number>;
  gate: { wait?: Promise<void>; entered?: () => void };
}

/**
 * Mirrors ConfigMaps labelled `mirror=yes` into `<name>-mirror` (owned, cache-labelled).
 * Source annotations steer the outcome: `fail-times: N` (generic errors N times), `terminal`,
 * `requeue-ms`, `wait-ms` (RetryAfterError once).
 */
function harness(ns: string): Harness {
  const registry = createRegistry({ processMetrics: false });
  const metrics = new RuntimeMetrics(registry);
  const mgr = new Manager({ client: env.client, metrics, informer: { backoffBaseMs: 20 } });
  const calls = new Map<string, number>();
  const gate: Harness['gate'] = {};
  const reconcile = async (key: string): Promise<Result | undefined> => {
    const n = (calls.get(key) ?? 0) + 1;
    calls.set(key, n);
    const { namespace, name } = splitKey(key);
    const src = await mgr.watches.get({ ...CM, namespace, name });
    if (src === undefined || src.metadata.labels?.mirror !== 'yes') return undefined;
    const ann = src.metadata.annotations ?? {};
    if (gate.wait !== undefined) {
      gate.entered?.();
      await gate.wait;
    }
    if (ann.terminal !== undefined) throw new TerminalError('source says it cannot work');
    if (n <= Number(ann['fail-times'] ?? 0)) throw new Error(`failure ${n}`);
    if (ann['wait-ms'] !== undefined && n === 1)
      throw new RetryAfterError(Number(ann['wait-ms']), 'waiting');
    const mirror: KubeObject = {
      ...CM,
      metadata: {
        name: `${name}-mirror`,
        namespace,
        labels: { [CACHE_LABEL]: 'True' },
        ownerReferences: [
          { apiVersion: 'v1', kind: 'ConfigMap', name, uid: src.metadata.uid!, controller: true },
        ],
      },
      data: src.data ?? {},
    };
    const live = await mgr.managed.get({ ...CM, namespace, name: mirror.metadata.name! });
    if (live === undefined || JSON.stringify(live.data ?? {}) !== JSON.stringify(mirror.data)) {
      await env.client.apply(mirror, { force: true });
      mgr.events.event(src, 'Normal', 'Mirrored', `mirrored into ${mirror.metadata.name}`);
    }
    const requeue = ann['requeue-ms'];
    return requeue === undefined ? undefined : { requeueAfter: Number(requeue) };
  };
  const ctrl = new Controller({
    name: 'mirror',
    reconcile,
    workers: 3,
    metrics,
    queue: { baseDelayMs: 10 },
  });
  mgr.watch('mirror', CM, (ev) => {
    if (ev.object.metadata.namespace === ns) enqueueObject(ctrl)(ev);
  });
  mgr.add(ctrl);
  // The managed cache only sees labelled objects; its owners are enqueued.
  // (Each test has its own namespace; objects of earlier tests are not this harness's business.)
  const toOwner = enqueueOwner(ctrl, { ...CM, namespaced: true });
  mgr.managed.addHandler((ev) => {
    if (ev.object.metadata.namespace === ns) toOwner(ev);
  });
  return { mgr, ctrl, metrics, calls, gate };
}

async function startHarness(ns: string): Promise<Harness> {
  const h = harness(ns);
  await h.mgr.start();
  await h.mgr.managed.ensure('mirror', [CM]);
  return h;
}

const mirrorOf = (ns: string, name: string) =>
  env.client.get({ ...CM, namespace: ns, name: `${name}-mirror` });
const mirrorData = async (ns: string, name: string) =>
  (await mirrorOf(ns, name))?.data as Record<string, string> | undefined;

describe('controller runtime', () => {
  it('reconciles on object and owned-object events, and reports metrics and events', async () => {
    const ns = await freshNamespace(env.client);
    const h = await startHarness(ns);
    try {
      expect(h.mgr.readyz().ok).toBe(true);
      await env.client.create({ ...configMap(ns, 'a', { x: '1' }, { mirror: 'yes' }) });
      await eventually(async () => (await mirrorData(ns, 'a'))?.x === '1', 'mirror created');

      await env.client.patch({ ...CM, namespace: ns, name: 'a' }, 'merge', { data: { x: '2' } });
      await eventually(async () => (await mirrorData(ns, 'a'))?.x === '2', 'mirror updated');

      // Deleting the owned object triggers the owner through the managed cache.
      await env.client.delete({ ...CM, namespace: ns, name: 'a-mirror' });
      await eventually(
        async () => (await mirrorOf(ns, 'a'))?.metadata.uid !== undefined,
        'mirror re-created',
      );

      const events = await eventually(async () => {
        await h.mgr.events.flush();
        const l = await env.client.list('v1', 'Event', { namespace: ns });
        return l.items.length > 0 && l.items;
      }, 'event written');
      const ev = events.find((e) => e.reason === 'Mirrored')!;
      expect(ev).toMatchObject({
        type: 'Normal',
        involvedObject: { kind: 'ConfigMap', name: 'a', namespace: ns },
        source: { component: 'packsync' },
      });

      const text = await h.metrics.registry.metrics();
      expect(text).toMatch(
        /packsync_reconcile_total\{controller="mirror",result="success"\} [1-9]/,
      );
      expect(text).toMatch(/packsync_workqueue_adds_total\{name="mirror"\} [1-9]/);
      expect(text).toMatch(/packsync_informers\{cache="managed"\} 1/);
      expect(text).toMatch(/package_operator_managed_cache_informers_total\{owner="packsync"\} 1/);
      expect(text).toMatch(/packsync_informer_objects\{cache="managed",kind="ConfigMap"\} [1-9]/);
      expect(text).toMatch(
        /package_operator_managed_cache_objects_total\{owner="packsync",gvk="\/v1, Kind=ConfigMap"\} [1-9]/,
      );
    } finally {
      await h.mgr.stop();
    }
  });

  it('retries errors with backoff, drops terminal errors, waits on RetryAfterError, requeues after', async () => {
    const ns = await freshNamespace(env.client);
    const h = await startHarness(ns);
    const key = (n: string) => `${ns}/${n}`;
    try {
      await env.client.create({
        ...configMap(ns, 'flaky', { v: '1' }, { mirror: 'yes' }),
        metadata: {
          name: 'flaky',
          namespace: ns,
          labels: { mirror: 'yes' },
          annotations: { 'fail-times': '3' },
        },
      });
      await eventually(
        async () => (await mirrorOf(ns, 'flaky')) !== undefined,
        'flaky mirrored after retries',
      );
      expect(h.calls.get(key('flaky'))).toBeGreaterThanOrEqual(4);

      await env.client.create({
        ...configMap(ns, 'doomed', {}, { mirror: 'yes' }),
        metadata: {
          name: 'doomed',
          namespace: ns,
          labels: { mirror: 'yes' },
          annotations: { terminal: 'yes' },
        },
      });
      await eventually(() => h.calls.get(key('doomed')) === 1, 'terminal reconcile ran');
      await eventually(() => h.ctrl.queue.inProcess === 0, 'worker idle');
      expect(h.ctrl.queue.numRequeues(key('doomed'))).toBe(0);
      expect(h.ctrl.queue.delayed).toBe(0);
      expect(h.ctrl.queue.length).toBe(0);

      await env.client.create({
        ...configMap(ns, 'patient', {}, { mirror: 'yes' }),
        metadata: {
          name: 'patient',
          namespace: ns,
          labels: { mirror: 'yes' },
          annotations: { 'wait-ms': '50' },
        },
      });
      await eventually(
        async () => (await mirrorOf(ns, 'patient')) !== undefined,
        'mirrored after the wait',
      );
      expect(h.calls.get(key('patient'))).toBeGreaterThanOrEqual(2);

      // requeueAfter: reconciled again with no event at all.
      await env.client.create({
        ...configMap(ns, 'periodic', {}, { mirror: 'yes' }),
        metadata: {
          name: 'periodic',
          namespace: ns,
          labels: { mirror: 'yes' },
          annotations: { 'requeue-ms': '30' },
        },
      });
      await eventually(() => (h.calls.get(key('periodic')) ?? 0) >= 4, 'periodic re-checks');

      const text = await h.metrics.registry.metrics();
      expect(text).toMatch(/packsync_reconcile_errors_total\{controller="mirror"\} [4-9]/);
      expect(text).toMatch(/packsync_workqueue_retries_total\{name="mirror"\} [3-9]/);
    } finally {
      await h.mgr.stop();
    }
  });

  it('stops gracefully: waits for in-flight reconciles, takes no new keys', async () => {
    const ns = await freshNamespace(env.client);
    const h = await startHarness(ns);
    let release: () => void = () => undefined;
    let entered: () => void = () => undefined;
    const inside = new Promise<void>((r) => (entered = r));
    h.gate.wait = new Promise<void>((r) => (release = r));
    h.gate.entered = entered;
    await env.client.create(configMap(ns, 'slow', { v: '1' }, { mirror: 'yes' }));
    await inside;
    let stopped = false;
    const stopping = h.mgr.stop().then(() => (stopped = true));
    await env.client.create(configMap(ns, 'late', { v: '1' }, { mirror: 'yes' }));
    // Give the stop a chance to (wrongly) finish while the reconcile is held.
    await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(false);
    expect(h.mgr.readyz().ok).toBe(false);
    h.gate.wait = undefined;
    release();
    await stopping;
    expect(stopped).toBe(true);
    // The in-flight reconcile completed its write; nothing ran afterwards.
    expect((await mirrorOf(ns, 'slow'))?.data).toEqual({ v: '1' });
    expect(h.calls.get(`${ns}/late`)).toBeUndefined();
    await expect(mirrorOf(ns, 'late')).resolves.toBeUndefined();
  });

  it('a deleted source leaves nothing to do (level-based: reads state, not events)', async () => {
    const ns = await freshNamespace(env.client);
    const h = await startHarness(ns);
    try {
      await env.client.create(configMap(ns, 'gone', { v: '1' }, { mirror: 'yes' }));
      await eventually(async () => (await mirrorOf(ns, 'gone')) !== undefined, 'mirrored');
      await env.client.delete(
        { ...CM, namespace: ns, name: 'gone' },
        { propagationPolicy: 'Background' },
      );
      // The server's garbage collector removes the owned mirror.
      await eventually(async () => {
        try {
          return (await mirrorOf(ns, 'gone')) === undefined;
        } catch (err) {
          return isNotFound(err);
        }
      }, 'mirror garbage-collected');
      await eventually(
        () => h.ctrl.queue.length === 0 && h.ctrl.queue.inProcess === 0,
        'queue idle',
      );
    } finally {
      await h.mgr.stop();
    }
  });

  it('finds a kind as soon as its CRD becomes Established (discovery refreshed by the manager)', async () => {
    // A minute-long negative discovery cache: only the manager's CRD watch can refresh it in time.
    const client = await KubeClient.fromKubeConfigString(env.server.kubeconfig, {
      discoveryNegativeTtlMs: 60_000,
    });
    const mgr = new Manager({ client });
    await mgr.start();
    try {
      expect(await client.resourceFor('fresh.example.com/v1', 'Widget')).toBeUndefined();
      await env.client.create(widgetCrd('fresh.example.com'));
      const m = await eventually(
        () => client.resourceFor('fresh.example.com/v1', 'Widget'),
        'Widget discovered',
      );
      expect(m).toMatchObject({ resource: 'widgets', namespaced: true });
    } finally {
      await mgr.stop();
      client.close();
    }
  });
});
