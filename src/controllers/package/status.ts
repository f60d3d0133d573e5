/**
 * Package status decisions: the Unpacked / Invalid outcome of a reconcile, and the conditions and
 * revision mirrored from the ObjectDeployment. Pure.
 */
import {
  conditionReasons as R,
  conditionTypes as T,
  findStatusCondition,
  isMappedConditionType,
  packagePhase,
  removeStatusCondition,
  setStatusCondition,
  type Condition,
  type PackagePhase,
} from '../../apis/index.js';
import type { KubeObject } from '../../kube/index.js';

export type UnpackOutcome =
  | { kind: 'unpacked'; hash: string }
  | { kind: 'already-unpacked' }
  | { kind: 'pull-failed'; message: string }
  | { kind: 'invalid'; message: string }
  | { kind: 'paused' };

export interface PackageStatusFields {
  conditions: Condition[];
  unpackedHash?: string;
  revision?: number;
  phase: PackagePhase;
}

/** Unpacked / Invalid for an outcome; `unpackedHash` only moves on success. */
export function unpackConditions(
  conditions: readonly Condition[],
  outcome: UnpackOutcome,
  generation: number,
  now: Date,
): Condition[] {
  const set = (type: string, status: 'True' | 'False', reason: string, message: string) =>
    setStatusCondition(
      list,
      { type, status, reason, message, observedGeneration: generation },
      now,
    );
  let list = [...conditions];
  switch (outcome.kind) {
    case 'unpacked':
      list = removeStatusCondition(list, T.invalid);
      list = set(T.unpacked, 'True', R.unpackSuccess, 'Unpack job succeeded');
      break;
    case 'already-unpacked': {
      const u = findStatusCondition(list, T.unpacked);
      if (u !== undefined && u.status !== 'True')
        list = set(T.unpacked, 'True', R.alreadyUnpacked, 'Image already unpacked');
      break;
    }
    case 'pull-failed':
      list = set(T.unpacked, 'False', R.imagePullBackOff, outcome.message);
      break;
    case 'invalid':
      list = set(T.invalid, 'True', R.loadError, outcome.message);
      break;
    case 'paused':
      break;
  }
  return list;
}

interface OdCondition extends Condition {
  observedGeneration?: number;
}

/**
 * Available, Progressing and Paused (when True) copied from the OD when the OD condition's
 * observedGeneration matches the OD generation; mapped (`prefix/Type`) conditions copied too.
 */
export function mirrorDeployment(
  conditions: readonly Condition[],
  od: KubeObject | undefined,
  generation: number,
  now: Date,
): { conditions: Condition[]; revision: number | undefined } {
  let list = [...conditions];
  if (od === undefined) return { conditions: list, revision: undefined };
  const st = (od.status ?? {}) as { conditions?: OdCondition[]; revision?: number };
  const odGen = od.metadata.generation ?? 0;
  const current = (c: OdCondition) => c.observedGeneration === odGen;
  const copy = (c: OdCondition) =>
    setStatusCondition(
      list,
      {
        type: c.type,
        status: c.status,
        reason: c.reason,
        message: c.message,
        observedGeneration: generation,
      },
      now,
    );
  for (const type of [T.available, T.progressing]) {
    const c = st.conditions?.find((x) => x.type === type);
    if (c !== undefined && current(c)) list = copy(c);
  }
  const paused = st.conditions?.find((x) => x.type === T.paused);
  if (paused !== undefined && paused.status === 'True' && current(paused)) list = copy(paused);
  else list = removeStatusCondition(list, T.paused);
  for (const c of st.conditions ?? []) if (isMappedConditionType(c.type)) list = copy(c);
  return { conditions: list, revision: typeof st.revision === 'number' ? st.revision : undefined };
}

export function phaseOf(conditions: readonly Condition[]): PackagePhase {
  return packagePhase(conditions);
}
