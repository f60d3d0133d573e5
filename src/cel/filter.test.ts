import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.js';
import { createFilterEvaluator, evaluateCondition, evaluateFilterConditions } from './index.js';
import type { FilterContext } from './index.js';

const hyperShiftContext: FilterContext = {
  package: { metadata: { name: 'test', namespace: 'test-ns' } },
  config: { banana: 'bread' },
  environment: {
    kubernetes: { version: 'v1.27.0' },
    hyperShift: {
      hostedCluster: {
        metadata: { name: 'banana', namespace: 'bread' },
        hostedClusterNamespace: 'pancake',
      },
    },
  },
};

describe('evaluateCondition (PKO celctx)', () => {
  it.each<[string, boolean]>([
    ['true', true],
    ['true && false', false],
    ['config.banana == "bread"', true],
    ['.config.banana == "bread"', true],
    ['has(.environment.hyperShift)', true],
    ['has(.environment.openShift)', false],
    ['.environment.kubernetes.version.startsWith("v1.") && .config.banana != ""', true],
    ['size(.images) == 0', true],
    ['[1, "mixed"].size() == 2', true],
  ])('%s -> %s', (expr, expected) => {
    expect(evaluateCondition(expr, hyperShiftContext)).toBe(expected);
  });

  it('reports a compile error with cel-go text', () => {
    expect(() => evaluateCondition('true && fals', {})).toThrow(
      new UserError(
        "compile error: ERROR: <input>:1:9: undeclared reference to 'fals' (in container '')\n" +
          ' | true && fals\n' +
          ' | ........^',
      ),
    );
  });

  it('rejects a non-bool result', () => {
    expect(() => evaluateCondition('2 + 3', {})).toThrow('invalid return type: int, expected bool');
    expect(() => evaluateCondition('.config.banana', hyperShiftContext)).toThrow(
      'invalid return type: dyn, expected bool',
    );
  });

  it('rejects `package`, a reserved word, as cel-go does', () => {
    expect(() => evaluateCondition('.package.metadata.name == "test"', hyperShiftContext)).toThrow(
      /^compile error: ERROR: <input>:1:2: reserved identifier: package/,
    );
  });

  it('reports evaluation errors', () => {
    expect(() => evaluateCondition('.config.nope == "x"', hyperShiftContext)).toThrow(
      'evaluation error: no such key: nope',
    );
  });

  it('sees cond only when condition results are passed', () => {
    expect(
      evaluateCondition(
        'cond.justTrue && !cond.justFalse',
        {},
        { justTrue: true, justFalse: false },
      ),
    ).toBe(true);
    expect(() => evaluateCondition('cond.justTrue', {})).toThrow(/undeclared reference to 'cond'/);
  });
});

describe('evaluateFilterConditions', () => {
  it('evaluates the conditions of the test-stub-cel manifest in order', () => {
    const cond = evaluateFilterConditions(
      [
        { name: 'justTrue', expression: 'true' },
        { name: 'justFalse', expression: 'false' },
      ],
      {},
    );
    expect(cond).toEqual({ justTrue: true, justFalse: false });
    // paths[].expression `cond.justFalse` excludes the `ignored*` files
    expect(evaluateCondition('cond.justFalse', {}, cond)).toBe(false);
  });

  it('follows the config of the 4_conditionals example', () => {
    const conditions = [{ name: 'config_banana_bread', expression: '.config.banana == "bread"' }];
    expect(evaluateFilterConditions(conditions, { config: { banana: 'bread' } })).toEqual({
      config_banana_bread: true,
    });
    expect(evaluateFilterConditions(conditions, { config: { banana: 'no-bread1' } })).toEqual({
      config_banana_bread: false,
    });
  });

  it.each([
    ['1abc', "invalid CEL condition name: '1abc'"],
    ['with-dash', "invalid CEL condition name: 'with-dash'"],
    ['', "invalid CEL condition name: ''"],
  ])('rejects the name %j', (name, message) => {
    expect(() => evaluateFilterConditions([{ name, expression: 'true' }], {})).toThrow(message);
  });

  it('rejects duplicate names', () => {
    expect(() =>
      evaluateFilterConditions(
        [
          { name: 'a', expression: 'true' },
          { name: 'a', expression: 'false' },
        ],
        {},
      ),
    ).toThrow("duplicate CEL condition name: 'a'");
  });

  it('does not let a condition refer to cond, earlier or later', () => {
    expect(() =>
      evaluateFilterConditions(
        [
          { name: 'a', expression: 'true' },
          { name: 'b', expression: 'cond.a' },
        ],
        {},
      ),
    ).toThrow(
      /^CEL condition evaluation failed: 'b': compile error: ERROR: <input>:1:1: undeclared reference to 'cond'/,
    );
  });

  it('names the failing condition', () => {
    expect(() =>
      evaluateFilterConditions([{ name: 'isFoo', expression: '.config.banana "foo"' }], {}),
    ).toThrow(/^CEL condition evaluation failed: 'isFoo': compile error: /);
  });
});

describe('createFilterEvaluator', () => {
  it('evaluates many expressions over one prepared context, as the cel template function does', () => {
    const ev = createFilterEvaluator(hyperShiftContext, { isBread: true });
    expect(ev.evaluate('cond.isBread && .config.banana == "bread"')).toBe(true);
    expect(ev.evaluate('has(.environment.openShift)')).toBe(false);
    expect(() => ev.evaluate('1')).toThrow('invalid return type: int, expected bool');
  });
});
