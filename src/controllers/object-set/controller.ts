/**
 * (Cluster)ObjectSet reconcile, level-based: read the set, its slices, previous revisions and the
 * live objects; walk the phases in order (stop at the first that does not pass its probes); write
 * only objects that differ and the status only when it changed. Archived or deleted sets tear
 * their objects down in reverse phase order.
 */
import {
  annotations as A,
  conditionTypes as T,
  finalizers as F,
  isStatusConditionTrue,
  labels as L,
  parseObject,
  parseMetadataAndStatus,
  type Condition,
  type ControlledObjectReference,
  type ObjectSetObject,
  type ObjectSetTemplatePhase,
  type RemotePhaseReference,
} from '../../apis/index.js';
import { errorMessage } from '../../errors.js';
import {
  isNotFound,
  splitKey,
  type EventRecorder,
  type KubeObject,
  type KubeReader,
  type RuntimeLogger,
} from '../../kube/index.js';
import { parseProbes, type Prober } from '../../probing/index.js';
import { ParseMemo } from './parse-memo.js';
import type { Result } from '../runtime/controller.js';
import { CollisionError } from './adoption.js';
import { archivalConditions, objectSetConditions, type Outcome } from './conditions.js';
import { reconcilePhase, specObjectRef, teardownPhase, type EngineDeps } from './engine.js';
import type { Owner } from './owner.js';
import { PreflightError } from './preflight.js';
import { coreApiVersion, type ObjectSetScope } from './scope.js';
import { sameStatus } from './status.js';

/** Misconfiguration (preflight, collision) is re-checked after this long, as PKO. */
export const misconfigurationRetryMs = 30_000;
/** While objects are being deleted, check again after this long (events usually come first). */
export const teardownPollMs = 1_000;

export interface ObjectSetDeps extends EngineDeps {
  /** Reads of ObjectSets, ObjectSlices and ObjectSetPhases. */
  apiReader: KubeReader;
  /** Makes the managed cache watch these kinds for `user` (the set's uid); resolves when synced. */
  watchKinds?:
    ((user: string, kinds: { apiVersion: string; kind: string }[]) => Promise<void>) | undefined;
  /** Stops watching for `user`. */
  freeKinds?: ((user: string) => Promise<void>) | undefined;
  events?: EventRecorder | undefined;
  now?: (() => Date) | undefined;
  logger?: RuntimeLogger | undefined;
}

type Phase = ObjectSetTemplatePhase & { objects: ObjectSetObject[] };

export function ownerOf(obj: KubeObject, revision: number): Owner {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata.name ?? '',
    namespace: obj.metadata.namespace || undefined,
    uid: obj.metadata.uid ?? '',
    revision,
    labels: obj.metadata.labels ?? {},
  };
}

function kindsOf(phases: readonly Phase[]): { apiVersion: string; kind: string }[] {
  const seen = new Map<string, { apiVersion: string; kind: string }>();
  for (const p of phases) {
    if (p.class !== undefined && p.class !== '') continue;
    for (const o of p.objects)
      seen.set(`${o.object.apiVersion}|${o.object.kind}`, {
        apiVersion: o.object.apiVersion,
        kind: o.object.kind,
      });
  }
  return [...seen.values()];
}

export class ObjectSetReconciler {
  /**
   * Statuses written that the cache may not show yet (key -> resourceVersion before the write,
   * object after it). A reconcile that reads the old version uses the written one instead of
   * writing the same status again (a 409 at best). Dropped once the cache has moved on; the
   * status write's own watch event brings that reconcile.
   */
  private readonly written = new Map<string, { before: string | undefined; after: KubeObject }>();
  /** Parsed sets by key and resourceVersion (read-only values). */
  private readonly parsed = new ParseMemo(
    (raw: KubeObject) => parseObject(this.scope.objectSetKind, raw),
    (raw: KubeObject) => parseMetadataAndStatus(this.scope.objectSetKind, raw),
  );

