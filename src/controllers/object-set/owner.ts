/**
 * Ownership facts about a managed object (pure): who controls it, which revision wrote it, and the
 * owner reference an ObjectSet (or ObjectSetPhase) puts on it.
 */
import { annotations } from '../../apis/index.js';
import type { KubeObject, OwnerReference } from '../../kube/index.js';

/** The ObjectSet (or ObjectSetPhase) managing objects: its identity and revision. */
export interface Owner {
  apiVersion: string;
  kind: string;
  name: string;
  /** Undefined for cluster-scoped owners. */
  namespace: string | undefined;
  uid: string;
  revision: number;
  labels: Record<string, string>;
}

export function controllerRefOf(
  owner: Pick<Owner, 'apiVersion' | 'kind' | 'name' | 'uid'>,
): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.name,
    uid: owner.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The controller ownerReference of an object, if any. */
export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

export function isControlledBy(obj: KubeObject, uid: string): boolean {
  return controllerOf(obj)?.uid === uid;
}

export function isOwnedBy(obj: KubeObject, uid: string): boolean {
  return obj.metadata.ownerReferences?.some((r) => r.uid === uid) ?? false;
}

/** The `package-operator.run/revision` annotation as a number; 0 when absent or unparsable. */
export function objectRevision(obj: KubeObject): number {
  const v = obj.metadata.annotations?.[annotations.revision];
  if (v === undefined || v === '') return 0;
  const n = Number.parseInt(v, 10);
  return Number.isFinite(n) ? n : 0;
}

/** `apps/v1, Kind=Deployment` as Go prints a GroupVersionKind. */
export function goGvk(apiVersion: string, kind: string): string {
  const i = apiVersion.indexOf('/');
  const group = i < 0 ? '' : apiVersion.slice(0, i);
  const version = i < 0 ? apiVersion : apiVersion.slice(i + 1);
  return `${group}/${version}, Kind=${kind}`;
}

/** `ns/name` as Go prints an ObjectKey (`/name` for cluster-scoped objects). */
export function goObjectKey(obj: KubeObject): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
}
