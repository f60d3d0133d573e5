/**
 * Dry-run diffs and previews of a desired-state repository:
 *   files (folder | Git ref) -> repository package rendered as the GitSync controller does ->
 *   nested Packages pulled and rendered as the Package controller does (`expandDesiredState`) ->
 *   compared with the live cluster through SSA dry-runs (`diffAgainstCluster`) or with another
 *   ref (`compareStates`) -> `Report` -> text | markdown | JSON (`format.ts`).
 * Comparing, reporting and formatting are pure; the Git reader, the pulls and the cluster client
 * are the I/O edges.
 */
import { clusterScopedKinds, pullPackage, type PullOptions } from '../packages/index.js';
import {
  expandDesiredState,
  type ExpandedState,
  type PullPackage,
  type RenderCache,
} from './desired.js';
import { diffAgainstCluster, type ClusterDiffClient } from './cluster.js';
import { compareStates } from './compare.js';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { GitSource } from '../git/index.js';
import {
  isRepositoryUrl,
  readRefTree,
  readRemoteRefTree,
  repositoryRoot,
  type RefTree,
} from './git-tree.js';
import { PullCache } from './pull.js';
import { renderRepository } from './repository.js';
import { groupOf } from './objects.js';
import type { Report } from './report.js';

export type { DesiredObject, DesiredPackage, ExpandedState, PullPackage } from './desired.js';
export { expandDesiredState, isPackageObject, repositoryPackageId } from './desired.js';
export { diffAgainstCluster, type ClusterDiffClient, type ClusterDiffOptions } from './cluster.js';
export { compareStates, type CompareLabels } from './compare.js';
export {
  countsOf,
  hasChanges,
  hasErrors,
  summaryLine,
  type Action,
  type Counts,
  type ObjectReport,
  type PackageReport,
  type Report,
} from './report.js';
export {
  formatJson,
  formatMarkdown,
  formatText,
  outputFormats,
  type MarkdownOptions,
  type OutputFormat,
} from './format.js';
export { fieldChanges, project, type FieldChange } from './semantic.js';
export { maskSecrets, keyOf, labelOf, type ObjectId } from './objects.js';
export {
  isRepositoryUrl,
  readRefTree,
  readRemoteRefTree,
  resolveCommit,
  repositoryRoot,
  type RefTree,
} from './git-tree.js';

/** Where remote repositories are fetched to: `$XDG_CACHE_HOME/packsync/git` (or `~/.cache`). */
export function defaultGitCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'packsync', 'git');
}
export { PullCache } from './pull.js';
export { renderRepository, type RepositoryInput } from './repository.js';

/** The sync a desired state is rendered for: the GitSync's name, namespace and config. */
export interface SyncIdentity {
  name: string;
  /** '' for a ClusterGitSync. */
  namespace: string;
  config: Record<string, unknown>;
}

/** Cluster scope from the static list of well-known kinds (no cluster to ask). */
export function staticClusterScoped(apiVersion: string, kind: string): boolean {
  return clusterScopedKinds.has(`${groupOf(apiVersion)}/${kind}`);
}

/** The registry pull every command uses, de-duplicated for the run. */
export function pullCache(options: PullOptions = {}): PullCache {
  return new PullCache((ref) => pullPackage(ref, options));
}

export interface DesiredOptions {
  files: ReadonlyMap<string, Uint8Array>;
  sync: SyncIdentity;
  pull: PullPackage;
  isClusterScoped?: (apiVersion: string, kind: string) => boolean;
  renderCache?: RenderCache;
}

/** The expanded desired state of a repository path. */
export function desiredStateOf(opts: DesiredOptions): Promise<ExpandedState> {
  return expandDesiredState({
    name: opts.sync.name,
    namespace: opts.sync.namespace,
    render: () =>
      renderRepository({
        files: opts.files,
        name: opts.sync.name,
        namespace: opts.sync.namespace,
        config: opts.sync.config,
      }),
    pull: opts.pull,
    isClusterScoped: opts.isClusterScoped ?? staticClusterScoped,
    ...(opts.renderCache !== undefined ? { renderCache: opts.renderCache } : {}),
  });
}

export interface ClusterDiffRequest {
  files: ReadonlyMap<string, Uint8Array>;
  sync: SyncIdentity;
  client: ClusterDiffClient;
  pull: PullPackage;
  concurrency?: number;
}

/** `packsync diff`: the desired state of a repository path against the live cluster. */
export async function diffRepository(req: ClusterDiffRequest): Promise<Report> {
  const desired = await desiredStateOf({ files: req.files, sync: req.sync, pull: req.pull });
  return diffAgainstCluster({
    client: req.client,
    desired,
    ...(req.concurrency !== undefined ? { concurrency: req.concurrency } : {}),
  });
}

export interface PreviewRequest {
  /** Local repository (work tree or bare), or a URL (then `gitCacheDir` holds the fetches). */
  repo: string;
  gitCacheDir?: string;
  base: string;
  head: string;
  /** Path of the repository package inside the repository. */
  path: string;
  sync: SyncIdentity;
  pull: PullPackage;
}

/** `packsync preview`: what changes between two refs of a local repository. */
export async function previewRefs(req: PreviewRequest): Promise<Report> {
  let read: (ref: string) => Promise<RefTree>;
  if (isRepositoryUrl(req.repo)) {
    const source = new GitSource({ cacheDir: req.gitCacheDir ?? defaultGitCacheDir() });
    read = (ref) => readRemoteRefTree(source, req.repo, ref, req.path);
  } else {
    const root = await repositoryRoot(req.repo);
    read = (ref) => readRefTree(root, ref, req.path);
  }
  // One after the other: two fetches into one cache repository must not overlap.
  const base = await read(req.base);
  const head = await read(req.head);
  return previewTrees({
    base: { label: `${req.base} (${base.commit.slice(0, 7)})`, files: base.files },
    head: { label: `${req.head} (${head.commit.slice(0, 7)})`, files: head.files },
    sync: req.sync,
    pull: req.pull,
  });
}

/** The preview of two file maps (already read from wherever they come from). */
export async function previewTrees(req: {
  base: { label: string; files: ReadonlyMap<string, Uint8Array> };
  head: { label: string; files: ReadonlyMap<string, Uint8Array> };
  sync: SyncIdentity;
  pull: PullPackage;
}): Promise<Report> {
  const renderCache: RenderCache = new Map();
  const [b, h] = await Promise.all([
    desiredStateOf({ files: req.base.files, sync: req.sync, pull: req.pull, renderCache }),
    desiredStateOf({ files: req.head.files, sync: req.sync, pull: req.pull, renderCache }),
  ]);
  return compareStates(b, h, { before: req.base.label, after: req.head.label });
}
