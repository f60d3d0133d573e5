// The CRDs' CEL rules, run with a real CEL implementation (what the API server does on update).
import { evaluate } from '@marcbachmann/cel-js';
import { describe, expect, it } from 'vitest';
import { crds, type CustomResourceDefinition } from './crds.js';
import type { JSONSchemaProps, ValidationRule } from './openapi.js';

interface Located {
  path: string[];
  rule: ValidationRule;
}

function rulesOf(crd: CustomResourceDefinition): Located[] {
  const out: Located[] = [];
  const walk = (node: JSONSchemaProps, path: string[]): void => {
    for (const rule of node['x-kubernetes-validations'] ?? []) out.push({ path, rule });
    for (const [k, v] of Object.entries(node.properties ?? {})) walk(v, [...path, k]);
    if (node.items && !Array.isArray(node.items)) walk(node.items, [...path, '*']);
  };
  const root = crd.spec.versions[0]?.schema.openAPIV3Schema;
  if (root) walk(root, []);
  return out;
}

function crd(kind: string): CustomResourceDefinition {
  const found = crds().find((c) => c.spec.names.kind === kind);
  if (!found) throw new Error(kind);
  return found;
}

function get(obj: unknown, path: string[]): unknown {
  let cur = obj;
  for (const p of path) cur = (cur as Record<string, unknown> | undefined)?.[p];
  return cur;
}

/** Messages of the rules an update from `oldObj` to `newObj` violates (transition rules included). */
function violations(kind: string, oldObj: unknown, newObj: unknown): string[] {
  const failed: string[] = [];
  for (const { path, rule } of rulesOf(crd(kind))) {
    const self = get(newObj, path);
    const oldSelf = get(oldObj, path);
    const transition = rule.rule.includes('oldSelf');
    // The API server skips a rule when the field is absent, and a transition rule when it is new.
    if (self === undefined || (transition && oldSelf === undefined)) continue;
    if (evaluate(rule.rule, { self, oldSelf }) !== true) failed.push(rule.message ?? rule.rule);
  }
  return failed;
}

const cm = (name: string) => ({
  object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } },
  collisionProtection: 'Prevent',
});

const objectSet = {
  spec: {
    lifecycleState: 'Active',
    revision: 2,
    previous: [{ name: 'nginx-1' }],
    phases: [{ name: 'deploy', objects: [cm('a')] }],
    availabilityProbes: [
      {
        probes: [{ condition: { type: 'Available', status: 'True' } }],
        selector: { kind: { group: 'apps', kind: 'Deployment' } },
      },
    ],
    successDelaySeconds: 5,
  },
};

function withSpec(base: { spec: Record<string, unknown> }, patch: Record<string, unknown>) {
  const spec: Record<string, unknown> = { ...base.spec, ...patch };
  for (const [k, v] of Object.entries(patch)) if (v === undefined) delete spec[k];
  return { ...base, spec };
}

describe('CEL rules of the CRDs', () => {
  it('are valid CEL that evaluates to a boolean on an unchanged object', () => {
    for (const c of crds()) {
      expect(violations(c.spec.names.kind, {}, {}), c.metadata.name).toEqual([]);
    }
    expect(violations('ObjectSet', objectSet, objectSet)).toEqual([]);
  });

  it.each(['ObjectSet', 'ClusterObjectSet'])(
    '%s: only lifecycleState may change, revision may be set once',
    (kind) => {
      expect(
        violations(kind, objectSet, withSpec(objectSet, { lifecycleState: 'Archived' })),
      ).toEqual([]);
      expect(
        violations(
          kind,
          objectSet,
          withSpec(objectSet, { phases: [{ name: 'deploy', objects: [cm('b')] }] }),
        ),
      ).toEqual(['phases is immutable']);
      expect(violations(kind, objectSet, withSpec(objectSet, { previous: undefined }))).toEqual([
        'previous is immutable',
      ]);
      expect(violations(kind, objectSet, withSpec(objectSet, { availabilityProbes: [] }))).toEqual([
        'availabilityProbes is immutable',
      ]);
      expect(violations(kind, objectSet, withSpec(objectSet, { successDelaySeconds: 6 }))).toEqual([
        'successDelaySeconds is immutable',
      ]);
      expect(violations(kind, objectSet, withSpec(objectSet, { revision: 3 }))).toEqual([
        'revision is immutable',
      ]);
      const unnumbered = withSpec(objectSet, { revision: undefined });
      expect(violations(kind, unnumbered, objectSet)).toEqual([]);
    },
  );

  it.each(['ObjectSetPhase', 'ClusterObjectSetPhase'])('%s: only paused may change', (kind) => {
    const phase = {
      spec: { paused: false, revision: 1, previous: [{ name: 'x' }], objects: [cm('a')] },
    };
    expect(violations(kind, phase, withSpec(phase, { paused: true }))).toEqual([]);
    expect(violations(kind, phase, withSpec(phase, { revision: 2 }))).toEqual([
      'revision is immutable',
    ]);
    expect(violations(kind, phase, withSpec(phase, { objects: [] }))).toEqual([
      'objects is immutable',
    ]);
    expect(violations(kind, phase, withSpec(phase, { previous: undefined }))).toEqual([
      'previous is immutable',
    ]);
    expect(
      violations(
        kind,
        phase,
        withSpec(phase, { availabilityProbes: objectSet.spec.availabilityProbes }),
      ),
    ).toEqual(['availabilityProbes is immutable']);
  });

  it.each(['ObjectSlice', 'ClusterObjectSlice'])('%s: objects are immutable', (kind) => {
    expect(violations(kind, { objects: [cm('a')] }, { objects: [cm('a')] })).toEqual([]);
    expect(violations(kind, { objects: [cm('a')] }, { objects: [cm('b')] })).toEqual([
      'objects is immutable',
    ]);
  });

  it.each(['GitSync', 'ClusterGitSync'])('%s: exactly one kind of ref', (kind) => {
    const gs = (ref: Record<string, string>) => ({ spec: { url: 'https://x', ref } });
    expect(violations(kind, {}, gs({ branch: 'main' }))).toEqual([]);
    expect(violations(kind, {}, gs({ semver: '>=1' }))).toEqual([]);
    const message = 'exactly one of branch, tag, semver, commit must be set';
    expect(violations(kind, {}, gs({}))).toEqual([message]);
    expect(violations(kind, {}, gs({ branch: 'main', tag: 'v1' }))).toEqual([message]);
  });
});
