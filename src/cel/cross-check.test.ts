// Differential check against @bufbuild/cel, the most spec-conformant JS CEL evaluator (dev
// dependency only): both engines evaluate the same expressions over the same object and must agree
// on the value, or both fail. Expressions only one side supports (K8s libraries, optionals,
// cel.bind) are covered by env.test.ts instead.
import { isCelError, isCelList, isCelMap, isCelUint, run } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { describe, expect, it } from 'vitest';
import { CelEvalError, compile, fromCel, Program } from './index.js';

const self = {
  metadata: { name: 'web', generation: 3, labels: { app: 'web', tier: 'fe' } },
  spec: { replicas: 3, ratio: 0.25, tags: ['b', 'a', 'c'], nested: { list: [1, 2, 3] } },
  status: {
    observedGeneration: 3,
    readyReplicas: 2,
    conditions: [
      { type: 'Available', status: 'True' },
      { type: 'Progressing', status: 'False' },
    ],
  },
};

/** buf's input: maps as Map, integral numbers as BigInt. */
function toBuf(v: unknown): unknown {
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : v;
  if (Array.isArray(v)) return v.map(toBuf);
  if (typeof v === 'object' && v !== null) {
    return new Map(Object.entries(v).map(([k, x]) => [k, toBuf(x)]));
  }
  return v;
}

/** buf's output as plain data, like our fromCel. */
function fromBuf(v: unknown): unknown {
  if (isCelList(v)) return [...v].map(fromBuf);
  if (isCelMap(v))
    return Object.fromEntries(
      [...v.entries()].map(([k, x]) => [String(k as string | bigint | boolean), fromBuf(x)]),
    );
  if (isCelUint(v)) return fromCel(v.value);
  return fromCel(v);
}

const expressions = [
  // arithmetic and comparison on JSON ints and doubles
  'self.spec.replicas + 1',
  'self.spec.replicas * self.spec.replicas - 2',
  'self.spec.replicas / 2',
  'self.spec.replicas % 2',
  '-self.spec.replicas',
  'self.spec.ratio * 4.0',
  'self.spec.replicas > self.status.readyReplicas',
  'self.spec.ratio < 1',
  'self.spec.replicas >= 3.0',
  '1.0 == 1',
  '1 == 1.0',
  '2u == 2',
  '1 != 1.5',
  'int(42u)',
  'int(3.7)',
  'int(-3.7)',
  'uint(3)',
  'double(self.spec.replicas)',
  'string(self.spec.replicas)',
  'string(2.5)',
  'int("42")',
  '9223372036854775807 + 1',
  '1 / 0',
  '"a" < "b"',
  // logic
  'true && false || !false',
  'self.spec.replicas > 5 ? "big" : "small"',
  'false && (1 / 0 == 1)',
  'true || (1 / 0 == 1)',
  // collections and macros
  'size(self.spec.tags)',
  'self.spec.tags.size()',
  '"a" in self.spec.tags',
  '"app" in self.metadata.labels',
  'self.metadata.labels["tier"]',
  'self.spec.tags[1]',
  'self.spec.tags[5]',
  'self.spec.nested.list.map(x, x * 2)',
  'self.spec.nested.list.filter(x, x % 2 == 1)',
  'self.spec.nested.list.all(x, x > 0)',
  'self.spec.nested.list.exists(x, x > 2)',
  'self.spec.nested.list.exists_one(x, x > 2)',
  'self.status.conditions.exists(c, c.type == "Available" && c.status == "True")',
  'self.status.conditions.map(c, c.type)',
  'self.metadata.labels.all(k, k.size() > 2)',
  'has(self.status.readyReplicas)',
  'has(self.status.nope)',
  'self.status.nope',
  'self.spec.nested.list + [4]',
  '{"a": 1, "b": 2}["b"]',
  '[1, 2] == [1, 2]',
  '{"a": [1]} == {"a": [1]}',
  // strings, including ext.Strings
  '"hello".size()',
  '"héllo😀".size()',
  '"abc".startsWith("ab")',
  '"abc".endsWith("bc")',
  '"abc".contains("d")',
  '"ABC".matches("^[A-Z]+$")',
  '"abc".matches("(?i)ABC")',
  '"hello".charAt(1)',
  '"hello".charAt(5)',
  '"hello".indexOf("l")',
  '"hello".indexOf("l", 3)',
  '"hello".lastIndexOf("l")',
  '"hello".lastIndexOf("l", 2)',
  '"Hello World".lowerAscii()',
  '"Hello World".upperAscii()',
  '"aaa".replace("a", "b")',
  '"aaa".replace("a", "b", 1)',
  '"a,b,,c".split(",")',
  '"hello".substring(1)',
  '"hello".substring(1, 3)',
  '"hello".substring(3, 1)',
  '"  hi  ".trim()',
  '["a", "b", "c"].join()',
  '["a", "b", "c"].join("-")',
  '"a" + "b"',
  // timestamps and durations
  'timestamp("2024-01-02T03:04:05Z") < timestamp("2024-01-02T03:04:06Z")',
  'timestamp("2024-01-02T03:04:05Z").getHours()',
  'timestamp("2024-01-02T03:04:05Z").getFullYear()',
  'duration("90s") == duration("1m30s")',
  'timestamp("2024-01-02T03:04:05Z") + duration("1h") == timestamp("2024-01-02T04:04:05Z")',
];

function ours(expr: string): { ok: true; value: unknown } | { ok: false } {
  const p = compile(expr, { variables: { self: 'dyn' }, homogeneousAggregateLiterals: false });
  if (!(p instanceof Program)) return { ok: false };
  const out = p.eval({ self });
  return out instanceof CelEvalError ? { ok: false } : { ok: true, value: fromCel(out) };
}

function theirs(expr: string): { ok: true; value: unknown } | { ok: false } {
  const out = run(expr, { self: toBuf(self) as never }, { funcs: strings });
  return isCelError(out) ? { ok: false } : { ok: true, value: fromBuf(out) };
}

// Where @bufbuild/cel 0.6.1 departs from cel-go, we follow cel-go (rune indices, Go SplitN).
const bufDeviations: [string, unknown, unknown][] = [
  ['"héllo😀x".indexOf("x")', 6, 7],
  ['"a,b,c".split(",", 2)', ['a', 'b,c'], ['a', 'b']],
];

describe('known deviations of @bufbuild/cel from cel-go', () => {
  it.each(bufDeviations)('%s', (expr, celGo, buf) => {
    expect(ours(expr)).toEqual({ ok: true, value: celGo });
    expect(theirs(expr)).toEqual({ ok: true, value: buf });
  });
});

describe('agreement with @bufbuild/cel', () => {
  it.each(expressions)('%s', (expr) => {
    const a = ours(expr);
    const b = theirs(expr);
    if (a.ok && b.ok && a.value instanceof Date) {
      expect(b.value).toBeTruthy();
      return;
    }
    expect(a).toEqual(b);
  });
});
