import type { GroupVersionKind, KubeObject, ObjectRef } from './types.js';

/** `apps/v1` -> {group: 'apps', version: 'v1'}; `v1` -> {group: '', version: 'v1'}. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  if (i < 0) return { group: '', version: apiVersion };
  return { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

export function gvkOf(apiVersion: string, kind: string): GroupVersionKind {
  return { ...parseApiVersion(apiVersion), kind };
}

export function apiVersionOf(gvk: { group: string; version: string }): string {
  return gvk.group === '' ? gvk.version : `${gvk.group}/${gvk.version}`;
}

/** `Deployment.v1.apps`, `ConfigMap.v1.` : a stable map key for a GVK. */
export function gvkKey(gvk: GroupVersionKind): string {
  return `${gvk.kind}.${gvk.version}.${gvk.group}`;
}

/** The reference to an existing object. */
export function refOf(obj: KubeObject): ObjectRef {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata.name ?? '',
    namespace: obj.metadata.namespace,
  };
}

/** `namespace/name`, or `name` for cluster-scoped objects (the workqueue key format). */
export function objectKey(obj: { metadata: { name?: string; namespace?: string } }): string {
  const ns = obj.metadata.namespace;
  const name = obj.metadata.name ?? '';
  return ns === undefined || ns === '' ? name : `${ns}/${name}`;
}

/** Inverse of objectKey. */
export function splitKey(key: string): { namespace: string | undefined; name: string } {
  const i = key.indexOf('/');
  if (i < 0) return { namespace: undefined, name: key };
  return { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
