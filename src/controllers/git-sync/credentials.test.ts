import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../kube/index.js';
import { credentialsFromSecret, webhookSecretFromSecret } from './credentials.js';

function secret(data: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'git', namespace: 'team' },
    data: Object.fromEntries(
      Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
    ),
  };
}

describe('credentialsFromSecret', () => {
  it('reads username/password, token and ca.crt', () => {
    expect(credentialsFromSecret(secret({ username: 'u', password: 'p' }))).toEqual({
      username: 'u',
      password: 'p',
    });
    expect(credentialsFromSecret(secret({ token: 't', 'ca.crt': 'PEM' }))).toEqual({
      token: 't',
      caPem: 'PEM',
    });
  });

  it('gives no credentials for a Secret with only a webhook secret', () => {
    const s = secret({ webhookSecret: 'hook' });
    expect(credentialsFromSecret(s)).toBeUndefined();
    expect(webhookSecretFromSecret(s)).toBe('hook');
    expect(webhookSecretFromSecret(secret({}))).toBeUndefined();
  });

  it('rejects a username without a password, without printing values', () => {
    expect(() => credentialsFromSecret(secret({ username: 'alice-secret-name' }))).toThrow(
      'secret team/git: keys username and password go together',
    );
  });
});
