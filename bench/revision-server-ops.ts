// Server CPU per request of a revision rollout, without HTTP, clients or other processes: the
// API core of the embedded server (in this process, workload simulator off) gets the writes one
// ObjectDeployment rollout makes (deployment create, ObjectSet create, SSA dry-run and apply of
// its 4 objects, 2 events, 2 status writes), then the 4 applies `kubectl apply --server-side`
// makes for the same objects, and prints the CPU per kind of write. Steadier than the wall-clock
// figures of revision-engine.ts on a busy machine.
// Run: npx tsx bench/revision-server-ops.ts [count] [source root (default: this checkout)]
import { join, resolve } from 'node:path';
import { rolloutObjects as objects } from './children.js';

const N = Number(process.argv[2] ?? 500);
const root = resolve(process.argv[3] ?? join(import.meta.dirname, '..'));
type Any = Record<string, unknown>;
const server = (await import(join(root, 'src/server/index.ts'))) as {
  startServer: (o: object) => Promise<{
    core: {
      registry: { find(g: string, v: string, r: string): unknown };
      create(t: unknown, ns: string, body: unknown, o?: object): Any;
      update(t: unknown, ns: string, name: string, body: unknown, o?: object): { obj: Any };
      patch(t: unknown, ns: string, n: string, ty: string, raw: string, o?: object): unknown;
    };
    stop(): Promise<void>;
  }>;
};
const { crds } = (await import(join(root, 'src/apis/index.ts'))) as { crds: () => unknown[] };

const s = await server.startServer({ simulator: false });
const core = s.core;
const find = (g: string, v: string, r: string): unknown => {
  const t = core.registry.find(g, v, r);
  if (t === undefined) throw new Error(`no ${g}/${v}/${r}`);
  return t;
};
const crdType = find('apiextensions.k8s.io', 'v1', 'customresourcedefinitions');
for (const crd of crds()) core.create(crdType, '', crd, { fieldManager: 'bench' });
const PKO = 'package-operator.run';
for (let i = 0; core.registry.find(PKO, 'v1alpha1', 'objectsets') === undefined; i++) {
  if (i > 200) throw new Error('CRDs not established');
  await new Promise((r) => setTimeout(r, 20));
}
const T = {
  od: find(PKO, 'v1alpha1', 'objectdeployments'),
  os: find(PKO, 'v1alpha1', 'objectsets'),
  ns: find('', 'v1', 'namespaces'),
  ev: find('', 'v1', 'events'),
  cm: find('', 'v1', 'configmaps'),
  sa: find('', 'v1', 'serviceaccounts'),
  svc: find('', 'v1', 'services'),
  dep: find('apps', 'v1', 'deployments'),
};
for (const ns of ['bench', 'kubectl']) core.create(T.ns, '', { metadata: { name: ns } });

const typeOf = (o: Any): unknown =>
  ({ ConfigMap: T.cm, ServiceAccount: T.sa, Service: T.svc, Deployment: T.dep })[String(o.kind)];
const nameOf = (o: Any): string => String((o.metadata as Any).name);
const condition = (type: string, reason: string) => ({
  type,
  status: 'True',
  reason,
  message: `${type} for the bench`,
  observedGeneration: 1,
  lastTransitionTime: '2026-01-01T00:00:00Z',
});

const cpu: Record<string, number> = {};
const timed = <R>(k: string, fn: () => R): R => {
  const t = process.cpuUsage();
  try {
    return fn();
  } finally {
    const d = process.cpuUsage(t);
    cpu[k] = (cpu[k] ?? 0) + (d.user + d.system) / 1000;
  }
};
const as = (manager: string, extra: object = {}) => ({
  fieldManager: manager,
  userAgent: manager,
  ...extra,
});

