/**
 * Fetch retry delay per GitSync: exponential from `baseMs` (10 s), doubling per consecutive failed
 * fetch, capped at `maxMs` (300 s), as the Package controller's pull backoff.
 */
export interface Backoff {
  baseMs: number;
  maxMs: number;
}

export const defaultFetchBackoff: Backoff = { baseMs: 10_000, maxMs: 300_000 };

/** The delay after the `failures`-th consecutive failed fetch (1 for the first). */
export function fetchBackoff(failures: number, b: Backoff = defaultFetchBackoff): number {
  const n = Math.max(1, failures);
  return Math.min(b.maxMs, b.baseMs * 2 ** Math.min(n - 1, 30));
}
