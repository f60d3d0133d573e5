/**
 * CRD controller: accepts names (NamesAccepted), serves the kinds (Established) and publishes them
 * in the registry; on deletion reports Terminating, deletes every instance, then drops the
 * `customresourcecleanup` finalizer and the kinds.
 */
import type { ApiCore } from '../api/core.js';
import { crdSpec, typesFromCrd } from '../api/crd-rules.js';
import { ApiError } from '../errors.js';
import { resourceKey } from '../registry/types.js';
import type { StoreEvent } from '../store/store.js';
import { deepEqual, isRecord, kubeTime, type KubeObject } from '../types.js';
import { WorkQueue } from './queue.js';

const crdRk = 'apiextensions.k8s.io/customresourcedefinitions';
const cleanup = 'customresourcecleanup.apiextensions.k8s.io';

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastTransitionTime?: string;
}

export class CrdController {
  private readonly queue: WorkQueue;
  /** rk of a terminating CRD's instances -> CRD name */
  private readonly cleaning = new Map<string, string>();
  /** CRD name -> when it may become Established (with `establishDelayMs`). */
  private readonly establishAt = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly core: ApiCore,
    onError: (what: string, err: unknown) => void,
    /** A new CRD reports Established=False/Installing this long before it is served. */
    private readonly establishDelayMs = 0,
  ) {
    this.queue = new WorkQueue(
      (k) => this.reconcile(k),
      (k, e) => onError(`reconciling customresourcedefinition ${k}`, e),
    );
  }

  /** Registers every stored CRD synchronously (before serving after a restart). */
  resync(): void {
    for (const crd of this.core.store.list(crdRk, undefined)) {
      const name = crd.metadata.name ?? '';
      if (this.established(crd)) this.core.registry.setCrd(name, typesFromCrd(crd));
      this.queue.add(name);
    }
  }

  onEvent(e: StoreEvent): void {
    if (e.rk === crdRk) this.queue.add(e.name);
    else if (e.type === 'DELETED') {
      const crd = this.cleaning.get(e.rk);
      if (crd) this.queue.add(crd);
    }
  }

  private established(crd: KubeObject): boolean {
    const st = isRecord(crd.status) ? crd.status : {};
    const conds = Array.isArray(st.conditions) ? (st.conditions as Condition[]) : [];
    return conds.some((c) => c.type === 'Established' && c.status === 'True');
  }

  private reconcile(name: string): void {
    const crdType = this.core.registry.find(
      'apiextensions.k8s.io',
      'v1',
      'customresourcedefinitions',
    );
    const crd = this.core.store.get(crdRk, '', name);
    if (!crdType) return;
    if (!crd) {
      this.core.registry.removeCrd(name);
      this.core.terminatingCrds.delete(name);
      return;
    }
    const spec = crdSpec(crd);
    const types = typesFromCrd(crd);
    if (crd.metadata.deletionTimestamp) {
      this.core.terminatingCrds.add(name);
      const rk = resourceKey({ group: spec.group, plural: spec.names.plural });
      this.cleaning.set(rk, name);
      const t = this.core.registry.byResource(spec.group, spec.names.plural) ?? types[0];
      let remaining = 0;
      for (const obj of this.core.store.list(rk, undefined)) {
        remaining += 1;
        if (obj.metadata.deletionTimestamp || !t) continue;
        try {
          this.core.delete(t, obj.metadata.namespace ?? '', obj.metadata.name ?? '', {
            propagationPolicy: 'Background',
          });
        } catch (err) {
          if (!(err instanceof ApiError && err.code === 404)) throw err;
        }
      }
      remaining = this.core.store.list(rk, undefined).length;
      const term: Condition =
        remaining > 0
          ? {
              type: 'Terminating',
              status: 'True',
              reason: 'InstanceDeletionInProgress',
              message: 'CustomResource deletion is in progress',
            }
          : {
              type: 'Terminating',
              status: 'True',
              reason: 'InstanceDeletionCompleted',
              message: `removed all instances`,
            };
      this.writeStatus(crd, [term], undefined);
      if (remaining === 0) {
        const now = this.core.store.get(crdRk, '', name);
        if (!now) return;
        const fins = (now.metadata.finalizers ?? []).filter((f) => f !== cleanup);
        this.core.update(
          crdType,
          '',
          name,
          { ...now, metadata: { ...now.metadata, finalizers: fins } },
          { fieldManager: 'apiextensions-apiserver' },
        );
        this.cleaning.delete(rk);
        this.core.registry.removeCrd(name);
        this.core.terminatingCrds.delete(name);
      }
      return;
    }
    const conflictReason = this.nameConflict(crd);
    if (conflictReason) {
      this.writeStatus(
        crd,
        [
          {
            type: 'NamesAccepted',
            status: 'False',
            reason: conflictReason.reason,
            message: conflictReason.message,
          },
          {
            type: 'Established',
            status: 'False',
            reason: 'NotAccepted',
            message: 'not all names are accepted',
          },
        ],
        undefined,
      );
      return;
    }
    if (this.establishDelayMs > 0 && !this.established(crd)) {
      let at = this.establishAt.get(name);
      if (at === undefined) {
        at = Date.now() + this.establishDelayMs;
        this.establishAt.set(name, at);
      }
      if (Date.now() < at) {
        // Timers may fire a little early: every early look schedules another one.
        const timer = setTimeout(
          () => {
            this.timers.delete(timer);
            this.queue.add(name);
          },
          Math.max(1, at - Date.now()),
        );
        this.timers.add(timer);
        this.writeStatus(
          crd,
          [
            {
              type: 'NamesAccepted',
              status: 'True',
              reason: 'NoConflicts',
              message: 'no conflicts found',
            },
            {
              type: 'Established',
              status: 'False',
              reason: 'Installing',
              message: 'the initial names have been accepted',
            },
          ],
          spec.names,
        );
        return;
      }
    }
    this.establishAt.delete(name);
    this.core.registry.setCrd(name, types);
    this.writeStatus(
      crd,
      [
        {
          type: 'NamesAccepted',
          status: 'True',
          reason: 'NoConflicts',
          message: 'no conflicts found',
        },
        {
          type: 'Established',
          status: 'True',
          reason: 'InitialNamesAccepted',
          message: 'the initial names have been accepted',
        },
      ],
      spec.names,
    );
  }

  private nameConflict(crd: KubeObject): { reason: string; message: string } | undefined {
    const spec = crdSpec(crd);
    const n = spec.names;
    for (const other of this.core.store.list(crdRk, undefined)) {
      if (other.metadata.name === crd.metadata.name) continue;
      const os = crdSpec(other);
      if (os.group !== spec.group) continue;
      const st =
        isRecord(other.status) && isRecord(other.status.acceptedNames)
          ? other.status.acceptedNames
          : {};
      if (st.plural === n.plural)
        return { reason: 'PluralConflict', message: `"${n.plural}" is already in use` };
      if (n.singular && st.singular === n.singular)
        return { reason: 'SingularConflict', message: `"${n.singular}" is already in use` };
      const shorts = Array.isArray(st.shortNames) ? (st.shortNames as string[]) : [];
      const clash = (n.shortNames ?? []).find((s) => shorts.includes(s));
      if (clash) return { reason: 'ShortNamesConflict', message: `"${clash}" is already in use` };
      if (st.kind === n.kind)
        return { reason: 'KindConflict', message: `"${n.kind}" is already in use` };
      if (n.listKind && st.listKind === n.listKind)
        return { reason: 'ListKindConflict', message: `"${n.listKind}" is already in use` };
    }
    for (const t of this.core.registry.all()) {
      if (t.crd === undefined && t.group === spec.group && t.plural === n.plural)
        return { reason: 'PluralConflict', message: `"${n.plural}" is already in use` };
    }
    return undefined;
  }

  private writeStatus(crd: KubeObject, conds: Condition[], names: unknown): void {
    const crdType = this.core.registry.find(
      'apiextensions.k8s.io',
      'v1',
      'customresourcedefinitions',
    );
    if (!crdType) return;
    const status = isRecord(crd.status) ? { ...crd.status } : {};
    const old = Array.isArray(status.conditions) ? (status.conditions as Condition[]) : [];
    const time = kubeTime();
    const next = [...old];
    for (const c of conds) {
      const i = next.findIndex((o) => o.type === c.type);
      const prev = i >= 0 ? next[i] : undefined;
      const lt = prev && prev.status === c.status ? prev.lastTransitionTime : time;
      const entry: Condition = { ...c, lastTransitionTime: lt ?? time };
      if (i >= 0) next[i] = entry;
      else next.push(entry);
    }
    status.conditions = next;
    if (names !== undefined) {
      status.acceptedNames = names;
      const spec = crdSpec(crd);
      const storage = spec.versions.find((v) => v.storage)?.name;
      const stored = Array.isArray(status.storedVersions)
        ? [...(status.storedVersions as string[])]
        : [];
      if (storage && !stored.includes(storage)) stored.push(storage);
      status.storedVersions = stored;
    }
    if (deepEqual(status, crd.status)) return;
    this.core.update(
      crdType,
      '',
      crd.metadata.name ?? '',
      { ...crd, status },
      { subresource: 'status', fieldManager: 'apiextensions-apiserver' },
    );
  }

  stop(): void {
    this.queue.stop();
    for (const t of this.timers) clearTimeout(t);
  }
}
