import { describe, expect, it } from 'vitest';
import {
  CelCompileError,
  CelEnvironment,
  CelEvalError,
  compile,
  fromCel,
  Program,
  toCel,
} from './index.js';
import type { CelEnvSpec } from './index.js';

const selfSpec: CelEnvSpec = { variables: { self: 'dyn' } };

function run(expr: string, self: unknown = {}): unknown {
  const p = compile(expr, selfSpec);
  if (!(p instanceof Program)) throw p;
  const out = p.eval({ self });
  if (out instanceof CelEvalError) throw out;
  return fromCel(out);
}

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', generation: 3, labels: { app: 'web' } },
  spec: {
    replicas: 3,
    template: { spec: { containers: [{ name: 'a', ports: [{ containerPort: 80 }] }] } },
  },
  status: {
    observedGeneration: 3,
    replicas: 3,
    updatedReplicas: 3,
    readyReplicas: 3,
    ratio: 0.5,
    conditions: [
      { type: 'Available', status: 'True', lastTransitionTime: '2024-01-01T10:00:00Z' },
      { type: 'Progressing', status: 'True' },
    ],
  },
};

describe('cel-go semantics on JSON objects', () => {
  it.each<[string, unknown]>([
    // JSON integers are int, so int arithmetic and int literals work.
    ['self.spec.replicas + 1', 4],
    ['self.spec.replicas * 2 == 6', true],
    ['self.status.readyReplicas == self.spec.replicas', true],
    ['self.status.ratio * 2.0', 1],
    ['self.status.ratio + 1.0 == 1.5', true],
    // heterogeneous numeric equality and ordering
    ['1.0 == 1', true],
    ['1 == 1.0', true],
    ['1 != 1.5', true],
    ['2u == 2', true],
    ['2u == 2.0', true],
    ['self.spec.replicas == 3.0', true],
    ['self.status.ratio < 1', true],
    ['int(42u)', 42],
    ['int(3.9)', 3],
    // macros and collections
    ['self.status.conditions.exists(c, c.type == "Available" && c.status == "True")', true],
    ['self.status.conditions.all(c, c.status == "True")', true],
    ['self.status.conditions.exists_one(c, c.type == "Progressing")', true],
    ['self.status.conditions.filter(c, c.type == "Available").size()', 1],
    ['self.status.conditions.map(c, c.type)', ['Available', 'Progressing']],
    ['self.spec.template.spec.containers[0].ports[0].containerPort', 80],
    ['has(self.status.replicas)', true],
    ['has(self.status.nope)', false],
    ['"app" in self.metadata.labels', true],
    ['self.metadata.labels["app"]', 'web'],
    ['size(self.status.conditions)', 2],
    ['cel.bind(r, self.spec.replicas, r * r)', 9],
    // optionals
    ['self.?status.?nope.orValue("dflt")', 'dflt'],
    ['self.status.?replicas.hasValue()', true],
    ['optional.of(1).value()', 1],
    ['optional.none().orValue(7)', 7],
    // strings (ext.Strings v0)
    ['"hello".charAt(1)', 'e'],
    ['"hello".charAt(5)', ''],
    ['"héllo😀x".indexOf("x")', 6],
    ['"😀😀ab".lastIndexOf("a")', 2],
    ['"abcabc".indexOf("c", 3)', 5],
    ['"abcabc".lastIndexOf("a", 2)', 0],
    ['"HeLLo".lowerAscii()', 'hello'],
    ['"ÄÖ ab".upperAscii()', 'ÄÖ AB'],
    ['"aaa".replace("a", "b")', 'bbb'],
    ['"aaa".replace("a", "b", 2)', 'bba'],
    ['"ab".replace("", "-")', '-a-b-'],
    ['"a,b,c".split(",")', ['a', 'b', 'c']],
    ['"😀bc".substring(1)', 'bc'],
    ['"abcdef".substring(1, 3)', 'bc'],
    ['"  x ".trim()', 'x'],
    ['["a", "b"].join("-")', 'a-b'],
    ['"abc".startsWith("ab") && "abc".endsWith("bc") && "abc".contains("b")', true],
    // timestamps
    [
      'timestamp(self.status.conditions[0].lastTransitionTime) < timestamp("2025-01-01T00:00:00Z")',
      true,
    ],
    ['timestamp("2024-01-01T10:00:00Z").getHours()', 10],
    ['duration("1h") > duration("59m")', true],
  ])('%s', (expr, expected) => {
    expect(run(expr, deployment)).toEqual(expected);
  });
});

