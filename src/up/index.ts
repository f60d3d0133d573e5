/**
 * `packsync up`: everything on one machine, no cluster needed.
 *
 *   startUp (API server + CRDs + local OCI registry + manager + kubeconfig)
 *     -> sources (folderSource: discover -> build into the local registry -> apply objects)
 *     -> PackageWatch (informers on (Cluster)Packages -> progress rows)
 *     -> ProgressView (TTY redraw or plain lines) / waitForSettled (--wait)
 */
export { startUp } from './session.js';
export type {
  SourceReporter,
  SourceResult,
  UpLogger,
  UpOptions,
  UpSession,
  UpSource,
} from './session.js';
export { folderSource } from './folder-source.js';
export { discover, localRegistryHost } from './discover.js';
export type { Discovery, FoundObject, FoundPackage, FoundProblem } from './discover.js';
export { buildLocalPackages } from './local-packages.js';
export type { BuildResult, BuiltPackage } from './local-packages.js';
export { applyObjects, defaultPackageObjects, isPackageObject, prepareObject } from './apply.js';
export { PackageWatch, waitForSettled } from './watch.js';
export type { SettleOutcome } from './watch.js';
export { formatRow, packageRow, plainLine, summarize } from './progress.js';
export type { LineStyle, PackageRow, Summary } from './progress.js';
export { ProgressView } from './view.js';
export type { ProgressViewOptions } from './view.js';
