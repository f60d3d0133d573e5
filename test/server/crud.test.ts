// Conformance over HTTPS with @kubernetes/client-node: CRUD, Status errors, concurrency, dry run,
// field validation, subresources.
import {
  PatchStrategy,
  setHeaderOptions,
  type KubernetesObject,
  type V1ConfigMap,
  type V1Deployment,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freshNamespace,
  raw,
  retryOnConflict,
  startTestServer,
  statusOf,
  testNames,
  type TestServer,
} from './helpers.js';

let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer();
});
afterAll(async () => {
  await ts.server.stop();
});

function deployment(name: string): V1Deployment {
  return {
    metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'c', image: 'nginx:1' }] },
      },
    },
  };
}

describe('CRUD', () => {
  it('creates, reads, lists, replaces and deletes with server-set metadata and rising resourceVersions', async () => {
    const ns = await freshNamespace(ts);
    const created = await ts.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'a' }, data: { k: 'v' } },
    });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    const rv1 = Number(created.metadata?.resourceVersion);
    const got = await ts.core.readNamespacedConfigMap({ name: 'a', namespace: ns });
    expect(got.data).toEqual({ k: 'v' });
    const list = await ts.core.listNamespacedConfigMap({ namespace: ns });
    expect(testNames(list.items)).toEqual(['a']);
    expect(Number(list.metadata?.resourceVersion)).toBeGreaterThanOrEqual(rv1);
    const replaced = await ts.core.replaceNamespacedConfigMap({
      name: 'a',
      namespace: ns,
      body: { ...got, data: { k: 'w' } },
    });
    expect(Number(replaced.metadata?.resourceVersion)).toBeGreaterThan(rv1);
    expect(replaced.metadata?.uid).toBe(created.metadata?.uid);
    const all = await ts.core.listConfigMapForAllNamespaces();
    expect(all.items.some((c) => c.metadata?.namespace === ns && c.metadata.name === 'a')).toBe(
      true,
    );
    const del = await ts.core.deleteNamespacedConfigMap({ name: 'a', namespace: ns });
    expect(del).toMatchObject({
      kind: 'Status',
      status: 'Success',
      details: { name: 'a', kind: 'configmaps', uid: created.metadata?.uid },
    });
    const gone = await statusOf(ts.core.readNamespacedConfigMap({ name: 'a', namespace: ns }));
    expect(gone).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
      message: 'configmaps "a" not found',
      details: { name: 'a', kind: 'configmaps' },
    });
  });

  it('answers 409 AlreadyExists and 409 Conflict with the apiserver messages', async () => {
    const ns = await freshNamespace(ts);
    const cm = await ts.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'a' } },
    });
    const exists = await statusOf(
      ts.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'a' } } }),
    );
    expect(exists).toMatchObject({
      code: 409,
      reason: 'AlreadyExists',
      message: 'configmaps "a" already exists',
    });
    await ts.core.replaceNamespacedConfigMap({
      name: 'a',
      namespace: ns,
      body: { ...cm, data: { x: '1' } },
    });
    const stale = await statusOf(
      ts.core.replaceNamespacedConfigMap({
        name: 'a',
        namespace: ns,
        body: { ...cm, data: { x: '2' } },
      }),
    );
    expect(stale).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on configmaps "a": the object has been modified; please apply your changes to the latest version and try again',
    });
    const d = await ts.apps.createNamespacedDeployment({ namespace: ns, body: deployment('web') });
    const staleDeploy = await statusOf(
      ts.apps.replaceNamespacedDeployment({
        name: 'web',
        namespace: ns,
        body: { ...d, metadata: { ...d.metadata, resourceVersion: '1' } },
      }),
    );
    expect(staleDeploy.message).toContain(
      'Operation cannot be fulfilled on deployments.apps "web"',
    );
  });

  it('answers 422 Invalid with causes and 404 for a missing namespace', async () => {
    const ns = await freshNamespace(ts);
    const bad = await statusOf(
      ts.core.createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { name: 'Bad_Name' } },
      }),
    );
    expect(bad.code).toBe(422);
    expect(bad.reason).toBe('Invalid');
    expect(bad.message).toMatch(
      /^ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/,
    );
    expect(bad.details?.causes?.[0]).toMatchObject({
      type: 'FieldValueInvalid',
      field: 'metadata.name',
    });
    const noName = await statusOf(
      ts.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: {} } }),
    );
    expect(noName.message).toContain(
      'metadata.name: Required value: name or generateName is required',
    );
    const missing = await statusOf(
      ts.core.createNamespacedConfigMap({
        namespace: 'does-not-exist',
        body: { metadata: { name: 'a' } },
      }),
    );
    expect(missing).toMatchObject({ code: 404, message: 'namespaces "does-not-exist" not found' });
    const sel = await statusOf(
      ts.core.listNamespacedConfigMap({ namespace: ns, fieldSelector: 'data.x=1' }),
    );
    expect(sel).toMatchObject({
      code: 400,
      message: '"data.x" is not a known field selector: only "metadata.name", "metadata.namespace"',
    });
  });

  it('answers 400 for a malformed path', async () => {
    const r = await raw(ts.server, 'GET', '/api/v1/namespaces/%E0%A4%A/configmaps');
    expect(r.status).toBe(400);
  });

  it('answers 401 without the bearer token', async () => {
    const r = await raw(ts.server, 'GET', '/api/v1/namespaces', undefined, {
      authorization: 'Bearer wrong',
    });
    expect(r.status).toBe(401);
    expect(r.json()).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
  });

  it('names objects from generateName and refuses deleting system namespaces', async () => {
    const ns = await freshNamespace(ts);
    const cm = await ts.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { generateName: 'gen-' } },
    });
    expect(cm.metadata?.name).toMatch(/^gen-[a-z0-9]{5}$/);
    const st = await statusOf(ts.core.deleteNamespace({ name: 'default' }));
    expect(st).toMatchObject({
      code: 403,
      reason: 'Forbidden',
      message: 'namespaces "default" is forbidden: this namespace may not be deleted',
    });
  });

  it('checks delete preconditions', async () => {
    const ns = await freshNamespace(ts);
    const cm = await ts.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'a' } },
    });
    const st = await statusOf(
      ts.core.deleteNamespacedConfigMap({
        name: 'a',
        namespace: ns,
        body: { preconditions: { uid: 'other' } },
      }),
    );
    expect(st.code).toBe(409);
    expect(st.message).toContain(
      `Precondition failed: UID in precondition: other, UID in object meta: ${cm.metadata?.uid ?? ''}`,
    );
    await ts.core.deleteNamespacedConfigMap({
      name: 'a',
      namespace: ns,
      body: { preconditions: { uid: cm.metadata?.uid ?? '' } },
    });
  });
});

