import { describe, expect, it } from 'vitest';
import { admitConfig } from './config.js';
import { formatFieldError } from './errors.js';
import type { PackageManifest } from './manifest.js';

function withSchema(schema?: Record<string, unknown>): PackageManifest {
  return {
    apiVersion: 'manifests.package-operator.run/v1alpha1',
    kind: 'PackageManifest',
    metadata: { name: 'x' },
    spec: {
      scopes: ['Cluster'],
      phases: [{ name: 'p' }],
      availabilityProbes: [],
      config: schema ? { openAPIV3Schema: schema } : {},
      images: [],
      filter: { conditions: [], paths: [] },
      constraints: [],
      repositories: [],
      dependencies: [],
    },
    test: { template: [] },
  };
}

const admit = (schema: Record<string, unknown> | undefined, config: Record<string, unknown>) => {
  const r = admitConfig(withSchema(schema), config);
  return { config: r.config, errors: r.errors.map(formatFieldError) };
};

describe('admitConfig', () => {
  it('drops every field without a schema', () => {
    expect(admit(undefined, { a: 1 })).toEqual({ config: {}, errors: [] });
  });

  it('prunes unknown fields, nested and in array items', () => {
    const schema = {
      type: 'object',
      properties: {
        a: { type: 'object', properties: { b: { type: 'string' } } },
        list: { type: 'array', items: { type: 'object', properties: { n: { type: 'integer' } } } },
      },
    };
    expect(
      admit(schema, { a: { b: 'x', c: 1 }, list: [{ n: 1, z: 2 }], top: true }).config,
    ).toEqual({
      a: { b: 'x' },
      list: [{ n: 1 }],
    });
  });

  it('keeps unknown fields under x-kubernetes-preserve-unknown-fields and additionalProperties', () => {
    const schema = {
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
      properties: {
        m: {
          type: 'object',
          additionalProperties: { type: 'object', properties: { k: { type: 'string' } } },
        },
      },
    };
    expect(admit(schema, { free: { x: 1 }, m: { one: { k: 'v', drop: 1 } } }).config).toEqual({
      free: { x: 1 },
      m: { one: { k: 'v' } },
    });
  });

  it('applies defaults: missing fields, nested objects that exist, array items, non-nullable nulls', () => {
    const schema = {
      type: 'object',
      properties: {
        s: { type: 'string', default: 'd' },
        n: { type: 'string', default: 'n' },
        keepNull: { type: 'string', nullable: true, default: 'x' },
        obj: { type: 'object', properties: { inner: { type: 'integer', default: 3 } } },
        absent: { type: 'object', properties: { inner: { type: 'integer', default: 3 } } },
        items: {
          type: 'array',
          items: { type: 'object', properties: { v: { type: 'boolean', default: true } } },
        },
      },
    };
    expect(
      admit(schema, { n: null, keepNull: null, obj: {}, items: [{}, { v: false }] }).config,
    ).toEqual({
      s: 'd',
      n: 'n',
      keepNull: null,
      obj: { inner: 3 },
      items: [{ v: true }, { v: false }],
    });
  });

  it('reports required fields in schema order, Kubernetes style', () => {
    const schema = {
      type: 'object',
      required: ['testStubMultiPackageImage', 'testStubImage'],
      properties: {
        testStubMultiPackageImage: { type: 'string' },
        testStubImage: { type: 'string' },
      },
    };
    expect(admit(schema, { apiVersion: 'x', spec: {} }).errors).toEqual([
      'spec.config.testStubMultiPackageImage: Required value',
      'spec.config.testStubImage: Required value',
    ]);
  });

  it('reports type, enum and format errors with the field path', () => {
    const schema = {
      type: 'object',
      properties: {
        replicas: { type: 'integer' },
        mode: { type: 'string', enum: ['a', 'b'] },
        list: { type: 'array', items: { type: 'string' } },
      },
    };
    expect(admit(schema, { replicas: 'three', mode: 'c', list: ['ok', 1] }).errors).toEqual([
      'spec.config.replicas: Invalid value: "string": spec.config.replicas in body must be of type integer: "string"',
      'spec.config.mode: Unsupported value: "c": supported values: "a", "b"',
      'spec.config.list[1]: Invalid value: "integer": spec.config.list[1] in body must be of type string: "integer"',
    ]);
  });

  it('does not modify its input', () => {
    const input = { a: 1 };
    admit({ type: 'object', properties: { b: { type: 'string', default: 'x' } } }, input);
    expect(input).toEqual({ a: 1 });
  });
});
