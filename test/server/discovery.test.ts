// Discovery negotiated by Accept (aggregated v2 / v2beta1 / legacy), OpenAPI v3, Table output,
// delete-collection and WatchList initial events.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  freshNamespace,
  raw,
  startTestServer,
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

const v2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
const v2beta1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';

interface Discovery {
  kind: string;
  apiVersion: string;
  items: {
    metadata: { name: string };
    versions: {
      version: string;
      resources: {
        resource: string;
        scope: string;
        shortNames?: string[];
        categories?: string[];
        subresources?: { subresource: string }[];
      }[];
    }[];
  }[];
}

describe('discovery', () => {
  it('serves the aggregated version the client offers first, and legacy documents otherwise', async () => {
    const a = await raw(ts.server, 'GET', '/apis', undefined, {
      accept: `${v2},${v2beta1},application/json`,
    });
    expect(a.headers.get('content-type')).toBe(v2);
    const doc = a.json() as Discovery;
    expect(doc).toMatchObject({
      kind: 'APIGroupDiscoveryList',
      apiVersion: 'apidiscovery.k8s.io/v2',
    });
    const apps = doc.items.find((g) => g.metadata.name === 'apps');
    const deployments = apps?.versions[0]?.resources.find((r) => r.resource === 'deployments');
    expect(deployments).toMatchObject({
      scope: 'Namespaced',
      shortNames: ['deploy'],
      categories: ['all'],
    });
    expect(deployments?.subresources?.map((s) => s.subresource)).toEqual(['status', 'scale']);

    // kubectl 1.27-1.29 offer only v2beta1: serving v2 would break them.
    const old = await raw(ts.server, 'GET', '/api', undefined, {
      accept: `${v2beta1},application/json`,
    });
    expect(old.headers.get('content-type')).toBe(v2beta1);
    expect((old.json() as Discovery).items.map((g) => g.metadata.name)).toEqual(['']);

    const legacy = await raw(ts.server, 'GET', '/api', undefined, { accept: 'application/json' });
    expect(legacy.json()).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const groups = await raw(ts.server, 'GET', '/apis', undefined, { accept: 'application/json' });
    expect(groups.json()).toMatchObject({ kind: 'APIGroupList' });
    const list = await raw(ts.server, 'GET', '/api/v1');
    expect(
      (list.json() as { resources: { name: string }[] }).resources.map((r) => r.name),
    ).toContain('namespaces/finalize');
  });

  it('publishes a CRD kind in discovery and OpenAPI once it is Established', async () => {
    await ts.ext.createCustomResourceDefinition({
      body: {
        metadata: { name: 'gears.disc.example.com' },
        spec: {
          group: 'disc.example.com',
          scope: 'Cluster',
          names: { plural: 'gears', kind: 'Gear' },
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              schema: { openAPIV3Schema: { type: 'object' } },
            },
          ],
        },
      },
    });
    await eventually(async () => {
      const d = (
        await raw(ts.server, 'GET', '/apis', undefined, { accept: v2 })
      ).json() as Discovery;
      return d.items.some((g) => g.metadata.name === 'disc.example.com');
    }, 'the group in aggregated discovery');
    const root = (await raw(ts.server, 'GET', '/openapi/v3')).json() as {
      paths: Record<string, { serverRelativeURL: string }>;
    };
    const url = root.paths['apis/disc.example.com/v1']?.serverRelativeURL ?? '';
    expect(url).toMatch(/^\/openapi\/v3\/apis\/disc\.example\.com\/v1\?hash=/);
    const gv = (await raw(ts.server, 'GET', url)).json() as {
      paths: Record<
        string,
        { patch?: { parameters: { name: string }[]; 'x-kubernetes-group-version-kind': unknown } }
      >;
    };
    const patch = gv.paths['/apis/disc.example.com/v1/gears/{name}']?.patch;
    expect(patch?.['x-kubernetes-group-version-kind']).toEqual({
      group: 'disc.example.com',
      version: 'v1',
      kind: 'Gear',
    });
    expect(patch?.parameters.map((p) => p.name)).toContain('fieldValidation');
  });
});

describe('lists', () => {
  it('answers a Table when asked, with server-rendered cells', async () => {
    const ns = await freshNamespace(ts);
    await ts.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'a' }, data: { x: '1', y: '2' } },
    });
    const r = await raw(
      ts.server,
      'GET',
      `/api/v1/namespaces/${ns}/configmaps?limit=500`,
      undefined,
      {
        accept:
          'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json',
      },
    );
    const table = r.json() as {
      kind: string;
      columnDefinitions: { name: string }[];
      rows: { cells: unknown[]; object: { kind: string } }[];
    };
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Data', 'Age']);
    expect(table.rows[0]?.cells.slice(0, 2)).toEqual(['a', 2]);
    expect(table.rows[0]?.object.kind).toBe('PartialObjectMetadata');
  });

  it('deletes a collection by label selector', async () => {
    const ns = await freshNamespace(ts);
    for (const [n, tier] of [
      ['a', 'web'],
      ['b', 'web'],
      ['c', 'db'],
    ]) {
      await ts.core.createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { name: n, labels: { tier: tier ?? '' } } },
      });
    }
    await ts.core.deleteCollectionNamespacedConfigMap({ namespace: ns, labelSelector: 'tier=web' });
    expect(testNames((await ts.core.listNamespacedConfigMap({ namespace: ns })).items)).toEqual([
      'c',
    ]);
  });

  it('WatchList: initial ADDED events, then a bookmark marking their end', async () => {
    const ns = await freshNamespace(ts);
    await ts.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 'a' } } });
    const r = await raw(
      ts.server,
      'GET',
      `/api/v1/namespaces/${ns}/secrets?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=1`,
    );
    const events = r.text
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            type: string;
            object: { metadata: { name?: string; annotations?: Record<string, string> } };
          },
      );
    expect(events[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'a' } } });
    expect(events[1]).toMatchObject({
      type: 'BOOKMARK',
      object: { metadata: { annotations: { 'k8s.io/initial-events-end': 'true' } } },
    });
  });
});
