/**
 * GitSync status decisions (pure): the Ready / Reconciling / Stalled conditions for the outcome of
 * a sync, with the rollout state read from the ObjectDeployment, and the revision mirrored.
 *
 *   refused (ValidationFailed, RenderFailed) -> Ready=False, Stalled=True: the last good revision
 *     keeps running; stays so until a commit (or spec) that works
 *   fetch failed -> Ready=False, Reconciling=True (retrying with backoff), or Stalled=True when only
 *     a user can fix it (auth, ref or path not found, too large)
 *   applied -> Ready=True/Synced once the OD's latest revision is Available and settled, else
 *     Ready=False/Progressing and Reconciling=True
 */
import {
  conditionTypes as T,
  findStatusCondition,
  gitSyncReasons as R,
  removeStatusCondition,
  setStatusCondition,
  type Condition,
} from '../../apis/index.js';
import type { KubeObject } from '../../kube/index.js';
import { shortSha } from './desired.js';

export type RefusedReason = typeof R.validationFailed | typeof R.renderFailed;

export type SyncOutcome =
  | { kind: 'applied'; commit: string }
  | { kind: 'refused'; reason: RefusedReason; commit: string; message: string }
  | { kind: 'fetch-failed'; message: string; stalled: boolean; retryInMs: number }
  | { kind: 'suspended' }
  /** Nothing new since a refused commit: its conditions stay as they are. */
  | { kind: 'kept' };

/** Reasons of a Ready condition that records a refused commit (kept until a good one). */
export const refusedReasons: readonly string[] = [R.validationFailed, R.renderFailed];

interface OdCondition extends Condition {
  observedGeneration?: number;
}

export interface RolloutState {
  /** The OD's latest revision is Available and the rollout concluded. */
  done: boolean;
  /** `status.revision` of the OD. */
  revision: number | undefined;
  message: string;
}

/** Where the ObjectDeployment's rollout stands (conditions of an older OD generation are stale). */
export function rolloutState(od: KubeObject | undefined): RolloutState {
  if (od === undefined) {
    return { done: false, revision: undefined, message: 'waiting for the ObjectDeployment' };
  }
  const st = (od.status ?? {}) as { conditions?: OdCondition[]; revision?: unknown };
  const revision = typeof st.revision === 'number' ? st.revision : undefined;
  const gen = od.metadata.generation ?? 0;
  const current = (type: string) =>
    st.conditions?.find((c) => c.type === type && c.observedGeneration === gen);
  const available = current(T.available);
  const progressing = current(T.progressing);
  if (available === undefined || progressing === undefined) {
    return { done: false, revision, message: 'waiting for the ObjectDeployment to observe it' };
  }
  if (available.status === 'True' && progressing.status === 'False') {
    return { done: true, revision, message: available.message };
  }
  const msg = progressing.status === 'True' ? progressing.message : available.message;
  return { done: false, revision, message: msg };
}

/** The conditions after a sync's outcome; `rollout` only matters when the commit was applied. */
export function syncConditions(
  conditions: readonly Condition[],
  outcome: SyncOutcome,
  rollout: RolloutState,
  generation: number,
  now: Date,
): Condition[] {
  let list = [...conditions];
  const set = (type: string, status: 'True' | 'False', reason: string, message: string) => {
    list = setStatusCondition(
      list,
      { type, status, reason, message, observedGeneration: generation },
      now,
    );
  };
  const drop = (type: string) => {
    list = removeStatusCondition(list, type);
  };
  switch (outcome.kind) {
    case 'kept':
      break;
    case 'suspended':
      drop(T.reconciling);
      break;
    case 'fetch-failed':
      set(T.ready, 'False', R.fetchFailed, outcome.message);
      if (outcome.stalled) {
        set(T.stalled, 'True', R.fetchFailed, outcome.message);
        drop(T.reconciling);
      } else {
        drop(T.stalled);
        set(
          T.reconciling,
          'True',
          R.fetchFailed,
          `retrying in ${Math.round(outcome.retryInMs / 1000)}s`,
        );
      }
      break;
    case 'refused': {
      const msg = `commit ${shortSha(outcome.commit)} refused, the last good revision keeps running: ${outcome.message}`;
      set(T.ready, 'False', outcome.reason, msg);
      set(T.stalled, 'True', outcome.reason, msg);
      drop(T.reconciling);
      break;
    }
    case 'applied': {
      drop(T.stalled);
      const rev = rollout.revision === undefined ? '' : ` (revision ${rollout.revision})`;
      const head = `commit ${shortSha(outcome.commit)}${rev}`;
      if (rollout.done) {
        set(T.ready, 'True', R.synced, `${head} is Available: ${rollout.message}`);
        drop(T.reconciling);
      } else {
        set(T.ready, 'False', R.progressing, `${head} is rolling out: ${rollout.message}`);
        set(T.reconciling, 'True', R.progressing, `${head} is rolling out: ${rollout.message}`);
      }
      break;
    }
  }
  return list;
}

/** The Ready condition records a refused commit. */
export function isRefused(conditions: readonly Condition[] | undefined): boolean {
  const ready = findStatusCondition(conditions, T.ready);
  return ready !== undefined && refusedReasons.includes(ready.reason);
}