describe('further built-in kinds', () => {
  it('serves the kinds packages commonly ship, namespaced and cluster-scoped', async () => {
    const ns = await freshNamespace(ts);
    const objs: (KubernetesObject & Record<string, unknown>)[] = [
      {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name: 'pdb', namespace: ns },
        spec: { minAvailable: 1, selector: { matchLabels: { app: 'a' } } },
      },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'deny', namespace: ns },
        spec: { podSelector: {} },
      },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'web', namespace: ns },
        spec: { ingressClassName: 'nginx' },
      },
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'data', namespace: ns },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      },
      {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'web', namespace: ns },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
          maxReplicas: 3,
        },
      },
      {
        apiVersion: 'scheduling.k8s.io/v1',
        kind: 'PriorityClass',
        metadata: { name: `${ns}-high` },
        value: 1000,
      },
    ];
    for (const o of objs) {
      const created = await ts.objects.create(o);
      expect(created.metadata?.uid).toBeTruthy();
      const read = await ts.objects.read({
        apiVersion: o.apiVersion ?? '',
        kind: o.kind ?? '',
        metadata: { name: o.metadata?.name ?? '', namespace: o.metadata?.namespace },
      });
      expect(read.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);
    }
    await ts.objects.delete({
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: { name: `${ns}-high` },
    });
  });
});

