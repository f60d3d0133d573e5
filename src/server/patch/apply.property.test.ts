/**
 * Properties of server-side apply on the built-in Deployment schema that hold for any config:
 * creating by apply yields the config, re-applying changes nothing, applying an empty config
 * removes everything the manager alone owned, and managers of disjoint fields never conflict.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { builtinTypeSchema, serverSideApply } from './index.js';
import type { KubeObject } from './index.js';

const schema = builtinTypeSchema('apps/v1', 'Deployment');
const name = fc.constantFrom('a', 'b', 'c', 'd');
const text = fc.constantFrom('x', 'y', 'z');

const container = (n: string) =>
  fc.record(
    {
      name: fc.constant(n),
      image: text,
      args: fc.array(text, { maxLength: 2 }),
      env: fc.uniqueArray(fc.record({ name, value: text }), {
        selector: (e) => e.name,
        maxLength: 3,
      }),
      ports: fc.uniqueArray(
        fc.record({
          containerPort: fc.integer({ min: 80, max: 83 }),
          protocol: fc.constantFrom('TCP', 'UDP'),
        }),
        { selector: (p) => `${p.containerPort}/${p.protocol}`, maxLength: 2 },
      ),
    },
    { requiredKeys: ['name'] },
  );

const spec = fc.record(
  {
    replicas: fc.integer({ min: 0, max: 3 }),
    paused: fc.boolean(),
    template: fc.record({
      metadata: fc.record({ labels: fc.dictionary(name, text, { maxKeys: 2 }) }),
      spec: fc.record({
        containers: fc
          .uniqueArray(name, { minLength: 1, maxLength: 3 })
          .chain((ns) => fc.tuple(...ns.map(container))),
      }),
    }),
  },
  { requiredKeys: [] },
);

function deploy(s: unknown): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'ns' },
    spec: s,
  };
}

function apply(
  live: KubeObject | undefined,
  applied: KubeObject,
  manager: string,
  now = 't0',
): KubeObject {
  const r = serverSideApply({ live, applied, manager, force: false, schema, now });
  if ('conflicts' in r) throw new Error(`unexpected conflicts: ${JSON.stringify(r.conflicts)}`);
  return r.object;
}

function withoutManagedFields(o: KubeObject): KubeObject {
  const meta = { ...o.metadata };
  delete meta.managedFields;
  return { ...o, metadata: meta };
}

describe('serverSideApply properties', () => {
  it('creating by apply stores exactly the config; applying it again changes nothing', () => {
    fc.assert(
      fc.property(spec, (s) => {
        const created = apply(undefined, deploy(s), 'ci');
        expect(withoutManagedFields(created)).toEqual(deploy(s));
        const again = apply(created, deploy(s), 'ci', 't1');
        expect(again).toEqual(created);
      }),
      { numRuns: 150 },
    );
  });

  it('applying an empty config removes everything the manager alone owned', () => {
    fc.assert(
      fc.property(spec, (s) => {
        const created = apply(undefined, deploy(s), 'ci');
        const emptied = apply(created, deploy(undefined), 'ci', 't1');
        expect(emptied.spec).toBeUndefined();
        expect(emptied.metadata.managedFields).toBeUndefined();
      }),
      { numRuns: 150 },
    );
  });

  it('a second manager re-applying the same values shares them and keeps them alive', () => {
    fc.assert(
      fc.property(spec, (s) => {
        let live = apply(undefined, deploy(s), 'ci');
        live = apply(live, deploy(s), 'other', 't1');
        live = apply(live, deploy(undefined), 'ci', 't2');
        expect(withoutManagedFields(live)).toEqual(deploy(s));
        // Even `spec: {}` is owned (the empty map itself), so only `other` is left.
        expect(live.metadata.managedFields?.map((e) => e.manager)).toEqual(['other']);
      }),
      { numRuns: 150 },
    );
  });
});
