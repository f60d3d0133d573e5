/**
 * How fast the kind parsers are: an ObjectSet with N ConfigMaps in 4 phases, parsed repeatedly, and
 * the CRD generation. Prints figures only (`npx tsx bench/apis-parse.ts`).
 */
import { crdsYaml, parseObject } from '../src/apis/index.js';

function objectSet(objects: number): unknown {
  const phases = ['crds', 'namespaces', 'rbac', 'deploy'].map((name, p) => ({
    name,
    objects: Array.from({ length: objects / 4 }, (_, i) => ({
      object: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `cm-${p}-${i}`, labels: { app: 'bench' } },
        data: { key: 'x'.repeat(200) },
      },
    })),
  }));
  return {
    apiVersion: 'package-operator.run/v1alpha1',
    kind: 'ObjectSet',
    metadata: { name: 'bench', namespace: 'default' },
    spec: { revision: 1, phases },
  };
}

function time(label: string, runs: number, fn: () => void): void {
  fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) fn();
  const ms = Number(process.hrtime.bigint() - start) / 1e6 / runs;
  process.stdout.write(`${label.padEnd(44)} ${ms.toFixed(3)} ms/op\n`);
}

for (const n of [10, 100, 1000]) {
  const input = objectSet(n);
  time(`parse ObjectSet with ${n} objects`, n >= 1000 ? 20 : 200, () => {
    const r = parseObject('ObjectSet', input);
    if (!r.ok) throw new Error(r.errors.join(', '));
  });
}
time('generate all CRDs as YAML', 20, () => void crdsYaml());
