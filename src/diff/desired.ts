/**
 * Desired-state expansion: the repository package rendered (by the injected repository renderer,
 * the same one the GitSync controller uses) and, recursively, every Package/ClusterPackage among
 * its objects pulled and rendered with its `spec.config`, name and namespace exactly as the
 * Package controller does (load -> instantiate -> ObjectSet template). The result is flat: every
 * desired object with the repository phase, the package and the package phase it belongs to, and
 * per package its probes and validation errors. A broken package is reported, never fatal.
 */
import { coreGroup } from '../apis/index.js';
import { errorMessage } from '../errors.js';
import {
  instantiate,
  loadPackage,
  objectSetTemplateSpec,
  type PackageInstance,
  type RawPackage,
} from '../packages/index.js';
import { defaultRenderCapabilities } from '../packages/engines.js';
import { idOf, labelOf, type JsonObject, type ObjectId } from './objects.js';

/** The repository package, as the GitSync controller renders it; throws on any package error. */
export type RenderRepository = () => PackageInstance;

/** Pulls a package image: its digest and files. */
export type PullPackage = (reference: string) => Promise<{ digest: string; raw: RawPackage }>;

export const repositoryPackageId = 'repository';

export type PackageKind = 'Repository' | 'Package' | 'ClusterPackage';

export interface DesiredPackage {
  /** `repository`, `Package apps/web` or `ClusterPackage infra`. */
  id: string;
  kind: PackageKind;
  name: string;
  /** '' for the repository of a cluster-scoped sync and for ClusterPackages. */
  namespace: string;
  /** The package whose objects include this one's Package object (absent for the repository). */
  parent?: string;
  /** The repository phase this package sits in ('' for the repository itself). */
  topPhase: string;
  image?: string;
  digest?: string;
  /** Phase names in manifest order. */
  phases: string[];
  /** `spec.availabilityProbes` of the package manifest. */
  probes: unknown[];
  /** Load, config, render and pull errors; the package's objects are then unknown. */
  errors: string[];
}

export interface DesiredObject {
  /** Id of the package that renders it. */
  package: string;
  /** The repository phase (for nested packages: the phase their Package object sits in). */
  topPhase: string;
  /** The phase within its own package. */
  phase: string;
  /** As the ObjectSet receives it (authoring annotations turned into fields). */
  object: JsonObject;
  /** Namespace defaulted to the package's for namespaced kinds (when known). */
  id: ObjectId;
}

export interface ExpandedState {
  packages: DesiredPackage[];
  objects: DesiredObject[];
}

export interface ExpandOptions {
  /** Name of the sync (GitSync name): the repository's ObjectDeployment. */
  name: string;
  /** Namespace of a namespaced sync; '' for cluster scope. */
  namespace: string;
  render: RenderRepository;
  pull: PullPackage;
  /** Whether a kind is cluster-scoped (discovery on a cluster, a static list without one). */
  isClusterScoped: (apiVersion: string, kind: string) => boolean;
  /** Nesting limit (a package image containing Packages containing Packages...). Default 5. */
  maxDepth?: number;
  /** Shared between expansions of one run so identical packages render once. */
  renderCache?: RenderCache;
}

const pkoApiVersion = `${coreGroup}/v1alpha1`;

export function isPackageObject(obj: JsonObject): boolean {
  return (
    obj.apiVersion === pkoApiVersion && (obj.kind === 'Package' || obj.kind === 'ClusterPackage')
  );
}

interface PackageSpecLike {
  image?: unknown;
  config?: unknown;
  component?: unknown;
}

interface Rendered {
  phases: { name: string; objects: JsonObject[] }[];
  phaseNames: string[];
  probes: unknown[];
}

/** Renders of nested packages keyed by digest and inputs. */
export type RenderCache = Map<string, Rendered | { error: string }>;

function templateOf(instance: PackageInstance): Rendered {
  const spec = objectSetTemplateSpec(instance);
  return {
    phases: spec.phases.map((p) => ({
      name: p.name,
      objects: [...p.objects, ...(p.externalObjects ?? [])].map((o) => o.object as JsonObject),
    })),
    phaseNames: instance.manifest.spec.phases.map((p) => p.name),
    probes: spec.availabilityProbes,
  };
}

