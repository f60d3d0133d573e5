import {
  CACHE_LABEL_SELECTOR,
  CRD_KIND,
  InformerCache,
  isEstablished,
  KubeEventRecorder,
  silentLogger,
  type InformerCacheOptions,
  type InformerHandler,
  type KindRef,
  type KubeClient,
  type RuntimeLogger,
} from '../../kube/index.js';
import type { RuntimeMetrics } from '../../metrics/index.js';
import type { Controller } from './controller.js';

export interface ManagerOptions {
  client: KubeClient;
  logger?: (RuntimeLogger & { child?(b: Record<string, unknown>): RuntimeLogger }) | undefined;
  metrics?: RuntimeMetrics | undefined;
  /** Informer tuning for both caches. */
  informer?: InformerCacheOptions['informer'];
  /** Label selector of the managed cache (default `package-operator.run/cache=True`). */
  managedLabelSelector?: string | undefined;
  /** Event `source.component` (default `packsync`). */
  component?: string | undefined;
}

interface Watch {
  user: string;
  kind: KindRef;
  handler: InformerHandler;
}

/**
 * Owns what controllers share: the API client, two informer caches (`watches` for the kinds
 * controllers own, unfiltered; `managed` for the objects they manage, filtered by the cache
 * label, started on demand per user), the event recorder and metrics. Starts informers first,
 * then controllers once the caches have synced; stops controllers (waiting for in-flight
 * reconciles) before informers.
 */
export class Manager {
  readonly client: KubeClient;
  /** Unfiltered informers for the kinds controllers reconcile. */
  readonly watches: InformerCache;
  /** Label-filtered informers for managed objects; users register the kinds they need. */
  readonly managed: InformerCache;
  readonly events: KubeEventRecorder;
  readonly metrics: RuntimeMetrics | undefined;
  readonly logger: RuntimeLogger & { child?(b: Record<string, unknown>): RuntimeLogger };
  private readonly controllers: Controller[] = [];
  private readonly pendingWatches: Watch[] = [];
  private readonly unsubscribes: (() => void)[] = [];
  private state: 'new' | 'starting' | 'running' | 'stopping' | 'stopped' = 'new';

  constructor(opts: ManagerOptions) {
    this.client = opts.client;
    this.logger = opts.logger ?? silentLogger;
    this.metrics = opts.metrics;
    this.watches = new InformerCache(opts.client, { informer: opts.informer, logger: this.logger });
    this.managed = new InformerCache(opts.client, {
      informer: opts.informer,
      labelSelector: opts.managedLabelSelector ?? CACHE_LABEL_SELECTOR,
      logger: this.logger,
    });
    this.events = new KubeEventRecorder(opts.client, {
      component: opts.component ?? 'packsync',
      logger: this.logger,
      // Events wait behind reconciles: a burst of rollouts writes its objects first.
      busy: () => this.controllers.some((c) => c.queue.length > 0 || c.queue.inProcess > 0),
    });
    const stats = (name: string, c: InformerCache) => () =>
      c.health().map((h) => ({
        cache: name,
        apiVersion: h.apiVersion,
        kind: h.kind,
        objects: h.objects,
        synced: h.synced,
      }));
    this.metrics?.addInformerSource(stats('watches', this.watches));
    // A CRD turning Established serves a new kind: forget the RESTMapper's answer for it.
    this.watch('discovery', CRD_KIND, (ev) => {
      if (ev.type !== 'delete' && !isEstablished(ev.old) && isEstablished(ev.object)) {
        this.client.mapper.invalidateCrd(ev.object);
      }
      if (ev.type === 'delete') this.client.mapper.invalidateCrd(ev.object);
    });
    this.metrics?.addInformerSource(stats('managed', this.managed));
  }

  /** Adds a controller; it starts with the manager (or at once when the manager runs). */
  add(controller: Controller): void {
    this.controllers.push(controller);
    if (this.state === 'running') controller.start();
  }

  /**
   * Routes events of a kind (unfiltered informer) to a handler, e.g. `enqueueObject(ctrl)`.
   * Registered before start; the informer starts with the manager.
   */
  watch(user: string, kind: KindRef, handler: InformerHandler): void {
    this.pendingWatches.push({ user, kind, handler });
  }

  /** Starts informers, waits for them to sync, then starts the controllers. */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`manager cannot start: it is ${this.state}`);
    this.state = 'starting';
    for (const w of this.pendingWatches) {
      await this.watches.ensure(w.user, [w.kind]);
      const inf = this.watches.informerFor(w.kind.apiVersion, w.kind.kind);
      if (inf !== undefined) this.unsubscribes.push(inf.addHandler(w.handler));
    }
    for (const c of this.controllers) c.start();
    this.state = 'running';
    this.logger.info({ controllers: this.controllers.map((c) => c.name) }, 'manager started');
  }

  /** Stops controllers (waiting for in-flight reconciles), then informers, then flushes events. */
  async stop(graceMs = 30_000): Promise<void> {
    if (this.state === 'stopped' || this.state === 'stopping') return;
    this.state = 'stopping';
    await Promise.all(this.controllers.map((c) => c.stop(graceMs)));
    for (const u of this.unsubscribes.splice(0)) u();
    await Promise.all([this.watches.stop(), this.managed.stop()]);
    await this.events.flush();
    this.state = 'stopped';
    this.logger.info({}, 'manager stopped');
  }

  /** Liveness: the manager is running and no informer has failed continuously for long. */
  healthz(): { ok: boolean; problems: string[] } {
    const problems: string[] = [];
    if (this.state !== 'running' && this.state !== 'starting')
      problems.push(`manager ${this.state}`);
    for (const h of [...this.watches.health(), ...this.managed.health()]) {
      if (h.consecutiveFailures >= 8) {
        problems.push(
          `informer ${h.kind}: ${h.consecutiveFailures} failures: ${h.lastError ?? ''}`,
        );
      }
    }
    return { ok: problems.length === 0, problems };
  }

  /** Readiness: running, and every informer has synced. */
  readyz(): { ok: boolean; problems: string[] } {
    const problems: string[] = [];
    if (this.state !== 'running') problems.push(`manager ${this.state}`);
    for (const h of [...this.watches.health(), ...this.managed.health()]) {
      if (!h.synced)
        problems.push(`informer ${h.kind} not synced${h.lastError ? `: ${h.lastError}` : ''}`);
    }
    return { ok: problems.length === 0, problems };
  }

  get controllerNames(): string[] {
    return this.controllers.map((c) => c.name);
  }
}
