/**
 * How the controller reaches registries: TLS verified unless the registry is listed as insecure
 * or is a loopback host (then plain HTTP is allowed); credentials from the `imagePullSecrets` of
 * the manager's ServiceAccount, read at every pull (else the docker config); the on-disk pull
 * cache shared by all pulls.
 */
import {
  credentialFor,
  loadDockerConfig,
  RegistryClient,
  mergeCredentials,
  parsePullSecret,
  parseReference,
  type BlobCache,
  type CredentialStore,
} from '../../oci/index.js';
import type { KubeReader } from '../../kube/index.js';
import { importFiles, type RawPackage } from '../../packages/index.js';
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

/** How many decoded packages (by manifest digest) a pull keeps in memory. */
const decodedLimit = 32;

/**
 * The pull the controller uses: access rules applied per reference. Registry clients are reused
 * while a registry's credential and transport stay the same (so the scheme probe and tokens are
 * too). A pull resolves the tag (one HEAD) and reuses the package decoded from that digest by an
 * earlier pull, else reads the blobs from the on-disk cache (when set) or the registry.
 */
export function registryPull(reader: KubeReader, access: RegistryAccess): PullFn {
  const clients = new Map<string, RegistryClient>();
  const decoded = new Map<string, RawPackage>();
  const clientFor = (registry: string, credentials: CredentialStore): RegistryClient => {
    const insecure = isInsecureRegistry(registry, access.insecureRegistries);
    const key = `${registry} ${String(insecure)} ${JSON.stringify(credentialFor(credentials, registry) ?? null)}`;
    let c = clients.get(key);
    if (c === undefined) {
      // One client per registry: a changed credential replaces the old client.
      for (const k of clients.keys()) if (k.startsWith(`${registry} `)) clients.delete(k);
      c = new RegistryClient({
        credentials,
        insecure,
        ...(access.cache !== undefined ? { cache: access.cache } : {}),
      });
      clients.set(key, c);
    }
    return c;
  };
  return async (reference) => {
    const ref = parseReference(reference);
    const credentials =
      access.pullSecretsFrom !== undefined
        ? await serviceAccountCredentials(reader, access.pullSecretsFrom)
        : await loadDockerConfig();
    const client = clientFor(ref.registry, credentials);
    const digest = ref.digest ?? (await client.resolveDigest(ref));
    let raw = decoded.get(digest);
    if (raw === undefined) {
      const pulled = await client.pullImage({ ...ref, digest });
      raw = importFiles(pulled.files);
      decoded.set(digest, raw);
      if (decoded.size > decodedLimit) decoded.delete(decoded.keys().next().value ?? '');
    } else {
      decoded.delete(digest);
      decoded.set(digest, raw);
    }
    return { digest, raw: { ...raw, files: new Map(raw.files) } };
  };
}
