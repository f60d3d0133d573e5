import { describe, expect, it } from 'vitest';

import { clusterScopeNamespace, parseHookPath, signBody, verifySignature } from './webhook.js';

describe('webhook signatures', () => {
  // The example from GitHub's "Validating webhook deliveries" documentation.
  const secret = "It's a Secret to Everybody";
  const body = Buffer.from('Hello, World!');
  const expected = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';

  it('computes GitHub-compatible sha256 HMAC signatures', () => {
    expect(signBody(secret, body)).toBe(expected);
  });

  it('accepts only the exact signature of the exact body', () => {
    expect(verifySignature(secret, body, expected)).toBe(true);
    expect(verifySignature(secret, body, expected.toUpperCase().replace('SHA256', 'sha256'))).toBe(
      true,
    );
    expect(verifySignature(secret, Buffer.from('Hello, World?'), expected)).toBe(false);
    expect(verifySignature('other secret', body, expected)).toBe(false);
    expect(verifySignature(secret, body, expected.slice(0, -1))).toBe(false);
    expect(verifySignature(secret, body, expected.replace('sha256=', 'sha1='))).toBe(false);
    expect(verifySignature(secret, body, '')).toBe(false);
    expect(verifySignature(secret, body, undefined)).toBe(false);
  });
});

describe('parseHookPath', () => {
  it.each([
    ['/hooks/github/team-a/app', { provider: 'github', namespace: 'team-a', name: 'app' }],
    ['/hooks/gitlab/ns/app.v2/', { provider: 'gitlab', namespace: 'ns', name: 'app.v2' }],
    [
      '/hooks/generic/_/platform',
      { provider: 'generic', namespace: clusterScopeNamespace, name: 'platform' },
    ],
  ])('%s', (path, want) => {
    expect(parseHookPath(path)).toEqual(want);
  });

  it.each([
    '/hooks/bitbucket/ns/app',
    '/hooks/github/ns',
    '/hooks/github/ns/app/extra',
    '/hooks/github/NS/app',
    '/hooks/github/ns/_',
    '/hooks/github/../app',
    '/other/github/ns/app',
  ])('refuses %s', (path) => {
    expect(parseHookPath(path)).toBeUndefined();
  });
});
