/**
 * API types for every kind packsync reads or writes.
 *
 * Pipeline: schema builder (`s`) -> kind definitions (Package Operator's `package-operator.run` and
 * `manifests.package-operator.run`, packsync's `packsync.dev`) -> registry -> two outputs:
 *   - zod parsers with inferred types (`parseObject`, `mustParseObject`, `parseAnyObject`), defaults
 *     applied, errors as Kubernetes-style `path: message`;
 *   - CustomResourceDefinitions (`crds`, `crdsYaml`, `crdFiles`), checked by `structuralErrors`.
 * Pure: no I/O; imports nothing from src/ except errors.
 */

// Kinds, their types and their parts.
export * from './core-v1alpha1.js';
export {
  group as manifestsGroup,
  version as manifestsVersion,
  PackageManifest,
  PackageManifestLock,
  Repository,
  RepositoryEntry,
  packageManifestScopes,
  platformNames,
  configMapKeyErrors,
  packageEnvironment,
  templateContext,
  type PackageManifestScope,
  type PlatformName,
  type PackageEnvironment,
  type TemplateContext,
  type TemplateContextObjectMeta,
  type PackageManifestSpec,
  type PackageManifestPhase,
  type PackageManifestImage,
  type PackageManifestFilter,
  type PackageManifestConstraint,
  type PackageManifestDependency,
  type PackageManifestTest,
  type PackageManifestLockImage,
  type PackageManifestLockDependency,
  type RepositoryEntryData,
} from './manifests-v1alpha1.js';
export {
  group as packsyncGroup,
  version as packsyncVersion,
  GitSync,
  ClusterGitSync,
  gitRefKinds,
  type GitRef,
  type GitRefKind,
  type GitSyncSpec,
  type ClusterGitSyncSpec,
  type GitSyncStatus,
} from './packsync-v1alpha1.js';

// Shared metadata, conditions, labels.
export * from './meta.js';
export * from './conditions.js';
export * from './labels.js';
export { durationPattern, parseDuration } from './duration.js';

// Registry and parsing.
export {
  kinds,
  kindNames,
  lookupKind,
  parseObject,
  parseMetadataAndStatus,
  parseAnyObject,
  mustParseObject,
  customResourceKinds,
  type KindName,
  type KindObject,
  type KindObjectInput,
  type AnyKindObject,
} from './registry.js';
export type { KindDef, PrinterColumn, Scope } from './kind.js';

// Schema builder (for other modules' own schemas) and OpenAPI types.
export {
  s,
  Schema,
  parseWith,
  formatIssues,
  formatPath,
  fieldMessages,
  type Infer,
  type InferInput,
  type ParseResult,
  type FieldIssue,
} from './schema.js';
export type { JSONSchemaProps, JSONSchemaType, ValidationRule } from './openapi.js';

// CRDs.
export {
  crds,
  crdFor,
  crdYaml,
  crdFiles,
  crdsYaml,
  type CustomResourceDefinition,
  type CustomResourceDefinitionVersion,
} from './crds.js';
export { structuralErrors } from './structural.js';
