/**
 * A work queue of string keys (`namespace/name`) in the manner of client-go's: a key is queued
 * at most once; a key re-added while it is being processed is processed again after `done`;
 * failures back off per key exponentially, under an overall token-bucket rate limit; delayed
 * adds (`addAfter`) keep the earliest due time.
 */

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** Observers for metrics; all optional. */
export interface WorkQueueHooks {
  depth?(n: number): void;
  added?(): void;
  /** Time a key waited in the queue before a worker took it. */
  latency?(ms: number): void;
  retried?(): void;
}

export interface WorkQueueOptions {
  /** First per-key retry delay (default 5 ms), doubling per failure. */
  baseDelayMs?: number | undefined;
  /** Cap of the per-key retry delay (default 5 min). */
  maxDelayMs?: number | undefined;
  /** Overall rate limit of rate-limited adds: tokens per second (default 10) and burst (default 100). */
  qps?: number | undefined;
  burst?: number | undefined;
  clock?: Clock | undefined;
  hooks?: WorkQueueHooks | undefined;
}

export class WorkQueue {
  private readonly queue: string[] = [];
  private head = 0;
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly addedAt = new Map<string, number>();
  private readonly waiting = new Map<string, { due: number; handle: unknown }>();
  private readonly failures = new Map<string, number>();
  private readonly getters: ((key: string | undefined) => void)[] = [];
  private readonly clock: Clock;
  private readonly hooks: WorkQueueHooks;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly qps: number;
  private readonly burst: number;
  private tokens: number;
  private tokensAt: number;
  private shutdown = false;
  private idleWaiters: (() => void)[] = [];

  constructor(opts: WorkQueueOptions = {}) {
    this.clock = opts.clock ?? realClock;
    this.hooks = opts.hooks ?? {};
    this.baseDelayMs = opts.baseDelayMs ?? 5;
    this.maxDelayMs = opts.maxDelayMs ?? 5 * 60_000;
    this.qps = opts.qps ?? 10;
    this.burst = opts.burst ?? 100;
    this.tokens = this.burst;
    this.tokensAt = this.clock.now();
  }

  /** Queues a key now (no-op when it is already queued; re-queued after `done` when in process). */
  add(key: string): void {
    if (this.shutdown) return;
    const w = this.waiting.get(key);
    if (w !== undefined) {
      this.clock.clearTimeout(w.handle);
      this.waiting.delete(key);
    }
    if (this.dirty.has(key)) return;
    this.dirty.add(key);
    this.hooks.added?.();
    if (!this.addedAt.has(key)) this.addedAt.set(key, this.clock.now());
    if (this.processing.has(key)) return;
    this.push(key);
  }

  /** Queues a key after `ms`; an earlier pending due time for the same key wins. */
  addAfter(key: string, ms: number): void {
    if (this.shutdown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const due = this.clock.now() + ms;
    const w = this.waiting.get(key);
    if (w !== undefined) {
      if (w.due <= due) return;
      this.clock.clearTimeout(w.handle);
    }
    const handle = this.clock.setTimeout(() => {
      const cur = this.waiting.get(key);
      if (cur?.handle !== handle) return;
      this.waiting.delete(key);
      this.add(key);
    }, ms);
    this.waiting.set(key, { due, handle });
  }

  /** Queues a key after its backoff delay (per-key exponential, and the overall rate limit). */
  addRateLimited(key: string): void {
    this.hooks.retried?.();
    this.addAfter(key, this.when(key));
  }

  /** The delay the next `addRateLimited(key)` would use, counting one more failure. */
  when(key: string): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    const perKey = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.min(n, 40));
    return Math.max(perKey, this.reserveToken());
  }

  /** Clears a key's failure count (after a success). */
  forget(key: string): void {
    this.failures.delete(key);
  }

  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Next key to process; undefined once the queue is shut down. Call `done(key)` afterwards. */
  get(): Promise<string | undefined> {
    if (this.shutdown) return Promise.resolve(undefined);
    const key = this.pop();
    if (key !== undefined) return Promise.resolve(key);
    return new Promise((resolve) => this.getters.push(resolve));
  }

  /** Marks a key processed; if it was re-added meanwhile, it is queued again. */
  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.has(key) && !this.shutdown) this.push(key);
    if (this.processing.size === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Keys queued now (not counting delayed or in-process keys). */
  get length(): number {
    return this.queue.length - this.head;
  }

  /** Keys waiting for a delayed add. */
  get delayed(): number {
    return this.waiting.size;
  }

  get inProcess(): number {
    return this.processing.size;
  }

  get isShutDown(): boolean {
    return this.shutdown;
  }

  /** Stops handing out keys (waiting `get` calls resolve undefined) and drops delayed adds. */
  shutDown(): void {
    this.shutdown = true;
    for (const w of this.waiting.values()) this.clock.clearTimeout(w.handle);
    this.waiting.clear();
    for (const g of this.getters.splice(0)) g(undefined);
  }

  /** Resolves when no key is in process (after shutDown: when in-flight work has finished). */
  drained(): Promise<void> {
    if (this.processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private push(key: string): void {
    const g = this.getters.shift();
    if (g !== undefined) {
      this.take(key);
      g(key);
      return;
    }
    this.queue.push(key);
    this.hooks.depth?.(this.length);
  }

  private pop(): string | undefined {
    if (this.head >= this.queue.length) return undefined;
    const key = this.queue[this.head++] as string;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    this.take(key);
    this.hooks.depth?.(this.length);
    return key;
  }

  private take(key: string): void {
    this.dirty.delete(key);
    this.processing.add(key);
    const at = this.addedAt.get(key);
    this.addedAt.delete(key);
    if (at !== undefined) this.hooks.latency?.(this.clock.now() - at);
  }

  /** Token bucket: 0 when a token is free, else the wait for the reserved one. */
  private reserveToken(): number {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.tokensAt) / 1000) * this.qps);
    this.tokensAt = now;
    this.tokens -= 1;
    if (this.tokens >= 0) return 0;
    return Math.ceil((-this.tokens / this.qps) * 1000);
  }
}
