/**
 * Local packages -> the local registry: load and validate each package folder (template tests
 * rendered in memory, nothing written to the folder), build its reproducible image and push it
 * under `packsync.local/<repository>` with every tag asked for. One broken package never stops the
 * others.
 */
import { errorMessage } from '../errors.js';
import { buildPackageImage, type RegistryClient } from '../oci/index.js';
import { importFolder, loadPackage, validatePackage } from '../packages/index.js';
import { defaultRenderCapabilities } from '../packages/engines.js';
import type { FoundPackage, FoundProblem } from './discover.js';

export interface BuiltPackage {
  found: FoundPackage;
  /** Manifest digest of the image pushed. */
  digest: string;
  /** Tags pushed in the repository. */
  tags: string[];
  /** The manifest's `spec.scopes` (`Cluster`, `Namespaced`). */
  scopes: string[];
}

export interface BuildResult {
  built: Map<string, BuiltPackage>;
  /** Repositories whose package failed to build. */
  failed: Map<string, FoundProblem>;
}

/**
 * Builds and pushes every package; `registryHost` is where the client reaches the registry
 * (`127.0.0.1:<port>`), `tagsFor(repository)` the tags to push besides `latest`.
 */
export async function buildLocalPackages(
  packages: readonly FoundPackage[],
  client: RegistryClient,
  registryHost: string,
  opts: {
    tagsFor?: (repository: string) => readonly string[];
    shown: (abs: string) => string;
    onBuilt?: (b: BuiltPackage) => void;
    onFailed?: (p: FoundProblem) => void;
  },
): Promise<BuildResult> {
  const result: BuildResult = { built: new Map(), failed: new Map() };
  for (const found of packages) {
    try {
      const raw = await importFolder(found.folder);
      const pkg = loadPackage(raw);
      await validatePackage(pkg, defaultRenderCapabilities());
      const image = await buildPackageImage(raw.files);
      const tags = [...new Set(['latest', ...(opts.tagsFor?.(found.repository) ?? [])])];
      for (const tag of tags) {
        await client.pushImage(`${registryHost}/${found.repository}:${tag}`, image);
      }
      const b: BuiltPackage = {
        found,
        digest: image.digest,
        tags,
        scopes: [...pkg.manifest.spec.scopes],
      };
      result.built.set(found.repository, b);
      opts.onBuilt?.(b);
    } catch (err) {
      const p: FoundProblem = {
        file: opts.shown(found.folder),
        message: `building package: ${errorMessage(err)}`,
      };
      result.failed.set(found.repository, p);
      opts.onFailed?.(p);
    }
  }
  return result;
}
