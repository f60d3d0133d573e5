/**
 * The workload simulator controller: watches workload objects in the store and, through the
 * status subresource as `kube-controller-manager`, writes the status the rules in workloads.ts
 * compute. A generation counts as rolled out once the delay (global, or the object's
 * `simulator.packsync.dev/delay-ms` annotation) has passed since it was first seen. Deployments
 * also get `deployment.kubernetes.io/revision`, bumped when the pod template changes.
 */
import type { ApiCore } from '../api/core.js';
import { ApiError } from '../errors.js';
import { WorkQueue } from '../controllers/queue.js';
import type { StoreEvent } from '../store/store.js';
import { deepEqual, isRecord, kubeTime, type KubeObject } from '../types.js';
import { delayAnnotation, templateHash, workloadRules } from './workloads.js';

const manager = 'kube-controller-manager';
const revisionAnnotation = 'deployment.kubernetes.io/revision';

export interface WorkloadSimulatorOptions {
  /** Milliseconds from a new generation to its rolled-out status (default 0). */
  delayMs?: number;
  /** Nodes a DaemonSet is scheduled on (default 1). */
  nodes?: number;
}

export class WorkloadSimulator {
  private readonly queue: WorkQueue;
  /** key -> generation and when it was first seen */
  private readonly seen = new Map<string, { generation: number; at: number }>();
  /** key -> template hash and revision of a Deployment */
  private readonly revisions = new Map<string, { hash: string; revision: number }>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly delayMs: number;
  private readonly nodes: number;

  constructor(
    private readonly core: ApiCore,
    onError: (what: string, err: unknown) => void,
    opts: WorkloadSimulatorOptions = {},
  ) {
    this.delayMs = opts.delayMs ?? 0;
    this.nodes = opts.nodes ?? 1;
    this.queue = new WorkQueue(
      (k) => this.reconcile(k),
      (k, e) => onError(`simulating the status of ${k}`, e),
    );
  }

  resync(): void {
    for (const rk of Object.keys(workloadRules)) {
      for (const o of this.core.store.list(rk, undefined))
        this.queue.add(key(rk, o.metadata.namespace ?? '', o.metadata.name ?? ''));
    }
  }

  onEvent(e: StoreEvent): void {
    if (!(e.rk in workloadRules)) return;
    const k = key(e.rk, e.ns, e.name);
    if (e.type === 'DELETED') {
      this.seen.delete(k);
      this.revisions.delete(k);
      return;
    }
    this.queue.add(k);
  }

  private reconcile(k: string): void {
    const [rk = '', ns = '', name = ''] = k.split('|');
    const rule = workloadRules[rk];
    const [group = '', plural = ''] = rk.split('/');
    const t = this.core.registry.byResource(group, plural);
    let obj = this.core.store.get(rk, ns, name);
    if (!rule || !t || !obj || obj.metadata.deletionTimestamp) return;
    const generation = obj.metadata.generation ?? 1;
    let seen = this.seen.get(k);
    if (seen?.generation !== generation) {
      // After a restart, a generation the stored status already reports is not rolled out again.
      const observed = isRecord(obj.status) && obj.status.observedGeneration === generation;
      seen = { generation, at: !seen && observed ? 0 : Date.now() };
      this.seen.set(k, seen);
    }
    const own = Number(obj.metadata.annotations?.[delayAnnotation]);
    const delay = Number.isFinite(own) && own >= 0 ? own : this.delayMs;
    const due = seen.at + delay;
    const settled = Date.now() >= due;
    if (!settled) this.later(k, due - Date.now());
    if (rk === 'apps/deployments') obj = this.bumpRevision(k, t, obj);
    const status = rule(obj, { settled, now: kubeTime(), nodes: this.nodes });
    if (deepEqual(status, obj.status)) return;
    try {
      this.core.update(
        t,
        ns,
        name,
        { ...obj, status },
        { subresource: 'status', fieldManager: manager },
      );
    } catch (err) {
      // A newer version is on its way through the queue; a gone object needs no status.
      if (err instanceof ApiError && (err.code === 409 || err.code === 404)) return;
      throw err;
    }
  }

  private bumpRevision(
    k: string,
    t: Parameters<ApiCore['update']>[0],
    obj: KubeObject,
  ): KubeObject {
    const spec = (obj.spec ?? {}) as Record<string, unknown>;
    const hash = templateHash(spec.template);
    const current = Number(obj.metadata.annotations?.[revisionAnnotation] ?? '0') || 0;
    let known = this.revisions.get(k);
    if (!known && current > 0) known = { hash, revision: current };
    const revision = !known ? 1 : known.hash === hash ? known.revision : known.revision + 1;
    this.revisions.set(k, { hash, revision });
    if (current === revision) return obj;
    const annotations = {
      ...(obj.metadata.annotations ?? {}),
      [revisionAnnotation]: String(revision),
    };
    return this.core.update(
      t,
      obj.metadata.namespace ?? '',
      obj.metadata.name ?? '',
      { ...obj, metadata: { ...obj.metadata, annotations } },
      { fieldManager: manager },
    ).obj;
  }

  private later(k: string, ms: number): void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        this.queue.add(k);
      },
      Math.max(1, ms),
    );
    this.timers.add(timer);
  }

  stop(): void {
    this.queue.stop();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

function key(rk: string, ns: string, name: string): string {
  return `${rk}|${ns}|${name}`;
}
