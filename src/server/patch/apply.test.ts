import { describe, expect, it } from 'vitest';
import {
  PatchError,
  builtinTypeSchema,
  conflictCauses,
  conflictMessage,
  lastAppliedAnnotation,
  recordUpdate,
  serverSideApply,
  typeSchemaFromOpenAPI,
} from './index.js';
import type { ApplyInput, KubeObject, ManagedFieldsEntry } from './index.js';
import { FieldSet } from './field-set.js';

const schema = builtinTypeSchema('apps/v1', 'Deployment');
const t0 = '2026-01-01T00:00:00Z';
const t1 = '2026-01-01T00:01:00Z';
const t2 = '2026-01-01T00:02:00Z';

function deploy(spec: Record<string, unknown>, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec,
    ...extra,
  };
}

function apply(
  live: KubeObject | undefined,
  applied: KubeObject,
  manager: string,
  opts: Partial<ApplyInput> = {},
): KubeObject {
  const r = serverSideApply({ live, applied, manager, force: false, schema, now: t0, ...opts });
  if ('conflicts' in r) throw new Error(conflictMessage(r.conflicts));
  return r.object;
}

function entry(obj: KubeObject, manager: string): ManagedFieldsEntry | undefined {
  return obj.metadata.managedFields?.find((e) => e.manager === manager);
}

const container = (name: string, image: string): Record<string, unknown> => ({ name, image });
const withContainers = (...cs: Record<string, unknown>[]): Record<string, unknown> => ({
  template: { spec: { containers: cs } },
});

