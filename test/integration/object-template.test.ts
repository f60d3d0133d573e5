/**
 * The ObjectTemplate controller on the embedded API server: a ConfigMap rendered from a source
 * ConfigMap's values, re-rendered when the source changes; a missing source and a broken template
 * reported in the `package-operator.run/Invalid` condition.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crds } from '../../src/apis/index.js';
import { setupObjectTemplate } from '../../src/controllers/object-template/setup.js';
import { Manager, type Controller } from '../../src/controllers/runtime/index.js';
import { CACHE_LABEL, KubeClient, type KubeObject } from '../../src/kube/index.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import {
  PKO,
  conditionOf,
  eventually,
  freshNamespace,
  waitForCondition,
  writesSince,
} from './revision-helpers.js';

const INVALID = 'package-operator.run/Invalid';

let server: RunningServer;
let client: KubeClient;
let mgr: Manager;
const controllers: Controller[] = [];

beforeAll(async () => {
  server = await startServer();
  client = await KubeClient.fromKubeConfigString(server.kubeconfig);
  for (const crd of crds()) await client.create(crd as unknown as KubeObject);
  await eventually(
    async () => (await client.mapper.tryMapping(PKO, 'ObjectTemplate')) !== undefined,
    'ObjectTemplate served',
  );
  mgr = new Manager({ client, informer: { backoffBaseMs: 20 } });
  for (const kind of ['ObjectTemplate', 'ClusterObjectTemplate'] as const) {
    const c = await setupObjectTemplate(kind, { sourceRetryMs: 200 }).setup(mgr, { workers: 2 });
    controllers.push(c);
    mgr.add(c);
  }
  await mgr.start();
}, 60_000);

afterAll(async () => {
  await mgr?.stop(2_000);
  client?.close();
  await server?.stop();
});

const template = (ns: string, name: string, tpl: string, sources: unknown[]): KubeObject => ({
  apiVersion: PKO,
  kind: 'ObjectTemplate',
  metadata: { name, namespace: ns },
  spec: { template: tpl, sources },
});

const outTemplate = `apiVersion: v1
kind: ConfigMap
metadata:
  name: rendered
data:
  greeting: {{ .config.greeting | upper | quote }}
  replicas: {{ .config.nested.replicas | quote }}
`;

const source = (name: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  name,
  items: [
    { key: '.data.greeting', destination: '.greeting' },
    { key: '{.data.replicas}', destination: '.nested.replicas' },
  ],
});

async function renderedData(ns: string, want: Record<string, string>): Promise<KubeObject> {
  return eventually(
    async () => {
      const o = await client.get({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        name: 'rendered',
        namespace: ns,
      });
      return o !== undefined && JSON.stringify(o.data) === JSON.stringify(want) && o;
    },
    `rendered ConfigMap with ${JSON.stringify(want)}`,
  );
}

describe('ObjectTemplate', () => {
  it('renders a ConfigMap from a source and re-renders when the source changes', async () => {
    const ns = await freshNamespace(client, 'ot');
    await client.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'values', namespace: ns },
      data: { greeting: 'hello', replicas: '3' },
    });
    const ot = await client.create(template(ns, 'tpl', outTemplate, [source('values')]));

    const out = await renderedData(ns, { greeting: 'HELLO', replicas: '3' });
    expect(out.metadata.labels?.[CACHE_LABEL]).toBe('True');
    expect(out.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'ObjectTemplate', uid: ot.metadata.uid, controller: true }),
    ]);
    // The source got the cache label so its changes are seen.
    const src = await client.get({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      name: 'values',
      namespace: ns,
    });
    expect(src?.metadata.labels?.[CACHE_LABEL]).toBe('True');
    const st = await eventually(async () => {
      const o = await client.get({
        apiVersion: PKO,
        kind: 'ObjectTemplate',
        name: 'tpl',
        namespace: ns,
      });
      return (o?.status as { controllerOf?: unknown } | undefined)?.controllerOf !== undefined && o;
    }, 'controllerOf');
    expect((st.status as { controllerOf: unknown }).controllerOf).toEqual({
      kind: 'ConfigMap',
      group: '',
      name: 'rendered',
      namespace: ns,
      version: 'v1',
    });
    expect(conditionOf(st, INVALID)).toBeUndefined();

    // Steady state: reconciling again writes nothing.
    const from = server.requests().length;
    const c = controllers[0]!;
    c.enqueue(`${ns}/tpl`);
    await eventually(() => c.queue.length === 0 && c.queue.inProcess === 0, 'reconciled again');
    expect(writesSince(server, from).filter((w) => w.path.includes(`/namespaces/${ns}/`))).toEqual(
      [],
    );

    await client.patch(
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'values', namespace: ns },
      'merge',
      {
        data: { greeting: 'bye' },
      },
    );
    await renderedData(ns, { greeting: 'BYE', replicas: '3' });
  });

  it('reports a missing source and recovers once it exists', async () => {
    const ns = await freshNamespace(client, 'ot');
    await client.create(template(ns, 'tpl', outTemplate, [source('later')]));
    const ref = { apiVersion: PKO, kind: 'ObjectTemplate', name: 'tpl', namespace: ns };
    const bad = await waitForCondition(client, ref, INVALID, 'True', 'SourceError');
    expect(conditionOf(bad, INVALID)?.message).toContain('later');

    await client.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'later', namespace: ns },
      data: { greeting: 'hi', replicas: '1' },
    });
    await renderedData(ns, { greeting: 'HI', replicas: '1' });
    await eventually(
      async () => conditionOf(await client.get(ref), INVALID) === undefined,
      'Invalid condition cleared',
    );
  });

  it('reports a template error', async () => {
    const ns = await freshNamespace(client, 'ot');
    const ref = { apiVersion: PKO, kind: 'ObjectTemplate', name: 'broken', namespace: ns };
    await client.create(template(ns, 'broken', '{{ .config.missing.deeper }', []));
    const bad = await waitForCondition(client, ref, INVALID, 'True', 'TemplateError');
    expect(conditionOf(bad, INVALID)?.message).not.toBe('');
  });

  it('ClusterObjectTemplate reads from and writes to the namespaces it names', async () => {
    const ns = await freshNamespace(client, 'cot');
    await client.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'values', namespace: ns },
      data: { greeting: 'cluster', replicas: '2' },
    });
    const tpl = outTemplate.replace('  name: rendered\n', `  name: rendered\n  namespace: ${ns}\n`);
    await client.create({
      apiVersion: PKO,
      kind: 'ClusterObjectTemplate',
      metadata: { name: `cot-${ns}` },
      spec: { template: tpl, sources: [{ ...source('values'), namespace: ns }] },
    });
    const out = await renderedData(ns, { greeting: 'CLUSTER', replicas: '2' });
    expect(out.metadata.ownerReferences?.[0]?.kind).toBe('ClusterObjectTemplate');
  });
});
