/**
 * Generates the server-side-apply differential fixtures: random apply / forceApply / update
 * sequences over a few CRD-like OpenAPI schemas, run through the structured-merge-diff oracle
 * (`../shared/tools/ssa-oracle`), recorded in `test/server/ssa-fixtures/<schema>.json`.
 *
 * Usage: tsx scripts/oracle-ssa-generate.ts <smd-oracle binary> (see scripts/oracle-ssa.sh)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type OpenAPI = Record<string, unknown>;

const repoRoot = resolve(import.meta.dirname, '..');
const outDir = join(repoRoot, 'test/server/ssa-fixtures');

// ---- schemas -------------------------------------------------------------------------------

const str: OpenAPI = { type: 'string' };
const int: OpenAPI = { type: 'integer' };
const bool: OpenAPI = { type: 'boolean' };
const metadata: OpenAPI = {
  type: 'object',
  properties: {
    name: str,
    labels: { type: 'object', additionalProperties: str },
    annotations: { type: 'object', additionalProperties: str },
  },
};

function root(spec: OpenAPI): OpenAPI {
  return {
    type: 'object',
    properties: { apiVersion: str, kind: str, metadata, spec },
  };
}

const schemas: Record<string, OpenAPI> = {
  lists: root({
    type: 'object',
    properties: {
      replicas: int,
      args: { type: 'array', items: str },
      tags: { type: 'array', items: str, 'x-kubernetes-list-type': 'set' },
      containers: {
        type: 'array',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
        items: {
          type: 'object',
          properties: {
            name: str,
            image: str,
            args: { type: 'array', items: str },
            env: {
              type: 'array',
              'x-kubernetes-list-type': 'map',
              'x-kubernetes-list-map-keys': ['name'],
              items: { type: 'object', properties: { name: str, value: str } },
            },
          },
        },
      },
    },
  }),
  compound: root({
    type: 'object',
    properties: {
      ports: {
        type: 'array',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['port', 'protocol'],
        items: {
          type: 'object',
          properties: { port: int, protocol: str, name: str, targetPort: int },
        },
      },
      finalizers: { type: 'array', items: str, 'x-kubernetes-list-type': 'set' },
      weights: { type: 'array', items: int, 'x-kubernetes-list-type': 'set' },
      paused: bool,
    },
  }),
  maps: root({
    type: 'object',
    properties: {
      selector: {
        type: 'object',
        'x-kubernetes-map-type': 'atomic',
        properties: { app: str, tier: str },
      },
      data: { type: 'object', additionalProperties: str },
      frozen: { type: 'object', additionalProperties: str, 'x-kubernetes-map-type': 'atomic' },
      template: {
        type: 'object',
        properties: {
          labels: { type: 'object', additionalProperties: str },
          strategy: {
            type: 'object',
            properties: {
              type: str,
              rolling: {
                type: 'object',
                properties: {
                  maxSurge: { 'x-kubernetes-int-or-string': true },
                  maxUnavailable: int,
                },
              },
            },
          },
        },
      },
    },
  }),
  nested: root({
    type: 'object',
    properties: {
      groups: {
        type: 'array',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['id'],
        items: {
          type: 'object',
          properties: {
            id: int,
            owner: {
              type: 'object',
              'x-kubernetes-map-type': 'atomic',
              properties: { name: str, uid: str },
            },
            members: { type: 'array', items: str, 'x-kubernetes-list-type': 'set' },
            rules: {
              type: 'array',
              'x-kubernetes-list-type': 'map',
              'x-kubernetes-list-map-keys': ['name', 'port'],
              items: { type: 'object', properties: { name: str, port: int, allow: bool } },
            },
            settings: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          },
        },
      },
      profiles: {
        type: 'object',
        additionalProperties: {
          type: 'object',
          properties: { level: int, tags: { type: 'array', items: str } },
        },
      },
    },
  }),
  workload: root({
    type: 'object',
    properties: {
      containers: {
        type: 'array',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
        items: {
          type: 'object',
          properties: {
            name: str,
            image: str,
            ports: {
              type: 'array',
              'x-kubernetes-list-type': 'map',
              'x-kubernetes-list-map-keys': ['containerPort', 'protocol'],
              items: {
                type: 'object',
                properties: {
                  containerPort: int,
                  protocol: { type: 'string', default: 'TCP' },
                  name: str,
                },
              },
            },
          },
        },
      },
      tolerations: {
        type: 'array',
        items: { type: 'object', properties: { key: str, operator: str } },
      },
      nodeSelector: {
        type: 'object',
        additionalProperties: str,
        'x-kubernetes-map-type': 'atomic',
      },
    },
  }),
  deduced: root({
    type: 'object',
    properties: {
      mode: str,
      config: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      extra: {
        type: 'object',
        'x-kubernetes-preserve-unknown-fields': true,
        properties: { known: str },
      },
    },
  }),
};

/** OpenAPI -> structured-merge-diff schema YAML, as kube-openapi converts CRD schemas. */
function smdType(s: OpenAPI, indent: string): string {
  const next = indent + '  ';
  if (s['x-kubernetes-int-or-string'] === true) return `${indent}scalar: untyped\n`;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  switch (s.type) {
    case 'string':
      return `${indent}scalar: string\n`;
    case 'integer':
    case 'number':
      return `${indent}scalar: numeric\n`;
    case 'boolean':
      return `${indent}scalar: boolean\n`;
    case 'array': {
      const lt = s['x-kubernetes-list-type'];
      let out = `${indent}list:\n${next}elementType:\n${smdType(s.items as OpenAPI, next + '  ')}`;
      if (lt === 'set' || lt === 'map') out += `${next}elementRelationship: associative\n`;
      else out += `${next}elementRelationship: atomic\n`;
      const keys = s['x-kubernetes-list-map-keys'] as string[] | undefined;
      if (lt === 'map' && keys) out += `${next}keys: [${keys.join(', ')}]\n`;
      return out;
    }
    default: {
      const props = s.properties as Record<string, OpenAPI> | undefined;
      const add = s.additionalProperties as OpenAPI | undefined;
      if (!props && !add) return `${indent}namedType: __untyped_deduced_\n`;
      let out = `${indent}map:\n`;
      if (props) {
        out += `${next}fields:\n`;
        for (const [name, p] of Object.entries(props)) {
          out += `${next}- name: ${name}\n${next}  type:\n${smdType(p, next + '    ')}`;
          if (p.default !== undefined) out += `${next}  default: ${JSON.stringify(p.default)}\n`;
        }
      }
      if (add) out += `${next}elementType:\n${smdType(add, next + '  ')}`;
      else if (preserve) out += `${next}elementType:\n${next}  namedType: __untyped_deduced_\n`;
      if (s['x-kubernetes-map-type'] === 'atomic') out += `${next}elementRelationship: atomic\n`;
      return out;
    }
  }
}

