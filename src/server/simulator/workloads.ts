/**
 * Workload status rules (kwok-like): what the kube-controller-manager would report for
 * Deployments, StatefulSets, DaemonSets, ReplicaSets and Jobs once their pods run, or, before the
 * configured delay has passed (or with an override annotation), while they are still rolling out.
 * Pure functions of the object, the previous status and the clock.
 */
import { isRecord, type KubeObject } from '../types.js';

export const annotationPrefix = 'simulator.packsync.dev/';
export const neverReady = `${annotationPrefix}never-ready`;
export const progressDeadlineExceeded = `${annotationPrefix}progress-deadline-exceeded`;
export const fail = `${annotationPrefix}fail`;
export const delayAnnotation = `${annotationPrefix}delay-ms`;

export type Status = Record<string, unknown>;

export interface Phase {
  /** The configured delay since this generation was first seen has passed. */
  settled: boolean;
  now: string;
  /** DaemonSet nodes. */
  nodes: number;
}

function flag(obj: KubeObject, key: string): boolean {
  return obj.metadata.annotations?.[key] === 'true';
}

function spec(obj: KubeObject): Record<string, unknown> {
  return isRecord(obj.spec) ? obj.spec : {};
}

function prev(obj: KubeObject): Status {
  return isRecord(obj.status) ? obj.status : {};
}

function num(v: unknown, d: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : d;
}

/** Drops zero counters, as the API's `omitempty` integer fields do. */
function counts(o: Record<string, number>): Status {
  const out: Status = {};
  for (const [k, v] of Object.entries(o)) if (v !== 0) out[k] = v;
  return out;
}

const alphanums = 'bcdfghjklmnpqrstvwxz2456789';

/** FNV-32a of the JSON template, encoded like apimachinery's SafeEncodeString (pod-template-hash). */
export function templateHash(template: unknown): string {
  let h = 0x811c9dc5;
  const s = JSON.stringify(template ?? {});
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i) & 0xff;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return [...String(h)].map((c) => alphanums[c.charCodeAt(0) % alphanums.length]).join('');
}

/** An int-or-percent against a total (maxUnavailable rounds down, maxSurge up). */
function scaled(v: unknown, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d+%$/.test(v)) {
    const x = (Number(v.slice(0, -1)) * total) / 100;
    return roundUp ? Math.ceil(x) : Math.floor(x);
  }
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return 0;
}

interface Cond {
  type: string;
  status: string;
  reason: string;
  message: string;
}

/** Conditions with timestamps kept from the previous status where nothing changed. */
function conditions(
  old: Status,
  next: Cond[],
  now: string,
  withUpdateTime: boolean,
  withProbeTime = false,
): Status[] {
  const before = Array.isArray(old.conditions) ? old.conditions.filter(isRecord) : [];
  return next.map((c) => {
    const o = before.find((b) => b.type === c.type);
    const sameStatus = o?.status === c.status;
    const same = sameStatus && o?.reason === c.reason && o.message === c.message;
    const out: Status = { type: c.type, status: c.status };
    if (withUpdateTime) out.lastUpdateTime = same ? (o.lastUpdateTime ?? now) : now;
    if (withProbeTime) out.lastProbeTime = same ? (o.lastProbeTime ?? now) : now;
    out.lastTransitionTime = sameStatus ? (o.lastTransitionTime ?? now) : now;
    out.reason = c.reason;
    out.message = c.message;
    return out;
  });
}

export function deploymentStatus(obj: KubeObject, ph: Phase): Status {
  const s = spec(obj);
  const old = prev(obj);
  const replicas = num(s.replicas, 1);
  const rs = `${obj.metadata.name ?? ''}-${templateHash(s.template)}`;
  const strategy = isRecord(s.strategy) ? s.strategy : {};
  const ru = isRecord(strategy.rollingUpdate) ? strategy.rollingUpdate : {};
  const maxUnavailable =
    strategy.type === 'Recreate' ? replicas : scaled(ru.maxUnavailable ?? '25%', replicas, false);
  const minAvailable = Math.max(0, replicas - maxUnavailable);
  const broken = flag(obj, neverReady) || flag(obj, progressDeadlineExceeded);
  const done = replicas === 0 || (ph.settled && !broken);
  const available = done
    ? replicas
    : broken
      ? 0
      : Math.min(num(old.availableReplicas, 0), replicas);
  const availableCond: Cond =
    available >= minAvailable
      ? {
          type: 'Available',
          status: 'True',
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
        }
      : {
          type: 'Available',
          status: 'False',
          reason: 'MinimumReplicasUnavailable',
          message: 'Deployment does not have minimum availability.',
        };
  const progressing: Cond =
    s.paused === true
      ? {
          type: 'Progressing',
          status: 'Unknown',
          reason: 'DeploymentPaused',
          message: 'Deployment is paused',
        }
      : done
        ? {
            type: 'Progressing',
            status: 'True',
            reason: 'NewReplicaSetAvailable',
            message: `ReplicaSet "${rs}" has successfully progressed.`,
          }
        : ph.settled && flag(obj, progressDeadlineExceeded)
          ? {
              type: 'Progressing',
              status: 'False',
              reason: 'ProgressDeadlineExceeded',
              message: `ReplicaSet "${rs}" has timed out progressing.`,
            }
          : {
              type: 'Progressing',
              status: 'True',
              reason: 'ReplicaSetUpdated',
              message: `ReplicaSet "${rs}" is progressing.`,
            };
  return {
    observedGeneration: obj.metadata.generation ?? 1,
    ...counts({
      replicas,
      updatedReplicas: replicas,
      readyReplicas: available,
      availableReplicas: available,
      unavailableReplicas: replicas - available,
    }),
    conditions: conditions(old, [availableCond, progressing], ph.now, true),
  };
}

