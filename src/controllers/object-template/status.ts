/**
 * Status step of the ObjectTemplate reconcile: controllerOf and the conditions copied from the
 * templated object. Pure.
 */
import {
  conditionTypes,
  removeStatusCondition,
  setStatusCondition,
  type Condition,
} from '../../apis/index.js';
import { parseApiVersion, type KubeObject } from '../../kube/index.js';

export interface ControllerOf {
  kind: string;
  group: string;
  name: string;
  namespace?: string;
  version: string;
}

export function controllerOf(obj: KubeObject): ControllerOf {
  const { group, version } = parseApiVersion(obj.apiVersion);
  const ns = obj.metadata.namespace;
  return {
    kind: obj.kind,
    group,
    name: obj.metadata.name ?? '',
    ...(ns !== undefined && ns !== '' ? { namespace: ns } : {}),
    version,
  };
}

/**
 * The template's conditions after a successful apply: Invalid removed, and the object's
 * conditions copied with the template's generation. Nothing is copied while the object's own
 * status is outdated (status.observedGeneration set and not its generation); a condition whose
 * observedGeneration is set and not the object's generation is skipped.
 */
export function copiedConditions(
  current: readonly Condition[] | undefined,
  obj: KubeObject,
  templateGeneration: number,
  now: Date,
): Condition[] {
  let out = removeStatusCondition(current, conditionTypes.objectTemplateInvalid);
  const status = obj.status as
    { observedGeneration?: number; conditions?: Condition[] } | undefined;
  const gen = obj.metadata.generation ?? 0;
  if (status === undefined) return out;
  if (status.observedGeneration !== undefined && status.observedGeneration !== gen) return out;
  for (const c of status.conditions ?? []) {
    if (typeof c.type !== 'string' || typeof c.status !== 'string') continue;
    if (
      c.observedGeneration !== undefined &&
      c.observedGeneration !== 0 &&
      c.observedGeneration !== gen
    )
      continue;
    out = setStatusCondition(
      out,
      {
        type: c.type,
        status: c.status,
        reason: c.reason ?? '',
        message: c.message ?? '',
        observedGeneration: templateGeneration,
        ...(c.lastTransitionTime ? { lastTransitionTime: c.lastTransitionTime } : {}),
      },
      now,
    );
  }
  return out;
}

/** The template's conditions with Invalid set (True, `reason`). */
export function invalidConditions(
  current: readonly Condition[] | undefined,
  reason: string,
  message: string,
  templateGeneration: number,
  now: Date,
): Condition[] {
  return setStatusCondition(
    current,
    {
      type: conditionTypes.objectTemplateInvalid,
      status: 'True',
      reason,
      message,
      observedGeneration: templateGeneration,
    },
    now,
  );
}
