/**
 * The OCI importer: a package image (files under `package/`, layers in order, later wins) ->
 * `RawPackage`, over `src/oci`. Nothing is extracted to disk.
 */
import {
  loadDockerConfig,
  readPackageImage,
  RegistryClient,
  type Image,
  type ReadOptions,
  type RegistryClientOptions,
} from '../oci/index.js';
import { importFiles } from './import.js';
import type { RawPackage } from './types.js';

/** The files of an image already in memory. */
export async function importImage(image: Image, options: ReadOptions = {}): Promise<RawPackage> {
  return importFiles(await readPackageImage(image, options));
}

export interface PullOptions extends RegistryClientOptions {
  /** Docker config file for credentials (default `$DOCKER_CONFIG/config.json` or `~/.docker`). */
  dockerConfig?: string;
}

/** Pulls a package image from its registry. */
export async function pullPackage(
  reference: string,
  options: PullOptions = {},
): Promise<{ digest: string; raw: RawPackage }> {
  const { dockerConfig, ...clientOptions } = options;
  const credentials = clientOptions.credentials ?? (await loadDockerConfig(dockerConfig));
  const client = new RegistryClient({ ...clientOptions, credentials });
  const pulled = await client.pullImage(reference);
  return { digest: pulled.digest, raw: importFiles(pulled.files) };
}
