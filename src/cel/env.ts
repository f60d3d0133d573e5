/**
 * Our CEL environment over @marcbachmann/cel-js: cel-go semantics where the engine differs (JSON
 * integers are `int`, RE2 regular expressions, heterogeneous numeric equality, code-point string
 * indices), the Kubernetes libraries, optionals, a step budget per evaluation and a compile cache.
 */
import { Environment } from '@marcbachmann/cel-js';
import { CelCompileError, CelEvalError } from './errors.js';
import { registerEngineProbe, engineInternals } from './lib/engine.js';
import type { EngineAst, EngineEvaluator } from './lib/engine.js';
import { registerLists } from './lib/lists.js';
import { registerNumeric } from './lib/numeric.js';
import { registerQuantity } from './lib/quantity.js';
import { overrideRegex, registerRegex } from './lib/regex.js';
import { overrideStrings, registerStrings } from './lib/strings.js';
import { registerUrl } from './lib/url.js';
import { formatCelGoError, positionAt, stripLeadingDots } from './source.js';
import type { SourcePosition } from './source.js';
import { toCel } from './values.js';
import type { CelValue } from './values.js';

/** Declared type of a variable, in cel-go notation. */
export type CelVariableType =
  | 'dyn'
  | 'bool'
  | 'int'
  | 'uint'
  | 'double'
  | 'string'
  | 'bytes'
  | 'list(dyn)'
  | 'map(string, dyn)'
  | 'map(string, bool)'
  | 'optional(dyn)';

export interface CelLimits {
  /** Evaluation steps (AST node visits, comprehension iterations included) per eval. Default 1,000,000. */
  maxSteps?: number;
  /** Longest accepted expression in characters. Default 10,000. */
  maxExpressionLength?: number;
  /** Parser nesting depth. Default 100. */
  maxDepth?: number;
  /** Parser AST node count. Default 10,000. */
  maxAstNodes?: number;
}

export interface EvalOptions {
  /** Step budget for this evaluation, overriding the environment's `maxSteps`. */
  maxSteps?: number;
}

export interface CelEnvSpec {
  variables: Record<string, CelVariableType>;
  /** Reject list/map literals of mixed element types (cel-go `HomogeneousAggregateLiterals`). Default true. */
  homogeneousAggregateLiterals?: boolean;
  limits?: CelLimits;
}

const defaultLimits: Required<CelLimits> = {
  maxSteps: 1_000_000,
  maxExpressionLength: 10_000,
  maxDepth: 100,
  maxAstNodes: 10_000,
};

const engineTypes: Record<CelVariableType, string> = {
  dyn: 'dyn',
  bool: 'bool',
  int: 'int',
  uint: 'uint',
  double: 'double',
  string: 'string',
  bytes: 'bytes',
  'list(dyn)': 'list<dyn>',
  'map(string, dyn)': 'map<string, dyn>',
  'map(string, bool)': 'map<string, bool>',
  'optional(dyn)': 'optional<dyn>',
};

/** CEL's reserved words (cel-spec "Syntax"): never usable as identifiers. */
const reservedWords = new Set([
  'as',
  'break',
  'const',
  'continue',
  'else',
  'for',
  'function',
  'if',
  'import',
  'let',
  'loop',
  'package',
  'namespace',
  'return',
  'var',
  'void',
  'while',
  // The engine also refuses these two as names.
  '__proto__',
  'prototype',
]);

let baseEnv: Environment | undefined;

/** The environment with every function registered; cloned (never changed) per variable set. */
function base(): Environment {
  if (baseEnv) return baseEnv;
  const env = new Environment({ enableOptionalTypes: true });
  registerEngineProbe(env);
  registerNumeric(env);
  registerStrings(env);
  registerRegex(env);
  registerLists(env);
  registerQuantity(env);
  registerUrl(env);
  const { registry } = engineInternals(env);
  overrideRegex(registry);
  overrideStrings(registry);
  baseEnv = env;
  return env;
}

interface StepBudget {
  left: number;
}

class StepLimitError extends Error {
  readonly code = 'step_limit_exceeded';
}

/** Counts every node evaluation against the budget of the current eval. */
function meterEvaluator(ev: EngineEvaluator, budget: StepBudget): void {
  ev.run = function run(this: EngineEvaluator, ast: EngineAst, ctx: unknown): unknown {
    if (--budget.left < 0) throw new StepLimitError('step limit exceeded');
    return ast.evaluate(this, ast, ctx);
  };
}

type ParsedExpression = ((ctx?: Record<string, unknown>) => unknown) & {
  check(): { valid: boolean; type?: string; error?: unknown };
};

