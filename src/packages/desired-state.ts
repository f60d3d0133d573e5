/**
 * Desired state: a (Cluster)GitSync's repository path -> `PackageInstance` -> deploy plan, through
 * the normal pipeline (`loadPackage`, config admission, `renderObjects`, `planDeployment`).
 *
 * Without a `manifest.yaml` the default manifest applies: phases `namespaces`, `packages`,
 * `default`, with Package/ClusterPackage gated on `Available=True`, and an object without a
 * `package-operator.run/phase` annotation is placed by its kind (Namespace -> namespaces,
 * Package/ClusterPackage -> packages, anything else -> default). With the repository's own
 * manifest the usual rule holds: every object names its phase. `spec.config` reaches templates as
 * `.config`, admitted by the manifest's config schema when it has one, as given otherwise. A
 * namespaced GitSync may only produce namespaced objects in its own namespace. Pure: no I/O.
 */
import { admitConfig } from './config.js';
import { buildTemplateContext, lockedDependencies, lockedImages } from './context.js';
import { FieldErrorList, ViolationError, violationReasons } from './errors.js';
import { loadPackage } from './load.js';
import { manifestsGroup, manifestsVersion } from '../apis/index.js';
import type { PackageManifest } from './manifest.js';
import {
  annotationsOf,
  defaultObjectValidators,
  duplicateObjectValidator,
  gvkOf,
  gvkValidator,
  labelsValidator,
  metadataOf,
  namespacedPackageValidator,
  phaseExistsValidator,
  runObjectValidators,
  type ObjectValidator,
} from './object-validators.js';
import { planDeployment, type DeployPlan } from './deploy-plan.js';
import { orderedObjects, renderObjects, type RenderCapabilities } from './render.js';
import { checkConstraints } from './constraints.js';
import {
  phaseAnnotation,
  type Files,
  type KubeObject,
  type Package,
  type PackageInstance,
} from './types.js';

/** Phases of the default manifest, in rollout order. */
export const desiredStatePhases = ['namespaces', 'packages', 'default'] as const;
export type DesiredStatePhase = (typeof desiredStatePhases)[number];

const pkoGroup = 'package-operator.run';

/** The default manifest's phase for an object (by kind), used when it names none. */
export function phaseForKind(obj: KubeObject): DesiredStatePhase {
  const g = gvkOf(obj);
  if (g.group === '' && g.kind === 'Namespace') return 'namespaces';
  if (g.group === pkoGroup && (g.kind === 'Package' || g.kind === 'ClusterPackage')) {
    return 'packages';
  }
  return 'default';
}

/**
 * The manifest a repository path without one gets: both scopes, the three phases, and
 * Package/ClusterPackage objects gated on their `Available` condition (for the current generation:
 * the condition probe reports an outdated condition as not yet known).
 */
export function defaultDesiredStateManifest(name: string): PackageManifest {
  const available = (kind: string) => ({
    selector: { kind: { group: pkoGroup, kind } },
    probes: [{ condition: { type: 'Available', status: 'True' } }],
  });
  return {
    apiVersion: `${manifestsGroup}/${manifestsVersion}`,
    kind: 'PackageManifest',
    metadata: { name },
    spec: {
      scopes: ['Cluster', 'Namespaced'],
      phases: desiredStatePhases.map((p) => ({ name: p })),
      availabilityProbes: [available('Package'), available('ClusterPackage')],
      config: {},
      images: [],
      filter: { conditions: [], paths: [] },
      constraints: [],
      repositories: [],
      dependencies: [],
    },
    test: { template: [] },
  };
}

export interface DesiredStateRequest {
  /** Files of the repository path, by slash-separated path relative to it. */
  files: Files;
  /** The (Cluster)GitSync name: the ObjectDeployment's name and `.package.metadata.name`. */
  name: string;
  /** The GitSync namespace; empty for a ClusterGitSync. */
  namespace: string;
  /** `spec.config`, `.config` in templates. */
  config?: Record<string, unknown> | undefined;
  labels?: Record<string, string> | undefined;
  annotations?: Record<string, string> | undefined;
  /** `.environment` (constraints, templates); default empty. */
  environment?: Record<string, unknown> | undefined;
}

