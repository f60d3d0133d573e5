// KubeClient against the embedded API server over HTTPS: CRUD, server-side apply, patches,
// deletes with preconditions, error classes, raw JSON round trips and discovery refresh.
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  KubeApiError,
  KubeClient,
  NoKindMatchError,
  isAlreadyExists,
  isConflict,
  isInvalid,
  isNotFound,
  type KubeObject,
} from '../../src/kube/index.js';
import { configMap, eventually, freshNamespace, startEnv, widgetCrd, type Env } from './helpers.js';

let env: Env;
beforeAll(async () => {
  env = await startEnv();
});
afterAll(async () => {
  await env.stop();
});

async function failure(p: Promise<unknown>): Promise<KubeApiError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof KubeApiError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

describe('KubeClient', () => {
  it('creates, gets, updates, lists and deletes', async () => {
    const c = env.client;
    const ns = await freshNamespace(c);
    const created = await c.create(configMap(ns, 'a', { x: '1' }, { app: 'web' }));
    expect(created.metadata.uid).toBeTruthy();
    expect(created.apiVersion).toBe('v1');
    await c.create(configMap(ns, 'b', {}, { app: 'db' }));

    const got = await c.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'a' });
    expect(got?.data).toEqual({ x: '1' });

    const updated = await c.update({ ...got!, data: { x: '2' } });
    expect(updated.data).toEqual({ x: '2' });
    expect(updated.metadata.resourceVersion).not.toBe(got!.metadata.resourceVersion);

    // (`app` selects ours: the server also puts kube-root-ca.crt into every namespace.)
    const all = await c.list('v1', 'ConfigMap', { namespace: ns, labelSelector: 'app' });
    expect(all.items.map((o) => o.metadata.name).sort()).toEqual(['a', 'b']);
    expect(all.items.every((o) => o.kind === 'ConfigMap' && o.apiVersion === 'v1')).toBe(true);
    expect(all.resourceVersion).not.toBe('');
    const web = await c.list('v1', 'ConfigMap', { namespace: ns, labelSelector: 'app=web' });
    expect(web.items.map((o) => o.metadata.name)).toEqual(['a']);
    const byName = await c.list('v1', 'ConfigMap', {
      namespace: ns,
      fieldSelector: 'metadata.name=b',
    });
    expect(byName.items.map((o) => o.metadata.name)).toEqual(['b']);
    const paged = await c.list('v1', 'ConfigMap', {
      namespace: ns,
      labelSelector: 'app',
      limit: 1,
    });
    expect(paged.items.map((o) => o.metadata.name).sort()).toEqual(['a', 'b']);

    const gone = await c.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'a' });
    expect(gone === undefined || gone.metadata.name === 'a').toBe(true);
    expect(
      await c.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'a' }),
    ).toBeUndefined();
    // Deleting what is gone is not an error.
    expect(
      await c.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'a' }),
    ).toBeUndefined();
  });

  it('maps API failures to error classes', async () => {
    const c = env.client;
    const ns = await freshNamespace(c);
    const cm = await c.create(configMap(ns, 'a'));

    const exists = await failure(c.create(configMap(ns, 'a')));
    expect(isAlreadyExists(exists)).toBe(true);
    expect(exists.status).toBe(409);
    expect(exists.details?.name).toBe('a');

    await c.update({ ...cm, data: { v: '1' } });
    const stale = await failure(c.update({ ...cm, data: { v: '2' } }));
    expect(isConflict(stale)).toBe(true);

    const invalid = await failure(c.create(configMap(ns, 'Not_Valid')));
    expect(isInvalid(invalid)).toBe(true);
    expect(invalid.status).toBe(422);

    const missing = await failure(c.update(configMap(ns, 'nope')));
    expect(isNotFound(missing)).toBe(true);
    expect(missing.message).toContain('nope');

    await expect(
      c.get({ apiVersion: 'nowhere.example.com/v1', kind: 'Thing', name: 'x' }),
    ).rejects.toBeInstanceOf(NoKindMatchError);
  });

  it('applies server-side with field manager packsync, conflicts, force and dry run', async () => {
    const c = env.client;
    const ns = await freshNamespace(c);
    const desired = configMap(ns, 'ssa', { a: '1' });
    const applied = await c.apply(desired);
    expect(applied.data).toEqual({ a: '1' });
    const managers = (
      applied.metadata.managedFields as { manager: string; operation: string }[]
    ).map((m) => `${m.manager}/${m.operation}`);
    expect(managers).toContain('packsync/Apply');

    // Another manager takes field a: a conflict for us until we force.
    await c.apply(configMap(ns, 'ssa', { a: 'theirs' }), { fieldManager: 'other', force: true });
    const conflict = await failure(c.apply(configMap(ns, 'ssa', { a: '2' })));
    expect(isConflict(conflict)).toBe(true);
    expect(conflict.details?.causes?.some((x) => x.field?.includes('data.a'))).toBe(true);

    const dry = await c.apply(configMap(ns, 'ssa', { a: '3' }), { force: true, dryRun: true });
    expect(dry.data).toEqual({ a: '3' });
    const after = await c.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'ssa' });
    expect(after?.data).toEqual({ a: 'theirs' });

    const forced = await c.apply(configMap(ns, 'ssa', { a: '4' }), { force: true });
    expect(forced.data).toEqual({ a: '4' });
  });

  it('keeps fields a typed serializer would drop (raw JSON both ways)', async () => {
    const c = env.client;
    const ns = await freshNamespace(c);
    const deploy: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: ns },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'c', image: 'nginx' }] },
        },
      },
    };
    const out = await c.apply(deploy);
    expect(typeof out.metadata.creationTimestamp).toBe('string');
    const crd = widgetCrd('raw.example.com');
    const createdCrd = await c.apply(crd);
    const schema = (createdCrd.spec as { versions: { schema: { openAPIV3Schema: unknown } }[] })
      .versions[0]?.schema.openAPIV3Schema;
    expect(JSON.stringify(schema)).toContain('x-kubernetes-preserve-unknown-fields');
  });

  it('patches (merge, json, strategic) and writes status through the subresource', async () => {
    const c = env.client;
    const ns = await freshNamespace(c);
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'p' };
    await c.create(configMap(ns, 'p', { a: '1' }));
    expect((await c.patch(ref, 'merge', { data: { b: '2' } })).data).toEqual({ a: '1', b: '2' });
    expect((await c.patch(ref, 'json', [{ op: 'remove', path: '/data/a' }])).data).toEqual({
      b: '2',
    });
    expect((await c.patch(ref, 'strategic', { data: { c: '3' } })).data).toEqual({
      b: '2',
      c: '3',
    });

    await c.apply(widgetCrd('status.example.com'));
    const w = await eventually(
      async () =>
        c.create({
          apiVersion: 'status.example.com/v1',
          kind: 'Widget',
          metadata: { name: 'w', namespace: ns },
          spec: { size: 1 },
        }),
      'Widget kind served',
    );
    const st = await c.updateStatus({ ...w, status: { ready: true }, spec: { size: 9 } });
    expect(st.status).toEqual({ ready: true });
    expect(st.spec).toEqual({ size: 1 });
    const viaApply = await c.apply(
      {
        apiVersion: 'status.example.com/v1',
        kind: 'Widget',
        metadata: { name: 'w', namespace: ns },
        status: { phase: 'Up' },
      },
      { subresource: 'status', force: true },
    );
    expect((viaApply.status as { phase?: string }).phase).toBe('Up');
  });

  it('deletes with uid and resourceVersion preconditions and propagation policy', async () => {
    const c = env.client;
    const ns = await freshNamespace(c);
    const cm = await c.create(configMap(ns, 'd'));
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'd' };
    const wrongUid = await failure(c.delete(ref, { preconditions: { uid: 'not-the-uid' } }));
    expect(isConflict(wrongUid)).toBe(true);
    await c.patch(ref, 'merge', { data: { moved: 'on' } });
    const staleRv = await failure(
      c.delete(ref, { preconditions: { resourceVersion: cm.metadata.resourceVersion } }),
    );
    expect(isConflict(staleRv)).toBe(true);
    expect(await c.get(ref)).toBeDefined();
    await c.delete(ref, { preconditions: { uid: cm.metadata.uid }, propagationPolicy: 'Orphan' });
    expect(await c.get(ref)).toBeUndefined();
  });

  it('finds a kind whose CRD was created after the kind was first looked up', async () => {
    const c = await KubeClient.fromKubeConfigString(env.server.kubeconfig, {
      discoveryNegativeTtlMs: 60_000,
    });
    try {
      const ns = await freshNamespace(c);
      const ref = { apiVersion: 'late.example.com/v1', kind: 'Widget', namespace: ns, name: 'w' };
      await expect(c.get(ref)).rejects.toBeInstanceOf(NoKindMatchError);
      const crd = await c.create(widgetCrd('late.example.com'));
      await eventually(async () => {
        const cur = await c.get({
          ...crd,
          apiVersion: crd.apiVersion,
          kind: crd.kind,
          name: crd.metadata.name!,
        });
        const conds = (cur?.status as { conditions?: { type: string; status: string }[] })
          .conditions;
        return conds?.some((x) => x.type === 'Established' && x.status === 'True');
      }, 'CRD Established');
      // The negative answer is cached for a minute here; Established invalidates it.
      await expect(c.get(ref)).rejects.toBeInstanceOf(NoKindMatchError);
      c.mapper.invalidateCrd(crd);
      expect(await c.get(ref)).toBeUndefined();
      await c.create({
        apiVersion: ref.apiVersion,
        kind: ref.kind,
        metadata: { name: 'w', namespace: ns },
      });
      expect((await c.get(ref))?.metadata.name).toBe('w');
    } finally {
      c.close();
    }
  });

  it('re-asks discovery for a missing kind after the negative TTL', async () => {
    const c = await KubeClient.fromKubeConfigString(env.server.kubeconfig, {
      discoveryNegativeTtlMs: 0,
    });
    try {
      const mapping = () => c.resourceFor('ttl.example.com/v1', 'Widget');
      expect(await mapping()).toBeUndefined();
      await c.create(widgetCrd('ttl.example.com'));
      const m = await eventually(mapping, 'Widget discovered');
      expect(m).toMatchObject({ resource: 'widgets', namespaced: true });
    } finally {
      c.close();
    }
  });

  it('fails a request the server never answers instead of hanging', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((sock) => sockets.push(sock));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as AddressInfo).port;
    const c = await KubeClient.fromKubeConfigString(
      env.server.kubeconfig.replace(env.server.url, `https://127.0.0.1:${port}`),
      { requestTimeoutMs: 300 },
    );
    try {
      const err = await failure(c.requestJson('GET', '/api/v1/namespaces'));
      expect(err.status).toBe(0);
      expect(err.message).toMatch(/no answer for 300 ms/);
    } finally {
      c.close();
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });

  it('leaves the built-in fetch working (the OCI client uses it) once a client has run', async () => {
    // Loading undici installs its dispatcher for the built-in fetch too; a mismatched version
    // made every fetch with a body fail ("invalid content-length header").
    const c = await KubeClient.fromKubeConfigString(env.server.kubeconfig);
    const echo = createHttpServer((req, res) => {
      let n = 0;
      req.on('data', (d: Buffer) => (n += d.length));
      req.on('end', () => res.end(String(n)));
    });
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    try {
      await c.requestJson('GET', '/api/v1/namespaces');
      const port = (echo.address() as AddressInfo).port;
      // As the OCI client starts and sends a blob upload: explicit content-length headers.
      const start = await fetch(`http://127.0.0.1:${port}/`, {
        method: 'POST',
        headers: { 'content-length': '0' },
      });
      expect(await start.text()).toBe('0');
      const res = await fetch(`http://127.0.0.1:${port}/`, {
        method: 'PUT',
        headers: { 'content-length': '1234' },
        body: new Uint8Array(1234),
      });
      expect(await res.text()).toBe('1234');
    } finally {
      c.close();
      await new Promise((r) => echo.close(r));
    }
  });
});
