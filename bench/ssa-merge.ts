/**
 * Server-side apply merge cost without HTTP: a ~200-line Deployment with managedFields from two
 * managers, re-applied with one changed field (the common reconcile case). Prints p50/p99.
 * Run: npx tsx bench/ssa-merge.ts
 */
import { builtinTypeSchema, recordUpdate, serverSideApply } from '../src/server/patch/index.js';
import type { KubeObject } from '../src/server/patch/index.js';

function container(i: number): Record<string, unknown> {
  return {
    name: `c${i}`,
    image: `registry.example.com/app/c${i}:1.0.${i}`,
    args: ['--port=8080', `--id=${i}`],
    ports: [
      { containerPort: 8080 + i, name: `http-${i}`, protocol: 'TCP' },
      { containerPort: 9090 + i, name: `metrics-${i}`, protocol: 'TCP' },
    ],
    env: Array.from({ length: 6 }, (_, j) => ({ name: `ENV_${j}`, value: `value-${i}-${j}` })),
    resources: {
      limits: { cpu: '500m', memory: '256Mi' },
      requests: { cpu: '100m', memory: '64Mi' },
    },
    volumeMounts: [{ name: 'config', mountPath: `/etc/c${i}` }],
    readinessProbe: { httpGet: { path: '/ready', port: 8080 + i }, periodSeconds: 5 },
  };
}

function deployment(replicas: number): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web', tier: 'frontend' } },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web', tier: 'frontend' }, annotations: { a: 'b' } },
        spec: {
          containers: [container(1), container(2), container(3)],
          volumes: [{ name: 'config', configMap: { name: 'web-config' } }],
          tolerations: [{ key: 'k', operator: 'Exists' }],
        },
      },
    },
  };
}

const schema = builtinTypeSchema('apps/v1', 'Deployment');
let live = recordUpdate({
  before: undefined,
  after: deployment(1),
  manager: 'kubectl-create',
  schema,
  now: '2026-01-01T00:00:00Z',
});
const first = serverSideApply({
  live,
  applied: deployment(5),
  manager: 'packsync',
  force: true,
  schema,
  now: '2026-01-01T00:00:01Z',
});
if ('object' in first) live = first.object;

const times: number[] = [];
for (let i = 0; i < 2000; i++) {
  const start = process.hrtime.bigint();
  const r = serverSideApply({
    live,
    applied: deployment(1 + (i % 3)),
    manager: 'packsync',
    force: false,
    schema,
    now: '2026-01-01T00:00:02Z',
  });
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
  if ('conflicts' in r) throw new Error('unexpected conflict');
}
times.sort((a, b) => a - b);
const q = (p: number): string => (times[Math.floor(times.length * p)] ?? 0).toFixed(3);
process.stdout.write(
  `ssa merge (pure): p50 ${q(0.5)} ms, p90 ${q(0.9)} ms, p99 ${q(0.99)} ms over ${times.length} applies\n`,
);
