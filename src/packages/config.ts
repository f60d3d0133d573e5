/**
 * Config admission, as the Kubernetes API server treats a custom resource: prune the fields the
 * `openAPIV3Schema` does not know (kept under `x-kubernetes-preserve-unknown-fields`), apply
 * schema defaults (a missing field, or a null one that is not nullable), then validate. Without a
 * schema every config field is dropped. Errors are Kubernetes-style field errors under the given
 * field path (`spec.config.image: Required value`).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FieldError } from './errors.js';
import type { PackageManifest } from './manifest.js';

type Schema = Record<string, unknown>;
type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function schemaAt(v: unknown): Schema | undefined {
  return isObj(v) ? v : undefined;
}

/** Removes unknown fields in place (structural pruning). */
export function pruneUnknownFields(value: unknown, schema: Schema | undefined): void {
  if (!schema) return;
  if (Array.isArray(value)) {
    const items = schemaAt(schema.items);
    for (const item of value) pruneUnknownFields(item, items);
    return;
  }
  if (!isObj(value)) return;
  const props = schemaAt(schema.properties);
  const additional = schema.additionalProperties;
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  for (const key of Object.keys(value)) {
    const propSchema = props ? schemaAt(props[key]) : undefined;
    if (propSchema) {
      pruneUnknownFields(value[key], propSchema);
    } else if (isObj(additional)) {
      pruneUnknownFields(value[key], additional);
    } else if (additional === true || preserve) {
      continue;
    } else {
      delete value[key];
    }
  }
}

function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** Applies schema defaults in place (Kubernetes structural defaulting). */
export function applyDefaults(value: unknown, schema: Schema | undefined): void {
  if (!schema) return;
  if (Array.isArray(value)) {
    const items = schemaAt(schema.items);
    if (!items) return;
    for (let i = 0; i < value.length; i++) {
      if (value[i] === null && items.default !== undefined && items.nullable !== true) {
        value[i] = clone(items.default);
      }
      applyDefaults(value[i], items);
    }
    return;
  }
  if (!isObj(value)) return;
  const props = schemaAt(schema.properties);
  if (props) {
    for (const [key, raw] of Object.entries(props)) {
      const prop = schemaAt(raw);
      if (!prop || prop.default === undefined) continue;
      const current = value[key];
      if (!(key in value) || (current === null && prop.nullable !== true)) {
        value[key] = clone(prop.default);
      }
    }
  }
  for (const key of Object.keys(value)) {
    const prop = props ? schemaAt(props[key]) : undefined;
    if (prop) applyDefaults(value[key], prop);
    else if (isObj(schema.additionalProperties)) {
      applyDefaults(value[key], schema.additionalProperties);
    }
  }
}

/** OpenAPI v3 (Kubernetes JSONSchemaProps) to a JSON Schema ajv understands. */
function toJsonSchema(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(toJsonSchema);
  if (!isObj(s)) return s;
  const out: Obj = {};
  for (const [k, v] of Object.entries(s)) {
    if (k.startsWith('x-kubernetes-') || k === 'nullable' || k === 'example') continue;
    if (k === 'default' || k === 'enum' || k === 'const') {
      out[k] = v;
    } else if (k === 'properties' || k === 'patternProperties' || k === 'definitions') {
      out[k] = Object.fromEntries(
        Object.entries(isObj(v) ? v : {}).map(([pk, pv]) => [pk, toJsonSchema(pv)]),
      );
    } else {
      out[k] = toJsonSchema(v);
    }
  }
  if (s.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum)) out.enum = [...(out.enum as unknown[]), null];
  }
  if (s['x-kubernetes-int-or-string'] === true) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  return out;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
let ajvInstance: Ajv | undefined;
const compiled = new WeakMap<Schema, ValidateFunction>();

function validatorFor(schema: Schema): ValidateFunction {
  const cached = compiled.get(schema);
  if (cached) return cached;
  ajvInstance ??= (() => {
    const ajv = new Ajv({ allErrors: true, strict: false, logger: false, validateSchema: false });
    addFormats(ajv);
    return ajv;
  })();
  const fn = ajvInstance.compile(toJsonSchema(schema) as object);
  compiled.set(schema, fn);
  return fn;
}

function jsonTypeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function fieldPath(base: string, instancePath: string): string {
  let out = base;
  for (const seg of instancePath.split('/').slice(1)) {
    const key = seg.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(key)) out += `[${key}]`;
    else out += out ? `.${key}` : key;
  }
  return out;
}

function valueAt(root: unknown, instancePath: string): unknown {
  let cur = root;
  for (const seg of instancePath.split('/').slice(1)) {
    const key = seg.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) cur = cur[Number(key)];
    else if (isObj(cur)) cur = cur[key];
    else return undefined;
  }
  return cur;
}

function toFieldError(e: ErrorObject, root: unknown, base: string): FieldError {
  const field = fieldPath(base, e.instancePath);
  const value = valueAt(root, e.instancePath);
  switch (e.keyword) {
    case 'required': {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      return { type: 'Required', field: field ? `${field}.${missing}` : missing, detail: '' };
    }
    case 'type': {
      const want = (e.params as { type: string | string[] }).type;
      const wantStr = Array.isArray(want) ? want.join(',') : want;
      const actual = jsonTypeName(value);
      return {
        type: 'Invalid',
        field,
        value: actual,
        detail: `${field} in body must be of type ${wantStr}: ${JSON.stringify(actual)}`,
      };
    }
    case 'enum':
      return {
        type: 'NotSupported',
        field,
        value,
        supported: (e.params as { allowedValues: unknown[] }).allowedValues,
      };
    default:
      return {
        type: 'Invalid',
        field,
        value,
        detail: `${field} in body ${e.message ?? 'is invalid'}`,
      };
  }
}

/** Validates (without pruning or defaulting) config against a schema. */
export function validateConfig(
  schema: Schema | undefined,
  config: unknown,
  base: string,
): FieldError[] {
  if (!schema) return [];
  const fn = validatorFor(schema);
  if (fn(config)) return [];
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const e of fn.errors ?? []) {
    // Drop the noise of composite keywords; their branches report the details.
    if (e.keyword === 'if' || e.keyword === 'anyOf' || e.keyword === 'oneOf') continue;
    const fe = toFieldError(e, config, base);
    const key = JSON.stringify(fe);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(fe);
  }
  return out;
}

export interface AdmittedConfig {
  config: Record<string, unknown>;
  errors: FieldError[];
}

/** Prune, default and validate a package config (the input is not modified). */
export function admitConfig(
  manifest: PackageManifest,
  config: Record<string, unknown> | undefined,
  base = 'spec.config',
): AdmittedConfig {
  const schema = manifest.spec.config.openAPIV3Schema;
  if (!schema) return { config: {}, errors: [] };
  const value = isObj(config) ? clone(config) : {};
  pruneUnknownFields(value, schema);
  applyDefaults(value, schema);
  return { config: value, errors: validateConfig(schema, value, base) };
}