/** Loads, instantiates and templates a pulled package the way the Package controller does. */
function renderNested(
  raw: RawPackage,
  pkg: { name: string; namespace: string; image: string; meta: JsonObject; spec: PackageSpecLike },
): Rendered {
  const component = typeof pkg.spec.component === 'string' ? pkg.spec.component : undefined;
  const loaded = loadPackage(raw, component === undefined ? {} : { component });
  const config = isRecord(pkg.spec.config) ? pkg.spec.config : {};
  const instance = instantiate(
    loaded,
    {
      name: pkg.name,
      namespace: pkg.namespace,
      labels: stringMap(pkg.meta.labels),
      annotations: stringMap(pkg.meta.annotations),
      image: pkg.image,
      config,
      environment: {},
    },
    defaultRenderCapabilities(),
  );
  return templateOf(instance);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringMap(v: unknown): Record<string, string> {
  if (!isRecord(v)) return {};
  return Object.fromEntries(
    Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
}

/** The object's id with its namespace defaulted to the package namespace for namespaced kinds. */
function defaultedId(obj: JsonObject, namespace: string, clusterScoped: boolean): ObjectId {
  const id = idOf(obj);
  if (clusterScoped) return { ...id, namespace: '' };
  return id.namespace === '' ? { ...id, namespace } : id;
}

/** Renders the repository and every nested package. Never throws for a package error. */
export async function expandDesiredState(opts: ExpandOptions): Promise<ExpandedState> {
  const packages: DesiredPackage[] = [];
  const objects: DesiredObject[] = [];
  const cache: RenderCache = opts.renderCache ?? (new Map() as RenderCache);
  const maxDepth = opts.maxDepth ?? 5;

  const root: DesiredPackage = {
    id: repositoryPackageId,
    kind: 'Repository',
    name: opts.name,
    namespace: opts.namespace,
    topPhase: '',
    phases: [],
    probes: [],
    errors: [],
  };
  packages.push(root);
  let rendered: Rendered;
  try {
    rendered = templateOf(opts.render());
  } catch (err) {
    root.errors.push(errorMessage(err));
    return { packages, objects };
  }
  root.phases = rendered.phaseNames;
  root.probes = rendered.probes;

  interface Pending {
    parent: DesiredPackage;
    topPhase: string;
    object: JsonObject;
    id: ObjectId;
    depth: number;
  }
  const seen = new Set<string>();
  let pending: Pending[] = [];
  const add = (
    pkg: DesiredPackage,
    r: Rendered,
    topPhaseOf: (phase: string) => string,
    depth: number,
  ) => {
    for (const phase of r.phases) {
      for (const object of phase.objects) {
        const raw = idOf(object);
        const id = defaultedId(
          object,
          pkg.namespace,
          opts.isClusterScoped(raw.apiVersion, raw.kind),
        );
        const topPhase = topPhaseOf(phase.name);
        objects.push({ package: pkg.id, topPhase, phase: phase.name, object, id });
        if (isPackageObject(object)) pending.push({ parent: pkg, topPhase, object, id, depth });
      }
    }
  };
  add(root, rendered, (p) => p, 1);

  while (pending.length > 0) {
    const batch = pending;
    pending = [];
    type Outcome =
      | { pkg: DesiredPackage; rendered?: undefined }
      | { pkg: DesiredPackage; rendered: Rendered; depth: number; topPhase: string };
    const expanded = await Promise.all(
      batch.map(async (p): Promise<Outcome | undefined> => {
        const kind = p.object.kind === 'ClusterPackage' ? 'ClusterPackage' : 'Package';
        const spec = (isRecord(p.object.spec) ? p.object.spec : {}) as PackageSpecLike;
        const image = typeof spec.image === 'string' ? spec.image : '';
        const pkg: DesiredPackage = {
          id: labelOf({ ...p.id, kind }),
          kind,
          name: p.id.name,
          namespace: kind === 'ClusterPackage' ? '' : p.id.namespace,
          parent: p.parent.id,
          topPhase: p.topPhase,
          image,
          phases: [],
          probes: [],
          errors: [],
        };
        if (seen.has(pkg.id)) return undefined;
        seen.add(pkg.id);
        if (p.depth > maxDepth) {
          pkg.errors.push(`packages nested deeper than ${maxDepth} levels`);
          return { pkg };
        }
        if (kind === 'Package' && pkg.namespace === '') {
          pkg.errors.push('metadata.namespace: Required value: the sync is cluster-scoped');
          return { pkg };
        }
        let pulled: { digest: string; raw: RawPackage };
        try {
          pulled = await opts.pull(image);
        } catch (err) {
          pkg.errors.push(`pulling ${image}: ${errorMessage(err)}`);
          return { pkg };
        }
        pkg.digest = pulled.digest;
        const meta = isRecord(p.object.metadata) ? p.object.metadata : {};
        const cacheKey = JSON.stringify([
          pulled.digest,
          pkg.name,
          pkg.namespace,
          image,
          spec.config ?? {},
          spec.component ?? '',
          meta.labels ?? {},
          meta.annotations ?? {},
        ]);
        let r = cache.get(cacheKey);
        if (r === undefined) {
          try {
            r = renderNested(pulled.raw, {
              name: pkg.name,
              namespace: pkg.namespace,
              image,
              meta,
              spec,
            });
          } catch (err) {
            r = { error: errorMessage(err) };
          }
          cache.set(cacheKey, r);
        }
        if ('error' in r) {
          pkg.errors.push(r.error);
          return { pkg };
        }
        return { pkg, rendered: r, depth: p.depth, topPhase: p.topPhase };
      }),
    );
    for (const e of expanded) {
      if (e === undefined) continue;
      packages.push(e.pkg);
      if (e.rendered === undefined) continue;
      e.pkg.phases = e.rendered.phaseNames;
      e.pkg.probes = e.rendered.probes;
      const top = e.topPhase;
      add(e.pkg, e.rendered, () => top, e.depth + 1);
    }
  }
  return { packages, objects };
}
