/**
 * ObjectDeployment status (pure): Available / Progressing / Paused with PKO's reasons and
 * messages, `status.revision`, `controllerOf`, the mapped conditions of the current revision, and
 * the printable phase.
 */
import {
  conditionReasons as R,
  conditionTypes as T,
  findStatusCondition,
  isMappedConditionType,
  objectDeploymentPhase,
  removeStatusCondition,
  setStatusCondition,
  type Condition,
  type ConditionInput,
  type ControlledObjectReference,
} from '../../apis/index.js';
import type { Revision } from './revisions.js';

export const messages = {
  progressing: 'Progressing to a new ObjectSet.',
  idle: 'Update concluded.',
  statusUnknown: 'Latest Revision Status Unknown',
  pendingSuccess: 'Latest Revision is Available: pending success delay period',
  latestAvailable: 'Latest Revision is Available.',
  noneAvailable: 'No ObjectSet is available.',
} as const;

export interface DeploymentStatusInput {
  conditions: readonly Condition[] | undefined;
  generation: number;
  current: Revision | undefined;
  /** Ascending by revision. */
  previous: readonly Revision[];
  objectSetKind: string;
  objectSetGroup: string;
  now: Date;
}

export interface DeploymentStatus {
  conditions: Condition[];
  revision: number | undefined;
  controllerOf: ControlledObjectReference[] | undefined;
  phase: ReturnType<typeof objectDeploymentPhase>;
}

function fromPrevious(previous: readonly Revision[], observedGeneration: number): ConditionInput {
  const found = previous.find((p) => p.availableCurrent);
  return found === undefined
    ? {
        type: T.available,
        status: 'False',
        reason: R.objectSetUnready,
        message: messages.noneAvailable,
        observedGeneration,
      }
    : {
        type: T.available,
        status: 'True',
        reason: R.available,
        message: `Previous Revision '${found.name}' is still Available.`,
        observedGeneration,
      };
}

export function deploymentStatus(input: DeploymentStatusInput): DeploymentStatus {
  const { generation: observedGeneration, now, current, previous } = input;
  let conds: Condition[] = [...(input.conditions ?? [])];
  const set = (c: ConditionInput): void => {
    conds = setStatusCondition(conds, c, now);
  };
  let revision: number | undefined;
  let controllerOf: ControlledObjectReference[] | undefined;
  const ref = (r: Revision): ControlledObjectReference => ({
    kind: input.objectSetKind,
    group: input.objectSetGroup,
    name: r.name,
    ...(r.object.metadata.namespace ? { namespace: r.object.metadata.namespace } : {}),
  });

  if (current === undefined) {
    set({
      type: T.progressing,
      status: 'True',
      reason: R.progressing,
      message: messages.progressing,
      observedGeneration,
    });
    set(fromPrevious(previous, observedGeneration));
    const newest = previous[previous.length - 1];
    if (newest !== undefined) revision = newest.revision;
  } else {
    revision = current.revision;
    conds = conds.filter((c) => !isMappedConditionType(c.type));
    for (const c of current.conditions) {
      if (!isMappedConditionType(c.type)) continue;
      if ((c.observedGeneration ?? 0) !== (current.object.metadata.generation ?? 0)) continue;
      set({ ...c, observedGeneration });
    }
    if (!current.succeeded) {
      const avail = findStatusCondition(current.conditions, T.available);
      let msg: string = messages.statusUnknown;
      if (avail !== undefined) {
        if (avail.status === 'False') {
          set(fromPrevious(previous, observedGeneration));
          msg = `Latest Revision is Unavailable: ${avail.message}`;
        } else msg = messages.pendingSuccess;
      }
      set({
        type: T.progressing,
        status: 'True',
        reason: R.latestRevisionPendingSuccess,
        message: msg,
        observedGeneration,
      });
    } else {
      set({
        type: T.progressing,
        status: 'False',
        reason: R.idle,
        message: messages.idle,
        observedGeneration,
      });
      if (!current.available) {
        set(fromPrevious(previous, observedGeneration));
      } else {
        set({
          type: T.available,
          status: 'True',
          reason: R.available,
          message: messages.latestAvailable,
          observedGeneration,
        });
        controllerOf = [...previous, current].map(ref);
      }
    }
    const paused = findStatusCondition(current.conditions, T.paused);
    if (paused?.status === 'True') {
      set({
        type: T.paused,
        status: 'True',
        reason: R.paused,
        message: `Latest revision is paused: ${paused.message}`,
        observedGeneration,
      });
    } else conds = removeStatusCondition(conds, T.paused);
  }
  return { conditions: conds, revision, controllerOf, phase: objectDeploymentPhase(conds) };
}