describe('serverSideApply', () => {
  it('creates the object and records an Apply entry without identity fields', () => {
    const obj = apply(
      undefined,
      deploy({ replicas: 2 }, { metadata: { name: 'web', labels: { a: '1' } } }),
      'ci',
    );
    expect(obj.spec).toEqual({ replicas: 2 });
    expect(obj.metadata.managedFields).toEqual([
      {
        manager: 'ci',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: t0,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:metadata': { 'f:labels': { 'f:a': {} } }, 'f:spec': { 'f:replicas': {} } },
      },
    ]);
  });

  it('encodes associative list items with k: keys and a . entry', () => {
    const obj = apply(undefined, deploy(withContainers(container('app', 'nginx'))), 'ci');
    expect(entry(obj, 'ci')?.fieldsV1).toEqual({
      'f:spec': {
        'f:template': {
          'f:spec': {
            'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:image': {}, 'f:name': {} } },
          },
        },
      },
    });
  });

  it('a second manager changing an owned field conflicts with the real message and causes', () => {
    const live = apply(undefined, deploy({ replicas: 1 }), 'alice');
    const r = serverSideApply({
      live,
      applied: deploy({ replicas: 3 }),
      manager: 'bob',
      force: false,
      schema,
      now: t1,
    });
    expect('conflicts' in r).toBe(true);
    if (!('conflicts' in r)) return;
    expect(conflictMessage(r.conflicts)).toBe(
      'Apply failed with 1 conflict: conflict with "alice": .spec.replicas',
    );
    expect(conflictCauses(r.conflicts)).toEqual([
      { reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: '.spec.replicas' },
    ]);
  });

  it('names Update managers with their apiVersion and lists several conflicts per manager', () => {
    let live = recordUpdate({
      before: undefined,
      after: deploy({ replicas: 1, paused: false }),
      manager: 'kubectl-client-side-apply',
      schema,
      now: t0,
    });
    live = apply(live, deploy({ minReadySeconds: 5 }), 'ci');
    const r = serverSideApply({
      live,
      applied: deploy({ replicas: 2, paused: true }),
      manager: 'ci',
      force: false,
      schema,
      now: t1,
    });
    if (!('conflicts' in r)) throw new Error('expected conflicts');
    expect(conflictMessage(r.conflicts)).toBe(
      'Apply failed with 2 conflicts: conflicts with "kubectl-client-side-apply" using apps/v1:\n- .spec.paused\n- .spec.replicas',
    );
  });

  it('force takes ownership away from the other manager', () => {
    const live = apply(undefined, deploy({ replicas: 1, paused: false }), 'alice');
    const obj = apply(live, deploy({ replicas: 5 }), 'bob', { force: true, now: t1 });
    expect(obj.spec).toEqual({ replicas: 5, paused: false });
    expect(entry(obj, 'alice')?.fieldsV1).toEqual({ 'f:spec': { 'f:paused': {} } });
    expect(entry(obj, 'bob')?.fieldsV1).toEqual({ 'f:spec': { 'f:replicas': {} } });
    expect(entry(obj, 'bob')?.time).toBe(t1);
  });

  it('the same value applied by two managers is shared, not a conflict', () => {
    const live = apply(undefined, deploy({ replicas: 2 }), 'alice');
    const obj = apply(live, deploy({ replicas: 2 }), 'bob');
    expect(entry(obj, 'alice')?.fieldsV1).toEqual({ 'f:spec': { 'f:replicas': {} } });
    expect(entry(obj, 'bob')?.fieldsV1).toEqual({ 'f:spec': { 'f:replicas': {} } });
  });

  it('a field dropped from the applied config is removed unless someone else owns it', () => {
    let live = apply(undefined, deploy({ replicas: 2, paused: true }), 'alice');
    live = apply(live, deploy({ replicas: 2 }), 'bob');
    live = apply(live, deploy({}), 'alice', { now: t1 });
    expect(live.spec).toEqual({ replicas: 2 });
    // Applying `spec: {}` owns the (empty) spec itself, as structured-merge-diff does.
    expect(entry(live, 'alice')?.fieldsV1).toEqual({ 'f:spec': {} });
  });

  it('items of associative lists are released and removed the same way', () => {
    let live = apply(
      undefined,
      deploy(withContainers(container('a', 'x'), container('b', 'y'))),
      'alice',
    );
    live = apply(live, deploy(withContainers(container('b', 'y'))), 'bob');
    live = apply(live, deploy(withContainers(container('a', 'x'))), 'alice', { now: t1 });
    const containers = (live.spec as { template: { spec: { containers: unknown[] } } }).template
      .spec.containers;
    expect(containers).toEqual([container('a', 'x'), container('b', 'y')]);
    live = apply(live, deploy(withContainers()), 'bob', { now: t2 });
    expect(
      (live.spec as { template: { spec: { containers: unknown[] } } }).template.spec.containers,
    ).toEqual([container('a', 'x')]);
  });

  it('container ports without a protocol are keyed with the TCP default', () => {
    const ports = [{ containerPort: 80 }];
    const obj = apply(undefined, deploy(withContainers({ name: 'a', ports })), 'ci');
    const fields = JSON.stringify(entry(obj, 'ci')?.fieldsV1);
    expect(fields).toContain('k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}');
  });

  it('the main resource ignores status and /status ignores everything else', () => {
    const live = apply(undefined, deploy({ replicas: 1 }, { status: { replicas: 9 } }), 'ci');
    expect(live.status).toBeUndefined();
    expect(JSON.stringify(entry(live, 'ci')?.fieldsV1)).not.toContain('status');
    const st = apply(live, deploy({ replicas: 7 }, { status: { replicas: 1 } }), 'controller', {
      subresource: 'status',
      now: t1,
    });
    expect(st.spec).toEqual({ replicas: 1 });
    expect(st.status).toEqual({ replicas: 1 });
    expect(st.metadata.managedFields?.find((e) => e.subresource === 'status')).toMatchObject({
      manager: 'controller',
      operation: 'Apply',
      fieldsV1: { 'f:status': { 'f:replicas': {} } },
      subresource: 'status',
    });
  });

  it('keeps status on the main resource when the kind has no status subresource', () => {
    const crSchema = typeSchemaFromOpenAPI({
      type: 'object',
      properties: { status: { type: 'object', properties: { ok: { type: 'boolean' } } } },
    });
    const r = serverSideApply({
      live: undefined,
      applied: {
        apiVersion: 'example.com/v1',
        kind: 'Thing',
        metadata: { name: 'x' },
        status: { ok: true },
      },
      manager: 'ci',
      force: false,
      schema: crSchema,
      now: t0,
      statusSubresource: false,
    });
    expect('object' in r && r.object.status).toEqual({ ok: true });
  });

  it('refuses applied configs that carry managedFields', () => {
    const bad = deploy({}, { metadata: { name: 'web', managedFields: [] } });
    expect(() => apply(undefined, bad, 'ci')).toThrow(PatchError);
  });

  it('a no-op apply keeps the object and the entry time', () => {
    const live = apply(undefined, deploy({ replicas: 1 }), 'ci');
    const again = apply(live, deploy({ replicas: 1 }), 'ci', { now: t2 });
    expect(again.spec).toEqual({ replicas: 1 });
    expect(entry(again, 'ci')?.time).toBe(t0);
  });
});