export interface DesiredState {
  /** The loaded package (the repository's manifest, or the default one). */
  package: Package;
  /** True when the repository path has no manifest of its own. */
  defaultManifest: boolean;
  /** Rendered objects, every one with its phase annotation set. */
  instance: PackageInstance;
  /** The (Cluster)ObjectDeployment (named `name`) and ObjectSlices to write. */
  plan: DeployPlan;
}

function hasManifest(files: Files): boolean {
  return files.has('manifest.yaml') || files.has('manifest.yml');
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Sets the phase annotation by kind on every object that names none (default manifest). */
function placeByKind(pathObjects: ReadonlyMap<string, KubeObject[]>): void {
  for (const objects of pathObjects.values()) {
    for (const obj of objects) {
      if (annotationsOf(obj)[phaseAnnotation]) continue;
      const metadata = metadataOf(obj);
      const annotations = isObj(metadata.annotations) ? metadata.annotations : {};
      obj.metadata = {
        ...metadata,
        annotations: { ...annotations, [phaseAnnotation]: phaseForKind(obj) },
      };
    }
  }
}

/**
 * Loads, validates and renders a desired-state repository path for one (Cluster)GitSync and plans
 * its ObjectDeployment. Throws a `UserError` (`ViolationError`, `FieldErrorList`, template
 * errors) naming the file, document index and field at fault.
 */
export function loadDesiredState(req: DesiredStateRequest, caps: RenderCapabilities): DesiredState {
  const usesDefault = !hasManifest(req.files);
  const pkg = loadPackage(
    { files: req.files },
    usesDefault ? { defaultManifest: defaultDesiredStateManifest(req.name) } : {},
  );
  if (pkg.manifest.spec.components) {
    throw new ViolationError({
      reason: violationReasons.unknown,
      path: 'manifest.yaml',
      details:
        'spec.components: a desired-state repository path cannot be a multi-component package',
    });
  }
  const scope = req.namespace === '' ? 'Cluster' : 'Namespaced';
  if (!pkg.manifest.spec.scopes.includes(scope)) {
    throw new ViolationError({
      reason: violationReasons.unsupportedScope,
      path: 'manifest.yaml',
      details: `${scope} is not one of the scopes of the package: [${pkg.manifest.spec.scopes.join(', ')}]`,
    });
  }
  const schema = pkg.manifest.spec.config.openAPIV3Schema;
  let config = req.config ?? {};
  if (schema !== undefined) {
    const admitted = admitConfig(pkg.manifest, req.config, 'spec.config');
    if (admitted.errors.length > 0) throw new FieldErrorList(admitted.errors);
    config = admitted.config;
  }
  const context = buildTemplateContext({
    name: req.name,
    namespace: req.namespace,
    labels: req.labels ?? {},
    annotations: req.annotations ?? {},
    image: '',
    config,
    images: lockedImages(pkg.manifestLock),
    dependencies: lockedDependencies(pkg.manifestLock),
    environment: req.environment ?? {},
  });
  checkConstraints(pkg.manifest, context);

  const namespaced: ObjectValidator[] =
    scope === 'Namespaced' ? [namespacedPackageValidator(req.namespace)] : [];
  // Under the default manifest the phase annotation is optional: objects are placed by kind
  // after rendering, then the explicit phases are checked against the manifest.
  const validators = usesDefault
    ? [duplicateObjectValidator, gvkValidator, labelsValidator, ...namespaced]
    : [...defaultObjectValidators, ...namespaced];
  const rendered = renderObjects(pkg, context, caps, validators);
  if (usesDefault) {
    runObjectValidators([phaseExistsValidator], pkg.manifest, rendered.pathObjects);
    placeByKind(rendered.pathObjects);
  }
  const instance: PackageInstance = {
    manifest: pkg.manifest,
    context,
    objects: orderedObjects(rendered.pathObjects),
  };
  const plan = planDeployment(instance, {
    name: req.name,
    namespace: req.namespace,
    ...(req.config !== undefined ? { config: req.config } : {}),
  });
  return { package: pkg, defaultManifest: usesDefault, instance, plan };
}
