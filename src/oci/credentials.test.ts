import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { parseWwwAuthenticate, repositoryScope } from './auth.js';
import {
  credentialFor,
  loadDockerConfig,
  mergeCredentials,
  parseDockerConfig,
  parsePullSecret,
} from './credentials.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('parseDockerConfig', () => {
  const config = JSON.stringify({
    auths: {
      'https://index.docker.io/v1/': { auth: b64('hub-user:p:a:ss') },
      'quay.io': { username: 'q', password: 'qp' },
      'http://localhost:5000/some/path': { auth: b64('local:pw') },
      'acr.example.io': {
        auth: b64('00000000-0000-0000-0000-000000000000:'),
        identitytoken: 'refresh',
      },
      'empty.io': {},
    },
    credsStore: 'desktop',
  });

  it('reads auth, username/password and identity tokens by normalised host', () => {
    const store = parseDockerConfig(config);
    expect(credentialFor(store, 'docker.io')).toEqual({
      kind: 'basic',
      username: 'hub-user',
      password: 'p:a:ss',
    });
    expect(credentialFor(store, 'quay.io')).toEqual({
      kind: 'basic',
      username: 'q',
      password: 'qp',
    });
    expect(credentialFor(store, 'localhost:5000')).toEqual({
      kind: 'basic',
      username: 'local',
      password: 'pw',
    });
    expect(credentialFor(store, 'acr.example.io')).toEqual({
      kind: 'identity-token',
      username: '00000000-0000-0000-0000-000000000000',
      token: 'refresh',
    });
    expect(credentialFor(store, 'empty.io')).toBeUndefined();
    expect(credentialFor(store, 'other.io')).toBeUndefined();
  });

  it('reads the legacy .dockercfg shape (hosts at the top level)', () => {
    const store = parseDockerConfig(JSON.stringify({ 'r.io': { auth: b64('u:p') } }));
    expect(credentialFor(store, 'r.io')).toEqual({ kind: 'basic', username: 'u', password: 'p' });
  });

  it.each([
    ['{', 'docker config: not valid JSON'],
    ['[]', 'docker config: not a JSON object'],
    ['{"auths": 3}', 'docker config: "auths" is not an object'],
    ['{"auths": {"r.io": 3}}', 'docker config: auths["r.io"] is not an object'],
    [
      `{"auths": {"r.io": {"auth": "${b64('nocolon')}"}}}`,
      'docker config: auths["r.io"].auth is not base64 of "username:password"',
    ],
  ])('rejects %s', (text, message) => {
    expect(() => parseDockerConfig(text)).toThrow(message);
  });

  it('loads a file given explicitly, and DOCKER_CONFIG by default', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'packsync-dockercfg-'));
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({ auths: { 'r.io': { auth: b64('a:b') } } }),
    );
    const store = await loadDockerConfig(join(dir, 'config.json'));
    expect(credentialFor(store, 'r.io')).toMatchObject({ username: 'a' });
    await expect(loadDockerConfig(join(dir, 'missing.json'))).rejects.toThrow(
      /reading docker config .*missing\.json/,
    );
    const old = process.env.DOCKER_CONFIG;
    process.env.DOCKER_CONFIG = dir;
    try {
      expect(credentialFor(await loadDockerConfig(), 'r.io')).toMatchObject({ password: 'b' });
    } finally {
      if (old === undefined) delete process.env.DOCKER_CONFIG;
      else process.env.DOCKER_CONFIG = old;
    }
  });
});

describe('parsePullSecret', () => {
  it('reads .dockerconfigjson and .dockercfg secrets', () => {
    const dcj = {
      metadata: { name: 'pull', namespace: 'ns' },
      type: 'kubernetes.io/dockerconfigjson',
      data: {
        '.dockerconfigjson': b64(JSON.stringify({ auths: { 'r.io': { auth: b64('u:p') } } })),
      },
    };
    const legacy = {
      metadata: { name: 'old' },
      type: 'kubernetes.io/dockercfg',
      data: {
        '.dockercfg': b64(
          JSON.stringify({ 'r.io': { auth: b64('x:y') }, 's.io': { auth: b64('s:t') } }),
        ),
      },
    };
    const merged = mergeCredentials(parsePullSecret(dcj), parsePullSecret(legacy));
    expect(credentialFor(merged, 'r.io')).toMatchObject({ username: 'u' });
    expect(credentialFor(merged, 's.io')).toMatchObject({ username: 's' });
  });

  it('names the secret when it holds no docker config', () => {
    expect(() => parsePullSecret({ metadata: { name: 'x', namespace: 'n' }, data: {} })).toThrow(
      'secret n/x: has neither .dockerconfigjson nor .dockercfg',
    );
    expect(() =>
      parsePullSecret({ metadata: { name: 'x' }, data: { '.dockerconfigjson': b64('nope') } }),
    ).toThrow('secret x .dockerconfigjson: not valid JSON');
  });
});

describe('parseWwwAuthenticate', () => {
  it('parses a Docker Hub bearer challenge', () => {
    expect(
      parseWwwAuthenticate(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"',
      ),
    ).toEqual([
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:library/nginx:pull',
        },
      },
    ]);
  });

  it('parses basic, unquoted and multiple challenges', () => {
    expect(parseWwwAuthenticate('Basic realm="Registry Realm"')).toEqual([
      { scheme: 'basic', params: { realm: 'Registry Realm' } },
    ]);
    expect(
      parseWwwAuthenticate('Basic realm=x, Bearer realm="https://t/x", error="invalid_token"'),
    ).toEqual([
      { scheme: 'basic', params: { realm: 'x' } },
      { scheme: 'bearer', params: { realm: 'https://t/x', error: 'invalid_token' } },
    ]);
    expect(parseWwwAuthenticate('Bearer realm="a\\"b"')[0]?.params.realm).toBe('a"b');
    expect(parseWwwAuthenticate('')).toEqual([]);
  });

  it('builds pull and push scopes', () => {
    expect(repositoryScope('a/b', 'pull')).toBe('repository:a/b:pull');
    expect(repositoryScope('a/b', 'push')).toBe('repository:a/b:pull,push');
  });
});