for (let i = 0; i < N; i++) {
  const objs = objects('bench', i);
  const name = `app-${i}`;
  const od = timed('create ObjectDeployment', () =>
    core.create(
      T.od,
      'bench',
      {
        metadata: { name },
        spec: {
          selector: { matchLabels: { app: name } },
          template: {
            metadata: { labels: { app: name } },
            spec: { phases: [{ name: 'deploy', objects: objs.map((object) => ({ object })) }] },
          },
        },
      },
      as('bench'),
    ),
  );
  const osName = `${name}-0123456789`;
  const os = timed('create ObjectSet', () =>
    core.create(
      T.os,
      'bench',
      {
        metadata: { name: osName, labels: { app: name } },
        spec: {
          revision: 1,
          phases: [{ name: 'deploy', objects: objs.map((object) => ({ object })) }],
        },
      },
      as('packsync'),
    ),
  );
  timed('event', () =>
    core.create(T.ev, 'bench', {
      metadata: { generateName: `${osName}.` },
      involvedObject: { kind: 'ObjectDeployment', name, namespace: 'bench' },
      reason: 'NewRevision',
      message: `created ObjectSet ${osName}`,
      type: 'Normal',
    }),
  );
  const desired = objs.map((o) => ({
    ...o,
    metadata: {
      ...(o.metadata as Any),
      labels: { 'package-operator.run/cache': 'True' },
      ownerReferences: [
        {
          apiVersion: `${PKO}/v1alpha1`,
          kind: 'ObjectSet',
          name: osName,
          uid: (os.metadata as Any).uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
  }));
  for (const o of desired)
    timed('apply (dry-run)', () =>
      core.patch(
        typeOf(o),
        'bench',
        nameOf(o),
        'apply',
        JSON.stringify(o),
        as('packsync', { dryRun: true, force: true }),
      ),
    );
  for (const o of desired)
    timed('apply', () =>
      core.patch(
        typeOf(o),
        'bench',
        nameOf(o),
        'apply',
        JSON.stringify(o),
        as('packsync', { force: true }),
      ),
    );
  timed('PUT ObjectSet status', () =>
    core.update(
      T.os,
      'bench',
      osName,
      {
        ...os,
        status: {
          revision: 1,
          conditions: [
            condition('Available', 'Available'),
            condition('Succeeded', 'RolloutSuccess'),
          ],
          controllerOf: objs.map((o) => ({
            kind: o.kind,
            group: '',
            name: nameOf(o),
            namespace: 'bench',
          })),
        },
      },
      as('packsync', { subresource: 'status' }),
    ),
  );
  timed('event', () =>
    core.create(T.ev, 'bench', {
      metadata: { generateName: `${osName}.` },
      involvedObject: { kind: 'ObjectSet', name: osName, namespace: 'bench' },
      reason: 'RolloutSuccess',
      message: 'rollout succeeded',
      type: 'Normal',
    }),
  );
  timed('PUT ObjectDeployment status', () =>
    core.update(
      T.od,
      'bench',
      name,
      {
        ...od,
        status: {
          templateHash: '0123456789',
          revision: 1,
          conditions: [condition('Available', 'Available')],
        },
      },
      as('packsync', { subresource: 'status' }),
    ),
  );
}
const rollout = Object.values(cpu).reduce((a, b) => a + b, 0);
for (const o of Array.from({ length: N }, (_, i) => objects('kubectl', i)).flat())
  timed('kubectl apply', () =>
    core.patch(typeOf(o), 'kubectl', nameOf(o), 'apply', JSON.stringify(o), as('kubectl')),
  );

console.log(`server core CPU, ${N} rollouts (${root}):`);
for (const [k, v] of Object.entries(cpu))
  console.log(`  ${k.padEnd(28)} ${(v / 1000).toFixed(2).padStart(6)} s`);
console.log(`  ${'rollout total'.padEnd(28)} ${(rollout / 1000).toFixed(2).padStart(6)} s`);
console.log(
  `  per ObjectDeployment: rollout ${(rollout / N).toFixed(2)} ms, kubectl ${((cpu['kubectl apply'] ?? 0) / N).toFixed(2)} ms`,
);
await s.stop();
