/**
 * (Cluster)ObjectSetPhase reconcile for `class: default` (the in-manager phase controller): the
 * same phase engine as ObjectSets, with the phase object as owner. Phases of other classes belong
 * to out-of-tree controllers and are ignored.
 */
import {
  conditionTypes as T,
  finalizers as F,
  labels as L,
  parseObject,
  type Condition,
  type RemotePhaseReference,
} from '../../apis/index.js';
import { errorMessage } from '../../errors.js';
import { isNotFound, splitKey, type KubeReader } from '../../kube/index.js';
import { parseProbes } from '../../probing/index.js';
import type { Result } from '../runtime/controller.js';
import { CollisionError } from '../object-set/adoption.js';
import { objectSetConditions, type Outcome } from '../object-set/conditions.js';
import { ownerOf } from '../object-set/controller.js';
import { reconcilePhase, teardownPhase, type EngineDeps } from '../object-set/engine.js';
import { PreflightError } from '../object-set/preflight.js';
import { coreApiVersion, type ObjectSetScope } from '../object-set/scope.js';
import { sameStatus } from '../object-set/status.js';

export const defaultPhaseClass = 'default';

export interface ObjectSetPhaseDeps extends EngineDeps {
  apiReader: KubeReader;
  watchKinds?:
    ((user: string, kinds: { apiVersion: string; kind: string }[]) => Promise<void>) | undefined;
  freeKinds?: ((user: string) => Promise<void>) | undefined;
  now?: (() => Date) | undefined;
}

export class ObjectSetPhaseReconciler {
  constructor(
    readonly scope: ObjectSetScope,
    private readonly deps: ObjectSetPhaseDeps,
    readonly phaseClass: string = defaultPhaseClass,
  ) {}

  reconcile = async (key: string): Promise<Result> => {
    const { namespace, name } = splitKey(key);
    const raw = await this.deps.apiReader.get({
      apiVersion: coreApiVersion,
      kind: this.scope.phaseKind,
      name,
      namespace,
    });
    if (raw === undefined) return {};
    if (raw.metadata.labels?.[L.phaseClass] !== this.phaseClass) return {};
    const parsed = parseObject(this.scope.phaseKind, raw);
    if (!parsed.ok)
      throw new Error(`invalid ${this.scope.phaseKind} ${key}: ${parsed.errors.join(', ')}`);
    const phase = parsed.value;
    const owner = ownerOf(raw, Number(phase.spec.revision));
    const objects = phase.spec.objects;
    const fins = raw.metadata.finalizers ?? [];
    const ref = { apiVersion: raw.apiVersion, kind: raw.kind, name, namespace };

    if (raw.metadata.deletionTimestamp !== undefined) {
      if (fins.includes(F.cached) && !fins.includes(F.orphan)) {
        if (!(await teardownPhase(this.deps, owner, objects))) return { requeueAfter: 1000 };
      }
      await this.deps.freeKinds?.(owner.uid);
      if (fins.includes(F.cached)) {
        try {
          await this.deps.writer.patch(ref, 'merge', {
            metadata: {
              resourceVersion: raw.metadata.resourceVersion,
              finalizers: fins.filter((f) => f !== F.cached),
            },
          });
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
      return {};
    }
    if (!fins.includes(F.cached)) {
      const updated = await this.deps.writer.patch(ref, 'merge', {
        metadata: {
          resourceVersion: raw.metadata.resourceVersion,
          finalizers: [...fins, F.cached],
        },
      });
      raw.metadata = updated.metadata;
    }
    const kinds = new Map(
      objects.map((o) => [
        `${o.object.apiVersion}|${o.object.kind}`,
        { apiVersion: o.object.apiVersion, kind: o.object.kind },
      ]),
    );
    await this.deps.watchKinds?.(owner.uid, [...kinds.values()]);

    const previousOwnerUids = new Set<string>();
    for (const p of phase.spec.previous ?? []) {
      const prev = await this.deps.apiReader.get({
        apiVersion: coreApiVersion,
        kind: this.scope.objectSetKind,
        name: p.name,
        namespace,
      });
      if (prev === undefined) continue;
      if (prev.metadata.uid !== undefined) previousOwnerUids.add(prev.metadata.uid);
      for (const r of (prev.status as { remotePhases?: RemotePhaseReference[] } | undefined)
        ?.remotePhases ?? [])
        previousOwnerUids.add(r.uid);
    }

    const generation = raw.metadata.generation ?? 0;
    let outcome: Outcome = { kind: 'available' };
    let controllerOf: NonNullable<Awaited<ReturnType<typeof reconcilePhase>>>['controllerOf'] = [];
    let mapped: Condition[] = [];
    let requeueAfter: number | undefined;
    try {
      let prober;
      try {
        prober = parseProbes(phase.spec.availabilityProbes ?? []);
      } catch (err) {
        throw new PreflightError([errorMessage(err)]);
      }
      const res = await reconcilePhase(this.deps, {
        owner,
        generation,
        name: raw.metadata.name ?? '',
        objects,
        prober,
        previousOwnerUids,
        paused: phase.spec.paused === true,
        remote: true,
      });
      controllerOf = res.controllerOf;
      mapped = res.mapped;
      if (res.probeFailure !== undefined)
        outcome = { kind: 'probeFailure', message: res.probeFailure };
    } catch (err) {
      if (err instanceof PreflightError) outcome = { kind: 'preflightError', message: err.message };
      else if (err instanceof CollisionError) outcome = { kind: 'collision', message: err.message };
      else throw err;
      requeueAfter = 30_000;
    }
    const st = objectSetConditions({
      conditions: phase.status?.conditions ?? [],
      generation,
      paused: phase.spec.paused === true,
      successDelaySeconds: 0,
      specObjects: [],
      controllerOf,
      outcome,
      mapped,
      now: this.deps.now?.() ?? new Date(),
    });
    // Phases report Available (and Paused) only.
    const conditions = st.conditions.filter(
      (c) => c.type !== T.succeeded && c.type !== T.inTransition,
    );
    const status: Record<string, unknown> = {
      ...((raw.status ?? {}) as Record<string, unknown>),
      conditions,
    };
    if (requeueAfter === undefined) status.controllerOf = controllerOf;
    if (!sameStatus(raw.status, status)) {
      await this.deps.writer.updateStatus({ ...raw, status });
    }
    return requeueAfter === undefined ? {} : { requeueAfter };
  };
}
