import { randomBytes } from 'node:crypto';
import { silentLogger, type RuntimeLogger } from './informer.js';
import type { EventRecorder, EventType, KubeObject, KubeWriter } from './types.js';

export interface KubeEventRecorderOptions {
  /** `source.component` and `reportingComponent` (default `packsync`). */
  component?: string | undefined;
  /** `reportingInstance` (default: the host name is not read; empty). */
  instance?: string | undefined;
  logger?: RuntimeLogger | undefined;
  /** Same object+type+reason+message within this window bumps `count` instead of a new Event (default 10 min). */
  aggregateWindowMs?: number | undefined;
  now?: (() => Date) | undefined;
  /**
   * Whether the controllers have work: while they do, events are written at most `busyPerSecond`
   * a second (after a burst of `busyBurst`), so that they never compete with reconciles for the
   * API server; when they have none, as fast as the server answers. client-go's recorder shares
   * the client's rate limiter for the same reason. Without it, events are never held back.
   */
  busy?: (() => boolean) | undefined;
  /** Default 10. */
  busyPerSecond?: number | undefined;
  /** Default 25. */
  busyBurst?: number | undefined;
  /** Events waiting beyond this many are dropped and logged, as client-go's broadcaster does (default 10,000). */
  maxQueued?: number | undefined;
}

interface Seen {
  name: string;
  namespace: string;
  count: number;
  first: string;
  at: number;
}

/** An event waiting to be written; repeats recorded meanwhile fold into `repeats`. */
interface Queued {
  key: string;
  regarding: KubeObject;
  type: EventType;
  reason: string;
  message: string;
  /** When it was last recorded. */
  at: Date;
  repeats: number;
}

/** Writers taking events off the queue at once. */
const WRITERS = 4;

/**
 * EventRecorder writing core/v1 Events. Repeats of the same event are folded into one Event
 * with a growing `count` (as client-go's correlator does), also while they wait to be written.
 * Writes happen in the background, behind the controllers' own requests while those are busy
 * (see `busy`); `flush()` writes what waits and resolves when it is written.
 */
