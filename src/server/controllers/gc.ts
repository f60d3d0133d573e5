/**
 * Garbage collector for ownerReferences (kube-controller-manager's, in process): owners matched by
 * uid; a dependent whose owners are all gone is deleted (Background); owners deleted with
 * `foregroundDeletion` get their dependents deleted and keep the finalizer until no dependent with
 * `blockOwnerDeletion` remains; owners deleted with `orphan` get the references stripped.
 */
import type { ApiCore } from '../api/core.js';
import { ApiError } from '../errors.js';
import { objectKey, splitKey, type StoreEvent } from '../store/store.js';
import { resourceKey, type ResourceType } from '../registry/types.js';
import type { KubeObject, OwnerReference } from '../types.js';
import { WorkQueue } from './queue.js';

function groupOf(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i === -1 ? '' : apiVersion.slice(0, i);
}

export class GarbageCollector {
  private readonly uidToKey = new Map<string, string>();
  /** owner uid -> dependent keys */
  private readonly dependents = new Map<string, Set<string>>();
  private readonly depQueue: WorkQueue;
  private readonly ownerQueue: WorkQueue;

  constructor(
    private readonly core: ApiCore,
    onError: (what: string, err: unknown) => void,
  ) {
    this.depQueue = new WorkQueue(
      (k) => this.attemptToDelete(k),
      (k, e) => onError(`garbage collecting ${k}`, e),
    );
    this.ownerQueue = new WorkQueue(
      (k) => this.processOwner(k),
      (k, e) => onError(`finalizing owner ${k}`, e),
    );
  }

  /** Indexes everything already stored (after a restart) and queues what may need work. */
  resync(): void {
    for (const rk of this.core.store.resourceKeys()) {
      for (const obj of this.core.store.list(rk, undefined)) {
        this.index(rk, obj, undefined);
        const key = objectKey(rk, obj.metadata.namespace ?? '', obj.metadata.name ?? '');
        if (obj.metadata.ownerReferences?.length) this.depQueue.add(key);
        if (obj.metadata.deletionTimestamp) this.ownerQueue.add(key);
      }
    }
  }

  private index(rk: string, obj: KubeObject, prev: KubeObject | undefined): void {
    const key = objectKey(rk, obj.metadata.namespace ?? '', obj.metadata.name ?? '');
    if (obj.metadata.uid) this.uidToKey.set(obj.metadata.uid, key);
    for (const r of prev?.metadata.ownerReferences ?? []) this.dependents.get(r.uid)?.delete(key);
    for (const r of obj.metadata.ownerReferences ?? []) {
      let s = this.dependents.get(r.uid);
      if (!s) {
        s = new Set();
        this.dependents.set(r.uid, s);
      }
      s.add(key);
    }
  }

  onEvent(e: StoreEvent): void {
    const key = objectKey(e.rk, e.ns, e.name);
    if (e.type === 'DELETED') {
      const uid = e.obj.metadata.uid ?? '';
      this.uidToKey.delete(uid);
      for (const r of e.obj.metadata.ownerReferences ?? []) {
        this.dependents.get(r.uid)?.delete(key);
        const ownerKey = this.uidToKey.get(r.uid);
        if (ownerKey) this.ownerQueue.add(ownerKey);
      }
      for (const dep of this.dependents.get(uid) ?? []) this.depQueue.add(dep);
      return;
    }
    this.index(e.rk, e.obj, e.prev);
    if (e.obj.metadata.ownerReferences?.length) this.depQueue.add(key);
    if (e.obj.metadata.deletionTimestamp) this.ownerQueue.add(key);
  }

  private typeOf(rk: string): ResourceType | undefined {
    const i = rk.indexOf('/');
    return this.core.registry.byResource(rk.slice(0, i), rk.slice(i + 1));
  }

  private lookup(key: string): { t: ResourceType; obj: KubeObject } | undefined {
    const { rk, ns, name } = splitKey(key);
    const obj = this.core.store.get(rk, ns, name);
    const t = this.typeOf(rk);
    return obj && t ? { t, obj } : undefined;
  }

