/**
 * Schema-aware conversion of CRD data for validation rules, following the Kubernetes type mapping:
 * `integer` -> int, `number` -> double (even when integral), `string` with `format: date-time` ->
 * timestamp, `format: duration` -> duration, `format: byte` -> bytes. Where the schema says nothing
 * (preserve-unknown-fields, int-or-string, missing schema) the JSON default of `toCel` applies.
 */
import { compile, Program } from './env.js';
import { toCel } from './values.js';
import type { CelValue } from './values.js';

/** The parts of an apiextensions JSONSchemaProps that decide CEL types. */
export interface CelSchema {
  type?: string;
  format?: string;
  properties?: Record<string, CelSchema>;
  additionalProperties?: CelSchema | boolean;
  items?: CelSchema;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

function convertString(s: string, format: string | undefined): CelValue {
  if (format === 'date-time' || format === 'duration') {
    const fn = format === 'date-time' ? 'timestamp' : 'duration';
    const program = compile(`${fn}(s)`, { variables: { s: 'string' } });
    if (program instanceof Program) {
      const out = program.evalCel({ s });
      if (!(out instanceof Error)) return out;
    }
    return s;
  }
  if (format === 'byte') {
    try {
      return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
    } catch {
      return s;
    }
  }
  return s;
}

/**
 * Conversions by source object and schema. Callers validate API objects, which are never changed
 * once validated (the API server stores them as they are, and a status write keeps the spec object
 * of the version before): `self` and `oldSelf` of a status write convert once, and compare as the
 * same value.
 */
const converted = new WeakMap<object, Map<CelSchema | undefined, CelValue>>();

/** Converts a value for CEL by its structural schema; unknown parts get the JSON defaults. */
export function toCelForSchema(value: unknown, schema: CelSchema | undefined): CelValue {
  if (typeof value !== 'object' || value === null) return convert(value, schema);
  let bySchema = converted.get(value);
  if (bySchema === undefined) {
    bySchema = new Map();
    converted.set(value, bySchema);
  } else if (bySchema.has(schema)) return bySchema.get(schema) as CelValue;
  const out = convert(value, schema);
  bySchema.set(schema, out);
  return out;
}

function convert(value: unknown, schema: CelSchema | undefined): CelValue {
  if (!schema || schema['x-kubernetes-int-or-string']) return toCel(value);
  switch (typeof value) {
    case 'number':
      return schema.type === 'number' ? value : toCel(value);
    case 'string':
      return schema.type === 'string' ? convertString(value, schema.format) : value;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) return value.map((v) => convert(v, schema.items));
      const out = Object.create(null) as Record<string, unknown>;
      const extra =
        typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
      for (const [k, v] of Object.entries(value)) {
        if (v !== undefined) out[k] = convert(v, schema.properties?.[k] ?? extra);
      }
      return out;
    }
    default:
      return toCel(value);
  }
}
