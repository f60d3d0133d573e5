import { describe, expect, it } from 'vitest';
import type { JSONSchemaProps } from './openapi.js';
import { structuralErrors } from './structural.js';
import { crds } from './crds.js';

function root(properties: Record<string, JSONSchemaProps>): JSONSchemaProps {
  return { type: 'object', properties };
}

describe('structural schema check', () => {
  it.each(crds().map((c) => [c.metadata.name, c] as const))('accepts the CRD %s', (_name, crd) => {
    for (const v of crd.spec.versions)
      expect(structuralErrors(v.schema.openAPIV3Schema)).toEqual([]);
  });

  it('accepts int-or-string, preserve-unknown and embedded nodes without a type', () => {
    const schema = root({
      port: { 'x-kubernetes-int-or-string': true },
      anything: { 'x-kubernetes-preserve-unknown-fields': true },
      obj: {
        type: 'object',
        'x-kubernetes-embedded-resource': true,
        'x-kubernetes-preserve-unknown-fields': true,
      },
      // The one junctor pattern Kubernetes allows a type in: int-or-string.
      quantity: {
        'x-kubernetes-int-or-string': true,
        anyOf: [{ type: 'integer' }, { type: 'string' }],
      },
    });
    expect(structuralErrors(schema)).toEqual([]);
  });

  const bad: [string, JSONSchemaProps, string][] = [
    [
      'a field without a type',
      root({ a: { description: 'x' } }),
      'properties[a].type: Required value',
    ],
    [
      'an array item without a type',
      root({ l: { type: 'array', items: { description: 'x' } } }),
      'properties[l].items.type: Required value',
    ],
    [
      'an array without items',
      root({ l: { type: 'array' } }),
      'properties[l].items: Required value',
    ],
    [
      'properties together with additionalProperties',
      root({
        m: {
          type: 'object',
          properties: { a: { type: 'string' } },
          additionalProperties: { type: 'string' },
        },
      }),
      'properties[m].additionalProperties: Forbidden: additionalProperties and properties are mutually exclusive',
    ],
    [
      'additionalProperties: false',
      root({ m: { type: 'object', additionalProperties: false } }),
      'properties[m].additionalProperties: Forbidden',
    ],
    ['a $ref', root({ r: { $ref: '#/definitions/x' } }), 'properties[r].$ref: Forbidden'],
    [
      'uniqueItems',
      root({ l: { type: 'array', items: { type: 'string' }, uniqueItems: true } }),
      'properties[l].uniqueItems: Forbidden',
    ],
    [
      'a type inside anyOf',
      root({ a: { type: 'string', anyOf: [{ type: 'string', pattern: 'x' }] } }),
      'properties[a].anyOf[0].type: Forbidden',
    ],
    [
      'a field inside oneOf that is not specified outside it',
      root({ o: { type: 'object', oneOf: [{ properties: { b: { minLength: 1 } } }] } }),
      'properties[o].oneOf[0].properties[b]: Required value: must be specified outside the logical junctor',
    ],
    [
      'a restriction on metadata other than name',
      root({ metadata: { type: 'object', properties: { labels: { type: 'object' } } } }),
      'properties[metadata].properties[labels]: Forbidden',
    ],
    [
      'a default on metadata',
      root({ metadata: { type: 'object', default: {} } }),
      'properties[metadata].default: Forbidden',
    ],
    [
      'a type on an int-or-string node',
      root({ p: { type: 'string', 'x-kubernetes-int-or-string': true } }),
      'properties[p].type: Invalid value: must be empty with x-kubernetes-int-or-string',
    ],
    [
      'preserve-unknown-fields: false',
      root({ o: { type: 'object', 'x-kubernetes-preserve-unknown-fields': false } }),
      'properties[o].x-kubernetes-preserve-unknown-fields: Invalid value',
    ],
    [
      'an embedded resource that is not an object',
      root({ e: { type: 'string', 'x-kubernetes-embedded-resource': true } }),
      'properties[e].type: Invalid value: must be object if x-kubernetes-embedded-resource is true',
    ],
    [
      'a map list whose key is neither required nor defaulted',
      root({
        l: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: { type: 'object', properties: { name: { type: 'string' } } },
        },
      }),
      'properties[l].x-kubernetes-list-map-keys: Invalid value: "name": must be required or defaulted',
    ],
    [
      'a map list without keys',
      root({ l: { type: 'array', 'x-kubernetes-list-type': 'map', items: { type: 'object' } } }),
      'properties[l].x-kubernetes-list-map-keys: Required value',
    ],
    [
      'a root that is not an object',
      { type: 'string' },
      'type: Required value: must be object at the root',
    ],
  ];

  it.each(bad)('rejects %s', (_what, schema, message) => {
    const errors = structuralErrors(schema);
    expect(
      errors.some((e) => e.startsWith(message)),
      errors.join('\n'),
    ).toBe(true);
  });
});
