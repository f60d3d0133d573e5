/**
 * The stages of a package as types: a value's type says how far it has been validated.
 * `RawPackage` (bytes by path) -> `Package` (manifest parsed and validated, components split)
 * -> `PackageInstance` (rendered for one context, objects filtered and validated).
 */
import { annotations as apiAnnotations, labels as apiLabels } from '../apis/index.js';
import type { PackageManifest, PackageManifestLock } from './manifest.js';

/** Package files by slash-separated relative path. */
export type Files = ReadonlyMap<string, Uint8Array>;

/** Files as they come from an importer; nothing is parsed yet. */
export interface RawPackage {
  readonly files: Files;
}

/** A loaded package: manifest and lock parsed and validated, component folders split off. */
export interface Package {
  readonly manifest: PackageManifest;
  readonly manifestLock: PackageManifestLock | undefined;
  /** Package files without the manifest and lock file (and without `components/` for the root). */
  readonly files: Files;
  /** Component packages by folder name (multi-component packages only), sorted by name. */
  readonly components: readonly Package[];
  /** Component name; empty for the root package. */
  readonly component: string;
}

/** A Kubernetes object as plain JSON. */
export type KubeObject = Record<string, unknown> & {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: unknown;
};

/** `.package` of the template context. */
export interface TemplateContextPackage {
  metadata: {
    name: string;
    namespace: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  image?: string;
}

/** Everything a template (and a CEL expression) can see. */
export interface TemplateContext {
  package: TemplateContextPackage;
  config: Record<string, unknown>;
  images: Record<string, string>;
  dependencies: Record<string, string>;
  environment: Record<string, unknown>;
}

/** A package rendered for one context. */
export interface PackageInstance {
  readonly manifest: PackageManifest;
  readonly context: TemplateContext;
  /** Objects in render order (path order, then document order), after filtering. */
  readonly objects: readonly KubeObject[];
}

export const phaseAnnotation = apiAnnotations.phase;
export const conditionAnnotation = apiAnnotations.condition;
export const collisionProtectionAnnotation = apiAnnotations.collisionProtection;
export const conditionMapAnnotation = apiAnnotations.conditionMap;
export const externalObjectAnnotation = apiAnnotations.external;
export const packageLabel = apiLabels.package;
export const instanceLabel = apiLabels.instance;
export const chunkingStrategyAnnotation = apiAnnotations.chunkingStrategy;
export const staticImage = 'registry.package-operator.run/static-image';
