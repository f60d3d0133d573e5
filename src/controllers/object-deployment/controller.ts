/**
 * (Cluster)ObjectDeployment reconcile, level-based: hash the template, list the deployment's
 * ObjectSets, propagate pause, create the next revision when none matches the hash, archive and
 * garbage-collect old revisions, then write the status only when it changed.
 */
import {
  annotations as A,
  coreGroup,
  parseObject,
  parseMetadataAndStatus,
  type Condition,
} from '../../apis/index.js';
import {
  isAlreadyExists,
  isNotFound,
  splitKey,
  type EventRecorder,
  type KubeObject,
  type KubeReader,
  type KubeWriter,
} from '../../kube/index.js';
import { compileLabelSelector } from '../../probing/index.js';
import type { Result } from '../runtime/controller.js';
import { ParseMemo } from '../object-set/parse-memo.js';
import { coreApiVersion, type ObjectSetScope } from '../object-set/scope.js';
import { sameStatus } from '../object-set/status.js';
import { planArchival } from './archive.js';
import { deploymentStatus } from './conditions.js';
import { formatLabelSelector } from './selector.js';
import { templateHash } from './hash.js';
import { classifyConflict, newObjectSet } from './new-revision.js';
import { allRevisioned, splitRevisions, type Revision } from './revisions.js';

export interface ObjectDeploymentDeps {
  /** Reads of ObjectDeployments and ObjectSets (informer-backed or the client). */
  apiReader: KubeReader;
  /** Uncached reads (the AlreadyExists check). */
  uncached: KubeReader;
  writer: KubeWriter;
  events?: EventRecorder | undefined;
  now?: (() => Date) | undefined;
}

export class ObjectDeploymentReconciler {
  /** Parsed deployments by key and resourceVersion (read-only values). */
  private readonly parsed = new ParseMemo(
    (raw: KubeObject) => parseObject(this.scope.deploymentKind, raw),
    (raw: KubeObject) => parseMetadataAndStatus(this.scope.deploymentKind, raw),
  );

  /** Template hashes of memoized (unchanged) templates. */
  private readonly hashes = new WeakMap<object, { count: number; hash: string }>();

  constructor(
    readonly scope: ObjectSetScope,
    private readonly deps: ObjectDeploymentDeps,
  ) {}

  private hashOf(template: object, count: number): string {
    const hit = this.hashes.get(template);
    if (hit?.count === count) return hit.hash;
    const hash = templateHash(template, count);
    this.hashes.set(template, { count, hash });
    return hash;
  }