  private attemptToDelete(key: string): void {
    const dep = this.lookup(key);
    if (!dep) return;
    const { t, obj } = dep;
    if (
      obj.metadata.deletionTimestamp &&
      !(obj.metadata.finalizers ?? []).includes('foregroundDeletion')
    )
      return;
    const refs = obj.metadata.ownerReferences ?? [];
    if (refs.length === 0) return;
    const solid: OwnerReference[] = [];
    const waiting: OwnerReference[] = [];
    const dangling: OwnerReference[] = [];
    for (const r of refs) {
      const ownerType = this.core.registry.byGroupKind(groupOf(r.apiVersion), r.kind);
      if (!t.namespaced && ownerType?.namespaced) {
        solid.push(r); // unresolvable: a cluster-scoped dependent never names a namespaced owner
        continue;
      }
      const ownerKey = this.uidToKey.get(r.uid);
      const owner = ownerKey ? this.lookup(ownerKey) : undefined;
      const sameScope =
        owner && (!owner.t.namespaced || owner.obj.metadata.namespace === obj.metadata.namespace);
      if (!owner || !sameScope) dangling.push(r);
      else if (
        owner.obj.metadata.deletionTimestamp &&
        (owner.obj.metadata.finalizers ?? []).includes('foregroundDeletion')
      )
        waiting.push(r);
      else solid.push(r);
    }
    if (obj.metadata.deletionTimestamp) return;
    const ns = obj.metadata.namespace ?? '';
    const name = obj.metadata.name ?? '';
    if (solid.length > 0) {
      if (dangling.length === 0 && waiting.length === 0) return;
      const drop = new Set([...dangling, ...waiting].map((r) => r.uid));
      const updated = {
        ...obj,
        metadata: { ...obj.metadata, ownerReferences: refs.filter((r) => !drop.has(r.uid)) },
      };
      this.core.update(t, ns, name, updated, { fieldManager: 'generic-garbage-collector' });
      return;
    }
    const hasOwnDependents = (this.dependents.get(obj.metadata.uid ?? '')?.size ?? 0) > 0;
    const policy = waiting.length > 0 && hasOwnDependents ? 'Foreground' : 'Background';
    try {
      this.core.delete(t, ns, name, {
        propagationPolicy: policy,
        preconditions: { uid: obj.metadata.uid ?? '' },
      });
    } catch (err) {
      if (!(err instanceof ApiError && (err.code === 404 || err.code === 409))) throw err;
    }
  }

  private processOwner(key: string): void {
    const owner = this.lookup(key);
    if (!owner?.obj.metadata.deletionTimestamp) return;
    const { t, obj } = owner;
    const uid = obj.metadata.uid ?? '';
    const finalizers = obj.metadata.finalizers ?? [];
    const deps = [...(this.dependents.get(uid) ?? [])];
    if (finalizers.includes('orphan')) {
      for (const dk of deps) {
        const dep = this.lookup(dk);
        if (!dep) continue;
        const refs = (dep.obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
        this.core.update(
          dep.t,
          dep.obj.metadata.namespace ?? '',
          dep.obj.metadata.name ?? '',
          { ...dep.obj, metadata: { ...dep.obj.metadata, ownerReferences: refs } },
          { fieldManager: 'generic-garbage-collector' },
        );
      }
      this.removeFinalizer(t, obj, 'orphan');
      return;
    }
    if (finalizers.includes('foregroundDeletion')) {
      let blocking = 0;
      for (const dk of deps) {
        const dep = this.lookup(dk);
        if (!dep) continue;
        const ref = dep.obj.metadata.ownerReferences?.find((r) => r.uid === uid);
        if (ref?.blockOwnerDeletion === true) blocking += 1;
        if (!dep.obj.metadata.deletionTimestamp) this.depQueue.add(dk);
      }
      if (blocking === 0) this.removeFinalizer(t, obj, 'foregroundDeletion');
    }
  }

  private removeFinalizer(t: ResourceType, obj: KubeObject, f: string): void {
    const updated = {
      ...obj,
      metadata: {
        ...obj.metadata,
        finalizers: (obj.metadata.finalizers ?? []).filter((x) => x !== f),
      },
    };
    this.core.update(t, obj.metadata.namespace ?? '', obj.metadata.name ?? '', updated, {
      fieldManager: 'generic-garbage-collector',
    });
  }

  stop(): void {
    this.depQueue.stop();
    this.ownerQueue.stop();
  }
}

export { resourceKey };
