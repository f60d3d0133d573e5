/**
 * Conversion between JSON values (what Kubernetes objects and package contexts are made of) and the
 * values the CEL engine computes with. cel-go on unstructured objects sees integral JSON numbers as
 * `int`, so they become BigInt here; objects become prototype-less records so that keys such as
 * `__proto__` or `constructor` are plain data.
 */
import { Optional } from '@marcbachmann/cel-js';

/** A value as the CEL engine sees it (BigInt ints, numbers for doubles, null-prototype maps). */
export type CelValue = NonNullable<unknown> | null;

/** Converts a JSON-like value into a CEL value: integral numbers become BigInt, recursively. */
export function toCel(value: unknown): CelValue {
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) ? BigInt(value) : value;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) return value.map(toCel);
      if (value instanceof Uint8Array || value instanceof Date) return value;
      if (value instanceof Map) {
        const out = new Map<unknown, unknown>();
        for (const [k, v] of value) out.set(k, toCel(v));
        return out;
      }
      const out = Object.create(null) as Record<string, unknown>;
      for (const key of Object.keys(value)) {
        const v = (value as Record<string, unknown>)[key];
        if (v !== undefined) out[key] = toCel(v);
      }
      return out;
    }
    default:
      return value as CelValue;
  }
}

/**
 * Converts a CEL result back into plain JavaScript data: BigInt becomes a number when it is safe
 * (otherwise it stays a BigInt), unsigned ints become numbers, optionals become their value or
 * undefined, maps become plain objects.
 */
export function fromCel(value: unknown): unknown {
  switch (typeof value) {
    case 'bigint':
      return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(value)
        : value;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) return (value as unknown[]).map(fromCel);
      if (value instanceof Set) return [...(value as Set<unknown>)].map(fromCel);
      if (value instanceof Optional) return value.hasValue() ? fromCel(value.value()) : undefined;
      if (value instanceof Map) {
        const out: Record<string, unknown> = {};
        for (const [k, v] of value as Map<unknown, unknown>) setData(out, String(k), fromCel(v));
        return out;
      }
      if (value instanceof Uint8Array || value instanceof Date) return value;
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto === null || proto === Object.prototype) {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
          setData(out, k, fromCel(v));
        }
        return out;
      }
      // UnsignedInt and other engine value classes expose their primitive through valueOf.
      const prim = (value as { valueOf(): unknown }).valueOf();
      return prim === value ? value : fromCel(prim);
    }
    default:
      return value;
  }
}

/** Sets a data key on a plain object; `__proto__` becomes an own property, not the prototype. */
function setData(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    obj[key] = value;
  }
}
