/**
 * Pruning of custom resources: fields the structural schema does not specify are dropped, except
 * below `x-kubernetes-preserve-unknown-fields`; `apiVersion`, `kind` and `metadata` survive at the
 * root and in embedded resources, whose metadata keeps only ObjectMeta fields. Returns the dropped
 * paths (`spec.foo`, `spec.list[0].bar`) so the caller can report them per `fieldValidation`.
 */
import { isRecord } from '../types.js';
import {
  additional,
  isEmbedded,
  items,
  objectMetaFields,
  preservesUnknown,
  properties,
  type SchemaNode,
} from './types.js';

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function pruneMeta(meta: unknown, path: string, out: string[]): void {
  if (!isRecord(meta)) return;
  for (const k of Object.keys(meta)) {
    if (!objectMetaFields.has(k)) {
      delete meta[k];
      out.push(join(path, k));
    }
  }
}

function walk(
  schema: SchemaNode,
  value: unknown,
  path: string,
  out: string[],
  resourceRoot: boolean,
): void {
  if (Array.isArray(value)) {
    const it = items(schema);
    if (it) value.forEach((v, i) => walk(it, v, `${path}[${i}]`, out, isEmbedded(it)));
    return;
  }
  if (!isRecord(value)) return;
  const props = properties(schema);
  const add = additional(schema);
  const preserve = preservesUnknown(schema);
  for (const k of Object.keys(value)) {
    const p = join(path, k);
    if (resourceRoot && (k === 'apiVersion' || k === 'kind')) continue;
    if (resourceRoot && k === 'metadata') {
      // The root's metadata is the API server's business; embedded metadata is coerced here.
      if (path !== '') pruneMeta(value[k], p, out);
      continue;
    }
    const sub = props?.[k];
    if (isRecord(sub)) walk(sub, value[k], p, out, isEmbedded(sub));
    else if (add) walk(add, value[k], p, out, isEmbedded(add));
    else if (!preserve && schema.additionalProperties !== true) {
      delete value[k];
      out.push(p);
    }
  }
}

/** Drops unknown fields from a custom resource in place; returns their paths, sorted. */
export function pruneUnknownFields(schema: SchemaNode, obj: Record<string, unknown>): string[] {
  const out: string[] = [];
  walk(schema, obj, '', out, true);
  return out.sort();
}

/** Unknown fields of the root metadata (dropped like the API server's ObjectMeta decoding). */
export function pruneRootMetadata(obj: Record<string, unknown>): string[] {
  const out: string[] = [];
  pruneMeta(obj.metadata, 'metadata', out);
  return out;
}
