/**
 * CRD validation rules (`x-kubernetes-validations`): `self`, `oldSelf` for transition rules (an
 * optional with `optionalOldSelf`), `message` / `messageExpression`, `reason`, `fieldPath`. The
 * schema walk belongs to the API server; this compiles and evaluates one rule at one value. There
 * is no static cost estimation: each evaluation runs under the environment's step budget instead.
 */
import { Optional } from '@marcbachmann/cel-js';
import { environmentFor, Program } from './env.js';
import type { CelEnvSpec } from './env.js';
import { CelCompileError, CelEvalError } from './errors.js';
import { toCelForSchema } from './schema-values.js';
import type { CelSchema } from './schema-values.js';

/** One entry of `x-kubernetes-validations`. */
export interface ValidationRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
  fieldPath?: string;
  optionalOldSelf?: boolean;
}

export interface CompileValidationOptions {
  /** Declare `oldSelf` (default true); without it a rule using `oldSelf` does not compile. */
  hasOldSelf?: boolean;
  /** Overrides `rule.optionalOldSelf`: `oldSelf` is `optional(dyn)` and the rule also runs on create. */
  optionalOldSelf?: boolean;
}

export interface CompiledValidationRule {
  readonly rule: ValidationRule;
  readonly program: Program;
  readonly messageProgram: Program | undefined;
  /** The rule refers to `oldSelf`: it only runs on update (unless `optionalOldSelf`). */
  readonly isTransitionRule: boolean;
  readonly optionalOldSelf: boolean;
}

export interface EvaluateValidationOptions {
  /** The schema of the value the rule sits on: decides int vs double, timestamps, durations, bytes. */
  schema?: CelSchema;
  /** Step budget for this rule (defaults to the environment's); `program.lastCost` has the cost used. */
  maxSteps?: number;
}

export type ValidationOutcome =
  | { valid: true }
  /** The rule ran and returned false. */
  | { valid: false; message: string; reason: string; fieldPath: string | undefined }
  /** The rule could not be evaluated (runtime error, step budget exhausted). */
  | { valid: false; error: CelEvalError; reason: string; fieldPath: string | undefined };

function specFor(hasOldSelf: boolean, optional: boolean): CelEnvSpec {
  const variables: CelEnvSpec['variables'] = { self: 'dyn' };
  if (hasOldSelf) variables['oldSelf'] = optional ? 'optional(dyn)' : 'dyn';
  return { variables, homogeneousAggregateLiterals: true };
}

function wrap(prefix: string, err: CelCompileError, expression: string): CelCompileError {
  return new CelCompileError(`${prefix}: ${err.message}`, {
    summary: err.summary,
    expression,
    position: err.position,
    cause: err,
  });
}

/** Compiles a rule and its messageExpression. Errors read like the API server's CRD validation. */
export function compileValidationRule(
  rule: ValidationRule,
  opts: CompileValidationOptions = {},
): CompiledValidationRule | CelCompileError {
  const optionalOldSelf = opts.optionalOldSelf ?? rule.optionalOldSelf ?? false;
  const env = environmentFor(specFor(opts.hasOldSelf ?? true, optionalOldSelf));
  const program = env.compile(rule.rule);
  if (!(program instanceof Program)) return wrap('compilation failed', program, rule.rule);
  if (program.outputType !== 'bool' && program.outputType !== 'dyn') {
    return new CelCompileError(`cel expression must evaluate to a bool`, {
      summary: `cel expression must evaluate to a bool, got ${program.outputType}`,
      expression: rule.rule,
    });
  }
  let messageProgram: Program | undefined;
  if (rule.messageExpression !== undefined) {
    const m = env.compile(rule.messageExpression);
    if (!(m instanceof Program))
      return wrap('messageExpression compilation failed', m, rule.messageExpression);
    if (m.outputType !== 'string' && m.outputType !== 'dyn') {
      return new CelCompileError('messageExpression must evaluate to a string', {
        summary: `messageExpression must evaluate to a string, got ${m.outputType}`,
        expression: rule.messageExpression,
      });
    }
    messageProgram = m;
  }
  return {
    rule,
    program,
    messageProgram,
    isTransitionRule: program.usesVariable('oldSelf'),
    optionalOldSelf,
  };
}

/**
 * True when the rule must run for this write: a transition rule runs only on update, unless
 * `optionalOldSelf` lets it run on create too.
 */
export function appliesTo(compiled: CompiledValidationRule, hasOld: boolean): boolean {
  return !compiled.isTransitionRule || hasOld || compiled.optionalOldSelf;
}

/**
 * Evaluates a compiled rule at one value. `oldSelf` is the old value on update (undefined on
 * create). Call only when `appliesTo` is true. The failure message is the messageExpression's
 * result; when it is unset, errors, is blank or spans lines: `message`, else `failed rule: <rule>`.
 */
export function evaluateValidationRule(
  compiled: CompiledValidationRule,
  values: { self: unknown; oldSelf?: unknown },
  opts: EvaluateValidationOptions = {},
): ValidationOutcome {
  const { schema } = opts;
  const vars: Record<string, unknown> = { self: toCelForSchema(values.self, schema) };
  if (compiled.optionalOldSelf) {
    vars['oldSelf'] =
      values.oldSelf === undefined
        ? Optional.none()
        : Optional.of(toCelForSchema(values.oldSelf, schema));
  } else if (values.oldSelf !== undefined) {
    vars['oldSelf'] = toCelForSchema(values.oldSelf, schema);
  }
  const { rule } = compiled;
  const reason = rule.reason ?? 'FieldValueInvalid';
  const out = compiled.program.evalCel(vars, { maxSteps: opts.maxSteps });
  if (out instanceof CelEvalError)
    return { valid: false, error: out, reason, fieldPath: rule.fieldPath };
  if (out === true) return { valid: true };
  if (out !== false) {
    const error = new CelEvalError(`rule did not evaluate to a bool`, {
      code: 'invalid_return_type',
    });
    return { valid: false, error, reason, fieldPath: rule.fieldPath };
  }
  return {
    valid: false,
    message: failureMessage(compiled, vars),
    reason,
    fieldPath: rule.fieldPath,
  };
}

function failureMessage(compiled: CompiledValidationRule, vars: Record<string, unknown>): string {
  const { rule, messageProgram } = compiled;
  const fallback = rule.message ?? `failed rule: ${rule.rule}`;
  if (!messageProgram) return fallback;
  const msg = messageProgram.evalCel(vars);
  if (typeof msg !== 'string' || msg.trim() === '' || /[\r\n]/.test(msg)) return fallback;
  return msg;
}
