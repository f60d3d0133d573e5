import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { credentialsFromFile, credentialsFromYaml, lightCredentials } from './kubeconfig.js';

const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function kubeconfig(cluster: Record<string, unknown>, user: Record<string, unknown>): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster }],
    users: [{ name: 'u', user }],
    contexts: [{ name: 'x', context: { cluster: 'c', user: 'u', namespace: 'ns' } }],
    'current-context': 'x',
  });
}

describe('kubeconfig credentials', () => {
  it('reads a token user with inline CA data', async () => {
    const c = await credentialsFromYaml(
      kubeconfig(
        {
          server: 'https://10.0.0.1:6443/',
          'certificate-authority-data': Buffer.from('CA PEM').toString('base64'),
          'tls-server-name': 'api.local',
        },
        { token: 'abc' },
      ),
    );
    expect(c.server).toBe('https://10.0.0.1:6443');
    expect(String(c.ca)).toBe('CA PEM');
    expect(c.tlsServerName).toBe('api.local');
    expect(c.skipTLSVerify).toBe(false);
    expect(await c.headers()).toEqual({ Authorization: 'Bearer abc' });
  });

  it('resolves file paths against the kubeconfig directory and re-reads token files', async () => {
    writeFileSync(join(dir, 'ca.crt'), 'CA FILE');
    writeFileSync(join(dir, 'client.crt'), 'CERT');
    writeFileSync(join(dir, 'client.key'), 'KEY');
    writeFileSync(join(dir, 'token'), 'one\n');
    const file = join(dir, 'config');
    writeFileSync(
      file,
      kubeconfig(
        { server: 'https://h:1', 'certificate-authority': 'ca.crt' },
        { 'client-certificate': 'client.crt', 'client-key': 'client.key', tokenFile: 'token' },
      ),
    );
    const c = await credentialsFromFile(file);
    expect([String(c.ca), String(c.cert), String(c.key)]).toEqual(['CA FILE', 'CERT', 'KEY']);
    expect(await c.headers()).toEqual({ Authorization: 'Bearer one' });
    writeFileSync(join(dir, 'token'), 'two\n');
    expect(await c.headers()).toEqual({ Authorization: 'Bearer two' });
  });

  it('sends basic auth for a username and password', async () => {
    const c = await credentialsFromYaml(
      kubeconfig(
        { server: 'http://h:8080', 'insecure-skip-tls-verify': true },
        { username: 'me', password: 'pw' },
      ),
    );
    expect(c.skipTLSVerify).toBe(true);
    expect(await c.headers()).toEqual({
      Authorization: `Basic ${Buffer.from('me:pw').toString('base64')}`,
    });
  });

  it('leaves exec plugins to client-node, which runs them', async () => {
    const cred = JSON.stringify({
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      status: { token: 'from-exec' },
    });
    const text = kubeconfig(
      { server: 'https://h:1' },
      {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1',
          command: 'sh',
          args: ['-c', `echo '${cred}'`],
          interactiveMode: 'Never',
        },
      },
    );
    expect(lightCredentials(text)).toBeUndefined();
    const c = await credentialsFromYaml(text);
    expect(await c.headers()).toMatchObject({ Authorization: 'Bearer from-exec' });
  });
});
