/**
 * What a Package controller (or GitSync) renders: a loaded package for one (Cluster)Package, with
 * its config admitted, `.images`/`.dependencies` from the lock file and constraints enforced.
 */
import { admitConfig } from './config.js';
import { buildTemplateContext, lockedDependencies, lockedImages } from './context.js';
import { FieldErrorList } from './errors.js';
import { renderPackage, type RenderCapabilities } from './render.js';
import type { Package, PackageInstance } from './types.js';

export interface InstanceRequest {
  /** (Cluster)Package name. */
  name: string;
  /** Empty for a ClusterPackage. */
  namespace: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** `spec.image` of the Package. */
  image?: string;
  /** `spec.config` of the Package. */
  config?: Record<string, unknown>;
  environment?: Record<string, unknown>;
}

/**
 * Admits the config (errors as a `spec.config...` field error list), builds the context and renders.
 * Constraints are checked and a failed one blocks.
 */
export function instantiate(
  pkg: Package,
  req: InstanceRequest,
  caps: RenderCapabilities,
): PackageInstance {
  const admitted = admitConfig(pkg.manifest, req.config, 'spec.config');
  if (admitted.errors.length > 0) throw new FieldErrorList(admitted.errors);
  const ctx = buildTemplateContext({
    name: req.name,
    namespace: req.namespace,
    ...(req.labels ? { labels: req.labels } : {}),
    ...(req.annotations ? { annotations: req.annotations } : {}),
    ...(req.image !== undefined ? { image: req.image } : {}),
    config: admitted.config,
    images: lockedImages(pkg.manifestLock),
    dependencies: lockedDependencies(pkg.manifestLock),
    environment: req.environment ?? {},
  });
  return renderPackage(pkg, ctx, caps, { checkConstraints: true });
}
