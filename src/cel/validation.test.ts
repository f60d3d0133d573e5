import { describe, expect, it } from 'vitest';
import {
  appliesTo,
  CelCompileError,
  compileValidationRule,
  evaluateValidationRule,
  toCel,
  toCelForSchema,
} from './index.js';
import type { CelSchema, CompiledValidationRule, ValidationRule } from './index.js';

function compiled(
  rule: ValidationRule,
  opts?: Parameters<typeof compileValidationRule>[1],
): CompiledValidationRule {
  const c = compileValidationRule(rule, opts);
  if (c instanceof CelCompileError) throw c;
  return c;
}

describe('CRD validation rules', () => {
  it('passes and fails a plain rule with the default message', () => {
    const c = compiled({ rule: 'self.replicas <= self.maxReplicas' });
    expect(c.isTransitionRule).toBe(false);
    expect(evaluateValidationRule(c, { self: { replicas: 1, maxReplicas: 3 } })).toEqual({
      valid: true,
    });
    expect(evaluateValidationRule(c, { self: { replicas: 5, maxReplicas: 3 } })).toEqual({
      valid: false,
      message: 'failed rule: self.replicas <= self.maxReplicas',
      reason: 'FieldValueInvalid',
      fieldPath: undefined,
    });
  });

  it('uses message, reason and fieldPath', () => {
    const c = compiled({
      rule: 'self.a > 0',
      message: 'a must be positive',
      reason: 'FieldValueForbidden',
      fieldPath: '.a',
    });
    expect(evaluateValidationRule(c, { self: { a: 0 } })).toEqual({
      valid: false,
      message: 'a must be positive',
      reason: 'FieldValueForbidden',
      fieldPath: '.a',
    });
  });

  it('prefers messageExpression and falls back to message when it fails or is blank', () => {
    const c = compiled({
      rule: 'self.a > 0',
      message: 'static',
      messageExpression: '"a is " + string(self.a)',
    });
    expect(evaluateValidationRule(c, { self: { a: -2 } })).toMatchObject({ message: 'a is -2' });
    const failing = compiled({
      rule: 'self.a > 0',
      message: 'static',
      messageExpression: 'self.nope',
    });
    expect(evaluateValidationRule(failing, { self: { a: -2 } })).toMatchObject({
      message: 'static',
    });
    const blank = compiled({ rule: 'self.a > 0', messageExpression: '" "' });
    expect(evaluateValidationRule(blank, { self: { a: -2 } })).toMatchObject({
      message: 'failed rule: self.a > 0',
    });
  });

  it('rejects a messageExpression that is not a string', () => {
    const c = compileValidationRule({ rule: 'true', messageExpression: '1 + 1' });
    expect(c).toBeInstanceOf(CelCompileError);
    expect((c as CelCompileError).message).toBe('messageExpression must evaluate to a string');
  });

  it('rejects a rule that does not type-check to bool', () => {
    expect((compileValidationRule({ rule: '1 + 1' }) as CelCompileError).message).toBe(
      'cel expression must evaluate to a bool',
    );
    expect((compileValidationRule({ rule: 'self.x ==' }) as CelCompileError).message).toMatch(
      /^compilation failed: ERROR: <input>:1:/,
    );
  });

  it('treats rules using oldSelf as transition rules that run only on update', () => {
    const c = compiled({ rule: 'self == oldSelf', message: 'revision is immutable' });
    expect(c.isTransitionRule).toBe(true);
    expect(appliesTo(c, false)).toBe(false);
    expect(appliesTo(c, true)).toBe(true);
    expect(evaluateValidationRule(c, { self: 2, oldSelf: 2 })).toEqual({ valid: true });
    expect(evaluateValidationRule(c, { self: 3, oldSelf: 2 })).toMatchObject({
      valid: false,
      message: 'revision is immutable',
    });
    expect(appliesTo(compiled({ rule: 'self > 0' }), false)).toBe(true);
  });

  it('does not compile oldSelf when it is not declared', () => {
    expect(
      compileValidationRule({ rule: 'self == oldSelf' }, { hasOldSelf: false }),
    ).toBeInstanceOf(CelCompileError);
  });

  it('gives oldSelf as an optional with optionalOldSelf, also on create', () => {
    const c = compiled({
      rule: '!oldSelf.hasValue() || self >= oldSelf.value()',
      optionalOldSelf: true,
    });
    expect(appliesTo(c, false)).toBe(true);
    expect(evaluateValidationRule(c, { self: 1 })).toEqual({ valid: true });
    expect(evaluateValidationRule(c, { self: 1, oldSelf: 2 })).toMatchObject({ valid: false });
    expect(evaluateValidationRule(c, { self: 3, oldSelf: 2 })).toEqual({ valid: true });
  });

  it('reports evaluation errors separately from failures', () => {
    const c = compiled({ rule: 'self.nope > 0' });
    const out = evaluateValidationRule(c, { self: {} });
    expect(out.valid).toBe(false);
    expect('error' in out && out.error.message).toBe('no such key: nope');
  });

  // The immutability rules of PKO's ObjectSet CRD (pko-semantics §8).
  describe('ObjectSet immutability rules', () => {
    const phases = compiled({
      rule: '(has(self.phases) == has(oldSelf.phases)) && (!has(self.phases) || self.phases == oldSelf.phases)',
      message: 'phases is immutable',
    });
    const revision = compiled({
      rule: '!has(oldSelf.revision) || self.revision == oldSelf.revision',
      message: 'revision is immutable',
    });
    const spec = {
      phases: [{ name: 'deploy', objects: [{ object: { kind: 'ConfigMap', data: { a: '1' } } }] }],
      revision: 1,
    };

    it.each<[string, CompiledValidationRule, unknown, boolean]>([
      ['unchanged phases', phases, spec, true],
      ['changed phases', phases, { ...spec, phases: [{ name: 'other' }] }, false],
      ['removed phases', phases, { revision: 1 }, false],
      ['unchanged revision', revision, spec, true],
      ['changed revision', revision, { ...spec, revision: 2 }, false],
    ])('%s', (_name, rule, self, valid) => {
      expect(evaluateValidationRule(rule, { self, oldSelf: spec }).valid).toBe(valid);
    });

    it('lets revision be set once', () => {
      expect(evaluateValidationRule(revision, { self: { revision: 5 }, oldSelf: {} }).valid).toBe(
        true,
      );
    });
  });
});