describe('recordUpdate', () => {
  it('records an Update entry for every field a create sets, without identity fields', () => {
    const obj = recordUpdate({
      before: undefined,
      after: deploy({ replicas: 1 }, { metadata: { name: 'web', uid: 'u', resourceVersion: '5' } }),
      manager: 'kubectl-create',
      schema,
      now: t0,
    });
    expect(obj.metadata.managedFields).toEqual([
      {
        manager: 'kubectl-create',
        operation: 'Update',
        apiVersion: 'apps/v1',
        time: t0,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': { '.': {}, 'f:replicas': {} } },
      },
    ]);
  });

  it('takes the changed fields away from the applier, who then gets a conflict', () => {
    const live = apply(undefined, deploy({ replicas: 1, paused: false }), 'ci');
    const scaled = recordUpdate({
      before: live,
      after: { ...live, spec: { replicas: 4, paused: false } },
      manager: 'kubectl-scale',
      schema,
      now: t1,
    });
    expect(entry(scaled, 'ci')?.fieldsV1).toEqual({ 'f:spec': { 'f:paused': {} } });
    expect(entry(scaled, 'kubectl-scale')?.fieldsV1).toEqual({ 'f:spec': { 'f:replicas': {} } });
    // Apply entries sort before Update entries.
    expect(scaled.metadata.managedFields?.map((e) => e.operation)).toEqual(['Apply', 'Update']);
    const r = serverSideApply({
      live: scaled,
      applied: deploy({ replicas: 1 }),
      manager: 'ci',
      force: false,
      schema,
      now: t2,
    });
    expect('conflicts' in r && conflictMessage(r.conflicts)).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-scale" using apps/v1: .spec.replicas',
    );
  });

  it('a write that changes nothing adds no entry', () => {
    const live = apply(undefined, deploy({ replicas: 1 }), 'ci');
    const same = recordUpdate({ before: live, after: live, manager: 'other', schema, now: t1 });
    expect(same.metadata.managedFields?.map((e) => e.manager)).toEqual(['ci']);
  });

  it('managedFields: [{}] clears them; an empty list keeps them', () => {
    const live = apply(undefined, deploy({ replicas: 1 }), 'ci');
    const cleared = recordUpdate({
      before: live,
      after: { ...live, metadata: { ...live.metadata, managedFields: [{} as ManagedFieldsEntry] } },
      manager: 'x',
      schema,
      now: t1,
    });
    expect(cleared.metadata.managedFields).toBeUndefined();
    const kept = recordUpdate({
      before: live,
      after: { ...live, metadata: { ...live.metadata, managedFields: [] } },
      manager: 'x',
      schema,
      now: t1,
    });
    expect(kept.metadata.managedFields).toEqual(live.metadata.managedFields);
  });

  it('status writes are recorded with the subresource', () => {
    const live = apply(undefined, deploy({ replicas: 1 }), 'ci');
    const obj = recordUpdate({
      before: live,
      after: { ...live, status: { replicas: 1 } },
      manager: 'sim',
      schema,
      now: t1,
      subresource: 'status',
    });
    expect(obj.metadata.managedFields?.find((e) => e.manager === 'sim')).toMatchObject({
      operation: 'Update',
      subresource: 'status',
      fieldsV1: { 'f:status': { '.': {}, 'f:replicas': {} } },
    });
  });
});