describe('RE2 regular expressions', () => {
  it.each<[string, unknown]>([
    ['"ABC".matches("(?i)abc")', true],
    ['"xabcx".matches("abc")', true],
    ['"abc".matches("^b")', false],
    ['matches("abc", "b+")', true],
    ['"Grüße".matches("^\\\\p{L}+$")', true],
    ['"abc 123 def 45".find("[0-9]+")', '123'],
    ['"abc".find("[0-9]+")', ''],
    ['"abc 123 def 45".findAll("[0-9]+")', ['123', '45']],
    ['"a1 b2 c3".findAll("[a-z][0-9]", 2)', ['a1', 'b2']],
    ['"a1 b2".findAll("[a-z][0-9]", 0)', []],
    // Go skips an empty match right after a previous match.
    ['"baaac".findAll("a*")', ['', 'aaa', '']],
  ])('%s', (expr, expected) => {
    expect(run(expr)).toEqual(expected);
  });

  it('rejects lookarounds at evaluation time with the RE2 message', () => {
    expect(() => run('"ab".matches("a(?=b)")')).toThrow(/invalid or unsupported Perl syntax/);
  });

  it('matches in linear time where a backtracking engine explodes', () => {
    const started = performance.now();
    expect(run(`self.s.matches("^(a+)+$")`, { s: 'a'.repeat(50_000) + 'b' })).toBe(false);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('Kubernetes list library', () => {
  it.each<[string, unknown]>([
    ['[1, 2, 3].isSorted()', true],
    ['["b", "a"].isSorted()', false],
    ['[1, 2, 3].sum()', 6],
    ['[1.5, 2.5].sum()', 4],
    ['self.l.sum() + 1', 10],
    ['[3, 1, 2].min()', 1],
    ['["b", "c", "a"].max()', 'c'],
    ['self.l.max()', 5],
    ['[1, 2, 1].indexOf(1)', 0],
    ['[1, 2, 1].lastIndexOf(1)', 2],
    ['[1, 2].indexOf(3)', -1],
    ['[[1], [2]].indexOf([2])', 1],
    // results of dyn receivers compare with doubles without checker ambiguity
    ['self.l.sum() == 9.0', true],
    ['self.l.max() == 5.0', true],
    ['[1, 2].sum() == 3.0', true],
    ['self.l.min() < 1.5', true],
  ])('%s', (expr, expected) => {
    expect(run(expr, { l: [4, 5, 0] })).toEqual(expected);
  });

  it('fails min on an empty list', () => {
    expect(() => run('self.l.min()', { l: [] })).toThrow('min called on empty list');
  });
});

describe('Kubernetes quantity library', () => {
  it.each<[string, unknown]>([
    ['quantity("1.5Gi").asInteger()', 1610612736],
    ['quantity("100m").isLessThan(quantity("1"))', true],
    ['quantity("2").isGreaterThan(quantity("1500m"))', true],
    ['quantity("1") == quantity("1000m")', true],
    ['quantity("1k").compareTo(quantity("1000"))', 0],
    ['quantity("1.5").asApproximateFloat()', 1.5],
    ['quantity("500m").isInteger()', false],
    ['quantity("2e3").asInteger()', 2000],
    ['quantity("1Mi").add(quantity("1Ki")).asInteger()', 1049600],
    ['quantity("1").add(2).asInteger()', 3],
    ['quantity("1").sub(quantity("2")).sign()', -1],
    ['quantity("0").sign()', 0],
    ['isQuantity("200Mi")', true],
    ['isQuantity("1.5.5")', false],
    ['isQuantity("")', false],
    ['isQuantity("1Qi")', false],
  ])('%s', (expr, expected) => {
    expect(run(expr)).toEqual(expected);
  });

  it('refuses asInteger on a fraction and quantity() on garbage', () => {
    expect(() => run('quantity("1.5").asInteger()')).toThrow('cannot convert value to integer');
    expect(() => run('quantity("x")')).toThrow(/quantities must match the regular expression/);
  });
});

describe('Kubernetes URL library', () => {
  it.each<[string, unknown]>([
    ['url("https://example.com:8443/a/b?x=1").getScheme()', 'https'],
    ['url("https://user@example.com:8443/a").getHost()', 'example.com:8443'],
    ['url("https://example.com:8443/a").getHostname()', 'example.com'],
    ['url("https://example.com:8443/a").getPort()', '8443'],
    ['url("https://example.com/a").getPort()', ''],
    ['url("https://[::1]:80/x").getHostname()', '::1'],
    ['url("https://[::1]:80/x").getHost()', '[::1]:80'],
    ['url("https://example.com/a b").getEscapedPath()', '/a%20b'],
    ['url("/just/a/path").getEscapedPath()', '/just/a/path'],
    ['url("https://e.com/?k=v&k=w&x=a+b").getQuery()', { k: ['v', 'w'], x: ['a b'] }],
    ['isURL("https://example.com")', true],
    ['isURL("mailto:someone")', false],
    ['isURL("relative/path")', false],
    ['isURL("")', false],
  ])('%s', (expr, expected) => {
    expect(run(expr)).toEqual(expected);
  });
});

describe('compile errors', () => {
  it('reports undeclared references like cel-go, with position and snippet', () => {
    const p = compile('true && fals', selfSpec);
    expect(p).toBeInstanceOf(CelCompileError);
    const err = p as CelCompileError;
    expect(err.message).toBe(
      "ERROR: <input>:1:9: undeclared reference to 'fals' (in container '')\n | true && fals\n | ........^",
    );
    expect(err.position).toEqual({ offset: 8, line: 1, column: 9 });
    expect(err.summary).toBe("undeclared reference to 'fals' (in container '')");
  });

  it('reports syntax errors with their line and column', () => {
    const err = compile('self.a &&\n  (1 +', selfSpec) as CelCompileError;
    expect(err).toBeInstanceOf(CelCompileError);
    expect(err.position?.line).toBe(2);
    expect(err.message).toMatch(/^ERROR: <input>:2:\d+: Syntax error: /);
  });

  it.each(['"a" == 1', '1 + "a"', '[1, "a"]', 'true ? 1 : "a"', '1 && true'])(
    'rejects %s at type-check',
    (expr) => {
      expect(compile(expr, selfSpec)).toBeInstanceOf(CelCompileError);
    },
  );

  it('allows mixed literals when homogeneousAggregateLiterals is off', () => {
    expect(
      compile('[1, "a"]', { variables: {}, homogeneousAggregateLiterals: false }),
    ).toBeInstanceOf(Program);
  });

  it('rejects an expression over the length limit', () => {
    const env = new CelEnvironment({ variables: {}, limits: { maxExpressionLength: 10 } });
    const err = env.compile('1 + 1 + 1 + 1');
    expect(err).toBeInstanceOf(CelCompileError);
    expect((err as CelCompileError).message).toMatch(/limit is 10/);
  });

  it('reports the static output type in cel-go notation', () => {
    const out = (e: string): string => (compile(e, selfSpec) as Program).outputType;
    expect(out('1 + 2')).toBe('int');
    expect(out('self.x')).toBe('dyn');
    expect(out('{"a": 1}')).toBe('map(string, int)');
    expect(out('[1].map(x, x > 0)')).toBe('list(bool)');
    expect(out('"a".findAll("a")')).toBe('list(string)');
  });
});

describe('evaluation errors', () => {
  it('returns a CelEvalError with cel-go wording and the position', () => {
    const p = compile('self.spec.nope == 1', selfSpec) as Program;
    const err = p.eval({ self: { spec: {} } });
    expect(err).toBeInstanceOf(CelEvalError);
    expect((err as CelEvalError).message).toBe('no such key: nope');
    expect((err as CelEvalError).position?.column).toBeGreaterThan(1);
  });

  it('overflows like cel-go instead of losing precision', () => {
    expect(() => run('9223372036854775807 + 1')).toThrow(/overflow/);
  });

  it('stops a hostile expression at the step budget instead of hanging', () => {
    const list = `[${Array.from({ length: 200 }, (_, i) => i).join(',')}]`;
    const expr = `${list}.all(a, ${list}.all(b, ${list}.all(c, a + b + c >= 0)))`;
    const started = performance.now();
    const out = (compile(expr, selfSpec) as Program).eval({ self: {} });
    expect(out).toBeInstanceOf(CelEvalError);
    expect((out as CelEvalError).code).toBe('step_limit_exceeded');
    expect((out as CelEvalError).message).toBe('operation cancelled: actual cost limit exceeded');
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('also stops a step-heavy left side that || would otherwise swallow', () => {
    const env = new CelEnvironment({ variables: { self: 'dyn' }, limits: { maxSteps: 1_000 } });
    const p = env.compile('self.l.exists(x, self.l.exists(y, x + y < 0)) || true') as Program;
    const out = p.eval({ self: { l: Array.from({ length: 100 }, (_, i) => i) } });
    expect((out as CelEvalError).code).toBe('step_limit_exceeded');
    // A fresh evaluation gets a fresh budget.
    expect(env.compile('1 == 1').valueOf()).toBeInstanceOf(Program);
    expect((env.compile('self.l.size() == 100') as Program).eval({ self: { l: [] } })).toBe(false);
  });

  it('reports a declared but missing variable', () => {
    const p = compile('self == 1', selfSpec) as Program;
    expect(p.eval({})).toBeInstanceOf(CelEvalError);
  });
});

describe('root-scope dot syntax', () => {
  const spec: CelEnvSpec = { variables: { config: 'map(string, dyn)' } };
  it.each<[string, boolean]>([
    ['.config.banana == "bread"', true],
    ['(.config.banana == "bread") && !(.config.banana == ".config")', true],
    ['[.config.banana][0] == "bread"', true],
    ['.config.banana == "a .config b" || true', true],
    ['.config.n == 0.5 * 2.0', true],
  ])('%s', (expr, expected) => {
    const p = compile(expr, spec);
    expect(p).toBeInstanceOf(Program);
    expect((p as Program).eval({ config: { banana: 'bread', n: 1 } })).toBe(expected);
  });

  it('keeps error positions pointing into the original text', () => {
    const err = compile('.config.banana == .nope', spec) as CelCompileError;
    expect(err.summary).toBe("undeclared reference to 'nope' (in container '')");
    expect(err.position?.column).toBe(20);
  });
});

describe('compile cache', () => {
  it('returns the same program for the same expression and environment', () => {
    const a = compile('self.a == 1', selfSpec);
    const b = compile('self.a == 1', { variables: { self: 'dyn' } });
    expect(a).toBe(b);
  });
});

describe('value conversion', () => {
  it('turns integral JSON numbers into int and keeps data keys as data', () => {
    const v = toCel({ a: 1, b: 1.5, c: [2], ['__proto__']: { x: 1 } }) as Record<string, unknown>;
    expect(v['a']).toBe(1n);
    expect(v['b']).toBe(1.5);
    expect((v['c'] as unknown[])[0]).toBe(2n);
    expect(run('self["__proto__"].x', JSON.parse('{"__proto__": {"x": 5}}'))).toBe(5);
  });

  it('converts results back to plain data', () => {
    expect(run('self', { a: [1, 2.5, 'x'], b: null })).toEqual({ a: [1, 2.5, 'x'], b: null });
    expect(fromCel(2n ** 70n)).toBe(2n ** 70n);
  });
});

describe('engine plumbing', () => {
  it('does not expose the internal capture function to expressions', () => {
    const out = (compile('__packsync_engine__()', selfSpec) as Program).eval({ self: {} });
    expect(out).toBeInstanceOf(CelEvalError);
  });
});
