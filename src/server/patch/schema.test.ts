import { describe, expect, it } from 'vitest';
import {
  builtinTypeSchema,
  conflictMessage,
  serverSideApply,
  typeSchemaFromOpenAPI,
} from './index.js';
import type { KubeObject, TypeSchema } from './index.js';

function applyAs(
  schema: TypeSchema,
  live: KubeObject | undefined,
  applied: KubeObject,
  manager: string,
): KubeObject | string {
  const r = serverSideApply({ live, applied, manager, force: false, schema, now: 't' });
  return 'conflicts' in r ? conflictMessage(r.conflicts) : r.object;
}

function must(v: KubeObject | string): KubeObject {
  if (typeof v === 'string') throw new Error(v);
  return v;
}

describe('typeSchemaFromOpenAPI', () => {
  it('reads list types, map keys with defaults, atomic maps and preserve-unknown subtrees', () => {
    const s = typeSchemaFromOpenAPI({
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            args: { type: 'array', items: { type: 'string' } },
            tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
            ports: {
              type: 'array',
              'x-kubernetes-list-type': 'map',
              'x-kubernetes-list-map-keys': ['port', 'protocol'],
              items: {
                type: 'object',
                properties: {
                  port: { type: 'integer' },
                  protocol: { type: 'string', default: 'TCP' },
                },
              },
            },
            selector: {
              type: 'object',
              'x-kubernetes-map-type': 'atomic',
              additionalProperties: { type: 'string' },
            },
            size: { 'x-kubernetes-int-or-string': true },
            raw: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          },
        },
      },
    });
    if (s.type !== 'map') throw new Error('root is not a map');
    const spec = s.fields?.spec;
    if (spec?.type !== 'map') throw new Error('spec is not a map');
    expect(spec.fields?.args).toMatchObject({ type: 'list', listType: 'atomic' });
    expect(spec.fields?.tags).toMatchObject({ type: 'list', listType: 'set' });
    expect(spec.fields?.ports).toMatchObject({
      type: 'list',
      listType: 'map',
      keys: ['port', 'protocol'],
      keyDefaults: { protocol: 'TCP' },
    });
    expect(spec.fields?.selector).toMatchObject({ type: 'map', mapType: 'atomic' });
    expect(spec.fields?.size).toEqual({ type: 'scalar' });
    expect(spec.fields?.raw).toEqual({ type: 'deduced' });
    // apiVersion, kind and metadata are always known.
    expect(Object.keys(s.fields ?? {})).toEqual(
      expect.arrayContaining(['apiVersion', 'kind', 'metadata']),
    );
  });

  it('set items from two managers coexist; an atomic map is owned whole', () => {
    const schema = typeSchemaFromOpenAPI({
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
            selector: {
              type: 'object',
              'x-kubernetes-map-type': 'atomic',
              additionalProperties: { type: 'string' },
            },
          },
        },
      },
    });
    const cr = (spec: Record<string, unknown>): KubeObject => ({
      apiVersion: 'example.com/v1',
      kind: 'Thing',
      metadata: { name: 'x' },
      spec,
    });
    let live = must(applyAs(schema, undefined, cr({ tags: ['a'], selector: { app: 'x' } }), 'one'));
    live = must(applyAs(schema, live, cr({ tags: ['b'] }), 'two'));
    expect(live.spec).toEqual({ tags: ['a', 'b'], selector: { app: 'x' } });
    expect(applyAs(schema, live, cr({ selector: { app: 'x', tier: 'y' } }), 'two')).toBe(
      'Apply failed with 1 conflict: conflict with "one": .spec.selector',
    );
  });
});

describe('built-in merge keys under server-side apply', () => {
  const deployment = builtinTypeSchema('apps/v1', 'Deployment');
  const service = builtinTypeSchema('v1', 'Service');
  const deploy = (podSpec: Record<string, unknown>): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'ns' },
    spec: { template: { spec: podSpec } },
  });

  it('containers merge by name and env by name across managers', () => {
    let live = must(
      applyAs(
        deployment,
        undefined,
        deploy({ containers: [{ name: 'app', image: 'a', env: [{ name: 'A', value: '1' }] }] }),
        'one',
      ),
    );
    live = must(
      applyAs(
        deployment,
        live,
        deploy({
          containers: [
            { name: 'app', env: [{ name: 'B', value: '2' }] },
            { name: 'sidecar', image: 's' },
          ],
        }),
        'two',
      ),
    );
    expect(live.spec).toEqual({
      template: {
        spec: {
          containers: [
            {
              name: 'app',
              image: 'a',
              env: [
                { name: 'A', value: '1' },
                { name: 'B', value: '2' },
              ],
            },
            { name: 'sidecar', image: 's' },
          ],
        },
      },
    });
  });

  it('tolerations are atomic: another manager replacing them conflicts', () => {
    const live = must(
      applyAs(
        deployment,
        undefined,
        deploy({ tolerations: [{ key: 'a', operator: 'Exists' }] }),
        'one',
      ),
    );
    expect(
      applyAs(deployment, live, deploy({ tolerations: [{ key: 'b', operator: 'Exists' }] }), 'two'),
    ).toBe('Apply failed with 1 conflict: conflict with "one": .spec.template.spec.tolerations');
  });

  it('service ports are keyed by port and protocol', () => {
    const svc = (ports: unknown[]): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's', namespace: 'ns' },
      spec: { ports },
    });
    let live = must(
      applyAs(service, undefined, svc([{ port: 53, protocol: 'UDP', name: 'dns' }]), 'one'),
    );
    live = must(applyAs(service, live, svc([{ port: 53, name: 'dns-tcp' }]), 'two'));
    expect(live.spec).toEqual({
      ports: [
        { port: 53, protocol: 'UDP', name: 'dns' },
        { port: 53, name: 'dns-tcp' },
      ],
    });
  });
});