describe('FieldsV1 keys', () => {
  it('escape key values the way Go does (HTML characters as \\u00XX)', () => {
    const cm = builtinTypeSchema('v1', 'Pod');
    const r = serverSideApply({
      live: undefined,
      applied: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p' },
        spec: { containers: [{ name: 'a<b>&"c' }] },
      },
      manager: 'ci',
      force: false,
      schema: cm,
      now: t0,
    });
    if (!('object' in r)) throw new Error('conflict');
    const containers = (r.object.metadata.managedFields?.[0]?.fieldsV1['f:spec'] ?? {})[
      'f:containers'
    ];
    expect(Object.keys(containers ?? {})).toEqual(['k:{"name":"a\\u003cb\\u003e\\u0026\\"c"}']);
  });
});

describe('managedFields cap', () => {
  it('keeps at most 10 Update entries, merging the oldest into ancient-changes', () => {
    let obj: KubeObject = deploy({});
    for (let i = 0; i < 12; i++) {
      obj = recordUpdate({
        before: obj,
        after: {
          ...obj,
          metadata: { ...obj.metadata, labels: { ...obj.metadata.labels, [`l${i}`]: 'x' } },
        },
        manager: `m${String(i).padStart(2, '0')}`,
        schema,
        now: `2026-01-01T00:00:${String(i).padStart(2, '0')}Z`,
      });
    }
    const managers = obj.metadata.managedFields?.map((e) => e.manager) ?? [];
    expect(managers).toHaveLength(10);
    expect(managers).toContain('ancient-changes');
    expect(managers).not.toContain('m00');
    expect(managers).not.toContain('m02');
    const bucket = obj.metadata.managedFields?.find((e) => e.manager === 'ancient-changes');
    // m00 created the labels map, so the bucket owns it too.
    expect(bucket?.fieldsV1).toEqual({
      'f:metadata': { 'f:labels': { '.': {}, 'f:l0': {}, 'f:l1': {}, 'f:l2': {} } },
    });
  });
});

describe('applied config errors', () => {
  it('names the object and path for list items without keys or with duplicate keys', () => {
    const bad = deploy(
      withContainers({ name: 'a', env: [{ name: 'X' }, { name: 'X' }] }, { image: 'no-name' }),
    );
    let err: unknown;
    try {
      apply(undefined, bad, 'ci');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PatchError);
    expect((err as PatchError).status).toBe(500);
    expect((err as PatchError).message).toBe(
      'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): errors:\n' +
        '  .spec.template.spec.containers[name="a"].env: duplicate entries for key [name="X"]\n' +
        '  .spec.template.spec.containers: element 1: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)',
    );
  });
});

