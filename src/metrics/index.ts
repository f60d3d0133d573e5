/**
 * Prometheus metrics of the controller runtime.
 *
 *   main creates a Registry -> RuntimeMetrics(registry) -> controllers, workqueues, informers and
 *   the API client report into it -> `/metrics` serves `registry.metrics()`.
 *
 * Nothing here touches prom-client's global default registry.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { WorkQueueHooks } from '../controllers/runtime/workqueue.js';

export { Registry } from 'prom-client';

/** A fresh registry with the process metrics (CPU, memory, event loop) registered. */
export function createRegistry(opts: { processMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  if (opts.processMetrics !== false) collectDefaultMetrics({ register: registry });
  return registry;
}

/** What the informer metrics read at scrape time. */
export interface InformerStats {
  apiVersion: string;
  kind: string;
  cache: string;
  objects: number;
  synced: boolean;
}

export class RuntimeMetrics {
  readonly reconcileTotal: Counter<'controller' | 'result'>;
  readonly reconcileErrors: Counter<'controller'>;
  readonly reconcileDuration: Histogram<'controller'>;
  readonly queueDepth: Gauge<'name'>;
  readonly queueAdds: Counter<'name'>;
  readonly queueLatency: Histogram<'name'>;
  readonly queueRetries: Counter<'name'>;
  readonly apiRequests: Counter<'method' | 'code'>;
  readonly rolloutTime: Gauge<'name' | 'namespace'>;
  private readonly informerSources: (() => InformerStats[])[] = [];

  constructor(readonly registry: Registry) {
    const registers = [registry];
    this.reconcileTotal = new Counter({
      name: 'packsync_reconcile_total',
      help: 'Reconciles per controller and result (success, error, requeue, requeue_after)',
      labelNames: ['controller', 'result'],
      registers,
    });
    this.reconcileErrors = new Counter({
      name: 'packsync_reconcile_errors_total',
      help: 'Reconciles that returned an error, per controller',
      labelNames: ['controller'],
      registers,
    });
    this.reconcileDuration = new Histogram({
      name: 'packsync_reconcile_time_seconds',
      help: 'Time per reconcile, per controller',
      labelNames: ['controller'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.queueDepth = new Gauge({
      name: 'packsync_workqueue_depth',
      help: 'Keys waiting in the work queue',
      labelNames: ['name'],
      registers,
    });
    this.queueAdds = new Counter({
      name: 'packsync_workqueue_adds_total',
      help: 'Keys added to the work queue',
      labelNames: ['name'],
      registers,
    });
    this.queueLatency = new Histogram({
      name: 'packsync_workqueue_queue_duration_seconds',
      help: 'Time a key waits in the work queue before a worker takes it',
      labelNames: ['name'],
      buckets: [0.0001, 0.001, 0.01, 0.1, 1, 10, 60],
      registers,
    });
    this.queueRetries = new Counter({
      name: 'packsync_workqueue_retries_total',
      help: 'Rate-limited re-adds (retries after errors)',
      labelNames: ['name'],
      registers,
    });
    this.apiRequests = new Counter({
      name: 'packsync_rest_client_requests_total',
      help: 'Requests to the Kubernetes API server, by method and HTTP status code',
      labelNames: ['method', 'code'],
      registers,
    });
    const sources = this.informerSources;
    const all = (): InformerStats[] => sources.flatMap((f) => f());
    new Gauge({
      name: 'packsync_informers',
      help: 'Running informers, per cache (watches: kinds controllers own; managed: managed objects)',
      labelNames: ['cache'],
      registers,
      collect() {
        this.reset();
        const counts = new Map<string, number>();
        for (const s of all()) counts.set(s.cache, (counts.get(s.cache) ?? 0) + 1);
        for (const [cache, n] of counts) this.set({ cache }, n);
      },
    });
    new Gauge({
      name: 'packsync_informer_objects',
      help: 'Objects held by informers, per cache and kind',
      labelNames: ['cache', 'kind'],
      registers,
      collect() {
        this.reset();
        for (const s of all()) this.inc({ cache: s.cache, kind: s.kind }, s.objects);
      },
    });
    new Gauge({
      name: 'packsync_informers_unsynced',
      help: 'Informers whose first list has not finished',
      registers,
      collect() {
        this.set(all().filter((s) => !s.synced).length);
      },
    });
    // Package Operator's names for the managed cache, so its dashboards keep working.
    new Gauge({
      name: 'package_operator_managed_cache_informers_total',
      help: 'Number of active informers per owner running for the managed cache.',
      labelNames: ['owner'],
      registers,
      collect() {
        this.reset();
        this.set({ owner: 'packsync' }, all().filter((s) => s.cache === 'managed').length);
      },
    });
    new Gauge({
      name: 'package_operator_managed_cache_objects_total',
      help: 'Number of objects per GVK and owner in the managed cache.',
      labelNames: ['owner', 'gvk'],
      registers,
      collect() {
        this.reset();
        for (const s of all()) {
          if (s.cache !== 'managed') continue;
          this.inc({ owner: 'packsync', gvk: goGvkString(s.apiVersion, s.kind) }, s.objects);
        }
      },
    });
    this.rolloutTime = new Gauge({
      name: 'package_operator_object_set_rollout_time_seconds',
      help: 'Time between Object creationTimestamp and the transition to True of the Succeeded condition.',
      labelNames: ['name', 'namespace'],
      registers,
    });
  }

  /**
   * Records an ObjectSet's rollout time (creation to its Succeeded condition's transition), as
   * PKO does; no-op without a Succeeded condition.
   */
  recordRolloutTime(objectSet: {
    metadata: { name?: string; namespace?: string; creationTimestamp?: string };
    status?: unknown;
  }): void {
    const conds = (objectSet.status as { conditions?: unknown } | undefined)?.conditions;
    if (!Array.isArray(conds)) return;
    const created = Date.parse(objectSet.metadata.creationTimestamp ?? '');
    for (const c of conds as { type?: string; lastTransitionTime?: string }[]) {
      if (c.type !== 'Succeeded') continue;
      const at = Date.parse(c.lastTransitionTime ?? '');
      if (Number.isNaN(at) || Number.isNaN(created)) continue;
      this.rolloutTime.set(
        { name: objectSet.metadata.name ?? '', namespace: objectSet.metadata.namespace ?? '' },
        (at - created) / 1000,
      );
    }
  }

  /** Drops an ObjectSet's rollout time (when the set is deleted). */
  forgetRolloutTime(objectSet: { metadata: { name?: string; namespace?: string } }): void {
    this.rolloutTime.remove({
      name: objectSet.metadata.name ?? '',
      namespace: objectSet.metadata.namespace ?? '',
    });
  }

  /** Hooks for a work queue named after its controller. */
  queueHooks(name: string): WorkQueueHooks {
    return {
      depth: (n) => this.queueDepth.set({ name }, n),
      added: () => this.queueAdds.inc({ name }),
      latency: (ms) => this.queueLatency.observe({ name }, ms / 1000),
      retried: () => this.queueRetries.inc({ name }),
    };
  }

  /** Registers a source of informer statistics read at every scrape. */
  addInformerSource(f: () => InformerStats[]): void {
    this.informerSources.push(f);
  }

  /** The KubeClient `onResponse` hook. */
  readonly onApiResponse = (method: string, status: number): void => {
    this.apiRequests.inc({ method, code: String(status) });
  };
}

/** Go's `schema.GroupVersionKind.String()`: `apps/v1, Kind=Deployment`, `/v1, Kind=ConfigMap`. */
function goGvkString(apiVersion: string, kind: string): string {
  const av = apiVersion.includes('/') ? apiVersion : `/${apiVersion}`;
  return `${av}, Kind=${kind}`;
}
