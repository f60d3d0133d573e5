/**
 * Loading: `RawPackage` -> `Package`. Finds exactly one manifest (and at most one lock file),
 * decodes and validates them, and splits a multi-component package into its components.
 */
import { ViolationError, aggregateMessages, formatFieldError, violationReasons } from './errors.js';
import {
  decodeManifest,
  decodeManifestLock,
  type PackageManifest,
  type PackageManifestLock,
} from './manifest.js';
import type { Files, Package, RawPackage } from './types.js';
import { validateManifest } from './validate-manifest.js';

const manifestNames = ['manifest.yaml', 'manifest.yml'] as const;
const lockNames = ['manifest.lock.yaml', 'manifest.lock.yml'] as const;
const componentsPrefix = 'components/';

export interface LoadOptions {
  /**
   * Load only this component (`components/<name>/`) instead of the whole package. An empty string
   * loads the root package without any component.
   */
  component?: string;
  /**
   * Used when the files hold no manifest (a GitSync folder may omit it); without it a missing
   * manifest is an error.
   */
  defaultManifest?: PackageManifest;
  /** Skip the lock file consistency check (`update` loads packages whose lock file is stale). */
  skipLockConsistency?: boolean;
}

function findOne(
  files: Files,
  names: readonly [string, string],
  duplicated:
    typeof violationReasons.manifestDuplicated | typeof violationReasons.manifestLockDuplicated,
): [string, Uint8Array] | undefined {
  const found = names.filter((n) => files.has(n));
  if (found.length > 1) throw new ViolationError({ reason: duplicated });
  const name = found[0];
  const bytes = name === undefined ? undefined : files.get(name);
  return name === undefined || bytes === undefined ? undefined : [name, bytes];
}

function loadManifest(files: Files, fallback?: PackageManifest): PackageManifest {
  const found = findOne(files, manifestNames, violationReasons.manifestDuplicated);
  if (!found && fallback) return structuredClone(fallback);
  if (!found) {
    throw new ViolationError({
      reason: violationReasons.manifestNotFound,
      details: 'searched at manifest.yaml and manifest.yml',
    });
  }
  const [path, bytes] = found;
  const manifest = decodeManifest(path, bytes);
  const errs = validateManifest(manifest);
  if (errs.length > 0) {
    throw new ViolationError({
      reason: violationReasons.manifestInvalid,
      path,
      details: aggregateMessages(errs.map(formatFieldError)),
    });
  }
  return manifest;
}

function loadLock(files: Files): PackageManifestLock | undefined {
  const found = findOne(files, lockNames, violationReasons.manifestLockDuplicated);
  return found ? decodeManifestLock(found[0], found[1]) : undefined;
}

/** Checks that the lock file pins exactly the images of the manifest. */
export function validateLockConsistency(pkg: Package): void {
  const images = pkg.manifest.spec.images;
  if (images.length === 0) return;
  const lock = pkg.manifestLock;
  if (!lock) {
    throw new ViolationError({
      reason: violationReasons.lockfileMissing,
      path: lockNames[0],
      ...(pkg.component ? { component: pkg.component } : {}),
    });
  }
  for (const img of images) {
    const locked = lock.spec.images.find((l) => l.name === img.name);
    if (!locked) {
      throw new ViolationError({
        reason: violationReasons.imageMissingInLockfile,
        details: img.name,
      });
    }
    if (locked.image !== img.image) {
      throw new ViolationError({
        reason: violationReasons.imageDifferentToLockfile,
        details: `${img.name}: manifest has ${img.image}, lockfile has ${locked.image}`,
      });
    }
  }
  for (const locked of lock.spec.images) {
    if (!images.some((i) => i.name === locked.name)) {
      throw new ViolationError({
        reason: violationReasons.imageDifferentToLockfile,
        details: `${locked.name} is in the lockfile but not in the manifest`,
      });
    }
  }
}

function withoutManifestFiles(files: Files): Map<string, Uint8Array> {
  const out = new Map(files);
  for (const n of [...manifestNames, ...lockNames]) out.delete(n);
  return out;
}

function loadOne(files: Files, component: string, fallback?: PackageManifest): Package {
  const manifest = loadManifest(files, component ? undefined : fallback);
  if (component) manifest.metadata.name = component;
  const manifestLock = loadLock(files);
  const own = withoutManifestFiles(files);
  if (!manifest.spec.components) {
    return { manifest, manifestLock, files: own, components: [], component };
  }
  if (component) {
    throw new ViolationError({ reason: violationReasons.nestedMultiComponent, component });
  }
  const byComponent = new Map<string, Map<string, Uint8Array>>();
  for (const [path, bytes] of files) {
    if (!path.startsWith(componentsPrefix)) continue;
    own.delete(path);
    const rest = path.slice(componentsPrefix.length);
    const slash = rest.indexOf('/');
    if (slash < 0) {
      if (rest.startsWith('.')) continue;
      throw new ViolationError({ reason: violationReasons.invalidFileInComponentsDir, path });
    }
    const name = rest.slice(0, slash);
    let m = byComponent.get(name);
    if (!m) byComponent.set(name, (m = new Map<string, Uint8Array>()));
    m.set(rest.slice(slash + 1), bytes);
  }
  const components = [...byComponent.keys()].sort().map((name) => {
    const cfiles = byComponent.get(name) ?? new Map<string, Uint8Array>();
    try {
      return loadOne(cfiles, name);
    } catch (err) {
      if (err instanceof ViolationError && err.violation.component === undefined) {
        throw new ViolationError({ ...err.violation, component: name });
      }
      throw err;
    }
  });
  return { manifest, manifestLock, files: own, components, component };
}

/**
 * Loads a package (root plus components), or with `component` set only that component (or, for
 * `''`, only the root). Checks the manifest rules and the lock file's consistency.
 */
export function loadPackage(raw: RawPackage, opts: LoadOptions = {}): Package {
  if (raw.files.size === 0) throw new ViolationError({ reason: violationReasons.emptyPackage });
  let pkg: Package;
  if (opts.component === undefined) {
    pkg = loadOne(raw.files, '', opts.defaultManifest);
  } else {
    const root = loadOne(raw.files, '', opts.defaultManifest);
    if (opts.component === '') {
      pkg = root;
    } else if (!root.manifest.spec.components) {
      throw new ViolationError({
        reason: violationReasons.componentsNotEnabled,
        component: opts.component,
      });
    } else {
      const found = root.components.find((c) => c.component === opts.component);
      if (!found) {
        throw new ViolationError({
          reason: violationReasons.componentNotFound,
          component: opts.component,
        });
      }
      pkg = found;
    }
  }
  if (!opts.skipLockConsistency) {
    for (const p of [pkg, ...pkg.components]) validateLockConsistency(p);
  }
  return pkg;
}
