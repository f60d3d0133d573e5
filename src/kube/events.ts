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
}

interface Seen {
  name: string;
  namespace: string;
  count: number;
  first: string;
  at: number;
}

/**
 * EventRecorder writing core/v1 Events. Repeats of the same event are folded into one Event
 * with a growing `count` (as client-go's correlator does). Writes happen in the background;
 * `flush()` waits for them.
 */
export class KubeEventRecorder implements EventRecorder {
  private readonly seen = new Map<string, Seen>();
  private readonly pending = new Set<Promise<void>>();
  private readonly component: string;
  private readonly instance: string;
  private readonly log: RuntimeLogger;
  private readonly windowMs: number;
  private readonly now: () => Date;

  constructor(
    private readonly writer: Pick<KubeWriter, 'create' | 'patch'>,
    opts: KubeEventRecorderOptions = {},
  ) {
    this.component = opts.component ?? 'packsync';
    this.instance = opts.instance ?? '';
    this.log = opts.logger ?? silentLogger;
    this.windowMs = opts.aggregateWindowMs ?? 10 * 60_000;
    this.now = opts.now ?? (() => new Date());
  }

  event(regarding: KubeObject, type: EventType, reason: string, message: string): void {
    const p = this.write(regarding, type, reason, message).catch((err: unknown) => {
      this.log.warn({ err, reason, object: regarding.metadata.name }, 'writing event failed');
    });
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /** Waits for events recorded so far to be written. */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private async write(
    regarding: KubeObject,
    type: EventType,
    reason: string,
    message: string,
  ): Promise<void> {
    const m = regarding.metadata;
    const namespace = m.namespace !== undefined && m.namespace !== '' ? m.namespace : 'default';
    const key = [
      regarding.apiVersion,
      regarding.kind,
      namespace,
      m.name,
      m.uid,
      type,
      reason,
      message,
    ].join('\0');
    const now = this.now();
    const ts = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
    const prev = this.seen.get(key);
    if (prev !== undefined && now.getTime() - prev.at < this.windowMs) {
      prev.count++;
      prev.at = now.getTime();
      await this.writer.patch(
        { apiVersion: 'v1', kind: 'Event', namespace: prev.namespace, name: prev.name },
        'merge',
        { count: prev.count, lastTimestamp: ts },
      );
      return;
    }
    const name = `${m.name ?? 'object'}.${randomBytes(8).toString('hex')}`;
    this.seen.set(key, { name, namespace, count: 1, first: ts, at: now.getTime() });
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
      count: 1,
      firstTimestamp: ts,
      lastTimestamp: ts,
      source: { component: this.component },
      reportingComponent: this.component,
      reportingInstance: this.instance,
    });
  }
}
