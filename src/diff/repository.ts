/**
 * The repository package renderer the diff and preview use: the same function the GitSync
 * controller renders a desired-state repository path with, so neither command has its own render
 * path.
 */
import { instantiate, loadPackage, type PackageInstance } from '../packages/index.js';
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
  const pkg = loadPackage({ files: input.files });
  return instantiate(
    pkg,
    {
      name: input.name,
      namespace: input.namespace,
      config: input.config,
      environment: {},
    },
    defaultRenderCapabilities(),
  );
}
