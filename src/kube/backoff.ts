/** Exponential backoff with jitter: base * 2^n, capped; `reset` after a success. */
export class Backoff {
  private attempts = 0;

  constructor(
    private readonly baseMs = 200,
    private readonly maxMs = 30_000,
    private readonly random: () => number = Math.random,
  ) {}

  /** Delay before the next attempt (grows each call). */
  next(): number {
    const exp = Math.min(this.maxMs, this.baseMs * 2 ** Math.min(this.attempts, 30));
    this.attempts++;
    // +-20% jitter so many informers do not reconnect in lockstep.
    return Math.round(exp * (0.8 + 0.4 * this.random()));
  }

  reset(): void {
    this.attempts = 0;
  }

  get failures(): number {
    return this.attempts;
  }
}

/** Resolves after `ms`, or early (without error) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
