// Benchmark of CEL-validated custom resource writes: an ObjectSet (5 transition rules on spec)
// updated over HTTP, and the schema pipeline alone in process. Prints figures; decides nothing.
// Run: npx tsx bench/crd-validation.ts
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startServer } from '../src/server/index.js';
import {
  applyDefaults,
  pruneUnknownFields,
  validateCustomResource,
} from '../src/server/schema/index.js';

const root = join(import.meta.dirname, '..');
const crd = parse(
  readFileSync(join(root, 'crds/package-operator.run_objectsets.yaml'), 'utf8'),
) as {
  spec: { versions: { schema: { openAPIV3Schema: Record<string, unknown> } }[] };
};
const schema = crd.spec.versions[0]?.schema.openAPIV3Schema ?? {};

function objectSet(i: number): Record<string, unknown> {
  return {
    apiVersion: 'package-operator.run/v1alpha1',
    kind: 'ObjectSet',
    metadata: { name: 'bench', namespace: 'default', labels: { i: String(i) } },
    spec: {
      revision: 1,
      availabilityProbes: [
        {
          selector: { kind: { group: 'apps', kind: 'Deployment' } },
          probes: [
            { condition: { type: 'Available' } },
            { fieldsEqual: { fieldA: '.a', fieldB: '.b' } },
          ],
        },
      ],
      phases: Array.from({ length: 5 }, (_, p) => ({
        name: `phase-${p}`,
        objects: Array.from({ length: 4 }, (_, o) => ({
          object: {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: `cm-${p}-${o}` },
            data: { key: 'value'.repeat(10) },
          },
        })),
      })),
    },
  };
}

function stats(label: string, ms: number[]): void {
  ms.sort((a, b) => a - b);
  const at = (q: number): string => (ms[Math.floor(q * (ms.length - 1))] ?? 0).toFixed(3);
  console.log(`${label}: n=${ms.length} p50=${at(0.5)} ms p90=${at(0.9)} ms p99=${at(0.99)} ms`);
}

// In process: prune + default + validate (with the old object, so transition rules run).
{
  const old = objectSet(0);
  applyDefaults(schema, old);
  const times: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const t0 = performance.now();
    const obj = objectSet(i);
    pruneUnknownFields(schema, obj);
    applyDefaults(schema, obj);
    const r = validateCustomResource(schema, obj, old);
    times.push(performance.now() - t0);
    if (r.problems.length > 0) throw new Error(JSON.stringify(r.problems));
  }
  stats('schema pipeline (in process)', times.slice(200));
}

// Over HTTP: PUT of an ObjectSet whose spec stays the same (CEL rules pass), labels change;
// the same with the rules stripped from the CRD, for comparison.
async function overHttp(label: string, theCrd: unknown): Promise<void> {
  const server = await startServer({ insecureHttp: true });
  try {
    const headers = { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' };
    const call = async (
      method: string,
      path: string,
      body?: unknown,
    ): Promise<Record<string, unknown>> => {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const json = (await res.json()) as Record<string, unknown>;
      if (res.status >= 300)
        throw new Error(`${method} ${path}: ${res.status} ${String(json.message)}`);
      return json;
    };
    await call('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', theCrd);
    const path = '/apis/package-operator.run/v1alpha1/namespaces/default/objectsets';
    for (;;) {
      const r = await fetch(`${server.url}${path}`, { headers });
      if (r.status === 200) break;
      await new Promise((res) => setTimeout(res, 10));
    }
    let cur = await call('POST', path, objectSet(0));
    const times: number[] = [];
    for (let i = 1; i <= 1000; i++) {
      const next = objectSet(i);
      (next.metadata as Record<string, unknown>).resourceVersion = (
        cur.metadata as Record<string, unknown>
      ).resourceVersion;
      const t0 = performance.now();
      cur = await call('PUT', `${path}/bench`, next);
      times.push(performance.now() - t0);
    }
    stats(label, times.slice(100));
  } finally {
    await server.stop();
  }
}

await overHttp('CEL-validated ObjectSet PUT over HTTP', crd);
const noRules = JSON.parse(
  JSON.stringify(crd, (k, v: unknown) => (k === 'x-kubernetes-validations' ? undefined : v)),
) as unknown;
await overHttp('same PUT without CEL rules (baseline)', noRules);
