/** CEL equality and ordering over engine values, shared by the list and quantity libraries. */
import { celError } from './engine.js';

/** Numeric value of int (BigInt), uint (UnsignedInt) or double (number); undefined for others. */
function numeric(v: unknown): bigint | number | undefined {
  if (typeof v === 'bigint' || typeof v === 'number') return v;
  if (v !== null && typeof v === 'object' && v.constructor?.name === 'UnsignedInt') {
    return (v as { valueOf(): bigint }).valueOf();
  }
  return undefined;
}

function compareNumeric(a: bigint | number, b: bigint | number): number {
  if (typeof a === typeof b) return a < b ? -1 : a > b ? 1 : 0;
  // Mixed int/double: compare exactly where the double is integral, else by value.
  if (typeof a === 'number' && Number.isNaN(a)) return NaN;
  if (typeof b === 'number' && Number.isNaN(b)) return NaN;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** CEL `==` with heterogeneous numeric equality, deep over lists and maps. */
export function celEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined || nb !== undefined) {
    return na !== undefined && nb !== undefined && compareNumeric(na, nb) === 0;
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => celEquals(v, b[i]));
  }
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    return a.length === b.length && a.every((v, i) => v === b[i]);
  }
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  const eq = (a as { celEquals?: (o: unknown) => boolean }).celEquals;
  if (typeof eq === 'function') return eq.call(a, b);
  const ea = mapEntries(a);
  const eb = mapEntries(b);
  if (!ea || !eb || ea.size !== eb.size) return false;
  for (const [k, v] of ea) {
    if (!eb.has(k) || !celEquals(v, eb.get(k))) return false;
  }
  return true;
}

function mapEntries(v: object): Map<unknown, unknown> | undefined {
  if (v instanceof Map) return v as Map<unknown, unknown>;
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== null && proto !== Object.prototype) return undefined;
  return new Map(Object.entries(v));
}

/** CEL ordering for comparable values; throws a CEL error for values that have none. */
export function celCompare(a: unknown, b: unknown): number {
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined && nb !== undefined) return compareNumeric(na, nb);
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (a instanceof Date && b instanceof Date) return Math.sign(a.getTime() - b.getTime());
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
    return a.length - b.length;
  }
  const cmp = (a as { celCompare?: (o: unknown) => number } | null)?.celCompare;
  if (typeof cmp === 'function' && a?.constructor === (b as object | null)?.constructor) {
    return cmp.call(a, b);
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const va = (a as { valueOf(): unknown }).valueOf();
    const vb = (b as { valueOf(): unknown }).valueOf();
    if (a.constructor === b.constructor && typeof va === 'number' && typeof vb === 'number') {
      return Math.sign(va - vb);
    }
  }
  throw celError(`no such overload: values are not comparable`, 'no_such_overload');
}