export class KubeEventRecorder implements EventRecorder {
  private readonly seen = new Map<string, Seen>();
  private readonly queue: Queued[] = [];
  private readonly queued = new Map<string, Queued>();
  private readonly component: string;
  private readonly instance: string;
  private readonly log: RuntimeLogger;
  private readonly windowMs: number;
  private readonly now: () => Date;
  private readonly busy: (() => boolean) | undefined;
  private readonly perSecond: number;
  private readonly burst: number;
  private readonly maxQueued: number;
  private tokens: number;
  private refilledAt = Date.now();
  private writers = 0;
  private flushing = 0;
  private dropped = 0;
  private wake: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly writer: Pick<KubeWriter, 'create' | 'patch'>,
    opts: KubeEventRecorderOptions = {},
  ) {
    this.component = opts.component ?? 'packsync';
    this.instance = opts.instance ?? '';
    this.log = opts.logger ?? silentLogger;
    this.windowMs = opts.aggregateWindowMs ?? 10 * 60_000;
    this.now = opts.now ?? (() => new Date());
    this.busy = opts.busy;
    this.perSecond = opts.busyPerSecond ?? 10;
    this.burst = opts.busyBurst ?? 25;
    this.maxQueued = opts.maxQueued ?? 10_000;
    this.tokens = this.burst;
  }

  event(regarding: KubeObject, type: EventType, reason: string, message: string): void {
    const m = regarding.metadata;
    const key = [
      regarding.apiVersion,
      regarding.kind,
      m.namespace !== undefined && m.namespace !== '' ? m.namespace : 'default',
      m.name,
      m.uid,
      type,
      reason,
      message,
    ].join('\0');
    const waiting = this.queued.get(key);
    if (waiting !== undefined) {
      waiting.repeats++;
      waiting.at = this.now();
      return;
    }
    if (this.queue.length >= this.maxQueued) {
      if (this.dropped++ % 1000 === 0)
        this.log.warn(
          { reason, object: m.name, dropped: this.dropped },
          'too many events waiting to be written: dropping events',
        );
      return;
    }
    const q: Queued = { key, regarding, type, reason, message, at: this.now(), repeats: 0 };
    this.queue.push(q);
    this.queued.set(key, q);
    this.pump();
  }

  /** Events recorded and not written yet (being written included). */
  get pending(): number {
    return this.queue.length + this.writers;
  }

  /** Writes the events recorded so far without holding them back; resolves once they are written. */
  async flush(): Promise<void> {
    this.flushing++;
    try {
      this.pump();
      while (this.pending > 0) await new Promise<void>((r) => this.idleWaiters.push(r));
    } finally {
      this.flushing--;
    }
  }

  /** Starts writers for what waits, as far as the busy-time rate allows. */
  private pump(): void {
    clearTimeout(this.wake);
    this.wake = undefined;
    while (this.queue.length > 0 && this.writers < WRITERS) {
      if (!this.take()) {
        // Held back: look again when a token is due (or the controllers may have gone idle).
        this.wake = setTimeout(() => this.pump(), Math.min(100, 1000 / this.perSecond));
        this.wake.unref();
        return;
      }
      const q = this.queue.shift() as Queued;
      this.queued.delete(q.key);
      this.writers++;
      void this.write(q)
        .catch((err: unknown) => {
          this.log.warn(
            { err, reason: q.reason, object: q.regarding.metadata.name },
            'writing event failed',
          );
        })
        .finally(() => {
          this.writers--;
          if (this.queue.length > 0) this.pump();
          else if (this.writers === 0) for (const w of this.idleWaiters.splice(0)) w();
        });
    }
  }

  /** Whether an event may be written now: always when idle or flushing, else by token. */
  private take(): boolean {
    if (this.flushing > 0 || this.busy === undefined || !this.busy()) return true;
    const t = Date.now();
    this.tokens = Math.min(
      this.burst,
      this.tokens + ((t - this.refilledAt) / 1000) * this.perSecond,
    );
    this.refilledAt = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private async write(q: Queued): Promise<void> {
    const { regarding, type, reason, message } = q;
    const m = regarding.metadata;
    const namespace = m.namespace !== undefined && m.namespace !== '' ? m.namespace : 'default';
    const times = 1 + q.repeats;
    const ts = q.at.toISOString().replace(/\.\d{3}Z$/, 'Z');
    const prev = this.seen.get(q.key);
    if (prev !== undefined && q.at.getTime() - prev.at < this.windowMs) {
      prev.count += times;
      prev.at = q.at.getTime();
      await this.writer.patch(
        { apiVersion: 'v1', kind: 'Event', namespace: prev.namespace, name: prev.name },
        'merge',
        { count: prev.count, lastTimestamp: ts },
      );
      return;
    }
    const name = `${m.name ?? 'object'}.${randomBytes(8).toString('hex')}`;
    this.seen.set(q.key, { name, namespace, count: times, first: ts, at: q.at.getTime() });
    if (this.seen.size > 4096) {
      const oldest = this.seen.keys().next();
      if (oldest.done !== true) this.seen.delete(oldest.value);
    }
    await this.writer.create({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: {
        apiVersion: regarding.apiVersion,
        kind: regarding.kind,
        name: m.name,
        ...(m.namespace ? { namespace: m.namespace } : {}),
        ...(m.uid ? { uid: m.uid } : {}),
        ...(m.resourceVersion ? { resourceVersion: m.resourceVersion } : {}),
      },
      type,
      reason,
      message,
      count: times,
      firstTimestamp: ts,
      lastTimestamp: ts,
      source: { component: this.component },
      reportingComponent: this.component,
      reportingInstance: this.instance,
    });
  }
}
