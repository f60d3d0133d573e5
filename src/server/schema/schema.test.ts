import { describe, expect, it } from 'vitest';
import { applyDefaults, withDefaults } from './defaults.js';
import { formatOk } from './formats.js';
import { pruneUnknownFields } from './prune.js';
import { goFloat, ruleProblems, validateCustomResource } from './validate.js';

const embedded = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        template: {
          type: 'object',
          'x-kubernetes-embedded-resource': true,
          properties: { spec: { type: 'object', properties: { a: { type: 'string' } } } },
        },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        items: {
          type: 'array',
          items: { type: 'object', properties: { n: { type: 'integer' } } },
        },
      },
    },
  },
};

describe('pruning', () => {
  it('drops unknown fields but keeps embedded apiVersion/kind/metadata and preserved subtrees', () => {
    const obj = {
      apiVersion: 'x/v1',
      kind: 'X',
      metadata: { name: 'n' },
      spec: {
        template: {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'p', bogus: 1 },
          spec: { a: 'x', b: 'y' },
        },
        free: { anything: { deep: true } },
        items: [{ n: 1, m: 2 }],
        unknown: 1,
      },
    };
    expect(pruneUnknownFields(embedded, obj)).toEqual([
      'spec.items[0].m',
      'spec.template.metadata.bogus',
      'spec.template.spec.b',
      'spec.unknown',
    ]);
    expect(obj.spec).toEqual({
      template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { a: 'x' } },
      free: { anything: { deep: true } },
      items: [{ n: 1 }],
    });
  });
});

describe('defaulting', () => {
  const schema = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        default: {},
        properties: {
          size: { type: 'string', default: 'small' },
          note: { type: 'string', nullable: true },
          gone: { type: 'string' },
          ports: {
            type: 'array',
            items: { type: 'object', properties: { port: { type: 'integer', default: 80 } } },
          },
        },
      },
    },
  };
  it('fills defaults recursively, keeps nullable nulls and drops other nulls', () => {
    const obj: Record<string, unknown> = { spec: { note: null, gone: null, ports: [{}] } };
    applyDefaults(schema, obj);
    expect(obj).toEqual({ spec: { size: 'small', note: null, ports: [{ port: 80 }] } });
    const empty: Record<string, unknown> = {};
    applyDefaults(schema, empty);
    expect(empty).toEqual({ spec: { size: 'small' } });
  });
  it('withDefaults returns the same object when nothing is missing, else a defaulted copy', () => {
    const full = { spec: { size: 'big' } };
    expect(withDefaults(schema, full)).toBe(full);
    const partial = { spec: {} };
    const out = withDefaults(schema, partial);
    expect(out).not.toBe(partial);
    expect(out).toEqual({ spec: { size: 'small' } });
    expect(partial).toEqual({ spec: {} });
  });
});

describe('validation', () => {
  it('prints floats like Go', () => {
    expect(goFloat(1.5)).toBe('1.5');
    expect(goFloat(1e21)).toBe('1e+21');
    expect(goFloat(0.00001)).toBe('1e-05');
  });

  it('checks formats', () => {
    expect(formatOk('date-time', '2024-02-30T00:00:00Z')).toBe(false);
    expect(formatOk('date-time', '2024-02-28T00:00:00.5+01:00')).toBe(true);
    expect(formatOk('ipv4', '10.0.0.1')).toBe(true);
    expect(formatOk('cidr', '10.0.0.0/33')).toBe(false);
    expect(formatOk('uuid', '123e4567-e89b-12d3-a456-426614174000')).toBe(true);
    expect(formatOk('no-such-format', 'x')).toBe(true);
  });

  const listSchema = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          ports: {
            type: 'array',
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-list-map-keys': ['name'],
            items: {
              type: 'object',
              properties: {
                name: { type: 'string' },
                port: {
                  type: 'integer',
                  maximum: 100,
                  'x-kubernetes-validations': [{ rule: 'self >= oldSelf', message: 'no lower' }],
                },
              },
            },
          },
          atomic: {
            type: 'array',
            items: { type: 'integer', maximum: 1 },
          },
        },
      },
    },
  };

  it('correlates list-map items by key for transition rules and ratcheting', () => {
    const old = {
      spec: {
        ports: [
          { name: 'a', port: 500 },
          { name: 'b', port: 5 },
        ],
      },
    };
    // Reordered, unchanged invalid item a passes; b may not go down.
    const next = {
      spec: {
        ports: [
          { name: 'b', port: 4 },
          { name: 'a', port: 500 },
        ],
      },
    };
    expect(validateCustomResource(listSchema, next, old).problems).toEqual([
      {
        field: 'spec.ports[0].port',
        type: 'FieldValueInvalid',
        message: 'Invalid value: "integer": no lower',
      },
    ]);
    // On create, the same invalid value is refused; transition rules do not run.
    expect(
      validateCustomResource(listSchema, next, undefined).problems.map((p) => p.field),
    ).toEqual(['spec.ports[1].port']);
  });

  it('does not ratchet items of atomic lists (not correlatable)', () => {
    const old = { spec: { atomic: [5] } };
    expect(
      validateCustomResource(listSchema, { spec: { atomic: [5] } }, old).problems,
    ).toHaveLength(1);
  });

  it('reports rule evaluation errors and rules that do not compile', () => {
    const schema = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: { m: { type: 'object', additionalProperties: { type: 'string' } } },
          'x-kubernetes-validations': [{ rule: "self.m['missing'] == 'x'" }],
        },
      },
    };
    const out = validateCustomResource(schema, { spec: { m: {} } }, undefined).problems;
    expect(out).toHaveLength(1);
    expect(out[0]?.message).toMatch(
      /^Invalid value: "object": .*missing.* evaluating rule: self\.m\['missing'\] == 'x'$/,
    );
    expect(
      ruleProblems({ type: 'object', 'x-kubernetes-validations': [{ rule: '1 +' }] }, 'root')[0]
        ?.field,
    ).toBe('root.x-kubernetes-validations[0].rule');
  });
});
