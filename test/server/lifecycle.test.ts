// Conformance: finalizers, garbage collection in the three propagation modes, namespace deletion,
// CRD establish / serve / delete.
import {
  PatchStrategy,
  setHeaderOptions,
  type V1ConfigMap,
  type V1CustomResourceDefinition,
  type V1OwnerReference,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  freshNamespace,
  raw,
  startTestServer,
  statusOf,
  type TestServer,
} from './helpers.js';

let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer();
});
afterAll(async () => {
  await ts.server.stop();
});

async function exists(ns: string, name: string): Promise<boolean> {
  try {
    await ts.core.readNamespacedConfigMap({ name, namespace: ns });
    return true;
  } catch {
    return false;
  }
}

function ownerRef(owner: V1ConfigMap, block = false): V1OwnerReference {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    name: owner.metadata?.name ?? '',
    uid: owner.metadata?.uid ?? '',
    blockOwnerDeletion: block,
  };
}

describe('finalizers', () => {
  it('keeps an object with finalizers, marks it deleted, and removes it when the last finalizer goes', async () => {
    const ns = await freshNamespace(ts);
    await ts.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'f', finalizers: ['example.com/hold'] } },
    });
    const marked = await raw(ts.server, 'DELETE', `/api/v1/namespaces/${ns}/configmaps/f`);
    expect(marked.status).toBe(200);
    expect(marked.json()).toMatchObject({
      kind: 'ConfigMap',
      metadata: { name: 'f', deletionGracePeriodSeconds: 0 },
    });
    const live = await ts.core.readNamespacedConfigMap({ name: 'f', namespace: ns });
    expect(live.metadata?.deletionTimestamp).toBeTruthy();
    const added = await statusOf(
      ts.core.replaceNamespacedConfigMap({
        name: 'f',
        namespace: ns,
        body: {
          ...live,
          metadata: { ...live.metadata, finalizers: ['example.com/hold', 'example.com/new'] },
        },
      }),
    );
    expect(added.code).toBe(422);
    expect(added.message).toContain(
      'no new finalizers can be added if the object is being deleted',
    );
    await ts.core.replaceNamespacedConfigMap({
      name: 'f',
      namespace: ns,
      body: { ...live, metadata: { ...live.metadata, finalizers: [] } },
    });
    expect(await exists(ns, 'f')).toBe(false);
  });
});

describe('garbage collection', () => {
  it('Background: the owner goes at once, dependents are collected after', async () => {
    const ns = await freshNamespace(ts);
    const owner = await ts.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'owner' } },
    });
    await ts.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'dep', ownerReferences: [ownerRef(owner)] } },
    });
    await ts.core.createNamespacedConfigMap({
      namespace: ns,
      body: {
        metadata: {
          name: 'keep',
          ownerReferences: [{ ...ownerRef(owner), uid: 'not-this-owner' }, ownerRef(owner)],
        },
      },
    });
    await ts.core.deleteNamespacedConfigMap({
      name: 'owner',
      namespace: ns,
      body: { propagationPolicy: 'Background' },
    });
    expect(await exists(ns, 'owner')).toBe(false);
    await eventually(async () => !(await exists(ns, 'dep')), 'the dependent to be collected');
    await eventually(
      async () => !(await exists(ns, 'keep')),
      'a dependent whose owners are all gone to be collected',
    );
  });

  it('Foreground: dependents go first, the owner waits on blockOwnerDeletion with a foregroundDeletion finalizer', async () => {
    const ns = await freshNamespace(ts);
    const owner = await ts.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'owner' } },
    });
    await ts.core.createNamespacedConfigMap({
      namespace: ns,
      body: {
        metadata: {
          name: 'blocker',
          ownerReferences: [ownerRef(owner, true)],
          finalizers: ['example.com/hold'],
        },
      },
    });
    await ts.core.deleteNamespacedConfigMap({
      name: 'owner',
      namespace: ns,
      body: { propagationPolicy: 'Foreground' },
    });
    const del = await ts.core.readNamespacedConfigMap({ name: 'owner', namespace: ns });
    expect(del.metadata?.finalizers).toContain('foregroundDeletion');
    const blocker = await eventually(async () => {
      const b = await ts.core.readNamespacedConfigMap({ name: 'blocker', namespace: ns });
      return b.metadata?.deletionTimestamp ? b : undefined;
    }, 'the dependent to be deleted');
    expect(await exists(ns, 'owner')).toBe(true);
    await ts.core.replaceNamespacedConfigMap({
      name: 'blocker',
      namespace: ns,
      body: { ...blocker, metadata: { ...blocker.metadata, finalizers: [] } },
    });
    await eventually(
      async () => !(await exists(ns, 'owner')),
      'the owner to go once the blocking dependent is gone',
    );
  });

  it('Orphan: the owner goes, dependents stay without the owner reference', async () => {
    const ns = await freshNamespace(ts);
    const owner = await ts.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'owner' } },
    });
    await ts.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'dep', ownerReferences: [ownerRef(owner)] } },
    });
    await ts.core.deleteNamespacedConfigMap({
      name: 'owner',
      namespace: ns,
      body: { propagationPolicy: 'Orphan' },
    });
    await eventually(async () => !(await exists(ns, 'owner')), 'the owner to go');
    const dep = await ts.core.readNamespacedConfigMap({ name: 'dep', namespace: ns });
    expect(dep.metadata?.ownerReferences ?? []).toEqual([]);
  });
});