/** A compiled expression, ready to evaluate many times. */
export class Program {
  readonly expression: string;
  /** Static result type in cel-go notation (`bool`, `int`, `dyn`, `map(string, dyn)`, ...). */
  readonly outputType: string;
  readonly #parsed: ParsedExpression;
  readonly #identifiers: ReadonlySet<string>;
  readonly #budget: StepBudget;
  readonly #maxSteps: number;
  #lastCost = 0;

  /** @internal created by CelEnvironment.compile */
  constructor(
    expression: string,
    outputType: string,
    parsed: ParsedExpression,
    budget: StepBudget,
    maxSteps: number,
  ) {
    this.expression = expression;
    this.outputType = outputType;
    this.#parsed = parsed;
    this.#identifiers = identifiersOf((parsed as { ast?: unknown }).ast);
    this.#budget = budget;
    this.#maxSteps = maxSteps;
  }

  /** True when the expression refers to the variable (e.g. `oldSelf` makes a transition rule). */
  usesVariable(name: string): boolean {
    return this.#identifiers.has(name);
  }

  /**
   * Evaluates with JSON-like variable values (integral numbers are converted to int). Returns the
   * result as a CEL value (ints are BigInt; see `fromCel`) or a CelEvalError.
   */
  eval(activation: Record<string, unknown>, opts?: EvalOptions): CelValue | CelEvalError {
    const vars: Record<string, unknown> = {};
    for (const key of Object.keys(activation)) vars[key] = toCel(activation[key]);
    return this.evalCel(vars, opts);
  }

  /** Evaluates with variables already converted by `toCel` (saves the copy when reused). */
  evalCel(activation: Record<string, unknown>, opts?: EvalOptions): CelValue | CelEvalError {
    const limit = opts?.maxSteps ?? this.#maxSteps;
    this.#budget.left = limit;
    try {
      return this.#parsed(activation) as CelValue;
    } catch (err) {
      return toEvalError(this.expression, err);
    } finally {
      this.#lastCost = Math.min(limit, limit - this.#budget.left);
    }
  }

  /**
   * Steps used by the last evaluation of this program (a runtime cost, comparable to cel-go's
   * actual cost; callers can sum it to enforce a budget across several rules).
   */
  get lastCost(): number {
    return this.#lastCost;
  }
}

/** A set of declared variables over the shared function library, with its own compile cache. */
export class CelEnvironment {
  readonly spec: CelEnvSpec;
  readonly #env: Environment;
  readonly #budget: StepBudget = { left: 0 };
  readonly #limits: Required<CelLimits>;
  readonly #cache = new Map<string, Program | CelCompileError>();
  static readonly cacheSize = 2_000;