const deducedTypes = `- name: __untyped_atomic_
  scalar: untyped
  list:
    elementType:
      namedType: __untyped_atomic_
    elementRelationship: atomic
  map:
    elementType:
      namedType: __untyped_atomic_
    elementRelationship: atomic
- name: __untyped_deduced_
  scalar: untyped
  list:
    elementType:
      namedType: __untyped_atomic_
    elementRelationship: atomic
  map:
    elementType:
      namedType: __untyped_deduced_
    elementRelationship: separable
`;

function smdSchema(s: OpenAPI): string {
  return `types:\n- name: root\n${smdType(s, '  ')}${deducedTypes}`;
}

// ---- random values -------------------------------------------------------------------------

let seed = 20261121;
function rand(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
const chance = (p: number): boolean => rand() < p;

function scalarFor(s: OpenAPI): Json {
  if (s['x-kubernetes-int-or-string'] === true)
    return chance(0.5) ? pick([1, 2]) : pick(['25%', '50%']);
  if (typeof s.default === 'string') return pick([s.default, 'UDP']);
  if (s.type === 'integer' || s.type === 'number') return pick([1, 2, 3]);
  if (s.type === 'boolean') return chance(0.5);
  return pick(['a', 'b', 'c']);
}

function deducedValue(depth: number): Json {
  const r = rand();
  if (depth < 2 && r < 0.35) {
    const o: Record<string, Json> = {};
    for (const k of ['x', 'y', 'z']) if (chance(0.5)) o[k] = deducedValue(depth + 1);
    return o;
  }
  if (r < 0.5) return [pick(['p', 'q']), pick(['p', 'r'])];
  return pick(['u', 'v', 1, true]);
}

function valueFor(s: OpenAPI, depth = 0): Json {
  switch (s.type) {
    case 'array': {
      const items = s.items as OpenAPI;
      const lt = s['x-kubernetes-list-type'];
      const n = Math.floor(rand() * 3);
      if (lt === 'set') {
        const pool = items.type === 'integer' ? [1, 2, 3, 4] : ['w', 'x', 'y', 'z'];
        return pool.filter(() => chance(0.45)).sort(() => rand() - 0.5);
      }
      if (lt === 'map') {
        const keys = s['x-kubernetes-list-map-keys'] as string[];
        const out: Record<string, Json>[] = [];
        const seen = new Set<string>();
        const props = items.properties as Record<string, OpenAPI>;
        for (let i = 0; i < n + 1; i++) {
          const item = valueFor(items, depth + 1) as Record<string, Json>;
          for (const k of keys) item[k] = scalarFor(props[k] as OpenAPI);
          // A key with a default may be left out; it is then keyed by the default.
          for (const k of keys) if (props[k]?.default !== undefined && chance(0.5)) delete item[k];
          const id = JSON.stringify(keys.map((k) => item[k] ?? (props[k]?.default as Json)));
          if (seen.has(id)) continue;
          seen.add(id);
          out.push(item);
        }
        return out;
      }
      return Array.from({ length: n }, () =>
        items.type === 'object' ? valueFor(items, depth + 1) : scalarFor(items),
      );
    }
    case 'object': {
      const props = s.properties as Record<string, OpenAPI> | undefined;
      const add = s.additionalProperties as OpenAPI | undefined;
      const o: Record<string, Json> = {};
      if (props) {
        for (const [k, p] of Object.entries(props)) if (chance(0.55)) o[k] = valueFor(p, depth + 1);
      }
      if (add)
        for (const k of ['k1', 'k2', 'k3']) if (chance(0.45)) o[k] = valueFor(add, depth + 1);
      if (!props && !add) {
        for (const k of ['x', 'y', 'z']) if (chance(0.5)) o[k] = deducedValue(1);
      } else if (s['x-kubernetes-preserve-unknown-fields'] === true) {
        if (chance(0.5)) o.other = deducedValue(1);
      }
      return o;
    }
    default:
      return scalarFor(s);
  }
}

function applyConfig(s: OpenAPI): Json {
  const spec = valueFor((s.properties as Record<string, OpenAPI>).spec as OpenAPI);
  const meta: Record<string, Json> = { name: 'obj' };
  if (chance(0.3)) meta.labels = valueFor({ type: 'object', additionalProperties: str });
  return { apiVersion: 'example.com/v1', kind: 'Thing', metadata: meta, spec };
}

/** A variation of a previous config: some fields dropped, changed or added. */
function vary(prev: Json, s: OpenAPI): Json {
  const fresh = applyConfig(s) as Record<string, Json>;
  const old = prev as Record<string, Json>;
  const a = (old.spec ?? {}) as Record<string, Json>;
  const b = (fresh.spec ?? {}) as Record<string, Json>;
  const spec: Record<string, Json> = {};
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const r = rand();
    if (r < 0.45 && k in a) spec[k] = a[k] as Json;
    else if (r < 0.8 && k in b) spec[k] = b[k] as Json;
  }
  return { ...fresh, spec };
}

