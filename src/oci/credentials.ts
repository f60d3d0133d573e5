/**
 * Registry credentials: Docker config JSON (`~/.docker/config.json`, `auths` with `auth`,
 * `username`/`password` or `identitytoken`), Kubernetes pull secrets (`.dockerconfigjson` and the legacy
 * `.dockercfg`), and the lookup of a registry host's entry. Parsing is pure; only `loadDockerConfigFile`
 * reads a file.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { env } from 'node:process';

import { OciError } from './errors.js';
import { dockerHubDomain } from './reference.js';

export type Credential =
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'identity-token'; username?: string; token: string }
  | { kind: 'registry-token'; token: string };

/** Credentials by normalised registry host (`docker.io`, `host:port`). */
export type CredentialStore = ReadonlyMap<string, Credential>;

/** `https://index.docker.io/v1/`, `http://host:5000/path` -> `docker.io`, `host:5000`. */
export function normaliseRegistryHost(key: string): string {
  let host = key.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const slash = host.indexOf('/');
  if (slash !== -1) host = host.slice(0, slash);
  host = host.toLowerCase();
  if (host === 'index.docker.io' || host === 'registry-1.docker.io') return dockerHubDomain;
  return host;
}

function bad(source: string, message: string): OciError {
  return new OciError('invalid-config', `${source}: ${message}`);
}

function decodeAuth(
  source: string,
  host: string,
  auth: string,
): { username: string; password: string } {
  const text = Buffer.from(auth, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) {
    throw bad(source, `auths["${host}"].auth is not base64 of "username:password"`);
  }
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function parseAuthEntry(source: string, host: string, entry: unknown): Credential | undefined {
  if (typeof entry !== 'object' || entry === null) {
    throw bad(source, `auths["${host}"] is not an object`);
  }
  const e = entry as Record<string, unknown>;
  const identity = str(e.identitytoken);
  const registryToken = str(e.registrytoken);
  const auth = str(e.auth);
  let username = str(e.username);
  let password = str(e.password);
  if (auth !== undefined) ({ username, password } = decodeAuth(source, host, auth));
  if (identity !== undefined) {
    return { kind: 'identity-token', token: identity, ...(username ? { username } : {}) };
  }
  if (registryToken !== undefined) return { kind: 'registry-token', token: registryToken };
  if (username !== undefined && password !== undefined)
    return { kind: 'basic', username, password };
  return undefined;
}

/** Parses a Docker config JSON document (`{"auths": {...}}`, or the legacy map of hosts). */
export function parseDockerConfig(text: string, source = 'docker config'): Map<string, Credential> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new OciError('invalid-config', `${source}: not valid JSON`, { cause: err });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw bad(source, 'not a JSON object');
  }
  const obj = json as Record<string, unknown>;
  const auths = 'auths' in obj ? obj.auths : obj;
  if (typeof auths !== 'object' || auths === null || Array.isArray(auths)) {
    throw bad(source, '"auths" is not an object');
  }
  const out = new Map<string, Credential>();
  for (const [key, entry] of Object.entries(auths as Record<string, unknown>)) {
    if (key === 'auths' || key === 'credHelpers' || key === 'credsStore') continue;
    const cred = parseAuthEntry(source, key, entry);
    if (cred) out.set(normaliseRegistryHost(key), cred);
  }
  return out;
}

/** Reads and parses a Docker config file. */
export async function loadDockerConfigFile(path: string): Promise<Map<string, Credential>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new OciError('invalid-config', `reading docker config ${path}`, { cause: err });
  }
  return parseDockerConfig(text, `docker config ${path}`);
}

/**
 * The user's Docker config: `path` if given, else `$DOCKER_CONFIG/config.json`, else
 * `~/.docker/config.json`. A missing default file is an empty store; a missing explicit file is an error.
 */
export async function loadDockerConfig(path?: string): Promise<Map<string, Credential>> {
  if (path !== undefined) return loadDockerConfigFile(path);
  const dir = env.DOCKER_CONFIG ?? join(homedir(), '.docker');
  const file = join(dir, 'config.json');
  if (!existsSync(file)) return new Map();
  return loadDockerConfigFile(file);
}

interface SecretLike {
  metadata?: { name?: string; namespace?: string };
  type?: string;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

/**
 * Credentials of a Kubernetes image pull secret (`kubernetes.io/dockerconfigjson` with
 * `.dockerconfigjson`, or `kubernetes.io/dockercfg` with `.dockercfg`); `data` values are base64.
 */
export function parsePullSecret(secret: SecretLike): Map<string, Credential> {
  const name = `secret ${secret.metadata?.namespace ?? ''}${secret.metadata?.namespace ? '/' : ''}${secret.metadata?.name ?? '(unnamed)'}`;
  for (const key of ['.dockerconfigjson', '.dockercfg']) {
    const plain = secret.stringData?.[key];
    const encoded = secret.data?.[key];
    const text =
      plain ??
      (encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8'));
    if (text !== undefined) return parseDockerConfig(text, `${name} ${key}`);
  }
  throw bad(name, 'has neither .dockerconfigjson nor .dockercfg');
}

/** Merges stores; earlier stores win for the same host (like a pod's imagePullSecrets order). */
export function mergeCredentials(...stores: CredentialStore[]): Map<string, Credential> {
  const out = new Map<string, Credential>();
  for (const s of stores) for (const [k, v] of s) if (!out.has(k)) out.set(k, v);
  return out;
}

/** The credential for a registry host, if any. */
export function credentialFor(store: CredentialStore, registry: string): Credential | undefined {
  return store.get(normaliseRegistryHost(registry));
}
