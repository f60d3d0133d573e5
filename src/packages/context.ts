/**
 * The template context: what `.package`, `.config`, `.images`, `.dependencies` and `.environment`
 * hold, shaped like Package Operator's JSON round-trip of its render context.
 */
import type { PackageManifest, PackageManifestLock, TemplateTestContext } from './manifest.js';
import { staticImage, type TemplateContext, type TemplateContextPackage } from './types.js';

export interface ContextInput {
  name: string;
  namespace: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** `.package.image`, the source image of the Package. */
  image?: string;
  config?: Record<string, unknown>;
  images?: Record<string, string>;
  dependencies?: Record<string, string>;
  environment?: Record<string, unknown>;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Keeps the known environment keys; `kubernetes.version` is always present. */
export function normalizeEnvironment(
  env: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const src = env ?? {};
  const k8s = isObj(src.kubernetes) ? src.kubernetes : {};
  const out: Record<string, unknown> = {
    kubernetes: { version: typeof k8s.version === 'string' ? k8s.version : '' },
  };
  if (isObj(src.openShift)) {
    const os = src.openShift;
    out.openShift = {
      version: typeof os.version === 'string' ? os.version : '',
      ...(isObj(os.managed) ? { managed: os.managed } : {}),
    };
  }
  if (isObj(src.proxy)) {
    const p = src.proxy;
    const proxy: Record<string, string> = {};
    for (const k of ['httpProxy', 'httpsProxy', 'noProxy']) {
      const v = p[k];
      if (typeof v === 'string' && v !== '') proxy[k] = v;
    }
    out.proxy = proxy;
  }
  if (isObj(src.hyperShift)) out.hyperShift = src.hyperShift;
  return out;
}

export function buildTemplateContext(input: ContextInput): TemplateContext {
  const pkg: TemplateContextPackage = {
    metadata: {
      name: input.name,
      namespace: input.namespace,
      labels: { ...(input.labels ?? {}) },
      annotations: { ...(input.annotations ?? {}) },
    },
    image: input.image ?? '',
  };
  return {
    package: pkg,
    config: input.config ?? {},
    images: input.images ?? {},
    dependencies: input.dependencies ?? {},
    environment: normalizeEnvironment(input.environment),
  };
}

/** Every manifest image as the static test image (template tests, `tree`). */
export function staticImages(manifest: PackageManifest): Record<string, string> {
  return Object.fromEntries(manifest.spec.images.map((i) => [i.name, staticImage]));
}

/**
 * Docker-style repository name as go-containerregistry prints it: `nginx:1.2` ->
 * `index.docker.io/library/nginx`, tag or digest removed.
 */
export function repositoryOf(image: string): string {
  let ref = image;
  const at = ref.indexOf('@');
  if (at >= 0) ref = ref.slice(0, at);
  const lastSlash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > lastSlash) ref = ref.slice(0, colon);
  const firstSlash = ref.indexOf('/');
  const first = firstSlash < 0 ? '' : ref.slice(0, firstSlash);
  const hasRegistry =
    first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost');
  let registry = hasRegistry ? first : 'index.docker.io';
  let repo = hasRegistry ? ref.slice(firstSlash + 1) : ref;
  if (registry === 'docker.io') registry = 'index.docker.io';
  if (registry === 'index.docker.io' && !repo.includes('/')) repo = `library/${repo}`;
  return `${registry}/${repo}`;
}

/** `.images` (or `.dependencies`) from the lock file: name -> `<repository>@<digest>`. */
export function lockedImages(lock: PackageManifestLock | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of lock?.spec.images ?? []) out[i.name] = `${repositoryOf(i.image)}@${i.digest}`;
  return out;
}

export function lockedDependencies(lock: PackageManifestLock | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of lock?.spec.dependencies ?? [])
    out[d.name] = `${repositoryOf(d.image)}@${d.digest}`;
  return out;
}

/** The context of a `test.template` case (config not yet admitted). */
export function testCaseContextInput(tc: TemplateTestContext): ContextInput {
  const m = tc.package?.metadata;
  return {
    name: m?.name ?? '',
    namespace: m?.namespace ?? '',
    ...(m?.labels ? { labels: m.labels } : {}),
    ...(m?.annotations ? { annotations: m.annotations } : {}),
    ...(tc.package?.image !== undefined ? { image: tc.package.image } : {}),
    config: tc.config ?? {},
    environment: tc.environment ?? {},
  };
}
