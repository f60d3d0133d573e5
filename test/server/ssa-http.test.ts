// Server-side apply over HTTPS (kube-api.md §2.8): managedFields entries, ownership transfer,
// conflicts, force, release of dropped fields (also associative list items), status reset and the
// managedFields clearing rules.
import type { V1ManagedFieldsEntry } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshNamespace, raw, startTestServer, type TestServer } from './helpers.js';

let ts: TestServer;
beforeAll(async () => {
  // No simulator: these tests look at every managedFields entry of workloads.
  ts = await startTestServer({ simulator: false });
});
afterAll(async () => {
  await ts.server.stop();
});

interface Obj {
  metadata: {
    managedFields?: V1ManagedFieldsEntry[];
    generation?: number;
    resourceVersion?: string;
    labels?: Record<string, string>;
  };
  data?: Record<string, string>;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

interface Reply {
  status: number;
  body: Obj & { message?: string; reason?: string; details?: { causes?: unknown[] } };
}

async function call(
  method: string,
  path: string,
  body: unknown,
  contentType = 'application/json',
  headers: Record<string, string> = {},
): Promise<Reply> {
  const r = await raw(ts.server, method, path, body, { 'content-type': contentType, ...headers });
  return { status: r.status, body: JSON.parse(r.text) as Reply['body'] };
}

function apply(path: string, body: unknown, manager: string, force = false): Promise<Reply> {
  return call(
    'PATCH',
    `${path}?fieldManager=${manager}&force=${String(force)}`,
    body,
    'application/apply-patch+yaml',
  );
}

async function get(path: string): Promise<Obj> {
  const r = await call('GET', path, undefined);
  expect(r.status).toBe(200);
  return r.body;
}

/** manager/operation[/subresource] of each managedFields entry. */
function managers(o: Obj): string[] {
  return (o.metadata.managedFields ?? []).map((m) =>
    [m.manager, m.operation, ...(m.subresource ? [m.subresource] : [])].join('/'),
  );
}

function entry(o: Obj, manager: string): V1ManagedFieldsEntry {
  const e = (o.metadata.managedFields ?? []).find((m) => m.manager === manager);
  if (!e) throw new Error(`no managedFields entry for ${manager}: ${managers(o).join(', ')}`);
  return e;
}

const cm = (ns: string, name: string, data: Record<string, string>, labels?: object): unknown => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns, ...(labels ? { labels } : {}) },
  data,
});

function deployment(
  ns: string,
  name: string,
  containers: Record<string, unknown>[],
  extra: Record<string, unknown> = {},
): unknown {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers } },
      ...extra,
    },
  };
}

