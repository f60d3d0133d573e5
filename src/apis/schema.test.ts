import { describe, expect, it } from 'vitest';
import { formatPath, parseWith, s, type Infer } from './schema.js';
import { structuralErrors } from './structural.js';

describe('schema builder: one definition, two outputs', () => {
  const widget = s
    .object({
      name: s.string().minLength(1).description('Name of the widget.'),
      size: s.int32().minimum(0).default(3),
      mode: s.enum(['Fast', 'Slow']).default('Slow'),
      tags: s.array(s.string()).listType('set').optional(),
      port: s.intOrString().optional(),
      parts: s
        .array(s.object({ id: s.string(), weight: s.int64().default(1) }))
        .listType('map', ['id'])
        .optional(),
      labels: s.map(s.string()).optional(),
      extra: s.freeform().optional(),
    })
    .validations([{ rule: 'self.size < 100', message: 'size must be below 100' }]);

  it('infers the TypeScript type with defaulted fields present and optional ones optional', () => {
    const r = parseWith(widget, { name: 'w' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const value: Infer<typeof widget> = r.value;
    // Defaulted fields are plain values in the type (no undefined), so this compiles without checks.
    const size: number = value.size;
    const mode: 'Fast' | 'Slow' = value.mode;
    expect({ size, mode }).toEqual({ size: 3, mode: 'Slow' });
    expect(value.tags).toBeUndefined();
  });

  it('emits the matching OpenAPI schema', () => {
    expect(widget.openapi).toMatchObject({
      type: 'object',
      required: ['name'],
      'x-kubernetes-validations': [{ rule: 'self.size < 100', message: 'size must be below 100' }],
      properties: {
        name: { type: 'string', minLength: 1, description: 'Name of the widget.' },
        size: { type: 'integer', format: 'int32', minimum: 0, default: 3 },
        mode: { type: 'string', enum: ['Fast', 'Slow'], default: 'Slow' },
        tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
        port: { 'x-kubernetes-int-or-string': true },
        parts: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['id'],
          items: { type: 'object', required: ['id'] },
        },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      },
    });
    expect(structuralErrors(widget.openapi)).toEqual([]);
  });

  it('applies nested defaults, prunes unknown fields and treats null as absent', () => {
    const r = parseWith(widget, {
      name: 'w',
      size: null,
      unknown: 'dropped',
      parts: [{ id: 'a' }],
      extra: { kept: { deep: true } },
    });
    expect(r).toEqual({
      ok: true,
      value: {
        name: 'w',
        size: 3,
        mode: 'Slow',
        parts: [{ id: 'a', weight: 1 }],
        extra: { kept: { deep: true } },
      },
    });
  });

  it('reports every error with its field path, Kubernetes style', () => {
    const r = parseWith(widget, {
      name: '',
      size: -1,
      mode: 'Medium',
      tags: ['a', 'a'],
      port: true,
      parts: [{ id: 'x' }, { id: 'x' }, { weight: 'heavy' }],
      labels: { 'app.kubernetes.io/name': 5 },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual([
      'name: Invalid value: "": should be at least 1 chars long',
      'size: Invalid value: -1: should be greater than or equal to 0',
      'mode: Unsupported value: "Medium": supported values: "Fast", "Slow"',
      'tags[1]: Duplicate value: "a"',
      'port: Invalid value: true: must be an integer or a string',
      'parts[2].id: Required value',
      'parts[2].weight: Invalid value: "heavy": must be of type integer',
      'labels[app.kubernetes.io/name]: Invalid value: 5: must be of type string',
    ]);
  });

  it('rejects duplicate keys of a map list', () => {
    const r = parseWith(widget, { name: 'w', parts: [{ id: 'x' }, { id: 'x' }] });
    expect(r).toEqual({ ok: false, errors: ['parts[1]: Duplicate value: {"id":"x"}'] });
  });

  it('requires apiVersion and kind in embedded resources and keeps every other field', () => {
    const holder = s.object({ object: s.freeform().embeddedResource() });
    expect(holder.openapi.properties?.object).toEqual({
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
      'x-kubernetes-embedded-resource': true,
    });
    expect(parseWith(holder, { object: { kind: 'ConfigMap', data: { a: 'b' } } })).toEqual({
      ok: false,
      errors: ['object.apiVersion: Required value'],
    });
    const ok = parseWith(holder, {
      object: { apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'b' }, status: { x: 1 } },
    });
    expect(ok).toEqual({
      ok: true,
      value: {
        object: { apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'b' }, status: { x: 1 } },
      },
    });
  });

  it('keeps unknown fields of a preserve-unknown object with typed properties', () => {
    const loose = s.object({ a: s.string().optional() }).preserveUnknown();
    expect(parseWith(loose, { a: 'x', b: 1 })).toEqual({ ok: true, value: { a: 'x', b: 1 } });
    expect(loose.openapi['x-kubernetes-preserve-unknown-fields']).toBe(true);
  });

  it('runs zod-only checks without touching the OpenAPI schema', () => {
    const even = s.int64().check((n) => (n % 2 === 0 ? [] : [{ message: 'Invalid value: odd' }]));
    expect(even.openapi).toEqual({ type: 'integer', format: 'int64' });
    expect(parseWith(s.object({ n: even }), { n: 3 })).toEqual({
      ok: false,
      errors: ['n: Invalid value: odd'],
    });
  });

  it('checks a pattern unanchored, like OpenAPI', () => {
    const p = s.object({ v: s.string().pattern('[a-z]+/[A-Z]') });
    expect(parseWith(p, { v: '__x/Y__' }).ok).toBe(true);
    expect(parseWith(p, { v: 'xY' })).toEqual({
      ok: false,
      errors: [`v: Invalid value: "xY": should match '[a-z]+/[A-Z]'`],
    });
  });

  it('enforces maxItems and maxLength', () => {
    const p = s.object({ l: s.array(s.string()).maxItems(1), t: s.string().maxLength(2) });
    expect(parseWith(p, { l: ['a', 'b'], t: 'abc' })).toEqual({
      ok: false,
      errors: [
        'l: Too many: 2: must have at most 1 items',
        't: Too long: may not be more than 2 bytes',
      ],
    });
  });

  it('fails at definition time on an invalid default or a misused modifier', () => {
    // The types already forbid this default; the check at definition time catches it regardless.
    expect(() => s.object({ a: s.string() }).default({} as never)).toThrow();
    expect(() => s.string().minItems(1)).toThrow(/minItems needs a array node/);
    expect(() => s.array(s.string()).listType('map')).toThrow(/needs keys/);
  });

  it('accepts RFC 3339 timestamps, also as Dates from a YAML 1.1 reader, and rejects others', () => {
    const t = s.object({ at: s.dateTime() });
    expect(parseWith(t, { at: '2026-01-02T03:04:05Z' }).ok).toBe(true);
    expect(parseWith(t, { at: new Date('2026-01-02T03:04:05Z') })).toEqual({
      ok: true,
      value: { at: '2026-01-02T03:04:05Z' },
    });
    expect(parseWith(t, { at: 'yesterday' })).toEqual({
      ok: false,
      errors: ['at: Invalid value: "yesterday": must be of type date-time'],
    });
  });

  it('formats paths like Kubernetes field paths', () => {
    expect(formatPath(['spec', 'phases', 0, 'objects', 12, 'object'])).toBe(
      'spec.phases[0].objects[12].object',
    );
    expect(formatPath(['metadata', 'labels', 'app.kubernetes.io/name'])).toBe(
      'metadata.labels[app.kubernetes.io/name]',
    );
    expect(formatPath([])).toBe('');
  });
});
