/**
 * Namespace lifecycle: a namespace with a deletionTimestamp gets its content deleted, its
 * conditions reported, and is finalized (spec.finalizers without `kubernetes`) once empty.
 */
import type { ApiCore } from '../api/core.js';
import { ApiError } from '../errors.js';
import { resourceKey } from '../registry/types.js';
import type { StoreEvent } from '../store/store.js';
import { isRecord, kubeTime } from '../types.js';
import { WorkQueue } from './queue.js';

export class NamespaceController {
  private readonly queue: WorkQueue;
  private readonly terminating = new Set<string>();

  constructor(
    private readonly core: ApiCore,
    onError: (what: string, err: unknown) => void,
  ) {
    this.queue = new WorkQueue(
      (k) => this.reconcile(k),
      (k, e) => onError(`deleting namespace ${k}`, e),
    );
  }

  resync(): void {
    for (const ns of this.core.store.list('/namespaces', undefined)) {
      if (ns.metadata.deletionTimestamp) this.queue.add(ns.metadata.name ?? '');
    }
  }

  onEvent(e: StoreEvent): void {
    if (e.rk === '/namespaces') {
      if (e.type !== 'DELETED' && e.obj.metadata.deletionTimestamp) this.queue.add(e.name);
      if (e.type === 'DELETED') this.terminating.delete(e.name);
      return;
    }
    if (
      e.ns &&
      this.terminating.has(e.ns) &&
      (e.type === 'DELETED' || e.obj.metadata.deletionTimestamp)
    )
      this.queue.add(e.ns);
  }

  private reconcile(name: string): void {
    const nsType = this.core.registry.find('', 'v1', 'namespaces');
    const ns = this.core.store.get('/namespaces', '', name);
    if (!nsType || !ns?.metadata.deletionTimestamp) return;
    this.terminating.add(name);
    const seen = new Set<string>();
    let remaining = 0;
    const pendingFinalizers = new Set<string>();
    for (const t of this.core.registry.all()) {
      if (!t.namespaced) continue;
      const rk = resourceKey(t);
      if (seen.has(rk)) continue;
      seen.add(rk);
      const tt = this.core.registry.byResource(t.group, t.plural) ?? t;
      for (const obj of this.core.store.list(rk, name)) {
        remaining += 1;
        for (const f of obj.metadata.finalizers ?? []) pendingFinalizers.add(f);
        if (obj.metadata.deletionTimestamp) continue;
        try {
          this.core.delete(tt, name, obj.metadata.name ?? '', { propagationPolicy: 'Background' });
        } catch (err) {
          if (!(err instanceof ApiError && err.code === 404)) throw err;
        }
      }
    }
    const now = this.core.store.get('/namespaces', '', name);
    if (!now) return;
    if (remaining === 0) {
      const spec = isRecord(now.spec) ? now.spec : {};
      const fins = Array.isArray(spec.finalizers)
        ? spec.finalizers.filter((f) => f !== 'kubernetes')
        : [];
      this.core.finalizeNamespace(name, { spec: { finalizers: fins } });
      return;
    }
    const conditions = [
      {
        type: 'NamespaceDeletionDiscoveryFailure',
        status: 'False',
        reason: 'ResourcesDiscovered',
        message: 'All resources successfully discovered',
      },
      {
        type: 'NamespaceDeletionGroupVersionParsingFailure',
        status: 'False',
        reason: 'ParsedGroupVersions',
        message: 'All legacy kube types successfully parsed',
      },
      {
        type: 'NamespaceDeletionContentFailure',
        status: 'False',
        reason: 'ContentDeleted',
        message: 'All content successfully deleted, may be waiting on finalization',
      },
      {
        type: 'NamespaceContentRemaining',
        status: 'True',
        reason: 'SomeResourcesRemain',
        message: `Some resources are remaining: ${remaining} objects remain`,
      },
      pendingFinalizers.size > 0
        ? {
            type: 'NamespaceFinalizersRemaining',
            status: 'True',
            reason: 'SomeFinalizersRemain',
            message: `Some content in the namespace has finalizers remaining: ${[...pendingFinalizers].sort().join(', ')}`,
          }
        : {
            type: 'NamespaceFinalizersRemaining',
            status: 'False',
            reason: 'ContentHasNoFinalizers',
            message: 'All content-preserving finalizers finished',
          },
    ];
    const status = isRecord(now.status) ? now.status : {};
    const old = Array.isArray(status.conditions)
      ? (status.conditions as Record<string, unknown>[])
      : [];
    const same = conditions.every((c) =>
      old.some((o) => o.type === c.type && o.status === c.status && o.message === c.message),
    );
    if (same) return;
    const time = kubeTime();
    const next = conditions.map((c) => ({ ...c, lastTransitionTime: time }));
    this.core.update(
      nsType,
      '',
      name,
      { ...now, status: { ...status, phase: 'Terminating', conditions: next } },
      { subresource: 'status', fieldManager: 'namespace-controller' },
    );
  }

  stop(): void {
    this.queue.stop();
  }
}
