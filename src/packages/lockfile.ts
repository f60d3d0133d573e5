/**
 * The lock file (`manifest.lock.yaml`): generating it from a package's `spec.images` with an
 * injected digest resolver (`kubectl package update`), comparing it with the one the package
 * has, encoding it, and checking that every pinned digest still exists (the build-time
 * `LockfileDigestLookupValidator`). Pure: registry access is the caller's resolver.
 */
import { Document, Scalar } from 'yaml';
import { UserError } from '../errors.js';
import { withContext } from './errors.js';
import type { PackageManifestLock, PackageManifestLockImage } from './manifest.js';
import type { Package } from './types.js';

export const lockFileName = 'manifest.lock.yaml';
export const lockApiVersion = 'manifests.package-operator.run/v1alpha1';

/** Resolves an image reference to the digest the registry has for it. */
export type DigestResolver = (image: string) => Promise<string>;

export interface GenerateLockOptions {
  /** `PKO_REPOSITORY_HOST`: looks images up on this registry host instead (names stay as written). */
  rewriteImage?: (image: string) => string;
  /** The lock file's `metadata.creationTimestamp`. */
  now?: Date;
}

export interface GeneratedLock {
  lock: PackageManifestLock;
  /** True when the package's current lock file pins the same images (nothing to write). */
  unchanged: boolean;
}

/** Lock entries are equal by name, image and digest; order does not matter. */
export function lockImagesEqual(
  a: readonly PackageManifestLockImage[],
  b: readonly PackageManifestLockImage[],
): boolean {
  const byName = (l: readonly PackageManifestLockImage[]) =>
    new Map(l.map((i) => [i.name, `${i.image}\u0000${i.digest}`]));
  const ma = byName(a);
  const mb = byName(b);
  if (ma.size !== mb.size) return false;
  for (const [name, v] of ma) if (mb.get(name) !== v) return false;
  return true;
}

/**
 * Resolves every `spec.images[].image` of the package (root only, like Package Operator) to a
 * digest. Packages using `spec.dependencies` are refused: their resolution through repositories
 * is not implemented.
 */
export async function generateLock(
  pkg: Package,
  resolve: DigestResolver,
  options: GenerateLockOptions = {},
): Promise<GeneratedLock> {
  if (pkg.manifest.spec.dependencies.length > 0) {
    throw new UserError(
      'resolving dependencies: spec.dependencies is not supported by packsync update; ' +
        'pin dependency images in manifest.lock.yaml by hand',
    );
  }
  const images: PackageManifestLockImage[] = [];
  for (const img of pkg.manifest.spec.images) {
    try {
      const lookup = options.rewriteImage ? options.rewriteImage(img.image) : img.image;
      let digest: string;
      try {
        digest = await resolve(lookup);
      } catch (err) {
        throw withContext('resolving image digest', err);
      }
      images.push({ name: img.name, image: img.image, digest });
    } catch (err) {
      throw withContext(`resolving lock image for ${JSON.stringify(img.image)}`, err);
    }
  }
  const lock: PackageManifestLock = {
    apiVersion: lockApiVersion,
    kind: 'PackageManifestLock',
    metadata: { creationTimestamp: rfc3339(options.now ?? new Date()) },
    spec: { images, dependencies: [] },
  };
  const current = pkg.manifestLock;
  const unchanged = current !== undefined && lockImagesEqual(images, current.spec.images);
  return { lock, unchanged };
}

function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The lock file text as Package Operator writes it (keys sorted, sequences not indented, the
 * timestamp quoted).
 */
export function encodeManifestLock(lock: PackageManifestLock): string {
  const sortKeys = (o: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const spec: Record<string, unknown> = {
    images: lock.spec.images.map((i) => sortKeys({ ...i })),
  };
  if (lock.spec.dependencies.length > 0) {
    spec.dependencies = lock.spec.dependencies.map((d) => sortKeys({ ...d }));
  }
  const doc = new Document(
    {
      apiVersion: lock.apiVersion,
      kind: lock.kind,
      metadata: sortKeys(lock.metadata),
      spec: sortKeys(spec),
    },
    { version: '1.2' },
  );
  const ts = doc.getIn(['metadata', 'creationTimestamp'], true);
  if (ts instanceof Scalar) ts.type = Scalar.QUOTE_DOUBLE;
  return doc.toString({ indentSeq: false, lineWidth: 0 });
}

/**
 * Checks that every digest pinned in the lock files of the package (root and components) still
 * exists in its registry: `lookup` gets `<repository>@<digest>` (after `rewriteImage`).
 */
export async function verifyLockDigests(
  pkg: Package,
  lookup: (imageWithDigest: string) => Promise<unknown>,
  pin: (image: string, digest: string) => string,
  rewriteImage: (image: string) => string = (i) => i,
): Promise<void> {
  for (const p of [pkg, ...pkg.components]) {
    for (const img of p.manifestLock?.spec.images ?? []) {
      let ref: string;
      try {
        ref = pin(rewriteImage(img.image), img.digest);
      } catch (err) {
        throw withContext(
          `can't parse image ${JSON.stringify(img.name)} reference ${JSON.stringify(img.image)}`,
          err,
        );
      }
      try {
        await lookup(ref);
      } catch (err) {
        throw withContext(
          `image ${JSON.stringify(img.name)} digest error (${JSON.stringify(img.digest)})`,
          err,
        );
      }
    }
  }
}
