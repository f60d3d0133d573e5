/**
 * RE2 regular expressions (linear time, Go syntax: `(?i)` works, lookarounds do not) for the CEL
 * `matches` built-in and the Kubernetes regex library (`find`, `findAll`).
 */
import type { Environment } from '@marcbachmann/cel-js';
import { RE2JS } from 're2js';
import { celError, overrideFunction } from './engine.js';
import type { EngineRegistry } from './engine.js';

const cache = new Map<string, RE2JS>();
const cacheLimit = 512;

/** Compiles (and caches) an RE2 pattern; a syntax error becomes a CEL evaluation error. */
export function re2(pattern: string): RE2JS {
  let re = cache.get(pattern);
  if (re) return re;
  try {
    re = RE2JS.compile(pattern);
  } catch (err) {
    throw celError(err instanceof Error ? err.message : String(err), 'invalid_regular_expression');
  }
  if (cache.size >= cacheLimit) cache.delete(cache.keys().next().value as string);
  cache.set(pattern, re);
  return re;
}

function matches(s: string, pattern: string): boolean {
  return re2(pattern).test(s);
}

function find(s: string, pattern: string): string {
  const m = re2(pattern).exec(s);
  return m ? String(m[0]) : '';
}

/** Go `FindAllString`: an empty match right after the previous match is skipped. */
function findAll(s: string, pattern: string, n = -1n): string[] {
  const limit = Number(n);
  const out: string[] = [];
  if (limit === 0) return out;
  let prevEnd = -1;
  for (const m of re2(pattern).matchAll(s)) {
    const text = m[0];
    const index = m.index ?? 0;
    if (text === '' && index === prevEnd) continue;
    out.push(text);
    prevEnd = index + text.length;
    if (limit > 0 && out.length >= limit) break;
  }
  return out;
}

export function registerRegex(env: Environment): void {
  env.registerFunction('matches(string, string): bool', matches);
  env.registerFunction('string.find(string): string', find);
  env.registerFunction('string.findAll(string): list<string>', (s: string, p: string) =>
    findAll(s, p),
  );
  env.registerFunction('string.findAll(string, int): list<string>', findAll);
}

export function overrideRegex(registry: EngineRegistry): void {
  overrideFunction(registry, true, 'matches', 1, 'string.matches(string): bool', matches);
}