describe('dry run and field validation', () => {
  it('dryRun=All validates and answers without storing or consuming a revision', async () => {
    const ns = await freshNamespace(ts);
    const before = (await ts.core.listNamespacedConfigMap({ namespace: ns })).metadata
      ?.resourceVersion;
    const dry = await ts.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'dry' } },
      dryRun: 'All',
    });
    expect(dry.metadata?.uid).toBeTruthy();
    await statusOf(ts.core.readNamespacedConfigMap({ name: 'dry', namespace: ns }));
    const bad = await statusOf(
      ts.core.createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { name: 'BAD' } },
        dryRun: 'All',
      }),
    );
    expect(bad.code).toBe(422);
    await ts.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'real' } },
    });
    const r = await raw(ts.server, 'DELETE', `/api/v1/namespaces/${ns}/configmaps/real?dryRun=All`);
    expect(r.status).toBe(200);
    await ts.core.readNamespacedConfigMap({ name: 'real', namespace: ns });
    const after = await raw(ts.server, 'GET', `/api/v1/namespaces/${ns}/configmaps`);
    const rv = (after.json() as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    expect(Number(rv)).toBe(Number(before) + 1);
    const other = await raw(ts.server, 'POST', `/api/v1/namespaces/${ns}/configmaps?dryRun=Some`, {
      metadata: { name: 'x' },
    });
    expect(other.status).toBe(400);
  });

  it('fieldValidation Strict refuses unknown fields, Warn answers a 299 warning and drops them', async () => {
    const ns = await freshNamespace(ts);
    const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, spec: { x: 1 } };
    const strict = await raw(
      ts.server,
      'POST',
      `/api/v1/namespaces/${ns}/configmaps?fieldValidation=Strict`,
      body,
    );
    expect(strict.status).toBe(400);
    expect(strict.json()).toMatchObject({
      reason: 'BadRequest',
      message: 'strict decoding error: unknown field "spec"',
    });
    const warn = await raw(
      ts.server,
      'POST',
      `/api/v1/namespaces/${ns}/configmaps?fieldValidation=Warn`,
      body,
    );
    expect(warn.status).toBe(201);
    expect(warn.headers.get('warning')).toBe('299 - "unknown field \\"spec\\""');
    expect(warn.json()).not.toHaveProperty('spec');
    const ignore = await raw(
      ts.server,
      'POST',
      `/api/v1/namespaces/${ns}/configmaps?fieldValidation=Ignore`,
      { ...body, metadata: { name: 'b' } },
    );
    expect(ignore.status).toBe(201);
    expect(ignore.headers.get('warning')).toBeNull();
  });
});

describe('kind rules and subresources', () => {
  it('folds Secret stringData into base64 data', async () => {
    const ns = await freshNamespace(ts);
    const s = await ts.core.createNamespacedSecret({
      namespace: ns,
      body: { metadata: { name: 's' }, stringData: { user: 'admin' } },
    });
    expect(s.data).toEqual({ user: Buffer.from('admin').toString('base64') });
    expect(s.stringData).toBeUndefined();
    expect(s.type).toBe('Opaque');
  });

  it('splits spec and status: main endpoint ignores status, /status ignores spec; generation follows spec', async () => {
    const ns = await freshNamespace(ts);
    const d = await ts.apps.createNamespacedDeployment({
      namespace: ns,
      body: { ...deployment('web'), status: { replicas: 9 } },
    });
    expect(d.metadata?.generation).toBe(1);
    expect(d.status?.replicas).not.toBe(9);
    expect(d.spec?.replicas).toBe(1);
    // Read-modify-write with the resourceVersion, retried if a status writer got in between.
    const withStatus = await retryOnConflict(async () => {
      const live = await ts.apps.readNamespacedDeployment({ name: 'web', namespace: ns });
      return ts.apps.replaceNamespacedDeploymentStatus({
        name: 'web',
        namespace: ns,
        body: {
          ...live,
          spec: { ...live.spec!, replicas: 5 },
          status: { replicas: 1, readyReplicas: 1, observedGeneration: 1 },
        },
      });
    });
    expect(withStatus.status?.readyReplicas).toBe(1);
    expect(withStatus.spec?.replicas).toBe(1);
    expect(withStatus.metadata?.generation).toBe(1);
    const { before, after } = await retryOnConflict(async () => {
      const live = await ts.apps.readNamespacedDeployment({ name: 'web', namespace: ns });
      const updated = await ts.apps.replaceNamespacedDeployment({
        name: 'web',
        namespace: ns,
        body: { ...live, spec: { ...live.spec!, replicas: 3 }, status: { replicas: 42 } },
      });
      return { before: live, after: updated };
    });
    expect(after.metadata?.generation).toBe(2);
    expect(after.status).toEqual(before.status);
    const scaled = await retryOnConflict(async () => {
      const scale = await ts.apps.readNamespacedDeploymentScale({ name: 'web', namespace: ns });
      expect(scale).toMatchObject({
        kind: 'Scale',
        spec: { replicas: 3 },
        status: { selector: 'app=web' },
      });
      return ts.apps.replaceNamespacedDeploymentScale({
        name: 'web',
        namespace: ns,
        body: { ...scale, spec: { replicas: 7 } },
      });
    });
    expect(scaled.spec?.replicas).toBe(7);
    const final = await ts.apps.readNamespacedDeployment({ name: 'web', namespace: ns });
    expect(final.spec?.replicas).toBe(7);
    expect(final.metadata?.generation).toBe(3);
  });

  it('an update that changes nothing stores nothing', async () => {
    const ns = await freshNamespace(ts);
    const cm = await ts.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'a' }, data: { k: 'v' } },
    });
    const same = await ts.core.replaceNamespacedConfigMap({ name: 'a', namespace: ns, body: cm });
    expect(same.metadata?.resourceVersion).toBe(cm.metadata?.resourceVersion);
  });
});

