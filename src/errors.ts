/**
 * Error classes shared by every module. An error's class decides how it is reported and retried,
 * in one place (the CLI boundary, the controller runner), never in the steps that throw it.
 */

/** A problem the user can fix: bad input, bad config, an unreachable endpoint. Printed without a stack. */
export class UserError extends Error {
  override readonly name: string = 'UserError';
  /** Exit code for the CLI. */
  readonly exitCode: number;

  constructor(message: string, options?: { cause?: unknown; exitCode?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = options?.exitCode ?? 1;
  }
}

export function isUserError(err: unknown): err is UserError {
  return err instanceof UserError;
}

/** Message of an unknown thrown value, without a stack. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