export function statefulSetStatus(obj: KubeObject, ph: Phase): Status {
  const s = spec(obj);
  const old = prev(obj);
  const replicas = num(s.replicas, 1);
  const revision = `${obj.metadata.name ?? ''}-${templateHash(s.template)}`;
  const us = isRecord(s.updateStrategy) ? s.updateStrategy : {};
  const partition = isRecord(us.rollingUpdate) ? num(us.rollingUpdate.partition, 0) : 0;
  const oldRevision = typeof old.currentRevision === 'string' ? old.currentRevision : undefined;
  const partitioned = partition > 0 && oldRevision !== undefined && oldRevision !== revision;
  const updated = partitioned ? Math.max(0, replicas - partition) : replicas;
  const done = replicas === 0 || (ph.settled && !flag(obj, neverReady));
  const ready = done
    ? replicas
    : flag(obj, neverReady)
      ? 0
      : Math.min(num(old.readyReplicas, 0), replicas);
  return {
    observedGeneration: obj.metadata.generation ?? 1,
    replicas,
    ...counts({
      readyReplicas: ready,
      currentReplicas: replicas - (partitioned ? updated : 0),
      updatedReplicas: updated,
      availableReplicas: ready,
    }),
    currentRevision: partitioned ? oldRevision : revision,
    updateRevision: revision,
    collisionCount: 0,
  };
}

export function daemonSetStatus(obj: KubeObject, ph: Phase): Status {
  const desired = ph.nodes;
  const old = prev(obj);
  const done = ph.settled && !flag(obj, neverReady);
  const ready = done
    ? desired
    : flag(obj, neverReady)
      ? 0
      : Math.min(num(old.numberReady, 0), desired);
  return {
    currentNumberScheduled: desired,
    numberMisscheduled: 0,
    desiredNumberScheduled: desired,
    numberReady: ready,
    observedGeneration: obj.metadata.generation ?? 1,
    ...counts({
      updatedNumberScheduled: desired,
      numberAvailable: ready,
      numberUnavailable: desired - ready,
    }),
  };
}

export function replicaSetStatus(obj: KubeObject, ph: Phase): Status {
  const replicas = num(spec(obj).replicas, 1);
  const old = prev(obj);
  const done = replicas === 0 || (ph.settled && !flag(obj, neverReady));
  const ready = done
    ? replicas
    : flag(obj, neverReady)
      ? 0
      : Math.min(num(old.readyReplicas, 0), replicas);
  return {
    replicas,
    ...counts({ fullyLabeledReplicas: replicas, readyReplicas: ready, availableReplicas: ready }),
    observedGeneration: obj.metadata.generation ?? 1,
  };
}

const completionsReached = 'Reached expected number of succeeded pods';
const backoff = 'Job has reached the specified backoff limit';

export function jobStatus(obj: KubeObject, ph: Phase): Status {
  const s = spec(obj);
  const old = prev(obj);
  const conds = Array.isArray(old.conditions) ? old.conditions.filter(isRecord) : [];
  // A finished Job keeps its status.
  if (conds.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True'))
    return old;
  if (s.suspend === true) {
    return {
      conditions: conditions(
        old,
        [{ type: 'Suspended', status: 'True', reason: 'JobSuspended', message: 'Job suspended' }],
        ph.now,
        false,
        true,
      ),
    };
  }
  const startTime = typeof old.startTime === 'string' ? old.startTime : ph.now;
  const completions = num(s.completions, 1);
  const parallelism = num(s.parallelism, 1);
  if (!ph.settled || flag(obj, neverReady)) {
    return {
      startTime,
      active: Math.max(1, Math.min(parallelism, completions)),
      terminating: 0,
      uncountedTerminatedPods: {},
      ready: 0,
    };
  }
  if (flag(obj, fail)) {
    return {
      conditions: conditions(
        old,
        [
          {
            type: 'FailureTarget',
            status: 'True',
            reason: 'BackoffLimitExceeded',
            message: backoff,
          },
          { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: backoff },
        ],
        ph.now,
        false,
        true,
      ),
      startTime,
      failed: num(s.backoffLimit, 6) + 1,
      terminating: 0,
      uncountedTerminatedPods: {},
      ready: 0,
    };
  }
  return {
    conditions: conditions(
      old,
      [
        {
          type: 'SuccessCriteriaMet',
          status: 'True',
          reason: 'CompletionsReached',
          message: completionsReached,
        },
        {
          type: 'Complete',
          status: 'True',
          reason: 'CompletionsReached',
          message: completionsReached,
        },
      ],
      ph.now,
      false,
      true,
    ),
    startTime,
    completionTime: ph.now,
    succeeded: completions,
    terminating: 0,
    uncountedTerminatedPods: {},
    ready: 0,
  };
}

/** Status rules by resource key (`<group>/<plural>`). */
export const workloadRules: Readonly<Record<string, (obj: KubeObject, ph: Phase) => Status>> = {
  'apps/deployments': deploymentStatus,
  'apps/statefulsets': statefulSetStatus,
  'apps/daemonsets': daemonSetStatus,
  'apps/replicasets': replicaSetStatus,
  'batch/jobs': jobStatus,
};