describe('schema-aware values', () => {
  const schema: CelSchema = {
    type: 'object',
    properties: {
      ratio: { type: 'number' },
      count: { type: 'integer' },
      expiresAt: { type: 'string', format: 'date-time' },
      timeout: { type: 'string', format: 'duration' },
      data: { type: 'string', format: 'byte' },
      port: { 'x-kubernetes-int-or-string': true },
      limits: { type: 'object', additionalProperties: { type: 'number' } },
      list: { type: 'array', items: { type: 'number' } },
    },
  };
  const value = {
    ratio: 1,
    count: 2,
    expiresAt: '2030-01-01T00:00:00Z',
    timeout: '90s',
    data: 'aGk=',
    port: 8080,
    limits: { cpu: 2 },
    list: [1, 2],
    unknown: 3,
  };

  it.each<[string, boolean]>([
    // `number` stays double even when integral, so double arithmetic type-checks at runtime.
    ['self.ratio + 0.5 == 1.5', true],
    ['self.count + 1 == 3', true],
    ['self.expiresAt > timestamp("2029-01-01T00:00:00Z")', true],
    ['self.timeout == duration("1m30s")', true],
    ['self.data == b"hi"', true],
    ['self.port + 1 == 8081', true],
    ['self.limits.cpu * 1.5 == 3.0', true],
    ['self.list.sum() == 3.0', true],
    ['self.unknown + 1 == 4', true],
  ])('%s', (rule, expected) => {
    const c = compiled({ rule });
    expect(evaluateValidationRule(c, { self: value }, { schema }).valid).toBe(expected);
  });

  it('converts with the JSON defaults without a schema', () => {
    expect(toCelForSchema({ a: 1, b: 'x' }, undefined)).toEqual(toCel({ a: 1, b: 'x' }));
  });
});

describe('cost of validation rules', () => {
  it('reports the cost used and honours a per-rule budget', () => {
    const c = compiled({ rule: 'self.all(x, x >= 0)' });
    const self = Array.from({ length: 1_000 }, (_, i) => i);
    expect(evaluateValidationRule(c, { self }).valid).toBe(true);
    const cost = c.program.lastCost;
    expect(cost).toBeGreaterThan(1_000);
    const out = evaluateValidationRule(c, { self }, { maxSteps: cost - 1 });
    expect('error' in out && out.error.code).toBe('step_limit_exceeded');
  });
});
