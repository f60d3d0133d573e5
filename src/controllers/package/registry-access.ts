/**
 * How the controller reaches registries: TLS verified unless the registry is listed as insecure
 * or is a loopback host (then plain HTTP is allowed); credentials from the `imagePullSecrets` of
 * the manager's ServiceAccount, read at every pull (else the docker config); the on-disk pull
 * cache shared by all pulls.
 */
import type { BlobCache } from '../../oci/index.js';
import {
  loadDockerConfig,
  mergeCredentials,
  parsePullSecret,
  parseReference,
  type CredentialStore,
} from '../../oci/index.js';
import type { KubeReader } from '../../kube/index.js';
import { pullPackage } from '../../packages/index.js';
import type { PullFn } from './pull.js';

export interface RegistryAccess {
  /** Registries (host[:port]) reached over plain HTTP / unverified TLS. */
  insecureRegistries?: readonly string[] | undefined;
  /** ServiceAccount whose `imagePullSecrets` hold the registry credentials. */
  pullSecretsFrom?: { namespace: string; serviceAccountName: string } | undefined;
  cache?: BlobCache | undefined;
}

/** `localhost`, `127.0.0.0/8` and `[::1]`, with or without a port. */
export function isLoopbackRegistry(registry: string): boolean {
  const host = registry.startsWith('[')
    ? registry.slice(1, registry.indexOf(']'))
    : (registry.split(':')[0] ?? '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export function isInsecureRegistry(registry: string, listed: readonly string[] = []): boolean {
  return isLoopbackRegistry(registry) || listed.includes(registry);
}

/** Credentials of every dockerconfigjson Secret the ServiceAccount lists; missing ones are skipped. */
export async function serviceAccountCredentials(
  reader: KubeReader,
  sa: { namespace: string; serviceAccountName: string },
): Promise<CredentialStore> {
  const account = await reader.get({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    name: sa.serviceAccountName,
    namespace: sa.namespace,
  });
  const refs = ((account as { imagePullSecrets?: { name?: string }[] } | undefined)
    ?.imagePullSecrets ?? []) as { name?: string }[];
  const stores: CredentialStore[] = [];
  for (const ref of refs) {
    if (ref.name === undefined || ref.name === '') continue;
    const secret = await reader.get({
      apiVersion: 'v1',
      kind: 'Secret',
      name: ref.name,
      namespace: sa.namespace,
    });
    if (secret === undefined) continue;
    stores.push(parsePullSecret(secret));
  }
  return mergeCredentials(...stores);
}

/** The pull the controller uses: access rules applied per reference. */
export function registryPull(reader: KubeReader, access: RegistryAccess): PullFn {
  return async (reference) => {
    const registry = parseReference(reference).registry;
    const credentials =
      access.pullSecretsFrom !== undefined
        ? await serviceAccountCredentials(reader, access.pullSecretsFrom)
        : await loadDockerConfig();
    return pullPackage(reference, {
      credentials,
      insecure: isInsecureRegistry(registry, access.insecureRegistries),
      ...(access.cache !== undefined ? { cache: access.cache } : {}),
    });
  };
}
