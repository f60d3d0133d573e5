/**
 * Deep copy of a JSON-like value (what API objects are): plain objects and arrays are copied by
 * hand, several times faster than structuredClone for API objects; anything else (a Date from a
 * YAML reader) goes through structuredClone. A `__proto__` key (JSON.parse makes it an own key)
 * stays an own key. Used by the client runtime and the embedded server alike.
 */
export function cloneJson<T>(v: T): T {
  if (typeof v !== 'object' || v === null) return v;
  return copyValue(v) as T;
}

function copyValue(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) {
    const out: unknown[] = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = copyValue(v[i]);
    return out;
  }
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return structuredClone(v);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    const x = copyValue((v as Record<string, unknown>)[k]);
    if (k === '__proto__')
      Object.defineProperty(out, k, {
        value: x,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else out[k] = x;
  }
  return out;
}
