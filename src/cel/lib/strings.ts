/**
 * cel-go `ext.Strings` version 0: `charAt`, `indexOf`, `lastIndexOf`, `lowerAscii`, `upperAscii`,
 * `replace`, `split`, `substring`, `trim`, `join`. Indices count Unicode code points as in cel-go
 * (the engine's built-ins count UTF-16 units and change case beyond ASCII, so they are replaced).
 */
import type { Environment } from '@marcbachmann/cel-js';
import { celError, overrideFunction } from './engine.js';
import type { EngineRegistry } from './engine.js';

const surrogate = /[\uD800-\uDFFF]/;

/** The code points of s, or s itself when every code point is one UTF-16 unit. */
function points(s: string): string | string[] {
  return surrogate.test(s) ? Array.from(s) : s;
}

function slice(p: string | string[], start: number, end?: number): string {
  return typeof p === 'string' ? p.slice(start, end) : p.slice(start, end).join('');
}

/** Code point index of the UTF-16 index i in s. */
function cpIndex(s: string, p: string | string[], i: number): number {
  if (i < 0 || typeof p === 'string') return i;
  return Array.from(s.slice(0, i)).length;
}

/** UTF-16 index of the code point index i. */
function unitIndex(p: string | string[], i: number): number {
  return typeof p === 'string' ? i : p.slice(0, i).join('').length;
}

function outOfRange(i: bigint | number): Error {
  return celError(`index out of range: ${i}`, 'index_out_of_range');
}

export function indexOf(s: string, sub: string, offset?: bigint): bigint {
  const p = points(s);
  const off = offset === undefined ? 0 : Number(offset);
  if (off < 0 || off > p.length) throw outOfRange(offset ?? 0n);
  if (sub === '') return BigInt(off);
  return BigInt(cpIndex(s, p, s.indexOf(sub, unitIndex(p, off))));
}

export function lastIndexOf(s: string, sub: string, offset?: bigint): bigint {
  const p = points(s);
  const off = offset === undefined ? p.length : Number(offset);
  if (off < 0 || off > p.length) throw outOfRange(offset ?? 0n);
  if (sub === '') return BigInt(off);
  return BigInt(cpIndex(s, p, s.lastIndexOf(sub, unitIndex(p, off))));
}

function charAt(s: string, i: bigint): string {
  const p = points(s);
  const n = Number(i);
  if (n < 0 || n > p.length) throw outOfRange(i);
  return slice(p, n, n + 1);
}

function substring(s: string, start: bigint, end?: bigint): string {
  const p = points(s);
  const a = Number(start);
  const b = end === undefined ? p.length : Number(end);
  if (a < 0 || a > p.length) throw outOfRange(start);
  if (b < 0 || b > p.length) throw outOfRange(end ?? 0n);
  if (a > b) {
    throw celError(`invalid substring range. start: ${a}, end: ${b}`, 'index_out_of_range');
  }
  return slice(p, a, b);
}

function asciiCase(s: string, upper: boolean): string {
  return s.replace(upper ? /[a-z]+/g : /[A-Z]+/g, (m) =>
    upper ? m.toUpperCase() : m.toLowerCase(),
  );
}

/** Go `strings.Replace`: n < 0 replaces every occurrence, an empty `old` matches between code points. */
function replace(s: string, old: string, rep: string, n = -1n): string {
  const limit = Number(n);
  if (limit === 0) return s;
  if (old === '') {
    const cps = Array.from(s);
    let out = '';
    for (let i = 0; i <= cps.length; i++) {
      if (limit < 0 || i < limit) out += rep;
      out += cps[i] ?? '';
    }
    return out;
  }
  const parts = s.split(old);
  if (limit < 0 || limit >= parts.length - 1) return parts.join(rep);
  return parts.slice(0, limit + 1).join(rep) + old + parts.slice(limit + 1).join(old);
}

export function registerStrings(env: Environment): void {
  env.registerFunction('string.charAt(int): string', charAt);
  env.registerFunction(
    'string.replace(string, string): string',
    (s: string, a: string, b: string) => replace(s, a, b),
  );
  env.registerFunction('string.replace(string, string, int): string', replace);
}

/** Replaces the engine's UTF-16 and non-ASCII behaviours with cel-go's. */
export function overrideStrings(registry: EngineRegistry): void {
  overrideFunction(
    registry,
    true,
    'indexOf',
    1,
    'string.indexOf(string): int',
    (s: string, sub: string) => indexOf(s, sub),
  );
  overrideFunction(registry, true, 'indexOf', 2, 'string.indexOf(string, int): int', indexOf);
  overrideFunction(
    registry,
    true,
    'lastIndexOf',
    1,
    'string.lastIndexOf(string): int',
    (s: string, sub: string) => lastIndexOf(s, sub),
  );
  overrideFunction(
    registry,
    true,
    'lastIndexOf',
    2,
    'string.lastIndexOf(string, int): int',
    lastIndexOf,
  );
  overrideFunction(
    registry,
    true,
    'substring',
    1,
    'string.substring(int): string',
    (s: string, a: bigint) => substring(s, a),
  );
  overrideFunction(registry, true, 'substring', 2, 'string.substring(int, int): string', substring);
  overrideFunction(registry, true, 'lowerAscii', 0, 'string.lowerAscii(): string', (s: string) =>
    asciiCase(s, false),
  );
  overrideFunction(registry, true, 'upperAscii', 0, 'string.upperAscii(): string', (s: string) =>
    asciiCase(s, true),
  );
}
