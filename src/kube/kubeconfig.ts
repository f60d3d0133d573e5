/**
 * Kubeconfig -> Credentials (server, TLS material, auth headers). The common cases (one kubeconfig
 * file with a token, token file, client certificate or basic auth; in-cluster service account) are
 * read here; anything else (exec and auth-provider plugins, several $KUBECONFIG files, proxies) goes
 * through client-node's KubeConfig, imported only then: loading client-node costs ~70 MB of RSS.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';

/** What the transport needs to talk to one API server. */
export interface Credentials {
  /** `https://host:port`, no trailing slash. */
  server: string;
  skipTLSVerify: boolean;
  tlsServerName?: string | undefined;
  ca?: Buffer | string | undefined;
  cert?: Buffer | string | undefined;
  key?: Buffer | string | undefined;
  /** Auth headers; asked again now and then (token files and plugins refresh). */
  headers(): Promise<Record<string, string>>;
}

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const clusterKeys = new Set([
  'server',
  'certificate-authority',
  'certificate-authority-data',
  'insecure-skip-tls-verify',
  'tls-server-name',
  'extensions',
]);
const userKeys = new Set([
  'token',
  'tokenFile',
  'client-certificate',
  'client-certificate-data',
  'client-key',
  'client-key-data',
  'username',
  'password',
  'extensions',
]);

type Named<T> = { name?: string; [k: string]: unknown } & Partial<Record<'cluster' | 'user', T>>;
interface RawConfig {
  clusters?: Named<Record<string, unknown>>[] | null;
  users?: Named<Record<string, unknown>>[] | null;
  contexts?: { name?: string; context?: { cluster?: string; user?: string } }[] | null;
  'current-context'?: string;
}

/**
 * Credentials from kubeconfig YAML, or undefined when it needs client-node (plugins, proxies).
 * Relative file paths are resolved against `baseDir`.
 */
export function lightCredentials(text: string, baseDir = process.cwd()): Credentials | undefined {
  const cfg = (parse(text) ?? {}) as RawConfig;
  const ctx = (cfg.contexts ?? []).find((c) => c.name === cfg['current-context'])?.context;
  if (ctx === undefined) return undefined;
  const cluster = (cfg.clusters ?? []).find((c) => c.name === ctx.cluster)?.cluster;
  const user = (cfg.users ?? []).find((u) => u.name === ctx.user)?.user ?? {};
  if (cluster === undefined || typeof cluster.server !== 'string') return undefined;
  if (Object.keys(cluster).some((k) => !clusterKeys.has(k))) return undefined;
  if (Object.keys(user).some((k) => !userKeys.has(k))) return undefined;
  const str = (v: unknown): string | undefined =>
    typeof v === 'string' && v !== '' ? v : undefined;
  const path = (p: string): string => (isAbsolute(p) ? p : join(baseDir, p));
  const material = (data: unknown, file: unknown): Buffer | undefined => {
    const d = str(data);
    if (d !== undefined) return Buffer.from(d, 'base64');
    const f = str(file);
    return f === undefined ? undefined : readFileSync(path(f));
  };
  const token = str(user.token);
  const tokenFile = str(user.tokenFile);
  const username = str(user.username);
  const password = str(user.password);
  return {
    server: cluster.server.replace(/\/+$/, ''),
    skipTLSVerify: cluster['insecure-skip-tls-verify'] === true,
    tlsServerName: str(cluster['tls-server-name']),
    ca: material(cluster['certificate-authority-data'], cluster['certificate-authority']),
    cert: material(user['client-certificate-data'], user['client-certificate']),
    key: material(user['client-key-data'], user['client-key']),
    headers: async (): Promise<Record<string, string>> => {
      if (token !== undefined) return { Authorization: `Bearer ${token}` };
      if (tokenFile !== undefined) {
        const t = (await readFile(path(tokenFile), 'utf8')).trim();
        return { Authorization: `Bearer ${t}` };
      }
      if (username !== undefined && password !== undefined) {
        const basic = Buffer.from(`${username}:${password}`).toString('base64');
        return { Authorization: `Basic ${basic}` };
      }
      return {};
    },
  };
}

/** The in-cluster service account, when running in a pod. */
function inClusterCredentials(): Credentials | undefined {
  const host = process.env.KUBERNETES_SERVICE_HOST;
  const port = process.env.KUBERNETES_SERVICE_PORT;
  if (!host || !port || !existsSync(join(SA_DIR, 'token'))) return undefined;
  const h = host.includes(':') ? `[${host}]` : host;
  const scheme = ['80', '8080', '8001'].includes(port) ? 'http' : 'https';
  return {
    server: `${scheme}://${h}:${port}`,
    skipTLSVerify: false,
    ca: readFileSync(join(SA_DIR, 'ca.crt')),
    headers: async () => ({
      Authorization: `Bearer ${(await readFile(join(SA_DIR, 'token'), 'utf8')).trim()}`,
    }),
  };
}

/** Credentials through client-node's KubeConfig (every auth plugin it knows). */
export async function credentialsFromKubeConfig(kc: KubeConfig): Promise<Credentials> {
  const cluster = kc.getCurrentCluster();
  if (cluster === null) throw new Error('kubeconfig has no current cluster');
  const base: { ca?: Buffer | string; cert?: Buffer | string; key?: Buffer | string } & Record<
    string,
    unknown
  > = {};
  await kc.applyToHTTPSOptions(base);
  return {
    server: cluster.server.replace(/\/+$/, ''),
    skipTLSVerify: cluster.skipTLSVerify === true || base.rejectUnauthorized === false,
    tlsServerName: cluster.tlsServerName,
    ca: base.ca,
    cert: base.cert,
    key: base.key,
    headers: async () => {
      const o: { headers?: Record<string, unknown>; auth?: unknown } = {};
      await kc.applyToHTTPSOptions(o);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(o.headers ?? {})) {
        if (typeof v === 'string' || typeof v === 'number') headers[k] = String(v);
        else if (Array.isArray(v)) headers[k] = v.join(', ');
      }
      if (typeof o.auth === 'string') {
        headers.Authorization = 'Basic ' + Buffer.from(o.auth).toString('base64');
      }
      return headers;
    },
  };
}

async function viaClientNode(load: (kc: KubeConfig) => void): Promise<Credentials> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  load(kc);
  return credentialsFromKubeConfig(kc);
}

/** Credentials from kubeconfig YAML text. */
export async function credentialsFromYaml(text: string): Promise<Credentials> {
  return lightCredentials(text) ?? viaClientNode((kc) => kc.loadFromString(text));
}

/**
 * Credentials from a kubeconfig file, or by the default lookup when `path` is undefined:
 * $KUBECONFIG, ~/.kube/config, then the in-cluster service account (as client-node).
 */
export async function credentialsFromFile(path?: string): Promise<Credentials> {
  let file = path;
  if (file === undefined) {
    const env = (process.env.KUBECONFIG ?? '').split(delimiter).filter((f) => f !== '');
    if (env.length > 1) return viaClientNode((kc) => kc.loadFromDefault());
    const home = join(homedir(), '.kube', 'config');
    file = env[0] ?? (existsSync(home) ? home : undefined);
    if (file === undefined) {
      return inClusterCredentials() ?? viaClientNode((kc) => kc.loadFromDefault());
    }
  }
  const f = file;
  return (
    lightCredentials(readFileSync(f, 'utf8'), dirname(f)) ??
    viaClientNode((kc) => kc.loadFromFile(f))
  );
}
