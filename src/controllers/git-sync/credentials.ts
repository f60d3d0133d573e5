/**
 * The Secret named by `spec.secretRef`: Git credentials (keys `username` and `password`, or
 * `token`; optional `ca.crt`) and the webhook secret (key `webhookSecret`). Pure; values never
 * reach messages.
 */
import { UserError } from '../../errors.js';
import type { KubeObject } from '../../kube/index.js';

export const secretKeys = {
  username: 'username',
  password: 'password',
  token: 'token',
  caCert: 'ca.crt',
  webhookSecret: 'webhookSecret',
} as const;

export interface GitCredentials {
  username?: string;
  password?: string;
  token?: string;
  /** PEM bundle trusted for the repository's HTTPS certificate. */
  caPem?: string;
}

function dataOf(secret: KubeObject): Map<string, string> {
  const out = new Map<string, string>();
  const data = (secret as { data?: Record<string, unknown> }).data ?? {};
  for (const [k, v] of Object.entries(data)) {
    if (typeof v === 'string') out.set(k, Buffer.from(v, 'base64').toString('utf8'));
  }
  const stringData = (secret as { stringData?: Record<string, unknown> }).stringData ?? {};
  for (const [k, v] of Object.entries(stringData)) if (typeof v === 'string') out.set(k, v);
  return out;
}

function secretName(secret: KubeObject): string {
  const ns = secret.metadata.namespace;
  return `${ns ? `${ns}/` : ''}${secret.metadata.name ?? ''}`;
}

/**
 * The credentials in a Secret; undefined when it holds none (a Secret with only a webhook secret
 * or a CA for a public repository is fine). A username without a password is an error.
 */
export function credentialsFromSecret(secret: KubeObject): GitCredentials | undefined {
  const d = dataOf(secret);
  const out: GitCredentials = {};
  const username = d.get(secretKeys.username);
  const password = d.get(secretKeys.password);
  const token = d.get(secretKeys.token);
  const ca = d.get(secretKeys.caCert);
  if (username !== undefined || password !== undefined) {
    if (username === undefined || password === undefined) {
      throw new UserError(
        `secret ${secretName(secret)}: keys ${secretKeys.username} and ${secretKeys.password} go together`,
      );
    }
    out.username = username;
    out.password = password;
  }
  if (token !== undefined) out.token = token;
  if (ca !== undefined) out.caPem = ca;
  return Object.keys(out).length === 0 ? undefined : out;
}

/** The webhook secret of a Secret, when it has one. */
export function webhookSecretFromSecret(secret: KubeObject): string | undefined {
  const v = dataOf(secret).get(secretKeys.webhookSecret);
  return v === undefined || v === '' ? undefined : v;
}
