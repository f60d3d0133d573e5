/**
 * What a Package controller (or GitSync) renders: a loaded package for one (Cluster)Package, with
 * its config admitted, `.images`/`.dependencies` from the lock file and constraints enforced.
 */
import { admitConfig } from './config.js';
import {
  buildTemplateContext,
  lockedDependencies,
  lockedImages,
  type ContextInput,
} from './context.js';
import { FieldErrorList } from './errors.js';
import { renderPackage, type RenderCapabilities } from './render.js';
import type { Package, PackageInstance } from './types.js';

/**
 * One (Cluster)Package: its name, namespace (empty for a ClusterPackage), metadata, `spec.image`,
 * `spec.config` and the environment. `.images` and `.dependencies` come from the lock file.
 */
export type InstanceRequest = Omit<ContextInput, 'images' | 'dependencies'>;

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
    ...req,
    config: admitted.config,
    images: lockedImages(pkg.manifestLock),
    dependencies: lockedDependencies(pkg.manifestLock),
    environment: req.environment ?? {},
  });
  return renderPackage(pkg, ctx, caps, { checkConstraints: true });
}