  constructor(
    readonly scope: ObjectSetScope,
    private readonly deps: ObjectSetDeps,
  ) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  reconcile = async (key: string): Promise<Result> => {
    const { namespace, name } = splitKey(key);
    const raw = await this.deps.apiReader.get({
      apiVersion: coreApiVersion,
      kind: this.scope.objectSetKind,
      name,
      namespace,
    });
    const w = this.written.get(key);
    if (w !== undefined && raw !== undefined && raw.metadata.resourceVersion === w.before) {
      raw.metadata = { ...raw.metadata, resourceVersion: w.after.metadata.resourceVersion };
      raw.status = w.after.status;
    } else this.written.delete(key);
    if (raw === undefined) {
      this.parsed.forget(key);
      return {};
    }
    const parsed = this.parsed.get(key, raw);
    if (!parsed.ok)
      throw new Error(`invalid ${this.scope.objectSetKind} ${key}: ${parsed.errors.join(', ')}`);
    const os = parsed.value;
    const conditions = os.status?.conditions ?? [];
    if (isStatusConditionTrue(conditions, T.archived)) return {};

    const revision = Number(os.spec.revision ?? 0);
    const owner = ownerOf(raw, revision);
    const deleting = raw.metadata.deletionTimestamp !== undefined;
    const archived = os.spec.lifecycleState === 'Archived';
    const phases = await this.loadPhases(raw, os.spec.phases ?? [], deleting || archived);
    if (deleting || archived)
      return this.teardown(raw, owner, phases, conditions, archived && !deleting);

    await this.ensureFinalizer(raw);
    await this.deps.watchKinds?.(owner.uid, kindsOf(phases));

    const paused = os.spec.lifecycleState === 'Paused';
    const generation = raw.metadata.generation ?? 0;
    const previousOwnerUids = await this.previousOwners(raw, os.spec.previous ?? []);
    const controllerOf: ControlledObjectReference[] = [];
    const mapped: Condition[] = [];
    let remotePhases: RemotePhaseReference[] = [...(os.status?.remotePhases ?? [])];
    let outcome: Outcome = { kind: 'available' };
    let requeueAfter: number | undefined;
    try {
      let prober: Prober;
      try {
        prober = parseProbes(os.spec.availabilityProbes ?? []);
      } catch (err) {
        throw new PreflightError([errorMessage(err)]);
      }
      for (const phase of phases) {
        if (phase.class !== undefined && phase.class !== '') {
          const r = await this.reconcileRemotePhase(raw, owner, phase, os.spec, paused);
          remotePhases = upsertRemote(remotePhases, r.ref);
          controllerOf.push(...r.controllerOf);
          if (r.failure !== undefined) {
            outcome = { kind: 'probeFailure', message: r.failure };
            break;
          }
          continue;
        }
        const res = await reconcilePhase(this.deps, {
          owner,
          generation,
          name: phase.name,
          objects: phase.objects,
          prober,
          previousOwnerUids,
          paused,
        });
        controllerOf.push(...res.controllerOf);
        mapped.push(...res.mapped);
        if (res.probeFailure !== undefined) {
          outcome = { kind: 'probeFailure', message: res.probeFailure };
          break;
        }
      }
    } catch (err) {
      if (err instanceof PreflightError) outcome = { kind: 'preflightError', message: err.message };
      else if (err instanceof CollisionError) outcome = { kind: 'collision', message: err.message };
      else throw err;
      requeueAfter = misconfigurationRetryMs;
    }

    const specObjects = phases.flatMap((p) =>
      p.objects.map((o) => specObjectRef(o.object, owner.namespace)),
    );
    const errored = outcome.kind === 'preflightError' || outcome.kind === 'collision';
    const st = objectSetConditions({
      conditions,
      generation,
      paused,
      successDelaySeconds: os.spec.successDelaySeconds ?? 0,
      specObjects,
      controllerOf,
      outcome,
      mapped,
      now: this.now(),
    });
    if (st.requeueAfterMs !== undefined)
      requeueAfter = Math.min(requeueAfter ?? Infinity, st.requeueAfterMs);

    const prevStatus = (raw.status ?? {}) as Record<string, unknown>;
    const status: Record<string, unknown> = { ...prevStatus, conditions: st.conditions };
    if (os.spec.revision !== undefined) status.revision = os.spec.revision;
    if (!errored) status.controllerOf = controllerOf;
    if (remotePhases.length > 0) status.remotePhases = remotePhases;
    await this.writeStatus(raw, status);
    this.recordTransitions(raw, conditions, st.conditions);
    return requeueAfter === undefined ? {} : { requeueAfter };
  };

