/**
 * The few engine internals we reach: the function registry (to replace built-in handlers whose
 * semantics differ from cel-go, e.g. `matches` on the JS RegExp engine) and the evaluator (to count
 * evaluation steps). Both are captured through a registered function, whose handler runs with the
 * evaluator as `this`; nothing here changes the engine's own code.
 */
import { EvaluationError } from '@marcbachmann/cel-js';
import type { Environment } from '@marcbachmann/cel-js';

/** The part of the engine's function registry we use. */
export interface EngineRegistry {
  functionCandidates(
    receiver: boolean,
    name: string,
    argCount: number,
  ): {
    declarations: EngineFunctionDeclaration[];
  };
}

export interface EngineFunctionDeclaration {
  readonly signature: string;
  readonly handler: (...args: never[]) => unknown;
}

/** The part of the engine's evaluator we use. */
export interface EngineEvaluator {
  run(ast: EngineAst, ctx: unknown): unknown;
}

export interface EngineAst {
  evaluate(ev: EngineEvaluator, ast: EngineAst, ctx: unknown): unknown;
}

export interface EngineInternals {
  registry: EngineRegistry;
  evaluator: EngineEvaluator;
}

const probeName = '__packsync_engine__';

let capturing = false;
let captured: EngineInternals | undefined;

/** Registers the capture function; call on the base environment before it is cloned. */
export function registerEngineProbe(env: Environment): void {
  env.registerFunction(
    `${probeName}(): bool`,
    function (this: EngineEvaluator & { registry: EngineRegistry }) {
      // Outside engineInternals the function behaves as if it did not exist.
      if (!capturing)
        throw celError(`found no matching overload for '${probeName}()'`, 'no_matching_overload');
      captured = { registry: this.registry, evaluator: this };
      return true;
    },
  );
}

/** Returns the registry and evaluator of an environment that has the capture function. */
export function engineInternals(env: Environment): EngineInternals {
  capturing = true;
  captured = undefined;
  try {
    env.evaluate(`${probeName}()`);
  } finally {
    capturing = false;
  }
  const got = captured as EngineInternals | undefined;
  captured = undefined;
  if (!got) throw new Error('cel engine internals not reachable');
  return got;
}

/**
 * Replaces the handler of the built-in overload with exactly this signature. The declaration list
 * of the registry is shared by every environment cloned from it afterwards.
 */
export function overrideFunction(
  registry: EngineRegistry,
  receiver: boolean,
  name: string,
  argCount: number,
  signature: string,
  handler: (...args: never[]) => unknown,
): void {
  const decls = registry.functionCandidates(receiver, name, argCount).declarations;
  const i = decls.findIndex((d) => d.signature === signature);
  const decl = decls[i];
  if (!decl) throw new Error(`cel engine has no overload ${signature} to override`);
  decls[i] = Object.create(decl, { handler: { value: handler } }) as EngineFunctionDeclaration;
}

/** An evaluation error the engine attaches a source position to. */
export function celError(message: string, code = 'evaluation_error'): EvaluationError {
  return new EvaluationError({ code, message });
}