// ---- oracle --------------------------------------------------------------------------------

interface Op {
  op: 'apply' | 'forceApply' | 'update';
  manager: string;
  apiVersion: string;
  object: Json;
}

function runOracle(oracle: string, schema: string, ops: Op[]): Record<string, unknown> {
  const r = spawnSync(oracle, [], {
    input: JSON.stringify({ schema, type: 'root', ops }),
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`smd-oracle failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout) as { steps: { conflicts?: string[] }[] } & Record<
    string,
    unknown
  >;
  // Go's map order varies between runs; sorted conflicts keep regenerated fixtures stable.
  for (const step of out.steps) step.conflicts?.sort();
  return out;
}

function generateCase(oracle: string, smd: string, s: OpenAPI): { ops: Op[]; expected: unknown } {
  const managers = ['alice', 'bob', 'carol'];
  const configs = new Map<string, Json>();
  const ops: Op[] = [];
  const n = 3 + Math.floor(rand() * 7);
  for (let i = 0; i < n; i++) {
    const manager = pick(managers);
    const r = rand();
    if (r < 0.2 && i > 0) {
      const out = runOracle(oracle, smd, ops);
      const live = (out.object ?? {}) as Json;
      const changed = vary(live, s) as Record<string, Json>;
      const object = { ...(live as Record<string, Json>), spec: changed.spec ?? {} };
      ops.push({
        op: 'update',
        manager: pick([...managers, 'kubectl-edit']),
        apiVersion: 'v1',
        object,
      });
      continue;
    }
    const prev = configs.get(manager);
    const object = prev !== undefined && chance(0.7) ? vary(prev, s) : applyConfig(s);
    configs.set(manager, object);
    ops.push({ op: r < 0.35 ? 'forceApply' : 'apply', manager, apiVersion: 'v1', object });
  }
  return { ops, expected: runOracle(oracle, smd, ops) };
}

function main(): void {
  const oracle = process.argv[2];
  if (!oracle) throw new Error('usage: oracle-ssa-generate.ts <smd-oracle binary>');
  mkdirSync(outDir, { recursive: true });
  const perSchema = 40;
  for (const [name, s] of Object.entries(schemas)) {
    const smd = smdSchema(s);
    const cases = Array.from({ length: perSchema }, (_, i) => ({
      name: `${name}-${String(i).padStart(3, '0')}`,
      ...generateCase(oracle, smd, s),
    }));
    const fixture = { schema: name, openAPIV3Schema: s, smdSchema: smd, cases };
    writeFileSync(join(outDir, `${name}.json`), JSON.stringify(fixture, null, 2) + '\n');
    process.stdout.write(`${name}: ${cases.length} cases\n`);
  }
}

main();
