/**
 * Desired object construction (pure): the spec object as the owner wants it on the cluster, with
 * the namespace defaulted, the cache/package/instance labels, the revision annotation and the
 * controller reference, and without `.status`.
 */
import { annotations, labels } from '../../apis/index.js';
import { cloneJson } from '../../kube/clone.js';
import type { KubeObject } from '../../kube/index.js';
import { controllerRefOf, type Owner } from './owner.js';

export interface DesiredOptions {
  /** Whether the object's kind is namespaced (from discovery); cluster-scoped objects lose any namespace. */
  namespaced: boolean;
}

/** The spec object as it should be applied. Never mutates `specObject`. */
export function desiredObject(
  specObject: { apiVersion: string; kind: string; metadata?: Record<string, unknown> },
  owner: Owner,
  opts: DesiredOptions,
): KubeObject {
  const copy = cloneJson(specObject) as Record<string, unknown>;
  delete copy.status;
  const meta = { ...((copy.metadata as KubeObject['metadata'] | undefined) ?? {}) };
  if (opts.namespaced) {
    if (meta.namespace === undefined || meta.namespace === '') meta.namespace = owner.namespace;
  } else delete meta.namespace;
  const lbls: Record<string, string> = { ...(meta.labels ?? {}), [labels.cache]: 'True' };
  for (const key of [labels.package, labels.instance]) {
    const v = owner.labels[key];
    if (v !== undefined) lbls[key] = v;
  }
  meta.labels = lbls;
  meta.annotations = {
    ...(meta.annotations ?? {}),
    [annotations.revision]: String(owner.revision),
  };
  meta.ownerReferences = [controllerRefOf(owner)];
  return { ...copy, apiVersion: specObject.apiVersion, kind: specObject.kind, metadata: meta };
}

/**
 * The owner references to apply when `owner` becomes (or stays) controller of `live`: every other
 * reference kept as a non-controller reference, ours as the controller.
 */
export function adoptedOwnerReferences(
  live: KubeObject | undefined,
  owner: Owner,
): NonNullable<KubeObject['metadata']['ownerReferences']> {
  const others = (live?.metadata.ownerReferences ?? [])
    .filter((r) => r.uid !== owner.uid)
    .map((r) => ({ ...r, controller: false }));
  return [...others, controllerRefOf(owner)];
}