describe('namespaces', () => {
  it('terminate: refuse new content, delete content, wait on finalizers, then disappear', async () => {
    const ns = await freshNamespace(ts);
    const created = await ts.core.readNamespace({ name: ns });
    expect(created.status?.phase).toBe('Active');
    expect(created.metadata?.labels?.['kubernetes.io/metadata.name']).toBe(ns);
    expect(created.spec?.finalizers).toEqual(['kubernetes']);
    await ts.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'a' } } });
    await ts.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'held', finalizers: ['example.com/hold'] } },
    });
    await ts.core.deleteNamespace({ name: ns });
    const terminating = await ts.core.readNamespace({ name: ns });
    expect(terminating.status?.phase).toBe('Terminating');
    const refused = await statusOf(
      ts.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'late' } } }),
    );
    expect(refused).toMatchObject({ code: 403, reason: 'Forbidden' });
    expect(refused.message).toContain(
      `unable to create new content in namespace ${ns} because it is being terminated`,
    );
    await eventually(async () => !(await exists(ns, 'a')), 'content to be deleted');
    const remaining = await eventually(async () => {
      const n = await ts.core.readNamespace({ name: ns });
      return n.status?.conditions?.find(
        (c) => c.type === 'NamespaceFinalizersRemaining' && c.status === 'True',
      );
    }, 'the finalizers condition');
    expect(remaining.message).toContain('example.com/hold');
    const held = await ts.core.readNamespacedConfigMap({ name: 'held', namespace: ns });
    await ts.core.replaceNamespacedConfigMap({
      name: 'held',
      namespace: ns,
      body: { ...held, metadata: { ...held.metadata, finalizers: [] } },
    });
    await eventually(
      async () => (await statusOf(ts.core.readNamespace({ name: ns }))).code === 404,
      'the namespace to be gone',
    );
  });
});

function widgetCrd(plural = 'widgets', group = 'example.com'): V1CustomResourceDefinition {
  return {
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: {
        plural,
        singular: plural.replace(/s$/, ''),
        kind: 'Widget',
        shortNames: ['wd'],
        categories: ['all'],
      },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  properties: {
                    size: { type: 'integer', minimum: 0 },
                    mode: { type: 'string', _enum: ['fast', 'slow'], _default: 'fast' },
                  },
                },
                status: { type: 'object', properties: { ready: { type: 'boolean' } } },
              },
            },
          },
        },
      ],
    },
  };
}

