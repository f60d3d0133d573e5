import { errorMessage } from '../../errors.js';
import { silentLogger, type RuntimeLogger } from '../../kube/index.js';
import type { RuntimeMetrics } from '../../metrics/index.js';
import { retryPolicy } from './errors.js';
import { WorkQueue, type WorkQueueOptions } from './workqueue.js';

/** What a reconcile returns: nothing (done until the next event) or a re-check time. */
export interface Result {
  /** Reconcile this key again after this many milliseconds. */
  requeueAfter?: number | undefined;
}

export interface ReconcileContext {
  /** Child logger with `{controller, object}`. */
  logger: RuntimeLogger;
  /** Aborted when the controller stops; long waits inside a reconcile should honour it. */
  signal: AbortSignal;
}

/** Level-based: reads everything it needs for `key` (`namespace/name` or `name`) and writes the difference. */
export type Reconciler = (key: string, ctx: ReconcileContext) => Promise<Result | undefined | void>;

/** A logger that can make children (pino's Logger fits). */
export interface ChildLogger extends RuntimeLogger {
  child(bindings: Record<string, unknown>): RuntimeLogger;
}

export interface ControllerOptions {
  name: string;
  reconcile: Reconciler;
  /** Parallel reconciles (default 2); one key is never reconciled by two workers at once. */
  workers?: number | undefined;
  logger?: ChildLogger | RuntimeLogger | undefined;
  metrics?: RuntimeMetrics | undefined;
  queue?: Omit<WorkQueueOptions, 'hooks'> | undefined;
}

/**
 * Runs a reconciler over a work queue with N workers. The reconcile's outcome decides what
 * happens to the key, in one place: success forgets the key's backoff; `requeueAfter` schedules
 * a re-check; errors go through `retryPolicy` (terminal: drop; retry-after: fixed delay; other:
 * per-key exponential backoff).
 */
export class Controller {
  readonly name: string;
  readonly queue: WorkQueue;
  private readonly reconcile: Reconciler;
  private readonly workers: number;
  private readonly log: RuntimeLogger;
  private readonly childLog: ((b: Record<string, unknown>) => RuntimeLogger) | undefined;
  private readonly metrics: RuntimeMetrics | undefined;
  private readonly abort = new AbortController();
  private running: Promise<void>[] = [];
  private started = false;

  constructor(opts: ControllerOptions) {
    this.name = opts.name;
    this.reconcile = opts.reconcile;
    this.workers = Math.max(1, opts.workers ?? 2);
    this.log = opts.logger ?? silentLogger;
    const l = opts.logger;
    this.childLog = l !== undefined && 'child' in l ? (b) => l.child(b) : undefined;
    this.metrics = opts.metrics;
    this.queue = new WorkQueue({ ...opts.queue, hooks: opts.metrics?.queueHooks(opts.name) });
  }

  /** Queues a key for reconciliation (de-duplicated). */
  enqueue(key: string): void {
    this.queue.add(key);
  }

  enqueueAfter(key: string, ms: number): void {
    this.queue.addAfter(key, ms);
  }

  /** Starts the workers (idempotent). Keys added before start are processed. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (let i = 0; i < this.workers; i++) this.running.push(this.worker());
    this.log.info({ controller: this.name, workers: this.workers }, 'controller started');
  }

  get isStarted(): boolean {
    return this.started && !this.queue.isShutDown;
  }

  /**
   * Stops taking keys and waits for in-flight reconciles to finish (their signal is aborted after
   * `graceMs`, default 30 s, so cooperative reconciles can return early).
   */
  async stop(graceMs = 30_000): Promise<void> {
    this.queue.shutDown();
    const timer = setTimeout(() => this.abort.abort(), graceMs);
    try {
      await Promise.all(this.running);
      await this.queue.drained();
    } finally {
      clearTimeout(timer);
      this.running = [];
    }
    this.log.info({ controller: this.name }, 'controller stopped');
  }

  private async worker(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      try {
        await this.processOne(key);
      } finally {
        this.queue.done(key);
      }
    }
  }

  private async processOne(key: string): Promise<void> {
    const log = this.childLog?.({ controller: this.name, object: key }) ?? this.log;
    const start = performance.now();
    let result: Result | undefined | void;
    try {
      result = await this.reconcile(key, { logger: log, signal: this.abort.signal });
    } catch (err) {
      this.observe(start, 'error');
      this.metrics?.reconcileErrors.inc({ controller: this.name });
      this.onError(key, err, log);
      return;
    }
    this.queue.forget(key);
    const after = result?.requeueAfter;
    if (after !== undefined && after > 0) {
      this.observe(start, 'requeue_after');
      this.queue.addAfter(key, after);
    } else {
      this.observe(start, 'success');
    }
  }

  private onError(key: string, err: unknown, log: RuntimeLogger): void {
    const d = retryPolicy(err);
    const fields = { controller: this.name, object: key, err: errorMessage(err) };
    switch (d.kind) {
      case 'drop':
        this.queue.forget(key);
        log.error(fields, 'reconcile failed, not retrying');
        return;
      case 'after':
        this.queue.forget(key);
        log[d.log]({ ...fields, retryInMs: d.delayMs }, 'reconcile waiting, retrying later');
        this.queue.addAfter(key, d.delayMs);
        return;
      case 'backoff': {
        const retries = this.queue.numRequeues(key);
        log[d.log]({ ...fields, retries }, 'reconcile failed, retrying with backoff');
        this.queue.addRateLimited(key);
        return;
      }
    }
  }

  private observe(start: number, result: string): void {
    if (this.metrics === undefined) return;
    this.metrics.reconcileTotal.inc({ controller: this.name, result });
    this.metrics.reconcileDuration.observe(
      { controller: this.name },
      (performance.now() - start) / 1000,
    );
  }
}
