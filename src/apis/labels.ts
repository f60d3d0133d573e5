/**
 * Label, annotation and finalizer names Package Operator reads or writes (pko-semantics.md §2), kept
 * verbatim so real packages and objects work unchanged, plus packsync's own.
 */

export const labels = {
  /** Name of the package (PackageManifest `metadata.name`) on every rendered object. */
  package: 'package-operator.run/package',
  /** Name of the (Cluster)Package instance on every rendered object. */
  instance: 'package-operator.run/instance',
  /** On ObjectSets: the ObjectDeployment they belong to. */
  objectDeployment: 'package-operator.run/object-deployment',
  /** Selector label of the dynamic cache: `"True"` on every managed object. */
  cache: 'package-operator.run/cache',
  /** On ObjectSetPhases: the phase class. */
  phaseClass: 'package-operator.run/phase-class',
  /** On ObjectSlices: the ObjectDeployment owning them. */
  sliceOwner: 'slices.package-operator.run/owner',
  /** `app.kubernetes.io/managed-by` (boxcutter writes `boxcutter`). */
  managedBy: 'app.kubernetes.io/managed-by',
  /** packsync: the (Cluster)GitSync an object was rendered for. */
  gitSync: 'packsync.dev/git-sync',
} as const;

export const annotations = {
  // Package authoring annotations, stripped before objects enter an ObjectSet.
  phase: 'package-operator.run/phase',
  condition: 'package-operator.run/condition',
  collisionProtection: 'package-operator.run/collision-protection',
  conditionMap: 'package-operator.run/condition-map',
  external: 'package-operator.run/external',
  // On Packages.
  chunkingStrategy: 'packages.package-operator.run/chunking-strategy',
  pauseMessage: 'package-operator.run/pause-message',
  // On ObjectDeployments and ObjectSets.
  packageSourceImage: 'package-operator.run/package-source-image',
  packageConfig: 'package-operator.run/package-config',
  changeCause: 'kubernetes.io/change-cause',
  hash: 'package-operator.run/hash',
  pausedByParent: 'package-operator.run/paused-by-parent',
  // On managed objects.
  revision: 'package-operator.run/revision',
  owners: 'package-operator.run/owners',
  // packsync: the Git commit a revision was rendered from.
  commit: 'packsync.dev/commit',
} as const;

export const finalizers = {
  cached: 'package-operator.run/cached',
  metrics: 'package-operator.run/metrics',
  /** Present when `kubectl delete --cascade=orphan` asked to keep the children. */
  orphan: 'orphan',
} as const;

export const chunkingStrategies = ['BinpackNextFit', 'EachObject', 'NoOp'] as const;
export type ChunkingStrategy = (typeof chunkingStrategies)[number];

export const collisionProtections = ['Prevent', 'IfNoController', 'None'] as const;
export type CollisionProtection = (typeof collisionProtections)[number];
