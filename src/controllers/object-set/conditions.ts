/**
 * ObjectSet (and ObjectSetPhase) status conditions from a reconcile outcome (pure), with PKO's
 * types, reasons and messages. Unlike PKO, a pending `successDelaySeconds` yields a requeue time so
 * `Succeeded` turns True without any other event.
 */
import {
  conditionReasons as R,
  conditionTypes as T,
  findStatusCondition,
  isMappedConditionType,
  removeStatusCondition,
  setStatusCondition,
  type Condition,
  type ControlledObjectReference,
} from '../../apis/index.js';

export const messages = {
  available: 'Object is available and passes all probes.',
  succeeded: 'ObjectSet rolled out all objects successfully and was Available at least once.',
  inTransition: 'ObjectSet is still rolling out or is being replaced by a newer version.',
  paused: 'Lifecycle state set to paused.',
  archivalInProgress: 'Object teardown in progress.',
} as const;

/** How the phases went. */
export type Outcome =
  | { kind: 'available' }
  | { kind: 'probeFailure'; message: string }
  | { kind: 'preflightError'; message: string }
  | { kind: 'collision'; message: string };

export interface StatusInput {
  conditions: readonly Condition[] | undefined;
  generation: number;
  paused: boolean;
  successDelaySeconds: number;
  /** Every object of the spec, namespace defaulted (for InTransition). */
  specObjects: readonly ControlledObjectReference[];
  controllerOf: readonly ControlledObjectReference[];
  outcome: Outcome;
  /** Mapped (`prefix/Type`) conditions gathered from the objects this reconcile. */
  mapped?: readonly Condition[] | undefined;
  now: Date;
}

export interface StatusResult {
  conditions: Condition[];
  /** Re-check after this many milliseconds (the success delay is running). */
  requeueAfterMs?: number | undefined;
}

const refKey = (r: ControlledObjectReference): string =>
  `${r.group}/${r.kind}/${r.namespace ?? ''}/${r.name}`;

/**
 * True while some spec object is not in `controllerOf`. A controlled reference without a namespace
 * matches a spec object of the same group, kind and name in any namespace (cluster-scoped objects).
 */
export function isInTransition(
  specObjects: readonly ControlledObjectReference[],
  controllerOf: readonly ControlledObjectReference[],
): boolean {
  const pending = new Map(specObjects.map((r) => [refKey(r), r]));
  for (const c of controllerOf) {
    if (pending.delete(refKey(c))) continue;
    if (c.namespace === undefined || c.namespace === '') {
      for (const [k, r] of pending) {
        if (r.group === c.group && r.kind === c.kind && r.name === c.name) {
          pending.delete(k);
          break;
        }
      }
    }
  }
  return pending.size > 0;
}

export function objectSetConditions(input: StatusInput): StatusResult {
  const { generation: observedGeneration, now } = input;
  let conds: Condition[] = (input.conditions ?? []).filter((c) => !isMappedConditionType(c.type));
  for (const m of input.mapped ?? []) conds = setStatusCondition(conds, m, now);
  let requeueAfterMs: number | undefined;

  const inTransition = isInTransition(input.specObjects, input.controllerOf);
  if (input.outcome.kind === 'available' || input.outcome.kind === 'probeFailure') {
    conds = inTransition
      ? setStatusCondition(
          conds,
          {
            type: T.inTransition,
            status: 'True',
            reason: R.inTransition,
            message: messages.inTransition,
            observedGeneration,
          },
          now,
        )
      : removeStatusCondition(conds, T.inTransition);
  }

  switch (input.outcome.kind) {
    case 'available': {
      conds = setStatusCondition(
        conds,
        {
          type: T.available,
          status: 'True',
          reason: R.available,
          message: messages.available,
          observedGeneration,
        },
        now,
      );
      const avail = findStatusCondition(conds, T.available);
      const succeeded = findStatusCondition(conds, T.succeeded)?.status === 'True';
      if (!succeeded && !inTransition && avail !== undefined) {
        const delayMs = input.successDelaySeconds * 1000;
        const target = Date.parse(avail.lastTransitionTime) + delayMs;
        if (delayMs === 0 || now.getTime() > target) {
          conds = setStatusCondition(
            conds,
            {
              type: T.succeeded,
              status: 'True',
              reason: R.rolloutSuccess,
              message: messages.succeeded,
              observedGeneration,
            },
            now,
          );
        } else {
          requeueAfterMs = Math.max(target - now.getTime(), 0) + 1;
        }
      }
      break;
    }
    case 'probeFailure':
      conds = setStatusCondition(
        conds,
        {
          type: T.available,
          status: 'False',
          reason: R.probeFailure,
          message: input.outcome.message,
          observedGeneration,
        },
        now,
      );
      break;
    case 'preflightError':
      conds = setStatusCondition(
        conds,
        {
          type: T.available,
          status: 'False',
          reason: R.preflightError,
          message: input.outcome.message,
          observedGeneration,
        },
        now,
      );
      break;
    case 'collision':
      conds = setStatusCondition(
        conds,
        {
          type: T.available,
          status: 'False',
          reason: R.collisionDetected,
          message: input.outcome.message,
          observedGeneration,
        },
        now,
      );
      break;
  }

  conds = pausedCondition(conds, input.paused, observedGeneration, now);
  return { conditions: conds, requeueAfterMs };
}

export function pausedCondition(
  conds: readonly Condition[],
  paused: boolean,
  observedGeneration: number,
  now: Date,
): Condition[] {
  return paused
    ? setStatusCondition(
        conds,
        {
          type: T.paused,
          status: 'True',
          reason: R.paused,
          message: messages.paused,
          observedGeneration,
        },
        now,
      )
    : removeStatusCondition(conds, T.paused);
}

/** Conditions while tearing down for archival (`done` = nothing is left). Available is removed. */
export function archivalConditions(
  conditions: readonly Condition[] | undefined,
  done: boolean,
  observedGeneration: number,
  now: Date,
): Condition[] {
  const conds = removeStatusCondition(conditions, T.available);
  return setStatusCondition(
    conds,
    done
      ? { type: T.archived, status: 'True', reason: R.archived, message: '', observedGeneration }
      : {
          type: T.archived,
          status: 'False',
          reason: R.archivalInProgress,
          message: messages.archivalInProgress,
          observedGeneration,
        },
    now,
  );
}
