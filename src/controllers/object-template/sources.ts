/**
 * Source steps of the ObjectTemplate reconcile: where a source lives, how a `key` reads a value
 * out of it and how a `destination` stores that value into `.config`. Pure.
 */
import type { ObjectRef } from '../../kube/index.js';

export interface TemplateSource {
  apiVersion: string;
  kind: string;
  namespace?: string | undefined;
  name: string;
  items: { key: string; destination: string }[];
  optional?: boolean | undefined;
}

/**
 * The object a source names. A namespaced template reads only from its own namespace (the
 * default); a cluster template takes the namespace as written.
 */
export function sourceRef(
  src: TemplateSource,
  templateNamespace: string | undefined,
): { ok: true; ref: ObjectRef } | { ok: false; message: string } {
  const ns =
    src.namespace === undefined || src.namespace === '' ? templateNamespace : src.namespace;
  if (templateNamespace !== undefined && ns !== templateNamespace) {
    return {
      ok: false,
      message: `source ${src.kind} ${ns ?? ''}/${src.name}: must be in namespace ${templateNamespace}`,
    };
  }
  return {
    ok: true,
    ref: { apiVersion: src.apiVersion, kind: src.kind, name: src.name, namespace: ns },
  };
}

/** `a.b`, `.a.b`, `{a.b}` and `{.a.b}` all name the path `["a", "b"]`. */
export function keyPath(key: string): string[] {
  let k = key.trim();
  if (k.startsWith('{') && k.endsWith('}')) k = k.slice(1, -1).trim();
  if (k.startsWith('.')) k = k.slice(1);
  return k === '' ? [] : k.split('.');
}

/** The value at `path` (numeric segments index arrays); a single-element array is unwrapped. */
export function readPath(
  obj: unknown,
  path: readonly string[],
): { found: boolean; value: unknown } {
  let cur: unknown = obj;
  for (const seg of path) {
    if (Array.isArray(cur) && /^\d+$/.test(seg)) {
      cur = cur[Number(seg)];
    } else if (cur !== null && typeof cur === 'object' && !Array.isArray(cur)) {
      cur = (cur as Record<string, unknown>)[seg];
    } else {
      return { found: false, value: undefined };
    }
    if (cur === undefined) return { found: false, value: undefined };
  }
  if (Array.isArray(cur) && cur.length === 1) cur = cur[0];
  return { found: true, value: cur };
}

/** Sets `value` at the dotted `destination` (which must start with `.`) inside `config`. */
export function setDestination(
  config: Record<string, unknown>,
  destination: string,
  value: unknown,
): { ok: true } | { ok: false; message: string } {
  if (!destination.startsWith('.')) {
    return { ok: false, message: `destination ${JSON.stringify(destination)} must start with "."` };
  }
  const segs = destination.slice(1).split('.');
  if (segs.some((s) => s === '')) {
    return {
      ok: false,
      message: `destination ${JSON.stringify(destination)} is not a dotted path`,
    };
  }
  let cur = config;
  for (const seg of segs.slice(0, -1)) {
    const next = cur[seg];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) {
      const fresh: Record<string, unknown> = {};
      cur[seg] = fresh;
      cur = fresh;
    } else {
      cur = next as Record<string, unknown>;
    }
  }
  cur[segs[segs.length - 1]!] = value;
  return { ok: true };
}

/** Copies every item of one source object into `config`. */
export function collectItems(
  src: TemplateSource,
  obj: unknown,
  config: Record<string, unknown>,
): { ok: true } | { ok: false; message: string } {
  for (const item of src.items) {
    const got = readPath(obj, keyPath(item.key));
    if (!got.found) {
      return { ok: false, message: `source ${src.kind} ${src.name}: key ${item.key} not found` };
    }
    const set = setDestination(config, item.destination, got.value);
    if (!set.ok) return set;
  }
  return { ok: true };
}
