/**
 * Registry access shared by `build` and `update`: a client with docker-config credentials, and
 * Package Operator's `PKO_REPOSITORY_HOST` override of the registry images are looked up on.
 */
import { loadDockerConfig, overrideRegistry, RegistryClient } from '../../oci/index.js';

export async function registryClient(insecure: boolean): Promise<RegistryClient> {
  return new RegistryClient({ insecure, credentials: await loadDockerConfig() });
}

/** The image to contact for `image`: its registry replaced by `PKO_REPOSITORY_HOST` when set. */
export function lookupImage(image: string): string {
  return overrideRegistry(image, process.env.PKO_REPOSITORY_HOST ?? '');
}