describe('server-side apply', () => {
  it('records managers, answers 409 with FieldManagerConflict causes, and moves ownership with force', async () => {
    const ns = await freshNamespace(ts);
    const apply = (
      manager: string,
      value: string,
      force = false,
    ): Promise<{ status: number; json: () => unknown }> =>
      raw(
        ts.server,
        'PATCH',
        `/api/v1/namespaces/${ns}/configmaps/shared?fieldManager=${manager}&force=${String(force)}`,
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'shared' },
          data: { key: value },
        }),
        { 'content-type': 'application/apply-patch+yaml' },
      );
    expect((await apply('alice', 'a')).status).toBe(201);
    const clash = await apply('bob', 'b');
    expect(clash.status).toBe(409);
    expect(clash.json()).toMatchObject({
      reason: 'Conflict',
      message: 'Apply failed with 1 conflict: conflict with "alice": .data.key',
      details: {
        causes: [
          { type: 'FieldManagerConflict', message: 'conflict with "alice"', field: '.data.key' },
        ],
      },
    });
    expect((await apply('bob', 'b', true)).status).toBe(200);
    const cm = await ts.core.readNamespacedConfigMap({ name: 'shared', namespace: ns });
    expect(cm.data).toEqual({ key: 'b' });
    const managers = (cm.metadata?.managedFields ?? []).map(
      (m) => `${m.manager ?? ''}/${m.operation ?? ''}`,
    );
    expect(managers).toContain('bob/Apply');
  });
});

describe('patch', () => {
  it('applies merge patch, JSON patch (test failure is 422) and server-side apply (creates, then updates)', async () => {
    const ns = await freshNamespace(ts);
    await ts.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'a' }, data: { a: '1', b: '2' } },
    });
    const merged = await ts.core.patchNamespacedConfigMap(
      { name: 'a', namespace: ns, body: { data: { b: null, c: '3' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(merged.data).toEqual({ a: '1', c: '3' });
    const jp = await ts.core.patchNamespacedConfigMap(
      {
        name: 'a',
        namespace: ns,
        body: [
          { op: 'test', path: '/data/a', value: '1' },
          { op: 'replace', path: '/data/a', value: '9' },
        ],
      },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    expect(jp.data?.a).toBe('9');
    const failed = await statusOf(
      ts.core.patchNamespacedConfigMap(
        { name: 'a', namespace: ns, body: [{ op: 'test', path: '/data/a', value: 'nope' }] },
        setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
      ),
    );
    expect(failed.code).toBe(422);
    const applied = await ts.objects.patch<V1ConfigMap>(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'ssa', namespace: ns },
        data: { x: '1' },
      },
      undefined,
      undefined,
      'test-manager',
      false,
      PatchStrategy.ServerSideApply,
    );
    expect(applied.data).toEqual({ x: '1' });
    const reapplied = await ts.objects.patch<V1ConfigMap>(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'ssa', namespace: ns },
        data: { x: '2' },
      },
      undefined,
      undefined,
      'test-manager',
      false,
      PatchStrategy.ServerSideApply,
    );
    expect(reapplied.data).toEqual({ x: '2' });
    const noManager = await raw(
      ts.server,
      'PATCH',
      `/api/v1/namespaces/${ns}/configmaps/ssa`,
      '{}',
      { 'content-type': 'application/apply-patch+yaml' },
    );
    expect(noManager.status).toBe(400);
    const stalePatch = await raw(
      ts.server,
      'PATCH',
      `/api/v1/namespaces/${ns}/configmaps/a`,
      { metadata: { resourceVersion: '1' }, data: { z: '1' } },
      { 'content-type': 'application/merge-patch+json' },
    );
    expect(stalePatch.status).toBe(409);
  });
});
