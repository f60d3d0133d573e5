// Server-side Table output over HTTPS: CRD printer columns (JSONPath filters, empty cells) and
// Table watch events (column definitions once, then rows).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, freshNamespace, raw, startTestServer, type TestServer } from './helpers.js';

let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer({ simulator: false });
});
afterAll(async () => {
  await ts.server.stop();
});

const tableAccept = {
  accept:
    'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json',
};

interface Table {
  kind: string;
  apiVersion: string;
  metadata: { resourceVersion?: string };
  columnDefinitions: { name: string; type: string; priority: number }[] | null;
  rows: { cells: unknown[]; object: { kind: string; metadata: { name: string } } }[];
}

describe('Table output', () => {
  it('renders CRD printer columns with condition filters, empty cells and Age; watch sends Table rows', async () => {
    const crd = await raw(
      ts.server,
      'POST',
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
      {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'gadgets.example.com' },
        spec: {
          group: 'example.com',
          scope: 'Namespaced',
          names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' },
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              subresources: { status: {} },
              additionalPrinterColumns: [
                {
                  name: 'Ready',
                  type: 'string',
                  jsonPath: '.status.conditions[?(@.type=="Ready")].status',
                },
                { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
                { name: 'Detail', type: 'string', jsonPath: '.spec.detail', priority: 1 },
              ],
              schema: {
                openAPIV3Schema: {
                  type: 'object',
                  properties: {
                    spec: {
                      type: 'object',
                      properties: { size: { type: 'integer' }, detail: { type: 'string' } },
                    },
                    status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                  },
                },
              },
            },
          ],
        },
      },
    );
    expect(crd.status).toBe(201);
    const ns = await freshNamespace(ts, 'table');
    const base = `/apis/example.com/v1/namespaces/${ns}/gadgets`;
    await eventually(
      async () => (await raw(ts.server, 'GET', base)).status === 200,
      'the Gadget kind to be served',
    );
    expect(
      (
        await raw(ts.server, 'POST', base, {
          apiVersion: 'example.com/v1',
          kind: 'Gadget',
          metadata: { name: 'g' },
          spec: {},
        })
      ).status,
    ).toBe(201);

    const list = (await raw(ts.server, 'GET', base, undefined, tableAccept)).json() as Table;
    expect(list).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
    expect(list.columnDefinitions?.map((c) => [c.name, c.type, c.priority])).toEqual([
      ['Name', 'string', 0],
      ['Ready', 'string', 0],
      ['Size', 'integer', 0],
      ['Detail', 'string', 1],
      ['Age', 'date', 0],
    ]);
    // nothing at the paths: no cell values (kubectl prints them blank)
    expect(list.rows[0]?.cells.slice(0, 4)).toEqual(['g', null, null, null]);
    expect(list.rows[0]?.cells[4]).toMatch(/^\d+s$/);
    expect(list.rows[0]?.object).toMatchObject({
      kind: 'PartialObjectMetadata',
      metadata: { name: 'g' },
    });
    const rv = list.metadata.resourceVersion ?? '';

    const status = await raw(
      ts.server,
      'PATCH',
      `${base}/g/status`,
      {
        status: {
          conditions: [
            { type: 'Other', status: 'False' },
            { type: 'Ready', status: 'True' },
          ],
        },
      },
      { 'content-type': 'application/merge-patch+json' },
    );
    expect(status.status).toBe(200);
    await raw(
      ts.server,
      'PATCH',
      `${base}/g`,
      { spec: { size: 3, detail: 'big' } },
      {
        'content-type': 'application/merge-patch+json',
      },
    );
    const watch = await raw(
      ts.server,
      'GET',
      `${base}?watch=true&resourceVersion=${rv}&timeoutSeconds=1`,
      undefined,
      tableAccept,
    );
    const events = watch.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; object: Table });
    expect(events.map((e) => [e.type, e.object.kind])).toEqual([
      ['MODIFIED', 'Table'],
      ['MODIFIED', 'Table'],
    ]);
    // column definitions come with the first event only
    expect(events[0]?.object.columnDefinitions?.length).toBe(5);
    expect(events[1]?.object.columnDefinitions ?? []).toEqual([]);
    expect(events[0]?.object.rows[0]?.cells.slice(0, 4)).toEqual(['g', 'True', null, null]);
    expect(events[1]?.object.rows[0]?.cells.slice(0, 4)).toEqual(['g', 'True', 3, 'big']);
  });
});