  /** Inlines the objects of referenced slices (adding a non-controller owner reference to each). */
  private async loadPhases(
    raw: KubeObject,
    phases: readonly ObjectSetTemplatePhase[],
    leaving: boolean,
  ): Promise<Phase[]> {
    const out: Phase[] = [];
    for (const p of phases) {
      const objects = [...(p.objects ?? [])];
      for (const sliceName of p.slices ?? []) {
        const ref = {
          apiVersion: coreApiVersion,
          kind: this.scope.sliceKind,
          name: sliceName,
          namespace: raw.metadata.namespace,
        };
        const slice = await this.deps.apiReader.get(ref);
        if (slice === undefined) {
          // A set on its way out tears down what it can still name.
          if (leaving) continue;
          throw new Error(
            `getting ${this.scope.sliceKind} ${JSON.stringify(sliceName)}: not found`,
          );
        }
        const parsedSlice = parseObject(this.scope.sliceKind, slice);
        if (!parsedSlice.ok)
          throw new Error(
            `invalid ${this.scope.sliceKind} ${sliceName}: ${parsedSlice.errors.join(', ')}`,
          );
        objects.push(...parsedSlice.value.objects);
        const uid = raw.metadata.uid ?? '';
        if (!leaving && !(slice.metadata.ownerReferences ?? []).some((r) => r.uid === uid)) {
          await this.deps.writer.patch(ref, 'merge', {
            metadata: {
              resourceVersion: slice.metadata.resourceVersion,
              ownerReferences: [
                ...(slice.metadata.ownerReferences ?? []),
                {
                  apiVersion: raw.apiVersion,
                  kind: raw.kind,
                  name: raw.metadata.name ?? '',
                  uid,
                  controller: false,
                },
              ],
            },
          });
        }
      }
      out.push({ ...p, objects });
    }
    return out;
  }

  /** UIDs of `spec.previous` ObjectSets and their remote phases; missing ones are ignored. */
  private async previousOwners(
    raw: KubeObject,
    previous: readonly { name: string }[],
  ): Promise<Set<string>> {
    const uids = new Set<string>();
    for (const p of previous) {
      const prev = await this.deps.apiReader.get({
        apiVersion: coreApiVersion,
        kind: this.scope.objectSetKind,
        name: p.name,
        namespace: raw.metadata.namespace,
      });
      if (prev === undefined) continue;
      if (prev.metadata.uid !== undefined) uids.add(prev.metadata.uid);
      const remotes =
        (prev.status as { remotePhases?: RemotePhaseReference[] } | undefined)?.remotePhases ?? [];
      for (const r of remotes) uids.add(r.uid);
    }
    return uids;
  }

  private async ensureFinalizer(raw: KubeObject): Promise<void> {
    const fins = raw.metadata.finalizers ?? [];
    if (fins.includes(F.cached)) return;
    const updated = await this.deps.writer.patch(
      {
        apiVersion: raw.apiVersion,
        kind: raw.kind,
        name: raw.metadata.name ?? '',
        namespace: raw.metadata.namespace,
      },
      'merge',
      {
        metadata: {
          resourceVersion: raw.metadata.resourceVersion,
          finalizers: [...fins, F.cached],
        },
      },
    );
    raw.metadata = updated.metadata;
  }

  private async teardown(
    raw: KubeObject,
    owner: Owner,
    phases: readonly Phase[],
    conditions: Condition[],
    archiving: boolean,
  ): Promise<Result> {
    const fins = raw.metadata.finalizers ?? [];
    let done = true;
    if (fins.includes(F.cached) && !fins.includes(F.orphan)) {
      for (const phase of [...phases].reverse()) {
        if (phase.class !== undefined && phase.class !== '') {
          done = await this.teardownRemotePhase(raw, phase);
        } else {
          done = await teardownPhase(this.deps, owner, phase.objects);
        }
        if (!done) break;
      }
    }
    const generation = raw.metadata.generation ?? 0;
    if (!done) {
      if (archiving) {
        await this.writeStatus(raw, {
          ...((raw.status ?? {}) as Record<string, unknown>),
          conditions: archivalConditions(conditions, false, generation, this.now()),
        });
      }
      return { requeueAfter: teardownPollMs };
    }
    await this.deps.freeKinds?.(owner.uid);
    if (fins.includes(F.cached)) {
      try {
        const updated = await this.deps.writer.patch(
          {
            apiVersion: raw.apiVersion,
            kind: raw.kind,
            name: raw.metadata.name ?? '',
            namespace: raw.metadata.namespace,
          },
          'merge',
          {
            metadata: {
              resourceVersion: raw.metadata.resourceVersion,
              finalizers: fins.filter((f) => f !== F.cached),
            },
          },
        );
        raw.metadata = updated.metadata;
      } catch (err) {
        if (isNotFound(err)) return {};
        throw err;
      }
    }
    if (archiving) {
      const status = { ...((raw.status ?? {}) as Record<string, unknown>) };
      status.conditions = archivalConditions(conditions, true, generation, this.now());
      delete status.controllerOf;
      await this.writeStatus(raw, status);
      this.deps.events?.event(raw, 'Normal', 'Archived', 'ObjectSet archived, objects torn down');
    }
    return {};
  }

