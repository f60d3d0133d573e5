/** Reading unstructured objects the way apimachinery's `unstructured.Nested*` helpers do. */
import type { KubeObject } from './types.js';

export function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value at a path of map keys; `found` is false when a key is absent or a parent is no map. */
export function nestedField(
  obj: unknown,
  path: readonly string[],
): { found: boolean; value?: unknown } {
  let cur: unknown = obj;
  for (const key of path) {
    if (!isMap(cur) || !Object.hasOwn(cur, key)) return { found: false };
    cur = cur[key];
  }
  return { found: true, value: cur };
}

/** `unstructured.NestedInt64`: only an integral number counts. */
export function nestedInt64(obj: unknown, path: readonly string[]): bigint | undefined {
  const { found, value } = nestedField(obj, path);
  if (!found) return undefined;
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  return undefined;
}

/** `metadata.generation`, 0 when unset. */
export function generationOf(obj: KubeObject): bigint {
  return nestedInt64(obj, ['metadata', 'generation']) ?? 0n;
}

function metaString(obj: KubeObject, key: string): string {
  const v = nestedField(obj, ['metadata', key]).value;
  return typeof v === 'string' ? v : '';
}

export function nameOf(obj: KubeObject): string {
  return metaString(obj, 'name');
}

export function namespaceOf(obj: KubeObject): string {
  return metaString(obj, 'namespace');
}

export function labelsOf(obj: KubeObject): Record<string, string> {
  const labels = nestedField(obj, ['metadata', 'labels']).value;
  if (!isMap(labels)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Group and kind from `apiVersion` (`apps/v1` -> `apps`, `v1` -> ``) and `kind`. */
export function groupKindOf(obj: KubeObject): { group: string; kind: string } {
  const apiVersion = typeof obj['apiVersion'] === 'string' ? obj['apiVersion'] : '';
  const slash = apiVersion.indexOf('/');
  return {
    group: slash < 0 ? '' : apiVersion.slice(0, slash),
    kind: typeof obj['kind'] === 'string' ? obj['kind'] : '',
  };
}

/** Go `%v`/`%s` of a JSON value inside fmt.Sprintf (strings bare, nil as Go prints it). */
export function goString(v: unknown): string {
  if (v === undefined || v === null) return '%!s(<nil>)';
  if (typeof v === 'string') return v;
  return goJson(v);
}

/** Go `json.Marshal` of a JSON value: map keys sorted, `<`, `>`, `&` escaped as in Go. */
export function goJson(v: unknown): string {
  const sortKeys = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(sortKeys);
    if (isMap(x)) {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(x).sort()) {
        // defineProperty keeps a `__proto__` key as data instead of setting the prototype.
        Object.defineProperty(out, k, { value: sortKeys(x[k]), enumerable: true, writable: true });
      }
      return out;
    }
    return typeof x === 'bigint' ? Number(x) : x;
  };
  const json = JSON.stringify(sortKeys(v)) ?? 'null';
  return json
    .replaceAll('<', '\\u003c')
    .replaceAll('>', '\\u003e')
    .replaceAll('&', '\\u0026')
    .replaceAll('\u2028', '\\u2028')
    .replaceAll('\u2029', '\\u2029');
}

/** `equality.Semantic.DeepEqual` on JSON values. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}
