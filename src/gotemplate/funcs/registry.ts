/**
 * The contract between the template engine and its function library.
 *
 * A `FuncMap` maps a template function name to a `GoFunc` (see `../value.ts` for the value model):
 * - `params` are the Go types of the fixed parameters and `variadic` the element type of a final
 *   `...T` parameter. The engine checks and converts every argument exactly like Go's reflect
 *   call does (untyped number constants become `int` or `float64` as the parameter needs; a
 *   float64 for an `int` parameter is `wrong type for value; expected int; got float64`), so `fn`
 *   receives values of the declared types (or `null` for a nil slice/map/interface).
 * - `fn(args, env)` returns the result. A Go function returning `(T, error)`, or one that panics,
 *   throws an `Error` carrying Go's error text; the engine reports `error calling <name>: <text>`.
 * - `env` lets a function execute a named template of the running set (PKO `include`) and keep
 *   per-execution state.
 *
 * Function names are resolved at parse time (an unknown name is a parse error, like Go), so the
 * same FuncMap (or one with the same names) must be given to `parseTemplates` and `execute`.
 */
import type { CallEnv, GoFunc, GoValue } from '../value.js';

export type { CallEnv, GoFunc };

export type FuncMap = Readonly<Record<string, GoFunc>>;

/** Shorthand for a FuncMap entry: `defineFunc(['string', 'int'], ([s, n]) => ...)`. */
export function defineFunc(
  params: readonly string[],
  fn: (args: GoValue[], env: CallEnv) => GoValue,
  variadic?: string,
): GoFunc {
  return variadic === undefined ? { params, fn } : { params, variadic, fn };
}
