/**
 * The package images a desired state deploys (pure): `spec.image` of every Package and
 * ClusterPackage in the plan, inline or in slices. The controller checks each exists before a
 * commit may replace the running revision, so a missing image refuses the commit instead of
 * leaving a half-rolled-out revision behind.
 */
import { coreGroup } from '../../apis/index.js';
import type { DeployPlan, ObjectSetObject } from '../../packages/index.js';

export interface PackageImageRef {
  /** `Package shop/web` or `ClusterPackage operator`. */
  object: string;
  image: string;
}

function isPackage(o: ObjectSetObject): boolean {
  const apiVersion = typeof o.object.apiVersion === 'string' ? o.object.apiVersion : '';
  return (
    apiVersion.startsWith(`${coreGroup}/`) &&
    (o.object.kind === 'Package' || o.object.kind === 'ClusterPackage')
  );
}

/** Every package image of the plan, in plan order, with the object using it. */
export function packageImages(plan: DeployPlan, namespace: string): PackageImageRef[] {
  const objects = [
    ...plan.objectDeployment.spec.template.spec.phases.flatMap((p) => p.objects),
    ...plan.slices.flatMap((s) => s.objects),
  ];
  const out: PackageImageRef[] = [];
  for (const o of objects) {
    if (!isPackage(o)) continue;
    const meta = (o.object.metadata ?? {}) as { name?: string; namespace?: string };
    const image = (o.object.spec as { image?: unknown } | undefined)?.image;
    if (typeof image !== 'string' || image === '') continue;
    const ns = o.object.kind === 'Package' ? (meta.namespace ?? namespace) : '';
    out.push({
      object: `${String(o.object.kind)} ${ns ? `${ns}/` : ''}${meta.name ?? ''}`,
      image,
    });
  }
  return out;
}
