/**
 * Errors a reconcile throws to choose its retry policy. The policy itself lives in one place,
 * `retryPolicy` (used by the controller runner), never in the steps.
 */
import { KubeApiError, isConflict, isNoKindMatch } from '../../kube/index.js';

/** Retrying cannot help (invalid spec, a state only a user can fix): logged, not retried. */
export class TerminalError extends Error {
  override readonly name: string = 'TerminalError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}

/** Waiting for something outside (a probe, another object): retry after a fixed delay, no backoff. */
export class RetryAfterError extends Error {
  override readonly name: string = 'RetryAfterError';
  constructor(
    readonly delayMs: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}

export type RetryDecision =
  | { kind: 'drop'; log: 'error' | 'none' }
  | { kind: 'after'; delayMs: number; log: 'debug' | 'info' }
  | { kind: 'backoff'; log: 'debug' | 'error' };

/** Maps an error thrown by a reconcile to what the runner does with the key. */
export function retryPolicy(err: unknown): RetryDecision {
  if (err instanceof TerminalError) return { kind: 'drop', log: 'error' };
  if (err instanceof RetryAfterError) return { kind: 'after', delayMs: err.delayMs, log: 'debug' };
  if (err instanceof KubeApiError && err.retryAfterSeconds !== undefined && err.status === 429) {
    return { kind: 'after', delayMs: err.retryAfterSeconds * 1000, log: 'info' };
  }
  // A stale read racing a write, or a CRD not yet established: normal, retry soon and quietly.
  if (isConflict(err) || isNoKindMatch(err)) return { kind: 'backoff', log: 'debug' };
  return { kind: 'backoff', log: 'error' };
}