describe('custom resource definitions', () => {
  it('validates the CRD, establishes it, serves its kind, and on delete removes instances and the kind', async () => {
    const invalidCrd = widgetCrd();
    invalidCrd.metadata = { name: 'wrong.example.com' };
    const bad = await statusOf(ts.ext.createCustomResourceDefinition({ body: invalidCrd }));
    expect(bad.code).toBe(422);
    expect(bad.message).toContain('metadata.name');

    await ts.ext.createCustomResourceDefinition({ body: widgetCrd() });
    const crd = await eventually(async () => {
      const c = await ts.ext.readCustomResourceDefinition({ name: 'widgets.example.com' });
      return c.status?.conditions?.some((x) => x.type === 'Established' && x.status === 'True')
        ? c
        : undefined;
    }, 'Established');
    expect(crd.status?.conditions?.find((c) => c.type === 'NamesAccepted')).toMatchObject({
      status: 'True',
      reason: 'NoConflicts',
    });
    expect(crd.status?.acceptedNames).toMatchObject({ plural: 'widgets', kind: 'Widget' });
    expect(crd.status?.storedVersions).toEqual(['v1']);

    const disc = await raw(ts.server, 'GET', '/apis/example.com/v1');
    expect(disc.json()).toMatchObject({
      resources: [
        { name: 'widgets', kind: 'Widget', namespaced: true },
        { name: 'widgets/status' },
      ],
    });

    const ns = await freshNamespace(ts);
    const w = (await ts.custom.createNamespacedCustomObject({
      group: 'example.com',
      version: 'v1',
      namespace: ns,
      plural: 'widgets',
      body: {
        apiVersion: 'example.com/v1',
        kind: 'Widget',
        metadata: { name: 'w1' },
        spec: { size: 1, unknown: true },
        status: { ready: true },
      },
    })) as {
      metadata: { generation: number; resourceVersion: string };
      spec: Record<string, unknown>;
      status?: unknown;
    };
    expect(w.metadata.generation).toBe(1);
    expect(w.spec).toEqual({ size: 1, mode: 'fast' });
    const badCr = await statusOf(
      ts.custom.createNamespacedCustomObject({
        group: 'example.com',
        version: 'v1',
        namespace: ns,
        plural: 'widgets',
        body: {
          apiVersion: 'example.com/v1',
          kind: 'Widget',
          metadata: { name: 'bad' },
          spec: { size: -1, mode: 'warp' },
        },
      }),
    );
    expect(badCr).toMatchObject({
      code: 422,
      reason: 'Invalid',
      message:
        'Widget.example.com "bad" is invalid: [spec.size: Invalid value: -1: spec.size in body should be greater than or equal to 0, spec.mode: Unsupported value: "warp": supported values: "fast", "slow"]',
    });
    expect(badCr.details?.causes?.map((c) => c.field)).toEqual(['spec.size', 'spec.mode']);
    expect(w.status).toBeUndefined();
    const noRv = await statusOf(
      ts.custom.replaceNamespacedCustomObject({
        group: 'example.com',
        version: 'v1',
        namespace: ns,
        plural: 'widgets',
        name: 'w1',
        body: {
          apiVersion: 'example.com/v1',
          kind: 'Widget',
          metadata: { name: 'w1' },
          spec: { size: 2 },
        },
      }),
    );
    expect(noRv).toMatchObject({
      code: 422,
      message:
        'Widget.example.com "w1" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update',
    });
    const smp = await statusOf(
      ts.custom.patchNamespacedCustomObject(
        {
          group: 'example.com',
          version: 'v1',
          namespace: ns,
          plural: 'widgets',
          name: 'w1',
          body: { spec: { size: 3 } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
      ),
    );
    expect(smp.code).toBe(415);
    const patched = (await ts.custom.patchNamespacedCustomObject(
      {
        group: 'example.com',
        version: 'v1',
        namespace: ns,
        plural: 'widgets',
        name: 'w1',
        body: { spec: { size: 3 } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as { metadata: { generation: number } };
    expect(patched.metadata.generation).toBe(2);
    const st = (await ts.custom.patchNamespacedCustomObjectStatus(
      {
        group: 'example.com',
        version: 'v1',
        namespace: ns,
        plural: 'widgets',
        name: 'w1',
        body: { status: { ready: true }, spec: { size: 99 } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as { metadata: { generation: number }; spec: { size: number }; status: { ready: boolean } };
    expect(st).toMatchObject({
      metadata: { generation: 2 },
      spec: { size: 3 },
      status: { ready: true },
    });

    await ts.custom.createNamespacedCustomObject({
      group: 'example.com',
      version: 'v1',
      namespace: ns,
      plural: 'widgets',
      body: {
        apiVersion: 'example.com/v1',
        kind: 'Widget',
        metadata: { name: 'held', finalizers: ['example.com/hold'] },
      },
    });
    await ts.ext.deleteCustomResourceDefinition({ name: 'widgets.example.com' });
    const terminating = await eventually(async () => {
      const c = await ts.ext.readCustomResourceDefinition({ name: 'widgets.example.com' });
      return c.status?.conditions?.find(
        (x) => x.type === 'Terminating' && x.reason === 'InstanceDeletionInProgress',
      )
        ? c
        : undefined;
    }, 'Terminating');
    expect(terminating.metadata?.finalizers).toContain(
      'customresourcecleanup.apiextensions.k8s.io',
    );
    const refused = await statusOf(
      ts.custom.createNamespacedCustomObject({
        group: 'example.com',
        version: 'v1',
        namespace: ns,
        plural: 'widgets',
        body: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'late' } },
      }),
    );
    expect(refused).toMatchObject({
      code: 405,
      message: 'create not allowed while custom resource definition is terminating',
    });
    await eventually(
      async () =>
        (
          await statusOf(
            ts.custom.getNamespacedCustomObject({
              group: 'example.com',
              version: 'v1',
              namespace: ns,
              plural: 'widgets',
              name: 'w1',
            }),
          )
        ).code === 404,
      'instances to be deleted',
    );
    const held = (await ts.custom.getNamespacedCustomObject({
      group: 'example.com',
      version: 'v1',
      namespace: ns,
      plural: 'widgets',
      name: 'held',
    })) as { metadata: Record<string, unknown> };
    await ts.custom.replaceNamespacedCustomObject({
      group: 'example.com',
      version: 'v1',
      namespace: ns,
      plural: 'widgets',
      name: 'held',
      body: { ...held, metadata: { ...held.metadata, finalizers: [] } },
    });
    await eventually(
      async () =>
        (await statusOf(ts.ext.readCustomResourceDefinition({ name: 'widgets.example.com' })))
          .code === 404,
      'the CRD to be gone',
    );
    expect((await raw(ts.server, 'GET', '/apis/example.com/v1')).status).toBe(404);
  });

  it('refuses a second CRD whose names clash (NamesAccepted False)', async () => {
    await ts.ext.createCustomResourceDefinition({
      body: widgetCrd('gadgets', 'clash.example.com'),
    });
    await eventually(
      async () =>
        (await ts.ext.readCustomResourceDefinition({ name: 'gadgets.clash.example.com' })).status
          ?.acceptedNames?.plural === 'gadgets',
      'first accepted',
    );
    const second = widgetCrd('gizmos', 'clash.example.com');
    await ts.ext.createCustomResourceDefinition({ body: second });
    const cond = await eventually(async () => {
      const c = await ts.ext.readCustomResourceDefinition({ name: 'gizmos.clash.example.com' });
      return c.status?.conditions?.find((x) => x.type === 'NamesAccepted');
    }, 'NamesAccepted');
    expect(cond).toMatchObject({ status: 'False' });
    expect(['SingularConflict', 'ShortNamesConflict', 'KindConflict']).toContain(cond.reason);
  });
});
