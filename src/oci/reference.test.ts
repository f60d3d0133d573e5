import { describe, expect, it } from 'vitest';

import { OciError } from './errors.js';
import {
  apiHost,
  formatReference,
  imageWithDigest,
  overrideRegistry,
  parseReference,
  withDigest,
  withTag,
} from './reference.js';

const hex = 'a'.repeat(64);
const digest = `sha256:${hex}`;

describe('parseReference', () => {
  it.each([
    ['nginx', 'docker.io/library/nginx:latest'],
    ['nginx:1.25', 'docker.io/library/nginx:1.25'],
    ['library/nginx', 'docker.io/library/nginx:latest'],
    ['user/app:v1', 'docker.io/user/app:v1'],
    ['docker.io/nginx', 'docker.io/library/nginx:latest'],
    ['index.docker.io/nginx:stable', 'docker.io/library/nginx:stable'],
    ['registry-1.docker.io/user/app', 'docker.io/user/app:latest'],
    ['quay.io/org/pkg:v1.2.3', 'quay.io/org/pkg:v1.2.3'],
    ['localhost/pkg', 'localhost/pkg:latest'],
    ['localhost:5000/a/b/c:t', 'localhost:5000/a/b/c:t'],
    ['127.0.0.1:5000/demo/pkg:v1', '127.0.0.1:5000/demo/pkg:v1'],
    ['[::1]:5000/demo/pkg', '[::1]:5000/demo/pkg:latest'],
    ['Registry/pkg', 'Registry/pkg:latest'],
    [`nginx@${digest}`, `docker.io/library/nginx@${digest}`],
    [`quay.io/a/b:v1@${digest}`, `quay.io/a/b:v1@${digest}`],
    ['a/b__c/d-e.f_g', 'docker.io/a/b__c/d-e.f_g:latest'],
  ])('normalises %s', (input, expected) => {
    expect(formatReference(parseReference(input))).toBe(expected);
  });

  it('keeps tag and digest apart', () => {
    const r = parseReference(`quay.io/a/b:v1@${digest}`);
    expect(r).toEqual({ registry: 'quay.io', repository: 'a/b', tag: 'v1', digest });
    expect(parseReference(`nginx@${digest}`).tag).toBeUndefined();
  });

  it.each([
    ['', 'empty reference'],
    [' nginx', 'leading or trailing whitespace'],
    ['Nginx', 'repository name must be lowercase'],
    ['quay.io/Org/pkg', 'repository name must be lowercase'],
    ['nginx:', 'invalid tag ""'],
    ['nginx:-bad', 'invalid tag "-bad"'],
    [`nginx:${'x'.repeat(129)}`, 'invalid tag'],
    ['nginx@sha256:abc', 'invalid digest "sha256:abc"'],
    [`nginx@md5:${'a'.repeat(32)}`, 'unsupported digest algorithm'],
    [`nginx@sha256:${'A'.repeat(64)}`, 'invalid sha256 digest'],
    ['a//b', 'invalid repository path component ""'],
    ['a/b_', 'invalid repository path component "b_"'],
    ['-host.io/x', 'invalid registry host "-host.io"'],
    ['host.io:port/x', 'invalid registry host "host.io:port"'],
    [':tag', 'missing repository name'],
    [`quay.io/${'a'.repeat(250)}`, 'longer than 255'],
  ])('rejects %j with a reason', (input, reason) => {
    let err: unknown;
    try {
      parseReference(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OciError);
    expect((err as OciError).code).toBe('invalid-reference');
    expect((err as Error).message).toContain(`invalid image reference "${input}"`);
    expect((err as Error).message).toContain(reason);
  });
});

describe('imageWithDigest', () => {
  it('spells Docker Hub as index.docker.io like Package Operator', () => {
    expect(imageWithDigest('nginx:1.25', digest)).toBe(`index.docker.io/library/nginx@${digest}`);
    expect(imageWithDigest('quay.io/a/b:v1', digest)).toBe(`quay.io/a/b@${digest}`);
    expect(imageWithDigest(`localhost:5000/x:y@sha256:${'b'.repeat(64)}`, digest)).toBe(
      `localhost:5000/x@${digest}`,
    );
  });

  it('refuses a malformed digest', () => {
    expect(() => imageWithDigest('nginx', 'sha256:xyz')).toThrow(/invalid digest/);
  });
});

describe('helpers', () => {
  it('withTag and withDigest replace the version', () => {
    const r = parseReference(`quay.io/a/b:v1@${digest}`);
    expect(formatReference(withTag(r, 'v2'))).toBe('quay.io/a/b:v2');
    expect(formatReference(withDigest(r, digest))).toBe(`quay.io/a/b@${digest}`);
    expect(() => withTag(r, 'bad tag')).toThrow(/invalid tag/);
  });

  it('talks to registry-1.docker.io for Docker Hub', () => {
    expect(apiHost(parseReference('nginx').registry)).toBe('registry-1.docker.io');
    expect(apiHost('quay.io')).toBe('quay.io');
  });
});

describe('overrideRegistry', () => {
  it('moves an image to another registry host, keeping the repository path', () => {
    expect(overrideRegistry('nginx', 'mirror.local:5000')).toBe(
      'mirror.local:5000/library/nginx:latest',
    );
    expect(overrideRegistry('quay.io/org/app:v1', 'mirror.local')).toBe('mirror.local/org/app:v1');
    expect(overrideRegistry(`quay.io/org/app:v1@${digest}`, 'm.io')).toBe(`m.io/org/app@${digest}`);
    expect(overrideRegistry('quay.io/org/app:v1', 'docker.io')).toBe('index.docker.io/org/app:v1');
    expect(overrideRegistry('quay.io/org/app:v1', '')).toBe('quay.io/org/app:v1');
  });

  it('refuses a host that is not a host', () => {
    expect(() => overrideRegistry('nginx', 'a/b')).toThrow(
      'image registry override: invalid registry host "a/b"',
    );
    expect(() => overrideRegistry('Nginx', 'm.io')).toThrow('repository name must be lowercase');
  });
});