describe('server-side apply over HTTP', () => {
  it('records Apply and Update entries: manager, operation, apiVersion, time, FieldsV1, subresource', async () => {
    const ns = await freshNamespace(ts, 'mf');
    const base = `/api/v1/namespaces/${ns}/configmaps`;
    const before = Date.now();
    const created = await call('POST', `${base}?fieldManager=creator`, cm(ns, 'c', { a: '1' }));
    expect(created.status).toBe(201);
    const e = entry(created.body, 'creator');
    expect(e).toMatchObject({
      manager: 'creator',
      operation: 'Update',
      apiVersion: 'v1',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:data': { '.': {}, 'f:a': {} } },
    });
    expect(e.subresource).toBeUndefined();
    const time = String(e.time);
    expect(time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(time)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(Date.parse(time)).toBeLessThanOrEqual(Date.now());

    // Without fieldManager the manager is the User-Agent up to its first '/'.
    const viaAgent = await call('POST', base, cm(ns, 'ua', { x: '1' }), 'application/json', {
      'user-agent': 'my-tool/1.2.3 (linux/amd64) kubernetes/abc',
    });
    expect(managers(viaAgent.body)).toEqual(['my-tool/Update']);

    const applied = await apply(`${base}/c`, cm(ns, 'c', { b: '2' }), 'applier');
    expect(applied.status).toBe(200);
    // entries are sorted as the apiserver sorts them: Apply before Update
    expect(managers(applied.body)).toEqual(['applier/Apply', 'creator/Update']);
    expect(entry(applied.body, 'applier').fieldsV1).toEqual({ 'f:data': { 'f:b': {} } });

    // A status write records the subresource.
    const dep = await apply(
      `/apis/apps/v1/namespaces/${ns}/deployments/d`,
      deployment(ns, 'd', [{ name: 'c', image: 'nginx:1' }]),
      'applier',
    );
    expect(dep.status).toBe(201);
    const st = await call(
      'PATCH',
      `/apis/apps/v1/namespaces/${ns}/deployments/d/status?fieldManager=status-writer`,
      { status: { replicas: 1 } },
      'application/merge-patch+json',
    );
    expect(st.status).toBe(200);
    expect(entry(st.body, 'status-writer')).toMatchObject({
      operation: 'Update',
      subresource: 'status',
      fieldsV1: { 'f:status': { 'f:replicas': {} } },
    });
    // The same manager writing the main resource gets a separate entry.
    const main = await call(
      'PATCH',
      `/apis/apps/v1/namespaces/${ns}/deployments/d?fieldManager=status-writer`,
      { metadata: { labels: { x: 'y' } } },
      'application/merge-patch+json',
    );
    expect(
      managers(main.body)
        .filter((m) => m.startsWith('status-writer/'))
        .sort(),
    ).toEqual(['status-writer/Update', 'status-writer/Update/status']);
  });

  it('shares a field applied with the same value, transfers ownership on Update, conflicts on a different value', async () => {
    const ns = await freshNamespace(ts, 'own');
    const path = `/api/v1/namespaces/${ns}/configmaps/o`;
    expect((await apply(path, cm(ns, 'o', { k: 'v' }), 'alice')).status).toBe(201);
    // same value: shared, no conflict
    const shared = await apply(path, cm(ns, 'o', { k: 'v' }), 'bob');
    expect(shared.status).toBe(200);
    expect(entry(shared.body, 'alice').fieldsV1).toEqual({ 'f:data': { 'f:k': {} } });
    expect(entry(shared.body, 'bob').fieldsV1).toEqual({ 'f:data': { 'f:k': {} } });
    // alice drops the field: it stays, bob still owns it
    const dropped = await apply(path, cm(ns, 'o', {}), 'alice');
    expect(dropped.body.data).toEqual({ k: 'v' });
    // an Update takes the field from every applier without a conflict
    const upd = await call(
      'PATCH',
      `${path}?fieldManager=editor`,
      { data: { k: 'edited' } },
      'application/merge-patch+json',
    );
    expect(upd.status).toBe(200);
    expect(JSON.stringify(entry(upd.body, 'editor').fieldsV1)).toContain('"f:k"');
    expect(upd.body.metadata.managedFields?.some((m) => m.manager === 'bob')).toBe(false);
    // bob re-applies the old value: conflict with the Update manager (named with its apiVersion)
    const clash = await apply(path, cm(ns, 'o', { k: 'v' }), 'bob');
    expect(clash.status).toBe(409);
    expect(clash.body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Conflict',
      code: 409,
      message: 'Apply failed with 1 conflict: conflict with "editor" using v1: .data.k',
      details: {
        name: 'o',
        kind: 'configmaps',
        causes: [
          {
            type: 'FieldManagerConflict',
            message: 'conflict with "editor" using v1',
            field: '.data.k',
          },
        ],
      },
    });
    // nothing changed
    expect((await get(path)).data).toEqual({ k: 'edited' });
  });

  it('reports every conflicting field and manager; force takes them all', async () => {
    const ns = await freshNamespace(ts, 'many');
    const path = `/api/v1/namespaces/${ns}/configmaps/m`;
    await apply(path, cm(ns, 'm', { a: '1', b: '1' }), 'alice');
    await apply(path, cm(ns, 'm', { c: '1' }, { team: 'x' }), 'carol');
    const clash = await apply(path, cm(ns, 'm', { a: '2', b: '2', c: '2' }, { team: 'y' }), 'bob');
    expect(clash.status).toBe(409);
    expect(clash.body.message).toBe(
      'Apply failed with 4 conflicts: conflicts with "alice":\n- .data.a\n- .data.b\n' +
        'conflicts with "carol":\n- .data.c\n- .metadata.labels.team',
    );
    expect(clash.body.details?.causes).toHaveLength(4);
    expect(clash.body.details?.causes).toContainEqual({
      type: 'FieldManagerConflict',
      message: 'conflict with "carol"',
      field: '.metadata.labels.team',
    });
    const forced = await apply(
      path,
      cm(ns, 'm', { a: '2', b: '2', c: '2' }, { team: 'y' }),
      'bob',
      true,
    );
    expect(forced.status).toBe(200);
    expect(forced.body.data).toEqual({ a: '2', b: '2', c: '2' });
    expect(forced.body.metadata.labels).toEqual({ team: 'y' });
    // the losers keep no fields: their entries are gone
    expect(managers(forced.body)).toEqual(['bob/Apply']);
  });

  it('removes fields a manager stops applying unless someone else owns them', async () => {
    const ns = await freshNamespace(ts, 'rel');
    const path = `/api/v1/namespaces/${ns}/configmaps/r`;
    await apply(path, cm(ns, 'r', { a: '1', b: '1', c: '1' }, { l1: 'x', l2: 'y' }), 'alice');
    await apply(path, cm(ns, 'r', { c: '1' }), 'bob');
    await call(
      'PATCH',
      `${path}?fieldManager=editor`,
      { data: { d: '1' } },
      'application/merge-patch+json',
    );
    const after = await apply(path, cm(ns, 'r', { a: '1' }, { l1: 'x' }), 'alice');
    expect(after.status).toBe(200);
    // b: dropped and unowned -> removed; c: bob owns it -> kept; d: never alice's -> kept
    expect(after.body.data).toEqual({ a: '1', c: '1', d: '1' });
    expect(after.body.metadata.labels).toEqual({ l1: 'x' });
    expect(entry(after.body, 'alice').fieldsV1).toEqual({
      'f:data': { 'f:a': {} },
      'f:metadata': { 'f:labels': { 'f:l1': {} } },
    });
  });

  it('merges associative lists by key: items are owned, released and removed one by one', async () => {
    const ns = await freshNamespace(ts, 'list');
    const path = `/apis/apps/v1/namespaces/${ns}/deployments/l`;
    const web = { name: 'web', image: 'nginx:1', ports: [{ containerPort: 80 }] };
    const log = { name: 'log', image: 'busybox:1' };
    expect((await apply(path, deployment(ns, 'l', [web, log]), 'alice')).status).toBe(201);
    // bob adds his own container and an env var to alice's container: merged by name
    const bob = await apply(
      path,
      deployment(ns, 'l', [
        { name: 'web', env: [{ name: 'MODE', value: 'prod' }] },
        { name: 'proxy', image: 'envoy:1' },
      ]),
      'bob',
    );
    expect(bob.status).toBe(200);
    const containers = (): { name: string; image?: string; env?: unknown }[] =>
      (bob.body.spec?.template as { spec: { containers: { name: string }[] } }).spec.containers;
    expect(containers().map((c) => c.name)).toEqual(['web', 'log', 'proxy']);
    expect(containers()[0]).toMatchObject({
      image: 'nginx:1',
      env: [{ name: 'MODE', value: 'prod' }],
      ports: [{ containerPort: 80, protocol: 'TCP' }],
    });
    const bobFields = JSON.stringify(entry(bob.body, 'bob').fieldsV1);
    expect(bobFields).toContain('k:{\\"name\\":\\"proxy\\"}');
    expect(bobFields).toContain('k:{\\"name\\":\\"MODE\\"}');
    // alice drops "log" and "web": log goes, web stays (bob owns an item key and env in it)
    const dropped = await apply(path, deployment(ns, 'l', []), 'alice');
    expect(dropped.status).toBe(200);
    const left = (
      dropped.body.spec?.template as { spec: { containers: Record<string, unknown>[] } }
    ).spec.containers;
    expect(left.map((c) => c.name)).toEqual(['web', 'proxy']);
    // web's image was alice's alone: removed with her config
    expect(left[0]?.image).toBeUndefined();
    expect(left[0]?.env).toEqual([{ name: 'MODE', value: 'prod' }]);
  });

  it('ignores status on the main endpoint and spec on /status (reset fields)', async () => {
    const ns = await freshNamespace(ts, 'reset');
    const path = `/apis/apps/v1/namespaces/${ns}/deployments/s`;
    const withStatus = {
      ...(deployment(ns, 's', [{ name: 'c', image: 'nginx:1' }]) as object),
      status: { replicas: 7 },
    };
    const created = await apply(path, withStatus, 'alice');
    expect(created.status).toBe(201);
    expect(created.body.status?.replicas).toBeUndefined();
    expect(JSON.stringify(entry(created.body, 'alice').fieldsV1)).not.toContain('f:status');
    const st = await apply(
      `${path}/status`,
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 's', namespace: ns },
        spec: { replicas: 9 },
        status: { replicas: 3 },
      },
      'kubelet-ish',
    );
    expect(st.status).toBe(200);
    expect(st.body.status?.replicas).toBe(3);
    expect(st.body.spec?.replicas).toBe(1);
    expect(st.body.metadata.generation).toBe(1);
    const e = entry(st.body, 'kubelet-ish');
    expect(e).toMatchObject({ operation: 'Apply', subresource: 'status' });
    expect(JSON.stringify(e.fieldsV1)).not.toContain('f:spec');
  });

  it('clears managedFields with [{}], keeps them with [], refuses them in an apply body', async () => {
    const ns = await freshNamespace(ts, 'clear');
    const path = `/api/v1/namespaces/${ns}/configmaps/c`;
    await apply(path, cm(ns, 'c', { a: '1' }), 'alice');
    const empty = await call(
      'PATCH',
      `${path}?fieldManager=other`,
      { metadata: { managedFields: [] }, data: { b: '1' } },
      'application/merge-patch+json',
    );
    expect(empty.status).toBe(200);
    expect(managers(empty.body)).toEqual(['alice/Apply', 'other/Update']);
    const cleared = await call(
      'PATCH',
      `${path}?fieldManager=other`,
      { metadata: { managedFields: [{}] } },
      'application/merge-patch+json',
    );
    expect(cleared.status).toBe(200);
    expect(cleared.body.metadata.managedFields).toBeUndefined();
    expect((await get(path)).metadata.managedFields).toBeUndefined();
    // alice's fields are nobody's now: her next apply without "a" keeps it
    const again = await apply(path, cm(ns, 'c', { z: '1' }), 'alice');
    expect(again.body.data).toEqual({ a: '1', b: '1', z: '1' });
    expect(managers(again.body)).toEqual(['alice/Apply']);
    const refused = await apply(
      path,
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'c', managedFields: [{ manager: 'x', operation: 'Apply' }] },
      },
      'alice',
    );
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain('metadata.managedFields must be nil');
  });

  it('apply of an unchanged config stores nothing and keeps the resourceVersion', async () => {
    const ns = await freshNamespace(ts, 'noop');
    const path = `/api/v1/namespaces/${ns}/configmaps/n`;
    const first = await apply(path, cm(ns, 'n', { a: '1' }), 'alice');
    const second = await apply(path, cm(ns, 'n', { a: '1' }), 'alice');
    expect(second.status).toBe(200);
    expect(second.body.metadata.resourceVersion).toBe(first.body.metadata.resourceVersion);
    expect(entry(second.body, 'alice').time).toEqual(entry(first.body, 'alice').time);
  });
});
