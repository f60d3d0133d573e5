import { describe, expect, it } from 'vitest';
import { applySchemaDefaults, schemaProblems } from './schema.js';

const schema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['size'],
      properties: {
        size: { type: 'integer', minimum: 1, maximum: 10 },
        mode: { type: 'string', enum: ['fast', 'slow'], default: 'fast' },
        name: { type: 'string', pattern: '^[a-z]+$', maxLength: 5 },
        port: { 'x-kubernetes-int-or-string': true },
        tags: {
          type: 'array',
          'x-kubernetes-list-type': 'set',
          maxItems: 3,
          items: { type: 'string' },
        },
        nested: {
          type: 'object',
          default: {},
          properties: { level: { type: 'integer', default: 3 } },
        },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        note: { type: 'string', nullable: true },
      },
    },
  },
};

function messages(value: unknown): string[] {
  return schemaProblems(schema, value).map((p) => `${p.field}: ${p.message}`);
}

describe('CR schema', () => {
  it('applies defaults, also inside defaulted objects, and drops non-nullable nulls', () => {
    const obj = { spec: { size: 2, name: null, note: null } };
    applySchemaDefaults(schema, obj);
    expect(obj).toEqual({ spec: { size: 2, mode: 'fast', nested: { level: 3 }, note: null } });
  });

  it('accepts a valid object', () => {
    expect(
      messages({
        apiVersion: 'x/v1',
        kind: 'X',
        metadata: {},
        spec: { size: 3, port: 'http', tags: ['a'], labels: { a: 'b' } },
      }),
    ).toEqual([]);
  });

  it('reports each violation with the apiserver wording', () => {
    expect(messages({ spec: { size: 'big' } })).toEqual([
      'spec.size: Invalid value: "big": spec.size in body must be of type integer: "string"',
    ]);
    expect(messages({ spec: {} })).toEqual(['spec.size: Required value']);
    expect(messages({ spec: { size: 0, mode: 'warp' } })).toEqual([
      'spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1',
      'spec.mode: Unsupported value: "warp": supported values: "fast", "slow"',
    ]);
    expect(messages({ spec: { size: 11, name: 'ABCDEFG' } })).toEqual([
      'spec.size: Invalid value: 11: spec.size in body should be less than or equal to 10',
      'spec.name: Too long: may not be more than 5 bytes',
      'spec.name: Invalid value: "ABCDEFG": spec.name in body should match \'^[a-z]+$\'',
    ]);
    expect(messages({ spec: { size: 1, tags: ['a', 'a', 'b', 'c'] } })).toEqual([
      'spec.tags: Too many: 4: must have at most 3 items',
      'spec.tags[1]: Duplicate value: "a"',
    ]);
    expect(messages({ spec: { size: 1, labels: { a: 1 } } })).toEqual([
      'spec.labels.a: Invalid value: 1: spec.labels.a in body must be of type string: "integer"',
    ]);
  });
});
