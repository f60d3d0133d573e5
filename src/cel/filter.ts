/**
 * PKO package filters (`spec.filter.conditions`, `spec.filter.paths`, the
 * `package-operator.run/condition` annotation and the `cel` template function): the five context
 * keys as `map(string, dyn)`, `cond` once the named conditions are evaluated, a bool result. Error
 * texts are PKO's.
 */
import { UserError } from '../errors.js';
import { environmentFor, Program } from './env.js';
import type { CelEnvSpec } from './env.js';
import { CelEvalError } from './errors.js';
import { toCel } from './values.js';

/** The template context as PKO exposes it to CEL (JSON data). */
export interface FilterContext {
  package?: unknown;
  config?: unknown;
  images?: unknown;
  dependencies?: unknown;
  environment?: unknown;
}

/** `spec.filter.conditions[]` of a PackageManifest. */
export interface FilterCondition {
  name: string;
  expression: string;
}

const contextKeys = ['package', 'config', 'images', 'dependencies', 'environment'] as const;
const conditionName = /^[_a-zA-Z][_a-zA-Z0-9]*$/;

const baseSpec: CelEnvSpec = {
  variables: Object.fromEntries(contextKeys.map((k) => [k, 'map(string, dyn)'])),
  // PKO uses a plain cel.NewEnv: mixed-type list and map literals are allowed.
  homogeneousAggregateLiterals: false,
};
const withCondSpec: CelEnvSpec = {
  ...baseSpec,
  variables: { ...baseSpec.variables, cond: 'map(string, bool)' },
};

/** The context converted to CEL values once, for many expressions (the `cel` template function). */
export interface FilterEvaluator {
  /** Same contract as `evaluateCondition`. */
  evaluate(expression: string): boolean;
}

/** Prepares a context (and optional `cond` results) for repeated evaluation. */
export function createFilterEvaluator(
  context: FilterContext,
  cond?: Record<string, boolean>,
): FilterEvaluator {
  const vars: Record<string, unknown> = {};
  for (const key of contextKeys) vars[key] = toCel(context[key] ?? {});
  if (cond) vars['cond'] = toCel(cond);
  const env = environmentFor(cond ? withCondSpec : baseSpec);
  return {
    evaluate(expression: string): boolean {
      const program = env.compile(expression);
      if (!(program instanceof Program)) {
        throw new UserError(`compile error: ${program.message}`, { cause: program });
      }
      const out = program.evalCel(vars);
      if (out instanceof CelEvalError) {
        throw new UserError(`evaluation error: ${out.message}`, { cause: out });
      }
      if (typeof out !== 'boolean') {
        throw new UserError(`invalid return type: ${program.outputType}, expected bool`);
      }
      return out;
    },
  };
}

/**
 * Evaluates one filter expression to a bool. `cond` holds the results of the named conditions; pass
 * it to make `cond.<name>` available (without it, `cond` is an undeclared reference, as while the
 * conditions themselves are evaluated). Throws a UserError with PKO's text on failure.
 */
export function evaluateCondition(
  expression: string,
  context: FilterContext,
  cond?: Record<string, boolean>,
): boolean {
  return createFilterEvaluator(context, cond).evaluate(expression);
}

/**
 * Evaluates `spec.filter.conditions` in order into the `cond` map. Names must match
 * `^[_a-zA-Z][_a-zA-Z0-9]*$` and be unique; conditions cannot refer to `cond`.
 */
export function evaluateFilterConditions(
  conditions: readonly FilterCondition[],
  context: FilterContext,
): Record<string, boolean> {
  const results: Record<string, boolean> = {};
  const evaluator = createFilterEvaluator(context);
  for (const c of conditions) {
    if (!conditionName.test(c.name)) throw new UserError(`invalid CEL condition name: '${c.name}'`);
    if (Object.hasOwn(results, c.name))
      throw new UserError(`duplicate CEL condition name: '${c.name}'`);
    try {
      results[c.name] = evaluator.evaluate(c.expression);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      throw new UserError(`CEL condition evaluation failed: '${c.name}': ${msg}`, { cause: err });
    }
  }
  return results;
}
