/**
 * Condition types, reasons and status phases used by the Package Operator kinds and by GitSync, as
 * `as const` unions. The reasons are Package Operator's own (kept verbatim, clients match on them).
 */
import type { Condition } from './meta.js';

export const conditionTypes = {
  available: 'Available',
  progressing: 'Progressing',
  unpacked: 'Unpacked',
  invalid: 'Invalid',
  paused: 'Paused',
  succeeded: 'Succeeded',
  archived: 'Archived',
  inTransition: 'InTransition',
  /** ObjectTemplate's only condition type. */
  objectTemplateInvalid: 'package-operator.run/Invalid',
  // GitSync (kstatus-style)
  ready: 'Ready',
  reconciling: 'Reconciling',
  stalled: 'Stalled',
} as const;
export type ConditionType = (typeof conditionTypes)[keyof typeof conditionTypes];

/** A mapped condition (`prefix/Type`, from a condition-map annotation) is recognised by its `/`. */
export function isMappedConditionType(type: string): boolean {
  return type.includes('/');
}

export const conditionReasons = {
  // Available
  available: 'Available',
  probeFailure: 'ProbeFailure',
  preflightError: 'PreflightError',
  collisionDetected: 'CollisionDetected',
  objectSetUnready: 'ObjectSetUnready',
  // Progressing
  progressing: 'Progressing',
  latestRevisionPendingSuccess: 'LatestRevisionPendingSuccess',
  idle: 'Idle',
  // Succeeded
  rolloutSuccess: 'RolloutSuccess',
  // InTransition
  inTransition: 'InTransition',
  // Paused
  paused: 'Paused',
  partiallyPaused: 'PartiallyPaused',
  // Archived
  archivalInProgress: 'ArchivalInProgress',
  archived: 'Archived',
  // Unpacked
  unpackSuccess: 'UnpackSuccess',
  alreadyUnpacked: 'AlreadyUnpacked',
  imagePullBackOff: 'ImagePullBackOff',
  // Invalid
  loadError: 'LoadError',
  constraintsFailed: 'ConstraintsFailed',
  sourceError: 'SourceError',
  templateError: 'TemplateError',
} as const;
export type ConditionReason = (typeof conditionReasons)[keyof typeof conditionReasons];

/** Reasons of GitSync's Ready / Reconciling / Stalled conditions. */
export const gitSyncReasons = {
  fetchFailed: 'FetchFailed',
  validationFailed: 'ValidationFailed',
  renderFailed: 'RenderFailed',
  progressing: 'Progressing',
  synced: 'Synced',
  suspended: 'Suspended',
} as const;
export type GitSyncReason = (typeof gitSyncReasons)[keyof typeof gitSyncReasons];

/** `status.phase` of (Cluster)Packages: a printable summary of the conditions. */
export const packagePhases = [
  'Pending',
  'Available',
  'Progressing',
  'Unpacking',
  'NotReady',
  'Invalid',
  'Paused',
] as const;
export type PackagePhase = (typeof packagePhases)[number];

/** `status.phase` of (Cluster)ObjectDeployments. */
export const objectDeploymentPhases = [
  'Pending',
  'Available',
  'NotReady',
  'Progressing',
  'Paused',
] as const;
export type ObjectDeploymentPhase = (typeof objectDeploymentPhases)[number];

interface ConditionLike {
  type: string;
  status: string;
}

function statusOf(
  conditions: readonly ConditionLike[] | undefined,
  type: string,
): string | undefined {
  return conditions?.find((c) => c.type === type)?.status;
}

/**
 * The phase a Package shows for its conditions: Invalid, then Paused, then Unpacking (not unpacked
 * yet), Progressing, Available, else NotReady (Package Operator's order, plus Paused).
 */
export function packagePhase(conditions: readonly ConditionLike[] | undefined): PackagePhase {
  if (statusOf(conditions, conditionTypes.invalid) === 'True') return 'Invalid';
  if (statusOf(conditions, conditionTypes.paused) === 'True') return 'Paused';
  if (statusOf(conditions, conditionTypes.unpacked) === undefined) return 'Unpacking';
  if (statusOf(conditions, conditionTypes.progressing) === 'True') return 'Progressing';
  if (statusOf(conditions, conditionTypes.available) === 'True') return 'Available';
  return 'NotReady';
}

/**
 * The phase an ObjectDeployment shows: Paused, then Progressing while a rollout is under way, then
 * Available=True -> Available, Available=False -> NotReady, else Progressing.
 */
export function objectDeploymentPhase(
  conditions: readonly ConditionLike[] | undefined,
): ObjectDeploymentPhase {
  if (statusOf(conditions, conditionTypes.paused) === 'True') return 'Paused';
  if (statusOf(conditions, conditionTypes.progressing) === 'True') return 'Progressing';
  const available = statusOf(conditions, conditionTypes.available);
  if (available === 'True') return 'Available';
  if (available === 'False') return 'NotReady';
  return 'Progressing';
}

// ---------------------------------------------------------------------------------------------------
// Condition list helpers (the semantics of apimachinery's meta.SetStatusCondition & co.)

/** A condition to set: `lastTransitionTime` is managed by `setStatusCondition`. */
export type ConditionInput = Omit<Condition, 'lastTransitionTime'> & {
  lastTransitionTime?: string;
};

export function findStatusCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

export function isStatusConditionTrue(
  conditions: readonly Condition[] | undefined,
  type: string,
): boolean {
  return findStatusCondition(conditions, type)?.status === 'True';
}

/**
 * Returns `conditions` with `input` set: a new type is appended; an existing one is updated in place,
 * keeping its `lastTransitionTime` unless the status changes (then it becomes `input`'s or `now`).
 * Never mutates its arguments.
 */
export function setStatusCondition(
  conditions: readonly Condition[] | undefined,
  input: ConditionInput,
  now: Date,
): Condition[] {
  const list = [...(conditions ?? [])];
  const stamp = input.lastTransitionTime ?? rfc3339Seconds(now);
  const i = list.findIndex((c) => c.type === input.type);
  const existing = list[i];
  if (existing === undefined) {
    list.push({ ...input, lastTransitionTime: stamp });
    return list;
  }
  const changed = existing.status !== input.status;
  const next: Condition = {
    ...input,
    lastTransitionTime: changed ? stamp : existing.lastTransitionTime,
  };
  if (input.observedGeneration === undefined) delete next.observedGeneration;
  list[i] = next;
  return list;
}

/** Returns `conditions` without the condition of `type`. */
export function removeStatusCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition[] {
  return (conditions ?? []).filter((c) => c.type !== type);
}

/** metav1.Time's wire form: RFC 3339 in UTC, whole seconds. */
export function rfc3339Seconds(time: Date): string {
  return time.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
