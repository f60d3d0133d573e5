/** Errors of the CEL module: a compile error carries the position in the expression. */
import { UserError } from '../errors.js';
import type { SourcePosition } from './source.js';

/** An expression that does not parse or type-check, or has the wrong result type. */
export class CelCompileError extends UserError {
  override readonly name: string = 'CelCompileError';
  /** The message without position and snippet, e.g. `undeclared reference to 'x' (in container '')`. */
  readonly summary: string;
  readonly expression: string;
  readonly position: SourcePosition | undefined;

  constructor(
    message: string,
    opts: { summary: string; expression: string; position?: SourcePosition; cause?: unknown },
  ) {
    super(message, { cause: opts.cause });
    this.summary = opts.summary;
    this.expression = opts.expression;
    this.position = opts.position;
  }
}

/** A runtime error: missing key, bad argument, overflow, step limit exceeded, ... */
export class CelEvalError extends UserError {
  override readonly name: string = 'CelEvalError';
  /** Engine error code, e.g. `no_such_key`, `step_limit_exceeded`. */
  readonly code: string;
  readonly position: SourcePosition | undefined;

  constructor(message: string, opts: { code: string; position?: SourcePosition; cause?: unknown }) {
    super(message, { cause: opts.cause });
    this.code = opts.code;
    this.position = opts.position;
  }
}