  reconcile = async (key: string): Promise<Result> => {
    const { namespace, name } = splitKey(key);
    const raw = await this.deps.apiReader.get({
      apiVersion: coreApiVersion,
      kind: this.scope.deploymentKind,
      name,
      namespace,
    });
    if (raw === undefined || raw.metadata.deletionTimestamp !== undefined) {
      this.parsed.forget(key);
      return {};
    }
    const parsed = this.parsed.get(key, raw);
    if (!parsed.ok)
      throw new Error(`invalid ${this.scope.deploymentKind} ${key}: ${parsed.errors.join(', ')}`);
    const od = parsed.value;
    const status = { ...((raw.status ?? {}) as Record<string, unknown>) };
    const collisionCount = Number(od.status.collisionCount ?? 0);
    const hash = this.hashOf(od.spec.template, collisionCount);
    status.templateHash = hash;

    const matches = compileLabelSelector(od.spec.selector);
    const listed = await this.deps.apiReader.list(coreApiVersion, this.scope.objectSetKind, {
      namespace: raw.metadata.namespace || undefined,
      labelSelector: formatLabelSelector(od.spec.selector) || undefined,
    });
    const sets = listed.items.filter((s) => matches(s.metadata.labels ?? {}));
    const split = splitRevisions(sets, hash);
    if (!allRevisioned(split.all)) {
      // PKO waits until every ObjectSet carries its revision. A set with a spec revision gets its
      // status revision on its first reconcile, and that status change brings us back: one status
      // write then instead of an intermediate one now.
      if (split.all.some((r) => r.revision === 0)) await this.writeStatus(raw, status);
      return {};
    }

    const paused = od.spec.paused === true;
    for (const r of split.all) {
      if (r.archived || r.pausedByParent === paused) continue;
      await this.setPausedByParent(r, paused);
    }

    if (!paused) {
      if (split.current === undefined) {
        const latest = split.all[split.all.length - 1]?.revision ?? 0;
        const desired = newObjectSet(
          { ...raw, spec: od.spec },
          this.scope.objectSetKind,
          coreApiVersion,
          hash,
          split.previous,
          latest,
        );
        if (desired !== undefined) {
          try {
            await this.deps.writer.create(desired);
            this.deps.events?.event(
              raw,
              'Normal',
              'NewRevision',
              `created ${this.scope.objectSetKind} ${desired.metadata.name ?? ''}`,
            );
          } catch (err) {
            if (!isAlreadyExists(err)) throw err;
            const existing = await this.deps.uncached.get({
              apiVersion: coreApiVersion,
              kind: this.scope.objectSetKind,
              name: desired.metadata.name ?? '',
              namespace: raw.metadata.namespace || undefined,
            });
            if (existing === undefined) throw err;
            if (classifyConflict(existing, desired, raw.metadata.uid ?? '') === 'collision') {
              status.collisionCount = collisionCount + 1;
              await this.writeStatus(raw, status);
              this.deps.events?.event(
                raw,
                'Warning',
                'HashCollision',
                `${this.scope.objectSetKind} ${desired.metadata.name ?? ''} already exists`,
              );
            }
          }
          // The new ObjectSet's create event (or the status change) brings us back.
          return {};
        }
      } else {
        const plan = planArchival(split.current, split.previous, od.spec.revisionHistoryLimit);
        for (const n of plan.pause) await this.setLifecycle(split.all, n, 'Paused');
        for (const n of plan.archive) await this.setLifecycle(split.all, n, 'Archived');
        for (const n of plan.delete) {
          try {
            await this.deps.writer.delete({
              apiVersion: coreApiVersion,
              kind: this.scope.objectSetKind,
              name: n,
              namespace: raw.metadata.namespace || undefined,
            });
          } catch (err) {
            if (!isNotFound(err)) throw err;
          }
        }
      }
    }

    const st = deploymentStatus({
      conditions: (status.conditions ?? []) as Condition[],
      generation: raw.metadata.generation ?? 0,
      current: split.current,
      previous: split.previous,
      objectSetKind: this.scope.objectSetKind,
      objectSetGroup: coreGroup,
      now: this.deps.now?.() ?? new Date(),
    });
    status.conditions = st.conditions;
    status.phase = st.phase;
    if (st.revision !== undefined) status.revision = st.revision;
    if (st.controllerOf !== undefined) status.controllerOf = st.controllerOf;
    await this.writeStatus(raw, status);
    return {};
  };

  private async setPausedByParent(r: Revision, paused: boolean): Promise<void> {
    const o = r.object;
    await this.deps.writer.patch(
      { apiVersion: o.apiVersion, kind: o.kind, name: r.name, namespace: o.metadata.namespace },
      'merge',
      {
        metadata: {
          resourceVersion: o.metadata.resourceVersion,
          annotations: { [A.pausedByParent]: paused ? 'true' : null },
        },
        spec: { lifecycleState: paused ? 'Paused' : 'Active' },
      },
    );
  }

  private async setLifecycle(
    all: readonly Revision[],
    name: string,
    state: 'Paused' | 'Archived',
  ): Promise<void> {
    const r = all.find((x) => x.name === name);
    if (r === undefined) return;
    const o: KubeObject = r.object;
    await this.deps.writer.patch(
      { apiVersion: o.apiVersion, kind: o.kind, name, namespace: o.metadata.namespace },
      'merge',
      {
        metadata: { resourceVersion: o.metadata.resourceVersion },
        spec: { lifecycleState: state },
      },
    );
  }

  private async writeStatus(raw: KubeObject, status: Record<string, unknown>): Promise<void> {
    if (sameStatus(raw.status, status)) return;
    const updated = await this.deps.writer.updateStatus({ ...raw, status });
    raw.metadata = updated.metadata;
    raw.status = updated.status;
  }
}
