/**
 * The (Cluster)ObjectDeployment and ObjectSlices written for a Package, from a deploy plan: the
 * controller ownerRef to the Package (slices: to the OD), `spec.paused` propagated, and the
 * change-cause annotation. Pure.
 */
import type { DeployPlan } from '../../packages/index.js';
import type { KubeObject } from '../../kube/index.js';

export interface OwnerInfo {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
}

export function controllerRef(
  o: OwnerInfo,
): NonNullable<KubeObject['metadata']['ownerReferences']>[number] {
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.name,
    uid: o.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function changeCause(image: string, digest: string): string {
  return `Installing ${image} (${digest})`;
}

/** The desired ObjectDeployment for `pkg` (its `apiVersion`, `kind`, name and uid). */
export function desiredDeployment(
  plan: DeployPlan,
  pkg: OwnerInfo,
  opts: { paused: boolean; changeCause: string },
): KubeObject {
  const od = plan.objectDeployment;
  const spec: Record<string, unknown> = { ...od.spec };
  if (opts.paused) spec.paused = true;
  return {
    apiVersion: od.apiVersion,
    kind: od.kind,
    metadata: {
      ...od.metadata,
      annotations: { ...od.metadata.annotations, 'kubernetes.io/change-cause': opts.changeCause },
      ownerReferences: [controllerRef(pkg)],
    },
    spec,
  };
}

/** Merges the desired OD into the live one: labels and annotations merged, spec replaced. */
export function mergeDeployment(live: KubeObject, desired: KubeObject): KubeObject {
  return {
    ...live,
    metadata: {
      ...live.metadata,
      labels: { ...live.metadata.labels, ...desired.metadata.labels },
      annotations: { ...live.metadata.annotations, ...desired.metadata.annotations },
      ownerReferences: desired.metadata.ownerReferences,
    },
    spec: desired.spec,
  };
}

/** The slices of `plan`, each with a controller ownerRef to the ObjectDeployment. */
export function desiredSlices(plan: DeployPlan, od: OwnerInfo): KubeObject[] {
  return plan.slices.map((s) => ({
    apiVersion: s.apiVersion,
    kind: s.kind,
    metadata: { ...s.metadata, ownerReferences: [controllerRef(od)] },
    objects: s.objects,
  }));
}