describe('client-side to server-side apply with kubectl', () => {
  const lastApplied = (spec: Record<string, unknown>): string =>
    JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec,
    });

  function clientSideApplied(spec: Record<string, unknown>): KubeObject {
    const obj = deploy(spec);
    obj.metadata.annotations = { [lastAppliedAnnotation]: lastApplied(spec) };
    return recordUpdate({
      before: undefined,
      after: obj,
      manager: 'kubectl-client-side-apply',
      schema,
      now: t0,
    });
  }

  it('kubectl takes over fields that still hold their last-applied values and rewrites the annotation', () => {
    const live = clientSideApplied({ replicas: 1, paused: false });
    const r = serverSideApply({
      live,
      applied: deploy({ replicas: 3 }),
      manager: 'kubectl',
      force: false,
      schema,
      now: t1,
    });
    if (!('object' in r)) throw new Error(conflictMessage(r.conflicts));
    expect(r.object.spec).toEqual({ replicas: 3, paused: false });
    expect(entry(r.object, 'kubectl')?.fieldsV1).toEqual({ 'f:spec': { 'f:replicas': {} } });
    expect(JSON.parse(r.object.metadata.annotations?.[lastAppliedAnnotation] ?? '')).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: { replicas: 3 },
    });
  });

  it('still conflicts on fields changed since the client-side apply, and for other managers', () => {
    let live = clientSideApplied({ replicas: 1 });
    live = recordUpdate({
      before: live,
      after: { ...live, spec: { replicas: 5 } },
      manager: 'kubectl-scale',
      schema,
      now: t1,
    });
    const r = serverSideApply({
      live,
      applied: deploy({ replicas: 3 }),
      manager: 'kubectl',
      force: false,
      schema,
      now: t2,
    });
    expect('conflicts' in r && conflictMessage(r.conflicts)).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-scale" using apps/v1: .spec.replicas',
    );
    const other = serverSideApply({
      live: clientSideApplied({ replicas: 1 }),
      applied: deploy({ replicas: 3 }),
      manager: 'ci',
      force: false,
      schema,
      now: t2,
    });
    expect('conflicts' in other).toBe(true);
  });
});

describe('FieldSet', () => {
  it('round-trips FieldsV1 and answers membership', () => {
    const f = {
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
      'f:spec': { 'f:containers': { 'k:{"name":"a"}': { '.': {}, 'f:image': {} } } },
    };
    const set = FieldSet.fromFieldsV1(f);
    expect(set.toFieldsV1()).toEqual(f);
    expect(set.has(['f:metadata', 'f:labels'])).toBe(true);
    expect(set.has(['f:metadata', 'f:labels', 'f:app'])).toBe(true);
    expect(set.has(['f:spec', 'f:containers'])).toBe(false);
    expect(set.has(['f:spec', 'f:containers', 'k:{"name":"a"}'])).toBe(true);
    expect(set.has([])).toBe(false);
  });
});

describe('managedFields given by the writer', () => {
  it('a non-apply write may replace managedFields; its own change is recorded on top', () => {
    const live = apply(undefined, deploy({ replicas: 1, paused: false }), 'ci');
    const given: ManagedFieldsEntry[] = [
      {
        manager: 'migrated',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: t0,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': { 'f:replicas': {}, 'f:paused': {} } },
      },
    ];
    const out = recordUpdate({
      before: live,
      after: {
        ...live,
        metadata: { ...live.metadata, managedFields: given },
        spec: { replicas: 1, paused: true },
      },
      manager: 'editor',
      schema,
      now: t1,
    });
    expect(out.metadata.managedFields?.map((e) => [e.manager, e.fieldsV1])).toEqual([
      ['migrated', { 'f:spec': { 'f:replicas': {} } }],
      ['editor', { 'f:spec': { 'f:paused': {} } }],
    ]);
  });

  it('conflicts with a status manager name the subresource', () => {
    let live = apply(undefined, deploy({ replicas: 1 }), 'ci');
    live = recordUpdate({
      before: live,
      after: { ...live, status: { replicas: 1 } },
      manager: 'sim',
      schema,
      now: t1,
      subresource: 'status',
    });
    const r = serverSideApply({
      live,
      applied: deploy({}, { status: { replicas: 2 } }),
      manager: 'other',
      force: false,
      schema,
      now: t2,
      subresource: 'status',
    });
    expect('conflicts' in r && conflictMessage(r.conflicts)).toBe(
      'Apply failed with 1 conflict: conflict with "sim" with subresource "status" using apps/v1: .status.replicas',
    );
  });
});
