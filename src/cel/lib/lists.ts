/** The Kubernetes CEL list library: `isSorted`, `sum`, `min`, `max`, `indexOf`, `lastIndexOf`. */
import type { Environment } from '@marcbachmann/cel-js';
import { celCompare, celEquals } from './compare.js';
import { celError } from './engine.js';

function isSorted(list: unknown[]): boolean {
  for (let i = 1; i < list.length; i++) if (celCompare(list[i - 1], list[i]) > 0) return false;
  return true;
}

function extreme(name: 'min' | 'max', list: unknown[]): unknown {
  if (list.length === 0) throw celError(`${name} called on empty list`);
  let best = list[0];
  for (let i = 1; i < list.length; i++) {
    const c = celCompare(list[i], best);
    if (name === 'min' ? c < 0 : c > 0) best = list[i];
  }
  return best;
}

function sum(list: unknown[]): unknown {
  if (list.length === 0) return 0n;
  let acc: unknown = list[0];
  for (let i = 1; i < list.length; i++) acc = add(acc, list[i]);
  return acc;
}

function add(a: unknown, b: unknown): unknown {
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    const r = a + b;
    if (r > 9223372036854775807n || r < -9223372036854775808n) throw celError('integer overflow');
    return r;
  }
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  const addFn = (a as { addDuration?: (o: unknown) => unknown } | null)?.addDuration;
  if (typeof addFn === 'function') return addFn.call(a, b);
  if (a !== null && typeof a === 'object' && a.constructor === (b as object | null)?.constructor) {
    // UnsignedInt: rebuild through its constructor so overflow is checked.
    const Ctor = a.constructor as new (v: bigint) => unknown;
    return new Ctor(
      (a as { valueOf(): bigint }).valueOf() + (b as { valueOf(): bigint }).valueOf(),
    );
  }
  throw celError('no such overload: sum of mixed element types', 'no_such_overload');
}

function indexOf(list: unknown[], v: unknown): bigint {
  return BigInt(list.findIndex((x) => celEquals(x, v)));
}

function lastIndexOf(list: unknown[], v: unknown): bigint {
  for (let i = list.length - 1; i >= 0; i--) if (celEquals(list[i], v)) return BigInt(i);
  return -1n;
}

// Element types with an order (and, for sum, an addition). Concrete overloads rather than a
// `list<T>.sum(): T` placeholder: a placeholder result type makes `x.sum() == 1.0` ambiguous for
// the checker once heterogeneous equality is registered.
const comparable = [
  'int',
  'uint',
  'double',
  'string',
  'bool',
  'bytes',
  'google.protobuf.Timestamp',
  'google.protobuf.Duration',
];
const summable = ['int', 'uint', 'double', 'google.protobuf.Duration'];

export function registerLists(env: Environment): void {
  env.registerFunction('list<T>.isSorted(): bool', isSorted);
  for (const t of [...summable, 'dyn']) env.registerFunction(`list<${t}>.sum(): ${t}`, sum);
  for (const t of [...comparable, 'dyn']) {
    env.registerFunction(`list<${t}>.min(): ${t}`, (l: unknown[]) => extreme('min', l));
    env.registerFunction(`list<${t}>.max(): ${t}`, (l: unknown[]) => extreme('max', l));
  }
  env.registerFunction('list<T>.indexOf(T): int', indexOf);
  env.registerFunction('list<T>.lastIndexOf(T): int', lastIndexOf);
}