  private async writeStatus(raw: KubeObject, status: Record<string, unknown>): Promise<void> {
    if (sameStatus(raw.status, status)) return;
    try {
      const before = raw.metadata.resourceVersion;
      const updated = await this.deps.writer.updateStatus({ ...raw, status });
      raw.metadata = updated.metadata;
      raw.status = updated.status;
      const ns = raw.metadata.namespace;
      const name = raw.metadata.name ?? '';
      this.written.set(ns ? `${ns}/${name}` : name, {
        before,
        after: { ...raw, metadata: { ...updated.metadata }, status: updated.status },
      });
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
  }

  private recordTransitions(
    raw: KubeObject,
    before: readonly Condition[],
    after: readonly Condition[],
  ): void {
    const ev = this.deps.events;
    if (ev === undefined) return;
    const was = (t: string) => before.find((c) => c.type === t);
    const now = (t: string) => after.find((c) => c.type === t);
    const a = now(T.available);
    const s = now(T.succeeded);
    const succeeded = s?.status === 'True' && was(T.succeeded)?.status !== 'True';
    // Succeeded implies Available: a set that turns both at once (no success delay, the usual
    // rollout) gets the one Succeeded event, not two events per revision.
    if (
      a !== undefined &&
      a.status !== was(T.available)?.status &&
      !(succeeded && a.status === 'True')
    ) {
      ev.event(raw, a.status === 'True' ? 'Normal' : 'Warning', a.reason, a.message);
    }
    if (succeeded && s !== undefined) ev.event(raw, 'Normal', s.reason, s.message);
  }

  // -------------------------------------------------------------------------------------------
  // Remote phases (ObjectSetPhase objects, e.g. class `default`)

  private phaseName(raw: KubeObject, phase: Phase): string {
    return `${raw.metadata.name ?? ''}-${phase.name}`;
  }

  private async reconcileRemotePhase(
    raw: KubeObject,
    owner: Owner,
    phase: Phase,
    spec: { previous?: { name: string }[] | undefined; availabilityProbes?: unknown[] | undefined },
    paused: boolean,
  ): Promise<{
    ref: RemotePhaseReference;
    controllerOf: ControlledObjectReference[];
    failure: string | undefined;
  }> {
    const name = this.phaseName(raw, phase);
    const ref = {
      apiVersion: coreApiVersion,
      kind: this.scope.phaseKind,
      name,
      namespace: raw.metadata.namespace,
    };
    let live = await this.deps.apiReader.get(ref);
    const desiredLabels = { ...(raw.metadata.labels ?? {}), [L.phaseClass]: phase.class ?? '' };
    if (live === undefined) {
      live = await this.deps.writer.create({
        ...ref,
        metadata: {
          name,
          namespace: raw.metadata.namespace,
          labels: desiredLabels,
          annotations: { [A.revision]: String(owner.revision) },
          ownerReferences: [
            {
              apiVersion: raw.apiVersion,
              kind: raw.kind,
              name: raw.metadata.name ?? '',
              uid: owner.uid,
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        spec: {
          paused,
          revision: owner.revision,
          ...(spec.previous !== undefined ? { previous: spec.previous } : {}),
          availabilityProbes: spec.availabilityProbes ?? [],
          objects: phase.objects,
        },
      });
    } else if (((live.spec as { paused?: boolean } | undefined)?.paused ?? false) !== paused) {
      live = await this.deps.writer.patch(ref, 'merge', {
        metadata: { resourceVersion: live.metadata.resourceVersion },
        spec: { paused },
      });
    }
    const st = (live.status ?? {}) as {
      conditions?: Condition[];
      controllerOf?: ControlledObjectReference[];
    };
    const avail = st.conditions?.find((c) => c.type === T.available);
    const current =
      avail !== undefined && (avail.observedGeneration ?? 0) === (live.metadata.generation ?? 0);
    const failure =
      avail?.status === 'True' && current
        ? undefined
        : avail?.message !== undefined && avail.message !== ''
          ? avail.message
          : `Phase ${JSON.stringify(phase.name)} failed: ObjectSetPhase ${name} is not available`;
    return {
      ref: { name, uid: live.metadata.uid ?? '' },
      controllerOf: st.controllerOf ?? [],
      failure,
    };
  }

  private async teardownRemotePhase(raw: KubeObject, phase: Phase): Promise<boolean> {
    const ref = {
      apiVersion: coreApiVersion,
      kind: this.scope.phaseKind,
      name: this.phaseName(raw, phase),
      namespace: raw.metadata.namespace,
    };
    const live = await this.deps.uncached.get(ref);
    if (live === undefined) return true;
    if (live.metadata.deletionTimestamp === undefined) await this.deps.writer.delete(ref);
    return false;
  }
}

function upsertRemote(
  refs: RemotePhaseReference[],
  ref: RemotePhaseReference,
): RemotePhaseReference[] {
  const i = refs.findIndex((r) => r.name === ref.name);
  if (i < 0) return [...refs, ref];
  const out = [...refs];
  out[i] = ref;
  return out;
}
