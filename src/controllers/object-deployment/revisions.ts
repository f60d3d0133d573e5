/**
 * The ObjectSets of a deployment as the deployment steps see them (pure): sorted by revision,
 * split into the current one (hash annotation equals the template hash) and the previous ones.
 */
import {
  annotations as A,
  conditionTypes as T,
  findStatusCondition,
  type Condition,
  type ControlledObjectReference,
} from '../../apis/index.js';
import type { KubeObject } from '../../kube/index.js';
import { specObjectRef } from '../object-set/engine.js';

export interface Revision {
  name: string;
  uid: string;
  revision: number;
  statusRevision: number;
  hash: string | undefined;
  archived: boolean;
  /** `lifecycleState: Paused`. */
  specPaused: boolean;
  /** Paused by the deployment (`Paused` plus the paused-by-parent annotation). */
  pausedByParent: boolean;
  /** `Paused=True` in its status. */
  statusPaused: boolean;
  available: boolean;
  /** Available=True for the current generation. */
  availableCurrent: boolean;
  succeeded: boolean;
  conditions: Condition[];
  /** `status.controllerOf`; undefined while not reported. */
  controllerOf: ControlledObjectReference[] | undefined;
  /** References of every object in its phases. */
  objects: ControlledObjectReference[];
  object: KubeObject;
}

interface ObjectSetLike {
  spec?: {
    revision?: number | bigint;
    lifecycleState?: string;
    phases?: {
      objects?: {
        object: { apiVersion: string; kind: string; metadata?: Record<string, unknown> };
      }[];
    }[];
  };
  status?: {
    revision?: number | bigint;
    conditions?: Condition[];
    controllerOf?: ControlledObjectReference[];
  };
}

export function revisionOf(obj: KubeObject): Revision {
  const o = obj as unknown as ObjectSetLike & KubeObject;
  const conds = o.status?.conditions ?? [];
  const avail = findStatusCondition(conds, T.available);
  const lifecycle = o.spec?.lifecycleState ?? 'Active';
  return {
    name: obj.metadata.name ?? '',
    uid: obj.metadata.uid ?? '',
    revision: Number(o.spec?.revision ?? 0),
    statusRevision: Number(o.status?.revision ?? 0),
    hash: obj.metadata.annotations?.[A.hash],
    archived: lifecycle === 'Archived',
    specPaused: lifecycle === 'Paused',
    pausedByParent:
      lifecycle === 'Paused' && obj.metadata.annotations?.[A.pausedByParent] === 'true',
    statusPaused: findStatusCondition(conds, T.paused)?.status === 'True',
    available: avail?.status === 'True',
    availableCurrent:
      avail?.status === 'True' &&
      (avail.observedGeneration ?? 0) === (obj.metadata.generation ?? 0),
    succeeded: findStatusCondition(conds, T.succeeded)?.status === 'True',
    conditions: conds,
    controllerOf: o.status?.controllerOf,
    objects: (o.spec?.phases ?? []).flatMap((p) =>
      (p.objects ?? []).map((x) => specObjectRef(x.object, obj.metadata.namespace || undefined)),
    ),
    object: obj,
  };
}

export interface Split {
  all: Revision[];
  current: Revision | undefined;
  previous: Revision[];
}

/** Sorted ascending by revision; current is the newest when its hash matches. */
export function splitRevisions(objectSets: readonly KubeObject[], templateHash: string): Split {
  const all = objectSets.map(revisionOf).sort((a, b) => a.revision - b.revision);
  const newest = all[all.length - 1];
  if (newest !== undefined && newest.hash === templateHash) {
    return { all, current: newest, previous: all.slice(0, -1) };
  }
  return { all, current: undefined, previous: all };
}

/** PKO waits until every ObjectSet carries a revision before doing anything. */
export function allRevisioned(all: readonly Revision[]): boolean {
  return all.every((r) => r.revision !== 0 && r.statusRevision !== 0);
}
