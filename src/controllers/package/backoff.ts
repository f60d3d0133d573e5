/** Pull retry delay per Package: exponential from 10s, doubling per failure, capped at 300s. */
export const pullBackoffBaseMs = 10_000;
export const pullBackoffMaxMs = 300_000;

/** The delay after the `failures`-th consecutive failed pull (1 for the first). */
export function pullBackoff(failures: number): number {
  const n = Math.max(1, failures);
  return Math.min(pullBackoffMaxMs, pullBackoffBaseMs * 2 ** Math.min(n - 1, 30));
}
