/**
 * Structural defaulting of custom resources: a property with a `default` that is missing (or null
 * while not `nullable`) gets a copy of the default, recursively through properties,
 * additionalProperties and items; other nulls of non-nullable fields are dropped. Runs on every
 * write and on every read of a stored object, as the API server does.
 */
import { clone, isRecord } from '../types.js';
import { additional, items, properties, type SchemaNode } from './types.js';

function isRootMeta(root: boolean, k: string): boolean {
  return root && (k === 'metadata' || k === 'apiVersion' || k === 'kind');
}

function apply(schema: SchemaNode, value: unknown, root: boolean): void {
  if (Array.isArray(value)) {
    const it = items(schema);
    if (it) for (const v of value) apply(it, v, false);
    return;
  }
  if (!isRecord(value)) return;
  const props = properties(schema);
  if (props) {
    for (const [k, sub] of Object.entries(props)) {
      if (isRootMeta(root, k) || !isRecord(sub) || sub.default === undefined) continue;
      const v = value[k];
      if (v === undefined || (v === null && sub.nullable !== true)) value[k] = clone(sub.default);
    }
  }
  const add = additional(schema);
  for (const k of Object.keys(value)) {
    if (isRootMeta(root, k)) continue;
    const sub = props?.[k] ?? add;
    if (!isRecord(sub)) continue;
    const v = value[k];
    if (v === null) {
      if (sub.nullable !== true && sub.default === undefined) delete value[k];
      continue;
    }
    apply(sub, v, false);
  }
}

/** Applies defaults (and drops non-nullable nulls) in place. */
export function applyDefaults(schema: SchemaNode, obj: Record<string, unknown>): void {
  apply(schema, obj, true);
}

/**
 * Objects (the root and its top-level fields) known to miss no default of a schema node. Stored
 * objects are never changed in place, and a status write keeps the spec object of the version
 * before: every read of a stored object (each answer, each watch event) checks it once.
 */
const complete = new WeakMap<object, SchemaNode>();

function missing(schema: SchemaNode, value: unknown, root: boolean, depth = 0): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const cached = depth <= 1;
  if (cached && complete.get(value) === schema) return false;
  const out = missingIn(schema, value, root, depth);
  if (cached && !out) complete.set(value, schema);
  return out;
}

function missingIn(schema: SchemaNode, value: object, root: boolean, depth: number): boolean {
  if (Array.isArray(value)) {
    const it = items(schema);
    return it !== undefined && value.some((v) => missing(it, v, false, depth + 1));
  }
  if (!isRecord(value)) return false;
  const props = properties(schema);
  if (props) {
    for (const [k, sub] of Object.entries(props)) {
      if (isRootMeta(root, k) || !isRecord(sub)) continue;
      const v = value[k];
      if (sub.default !== undefined && (v === undefined || (v === null && sub.nullable !== true)))
        return true;
    }
  }
  const add = additional(schema);
  for (const k of Object.keys(value)) {
    if (isRootMeta(root, k)) continue;
    const sub = props?.[k] ?? add;
    if (!isRecord(sub)) continue;
    const v = value[k];
    if (v === null) {
      if (sub.nullable !== true) return true;
    } else if (typeof v === 'object' && missing(sub, v, false, depth + 1)) return true;
  }
  return false;
}

/** The object with its defaults applied: the same object when nothing is missing, else a copy. */
export function withDefaults<T extends Record<string, unknown>>(schema: SchemaNode, obj: T): T {
  if (!missing(schema, obj, true)) return obj;
  const copy = clone(obj);
  apply(schema, copy, true);
  return copy;
}
