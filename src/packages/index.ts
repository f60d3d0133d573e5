/**
 * Package pipeline: source (folder | file map | OCI image) -> `RawPackage` -> `Package` (manifest,
 * lock and components loaded and validated) -> config admission -> `PackageInstance` (templates
 * rendered, objects parsed, validated and CEL-filtered) -> ObjectSet template / deploy plan, plus
 * template tests against `.test-fixtures` and the `tree` text. Pure except the importers and the
 * disk fixture store; template engine and CEL evaluator are injected (`capabilities.ts`).
 */
export type * from './types.js';
export {
  phaseAnnotation,
  conditionAnnotation,
  collisionProtectionAnnotation,
  conditionMapAnnotation,
  externalObjectAnnotation,
  packageLabel,
  instanceLabel,
  chunkingStrategyAnnotation,
  staticImage,
} from './types.js';
export type {
  CelEvaluator,
  TemplateEngine,
  TemplateFuncEnv,
  ParsedTemplates,
} from './capabilities.js';
export * from './errors.js';
export type * from './manifest.js';
export { decodeManifest, decodeManifestLock } from './manifest.js';
export { importFolder, importFiles } from './import.js';
export { loadPackage, validateLockConsistency, type LoadOptions } from './load.js';
export { validateManifest } from './validate-manifest.js';
export {
  admitConfig,
  applyDefaults,
  pruneUnknownFields,
  validateConfig,
  type AdmittedConfig,
} from './config.js';
export {
  buildTemplateContext,
  lockedImages,
  lockedDependencies,
  staticImages,
  repositoryOf,
  normalizeEnvironment,
  type ContextInput,
} from './context.js';
export {
  renderTemplates,
  renderObjects,
  renderPackage,
  orderedObjects,
  type RenderCapabilities,
  type RenderedObjects,
  type RenderPackageOptions,
} from './render.js';
export {
  defaultObjectValidators,
  namespacedPackageValidator,
  clusterScopedKinds,
  type ObjectValidator,
} from './object-validators.js';
export { checkConstraints, failedConstraints } from './constraints.js';
export {
  objectSetTemplateSpec,
  parseConditionMap,
  type ObjectSetObject,
  type ObjectSetTemplatePhase,
  type ObjectSetTemplateSpec,
  type ConditionMapping,
  type CollisionProtection,
} from './objectset-template.js';
export {
  planDeployment,
  chunkObjects,
  chunkingStrategyOf,
  defaultSliceLimitBytes,
  type ChunkingStrategy,
  type DeployPlan,
  type DeployPlanOptions,
  type ObjectSlice,
} from './deploy-plan.js';
export {
  renderTestCase,
  runTemplateTests,
  validatePackage,
  validateStaticFiles,
  testFixturesFolder,
  type FixtureStore,
  type TemplateTestResult,
  type ValidationReport,
  type ValidateOptions,
} from './template-tests.js';
export { diskFixtureStore } from './fixture-store.js';
export { previewContext, type PreviewOptions } from './preview.js';
export { formatTree, type TreeHeader } from './tree.js';
export { unifiedDiff } from './unified-diff.js';
export { splitYamlDocuments, joinYamlDocuments, parseYaml } from './yaml.js';
export { instantiate, type InstanceRequest } from './instantiate.js';
export { importImage, pullPackage, type PullOptions } from './import-oci.js';
export {
  loadDesiredState,
  defaultDesiredStateManifest,
  phaseForKind,
  desiredStatePhases,
  type DesiredState,
  type DesiredStatePhase,
  type DesiredStateRequest,
} from './desired-state.js';
