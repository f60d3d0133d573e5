/**
 * CEL for packsync (pure, no I/O). Pipeline: expression -> stripLeadingDots -> parse + type-check in
 * a CelEnvironment (cached per expression) -> Program -> eval(JSON values converted by toCel) ->
 * CEL value | CelEvalError. Three environments sit on top: PKO package filters (`filter.ts`),
 * availability probe rules (`probe-rule.ts`) and CRD validation rules (`validation.ts`).
 */
export { CelEnvironment, Program, compile, environmentFor, celGoTypeName } from './env.js';
export type { CelEnvSpec, CelLimits, CelVariableType, EvalOptions } from './env.js';
export { CelCompileError, CelEvalError } from './errors.js';
export { toCel, fromCel } from './values.js';
export type { CelValue } from './values.js';
export type { SourcePosition } from './source.js';
export { createFilterEvaluator, evaluateCondition, evaluateFilterConditions } from './filter.js';
export type { FilterCondition, FilterContext, FilterEvaluator } from './filter.js';
export { compileProbeRule } from './probe-rule.js';
export { appliesTo, compileValidationRule, evaluateValidationRule } from './validation.js';
export { toCelForSchema } from './schema-values.js';
export type { CelSchema } from './schema-values.js';
export type {
  EvaluateValidationOptions,
  CompileValidationOptions,
  CompiledValidationRule,
  ValidationOutcome,
  ValidationRule,
} from './validation.js';
