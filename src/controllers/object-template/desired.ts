/**
 * Desired-object step of the ObjectTemplate reconcile: scope checks, the namespace, the cache
 * label and the controller reference; and the update body that merges into an existing object
 * (undefined when nothing would change). Pure.
 */
import { CACHE_LABEL, type KubeObject, type OwnerReference } from '../../kube/index.js';
import { needsApply } from '../object-set/diff.js';

export type DesiredResult = { ok: true; object: KubeObject } | { ok: false; message: string };

/**
 * `templateNamespace` is undefined for a ClusterObjectTemplate. `kindNamespaced` says whether the
 * rendered kind is namespaced.
 */
export function desiredObject(
  rendered: KubeObject,
  owner: KubeObject,
  kindNamespaced: boolean,
): DesiredResult {
  const templateNamespace = owner.metadata.namespace || undefined;
  const obj = structuredClone(rendered);
  const meta = { ...obj.metadata };
  if (templateNamespace !== undefined) {
    if (!kindNamespaced) {
      return {
        ok: false,
        message: `a namespaced template may not create cluster-scoped ${obj.kind} objects`,
      };
    }
    meta.namespace = templateNamespace;
  } else if (kindNamespaced) {
    if (meta.namespace === undefined || meta.namespace === '') {
      return { ok: false, message: `namespaced ${obj.kind} object needs metadata.namespace` };
    }
  } else {
    delete meta.namespace;
  }
  meta.labels = { ...(meta.labels ?? {}), [CACHE_LABEL]: 'True' };
  meta.ownerReferences = [controllerRef(owner)];
  delete meta.resourceVersion;
  delete meta.uid;
  obj.metadata = meta;
  delete obj.status;
  return { ok: true, object: obj };
}

export function controllerRef(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Someone else's controller reference on `existing`, if any. */
export function otherController(
  existing: KubeObject,
  ownerUid: string,
): OwnerReference | undefined {
  return existing.metadata.ownerReferences?.find(
    (r) => r.controller === true && r.uid !== ownerUid,
  );
}

const skipped = new Set(['apiVersion', 'kind', 'metadata', 'status']);

/**
 * The full-update body for `existing`: the desired content, existing ownerRefs and finalizers kept
 * (plus ours), labels and annotations merged, the existing resourceVersion. Undefined when no
 * field the desired object sets differs from `existing`.
 */
export function updateFor(existing: KubeObject, desired: KubeObject): KubeObject | undefined {
  const em = existing.metadata;
  const dm = desired.metadata;
  const labels = { ...(em.labels ?? {}), ...(dm.labels ?? {}) };
  const annotations = { ...(em.annotations ?? {}), ...(dm.annotations ?? {}) };
  const refs = [...(em.ownerReferences ?? [])];
  for (const r of dm.ownerReferences ?? []) {
    if (!refs.some((x) => x.uid === r.uid)) refs.push(r);
  }
  const next: KubeObject = {
    apiVersion: desired.apiVersion,
    kind: desired.kind,
    metadata: {
      ...em,
      labels,
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      ownerReferences: refs,
    },
  };
  for (const [k, v] of Object.entries(desired)) if (!skipped.has(k)) next[k] = v;
  // Only the fields the template sets are compared (the ObjectSet engine's diff), so values the
  // server defaults (a Deployment's strategy, a Secret's type) never cause a write.
  const changed = needsApply(desired, existing);
  return changed ? next : undefined;
}