  constructor(spec: CelEnvSpec) {
    this.spec = spec;
    this.#limits = { ...defaultLimits, ...spec.limits };
    const env = base().clone({
      enableOptionalTypes: true,
      homogeneousAggregateLiterals: spec.homogeneousAggregateLiterals ?? true,
      limits: { maxDepth: this.#limits.maxDepth, maxAstNodes: this.#limits.maxAstNodes },
    });
    for (const [name, type] of Object.entries(spec.variables)) {
      // cel-go rejects reserved words (`package`, `as`, ...) as identifiers at parse time, so such
      // a variable is declared but can never be referenced; the engine refuses to declare it.
      if (reservedWords.has(name)) continue;
      env.registerVariable(name, engineTypes[type]);
    }
    meterEvaluator(engineInternals(env).evaluator, this.#budget);
    this.#env = env;
  }

  /** Parses and type-checks; cached per expression. */
  compile(expression: string): Program | CelCompileError {
    const hit = this.#cache.get(expression);
    if (hit) return hit;
    const result = this.#compile(expression);
    if (this.#cache.size >= CelEnvironment.cacheSize) {
      this.#cache.delete(this.#cache.keys().next().value as string);
    }
    this.#cache.set(expression, result);
    return result;
  }

  #compile(expression: string): Program | CelCompileError {
    if (expression.length > this.#limits.maxExpressionLength) {
      return compileError(
        expression,
        `expression is ${expression.length} characters long, the limit is ${this.#limits.maxExpressionLength}`,
        0,
      );
    }
    let parsed: ParsedExpression;
    try {
      parsed = this.#env.parse(stripLeadingDots(expression)) as ParsedExpression;
    } catch (err) {
      return fromEngineError(expression, err, true);
    }
    const checked = parsed.check();
    if (!checked.valid) return fromEngineError(expression, checked.error, false);
    return new Program(
      expression,
      celGoTypeName(checked.type ?? 'dyn'),
      parsed,
      this.#budget,
      this.#limits.maxSteps,
    );
  }
}

/** True for parser nodes (they carry `op` and `args`). */
function isNode(v: unknown): v is { op: unknown; args: unknown } {
  return typeof v === 'object' && v !== null && 'op' in v && 'args' in v;
}

/** Every identifier the parsed expression refers to (variables and comprehension variables). */
function identifiersOf(ast: unknown): Set<string> {
  const found = new Set<string>();
  // Children are nodes, arrays of nodes (arguments, map entries) or a comprehension's record of
  // nodes; anything else hanging off a node (checker contexts, types) is not part of the expression.
  const visit = (child: unknown): void => {
    if (Array.isArray(child)) {
      child.forEach(visit);
    } else if (isNode(child)) {
      if (child.op === 'id' && typeof child.args === 'string') found.add(child.args);
      visit(child.args);
    } else if (typeof child === 'object' && child !== null) {
      for (const v of Object.values(child)) if (isNode(v)) visit(v);
    }
  };
  visit(ast);
  return found;
}

const environments = new Map<string, CelEnvironment>();

/** The environment for a spec, shared by every caller with an equal spec. */
export function environmentFor(spec: CelEnvSpec): CelEnvironment {
  const key = JSON.stringify([
    Object.entries(spec.variables).sort(([a], [b]) => (a < b ? -1 : 1)),
    spec.homogeneousAggregateLiterals ?? true,
    spec.limits ?? {},
  ]);
  let env = environments.get(key);
  if (!env) {
    env = new CelEnvironment(spec);
    environments.set(key, env);
  }
  return env;
}

/** Compiles an expression in the (shared, cached) environment described by spec. */
export function compile(expression: string, spec: CelEnvSpec): Program | CelCompileError {
  return environmentFor(spec).compile(expression);
}

/** Converts an engine type name (`map<string, dyn>`) into cel-go notation (`map(string, dyn)`). */
export function celGoTypeName(name: string): string {
  if (name === 'list') return 'list(dyn)';
  if (name === 'map') return 'map(dyn, dyn)';
  if (name.startsWith('dyn<')) return 'dyn';
  // Unbound type parameters (`list<T>.min(): T` on a dyn receiver) are dyn to the user.
  return name
    .replace(/\b[A-Z]\b/g, 'dyn')
    .replaceAll('<', '(')
    .replaceAll('>', ')');
}

interface EngineError {
  code?: string;
  summary?: string;
  message?: string;
  range?: { start: number; end: number };
}

function asEngineError(err: unknown): EngineError {
  if (typeof err === 'object' && err !== null) return err;
  return { message: String(err) };
}

/** Engine wording to cel-go wording, for the messages users compare with PKO's. */
function celGoSummary(e: EngineError, syntax: boolean): string {
  const summary = e.summary ?? e.message ?? 'unknown error';
  if (e.code === 'unknown_variable') {
    const name = summary.replace(/^Unknown variable: /, '');
    return `undeclared reference to '${name}' (in container '')`;
  }
  if (syntax && e.code !== 'reserved_identifier') return `Syntax error: ${lowerFirst(summary)}`;
  return lowerFirst(summary);
}

function lowerFirst(s: string): string {
  return /^[A-Z][a-z]/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s;
}

function compileError(
  expression: string,
  summary: string,
  offset: number,
  cause?: unknown,
): CelCompileError {
  const position = positionAt(expression, offset);
  return new CelCompileError(formatCelGoError(expression, position, summary), {
    summary,
    expression,
    position,
    cause,
  });
}

function fromEngineError(expression: string, err: unknown, syntax: boolean): CelCompileError {
  const e = asEngineError(err);
  return compileError(expression, celGoSummary(e, syntax), e.range?.start ?? 0, err);
}

function toEvalError(expression: string, err: unknown): CelEvalError {
  if (err instanceof StepLimitError) {
    return new CelEvalError('operation cancelled: actual cost limit exceeded', { code: err.code });
  }
  if (err instanceof RangeError) {
    // Deep recursion in the engine: treat as exhausting the budget, never crash the caller.
    return new CelEvalError('operation cancelled: evaluation too deep', {
      code: 'step_limit_exceeded',
      cause: err,
    });
  }
  const e = asEngineError(err);
  const position: SourcePosition | undefined = e.range
    ? positionAt(expression, e.range.start)
    : undefined;
  return new CelEvalError(celGoSummary(e, false), {
    code: e.code ?? 'evaluation_error',
    position,
    cause: err,
  });
}
