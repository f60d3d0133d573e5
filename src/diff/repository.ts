/**
 * The repository package renderer the diff and preview use: `loadDesiredState`, the same function
 * the GitSync controller renders a desired-state repository path with (default manifest and
 * placement by kind when the path has no manifest), so neither command has its own render path.
 */
import { loadDesiredState, type PackageInstance } from '../packages/index.js';
import { defaultRenderCapabilities } from '../packages/engines.js';

export interface RepositoryInput {
  files: ReadonlyMap<string, Uint8Array>;
  /** The sync's name (GitSync name). */
  name: string;
  /** '' for a cluster-scoped sync. */
  namespace: string;
  config: Record<string, unknown>;
}

export function renderRepository(input: RepositoryInput): PackageInstance {
  return loadDesiredState(
    { files: input.files, name: input.name, namespace: input.namespace, config: input.config },
    defaultRenderCapabilities(),
  ).instance;
}
