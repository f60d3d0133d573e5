// The registry client against a real Debian docker-registry: plain and htpasswd-protected, with a
// fault-injecting proxy in front for the Bearer flow, retries, timeouts and corrupted blobs.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  buildPackageImage,
  loadDockerConfig,
  mediaTypes,
  OciError,
  parseDockerConfig,
  RegistryClient,
  sha256Digest,
} from '../../src/oci/index.js';
import type { Image } from '../../src/oci/index.js';
import type { FaultProxy } from './fault-proxy.js';
import { startFaultProxy } from './fault-proxy.js';
import type { RunningRegistry } from './registry-helper.js';
import { missingTools, startRegistry, warnSkip } from './registry-helper.js';

const missing = await missingTools(['docker-registry', 'htpasswd']);
warnSkip('registry client integration tests', missing);

const text = (d: Uint8Array | undefined): string =>
  Buffer.from(d ?? new Uint8Array()).toString('utf8');
const pkg = {
  'manifest.yaml': 'apiVersion: manifests.package-operator.run/v1alpha1\nkind: PackageManifest\n',
  'deploy/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\n',
};

async function expectOciError(p: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  let err: unknown;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(OciError);
  expect((err as OciError).code).toBe(code);
  expect((err as Error).message).toMatch(message);
}

describe.skipIf(missing.length > 0)('registry client', () => {
  let registry: RunningRegistry;
  let image: Image;
  const client = new RegistryClient({ insecure: true, backoffMs: 10 });

  beforeAll(async () => {
    registry = await startRegistry();
    image = await buildPackageImage(pkg, { labels: { 'org.example/test': 'yes' } });
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it('pushes, resolves and pulls an image back with the same digest and files', async () => {
    const ref = `${registry.host}/pkgs/basic:v1`;
    const pushed = await client.pushImage(ref, image);
    expect(pushed.digest).toBe(image.digest);
    expect(await client.resolveDigest(ref)).toBe(image.digest);
    const pulled = await client.pullImage(ref);
    expect(pulled.digest).toBe(image.digest);
    expect(Object.fromEntries([...pulled.files].map(([k, v]) => [k, text(v)]))).toEqual(pkg);
    const byDigest = await client.pullImage(`${registry.host}/pkgs/basic@${image.digest}`);
    expect(byDigest.image.digest).toBe(image.digest);
  });

  it('uploads in chunks when asked', async () => {
    const big = { ...pkg, 'blob.bin': randomBytes(200_000) };
    const chunkedImage = await buildPackageImage(big);
    const ref = `${registry.host}/pkgs/chunked:v1`;
    const chunked = new RegistryClient({ insecure: true, chunkSize: 32 * 1024 });
    expect((await chunked.pushImage(ref, chunkedImage)).digest).toBe(chunkedImage.digest);
    const pulled = await client.pullImage(ref);
    expect(Buffer.from(pulled.files.get('blob.bin') ?? []).equals(big['blob.bin'])).toBe(true);
  });

  it('chooses linux/amd64 from an OCI index and a Docker manifest list', async () => {
    for (const format of ['oci', 'docker'] as const) {
      const amd = await buildPackageImage({ ...pkg, 'arch.txt': 'amd64' }, { format });
      const arm = await buildPackageImage({ ...pkg, 'arch.txt': 'arm64' }, { format });
      const repo = `${registry.host}/pkgs/multi-${format}`;
      await client.pushImage(`${repo}@${amd.digest}`, amd);
      await client.pushImage(`${repo}@${arm.digest}`, arm);
      const entry = (i: Image, architecture: string) => ({
        mediaType: i.mediaType,
        digest: i.digest,
        size: i.manifestBytes.byteLength,
        platform: { os: 'linux', architecture },
      });
      const indexType = format === 'oci' ? mediaTypes.ociIndex : mediaTypes.dockerManifestList;
      const index = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: indexType,
          manifests: [entry(arm, 'arm64'), entry(amd, 'amd64')],
        }),
      );
      await client.putManifest(`${repo}:v1`, index, indexType);
      const pulled = await client.pullImage(`${repo}:v1`);
      expect(pulled.digest).toBe(sha256Digest(index));
      expect(pulled.image.digest).toBe(amd.digest);
      expect(text(pulled.files.get('arch.txt'))).toBe('amd64');
      expect(await client.resolveDigest(`${repo}:v1`)).toBe(sha256Digest(index));
    }
  });

  it('reports a missing tag and a refused plain-HTTP registry clearly', async () => {
    await expectOciError(
      client.pullImage(`${registry.host}/pkgs/basic:nope`),
      'not-found',
      /fetching manifest .*basic:nope: not found: MANIFEST_UNKNOWN/,
    );
    const strict = new RegistryClient({ retries: 0 });
    await expectOciError(
      strict.resolveDigest(`${registry.host}/pkgs/basic:v1`),
      'network',
      /pinging registry 127\.0\.0\.1:\d+: GET https:\/\/127\.0\.0\.1:\d+\/v2\//,
    );
  });

  describe('through a fault-injecting proxy', () => {
    let proxy: FaultProxy;
    beforeAll(async () => {
      proxy = await startFaultProxy(registry.host);
      await client.pushImage(`${registry.host}/pkgs/proxied:v1`, image);
    });
    afterAll(async () => {
      await proxy?.stop();
    });

    it('retries 503 and 429 with backoff, then succeeds', async () => {
      proxy.behaviour = { fail: { count: 2, status: 503, path: /manifests/ } };
      const c = new RegistryClient({ insecure: true, backoffMs: 5 });
      expect((await c.pullImage(`${proxy.host}/pkgs/proxied:v1`)).image.digest).toBe(image.digest);
      proxy.behaviour = { fail: { count: 1, status: 429, path: /blobs/ } };
      expect((await c.pullImage(`${proxy.host}/pkgs/proxied:v1`)).image.digest).toBe(image.digest);
      expect(proxy.stats.failed).toBe(3);
      proxy.behaviour = { fail: { count: 10, status: 500, path: /manifests/ } };
      await expectOciError(
        new RegistryClient({ insecure: true, backoffMs: 1, retries: 2 }).pullImage(
          `${proxy.host}/pkgs/proxied:v1`,
        ),
        'registry',
        /registry answered 500/,
      );
    });

    it('stops retrying when the caller cancels', async () => {
      const controller = new AbortController();
      proxy.behaviour = {
        fail: { count: 100, status: 503, path: /manifests/, onFailure: () => controller.abort() },
      };
      const c = new RegistryClient({
        insecure: true,
        backoffMs: 60_000,
        signal: controller.signal,
      });
      const started = Date.now();
      await expectOciError(c.pullImage(`${proxy.host}/pkgs/proxied:v1`), 'network', /: cancelled$/);
      expect(Date.now() - started).toBeLessThan(10_000);
      proxy.behaviour = {};
    });

    it('follows the Bearer token flow with docker config credentials', async () => {
      proxy.behaviour = { bearer: { username: 'alice', password: 's3cret' } };
      const creds = parseDockerConfig(
        JSON.stringify({
          auths: { [proxy.host]: { auth: Buffer.from('alice:s3cret').toString('base64') } },
        }),
      );
      const c = new RegistryClient({ insecure: true, credentials: creds });
      expect((await c.pullImage(`${proxy.host}/pkgs/proxied:v1`)).files.size).toBe(2);
      expect(proxy.stats.scopes).toContain('repository:pkgs/proxied:pull');
      const pushed = await c.pushImage(`${proxy.host}/pkgs/proxied:v2`, image);
      expect(pushed.digest).toBe(image.digest);
      expect(proxy.stats.scopes).toContain('repository:pkgs/proxied:pull,push');

      await expectOciError(
        new RegistryClient({ insecure: true }).pullImage(`${proxy.host}/pkgs/proxied:v1`),
        'unauthorized',
        /unauthorized: token server refused: UNAUTHORIZED: bad credentials \(no credentials for registry 127\.0\.0\.1:\d+\)/,
      );
    });

    it('exchanges a docker config identity token for an access token', async () => {
      proxy.behaviour = { bearer: { username: 'x', password: 'y', refreshToken: 'refresh-abc' } };
      const creds = parseDockerConfig(
        JSON.stringify({
          auths: {
            [proxy.host]: {
              auth: Buffer.from('<token>:').toString('base64'),
              identitytoken: 'refresh-abc',
            },
          },
        }),
      );
      const pulled = await new RegistryClient({ insecure: true, credentials: creds }).pullImage(
        `${proxy.host}/pkgs/proxied:v1`,
      );
      expect(pulled.image.digest).toBe(image.digest);
      const stale = parseDockerConfig(
        JSON.stringify({ auths: { [proxy.host]: { identitytoken: 'old' } } }),
      );
      await expectOciError(
        new RegistryClient({ insecure: true, credentials: stale }).pullImage(
          `${proxy.host}/pkgs/proxied:v1`,
        ),
        'unauthorized',
        /token server refused: UNAUTHORIZED: bad refresh token/,
      );
      proxy.behaviour = {};
    });

    it('follows blob redirects to another origin without sending credentials there', async () => {
      const cdn = await startFaultProxy(registry.host);
      try {
        proxy.behaviour = {
          bearer: { username: 'alice', password: 's3cret' },
          redirectBlobsTo: cdn.host,
        };
        const creds = parseDockerConfig(
          JSON.stringify({ auths: { [proxy.host]: { username: 'alice', password: 's3cret' } } }),
        );
        const pulled = await new RegistryClient({ insecure: true, credentials: creds }).pullImage(
          `${proxy.host}/pkgs/proxied:v1`,
        );
        expect(pulled.image.digest).toBe(image.digest);
        expect(cdn.stats.authorizations.length).toBeGreaterThanOrEqual(2);
        expect(cdn.stats.authorizations.every((a) => a === undefined)).toBe(true);
      } finally {
        proxy.behaviour = {};
        await cdn.stop();
      }
    });

    it('rejects corrupted and truncated blobs', async () => {
      proxy.behaviour = { blobs: 'corrupt' };
      const c = new RegistryClient({ insecure: true });
      await expectOciError(
        c.pullImage(`${proxy.host}/pkgs/proxied:v1`),
        'digest-mismatch',
        /blob sha256:[0-9a-f]{64} of .*: digest mismatch: content has sha256:/,
      );
      proxy.behaviour = { blobs: 'truncate' };
      await expectOciError(
        c.pullImage(`${proxy.host}/pkgs/proxied:v1`),
        'size-mismatch',
        /blob sha256:[0-9a-f]{64} of .*: truncated: got \d+ of \d+ bytes/,
      );
    });

    it('enforces size limits and timeouts', async () => {
      proxy.behaviour = {};
      await expectOciError(
        new RegistryClient({ insecure: true, maxBlobSize: 100 }).pullImage(
          `${proxy.host}/pkgs/proxied:v1`,
        ),
        'limit-exceeded',
        /blob sha256:[0-9a-f]{64} of .*: \d+ bytes exceeds the limit of 100 bytes/,
      );
      await expectOciError(
        new RegistryClient({ insecure: true, maxManifestSize: 50 }).pullImage(
          `${proxy.host}/pkgs/proxied:v1`,
        ),
        'limit-exceeded',
        /manifest .*proxied:v1: \d+ bytes exceeds the limit of 50 bytes/,
      );
      proxy.behaviour = { hang: /manifests/ };
      const started = Date.now();
      await expectOciError(
        new RegistryClient({ insecure: true, timeoutMs: 300, retries: 1, backoffMs: 1 }).pullImage(
          `${proxy.host}/pkgs/proxied:v1`,
        ),
        'network',
        /timed out after 300 ms/,
      );
      expect(Date.now() - started).toBeLessThan(5_000);
      proxy.behaviour = {};
    });
  });
});

describe.skipIf(missing.length > 0)('htpasswd-protected registry', () => {
  let registry: RunningRegistry;
  beforeAll(async () => {
    registry = await startRegistry({ htpasswd: { username: 'bob', password: 'hunter2' } });
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it('answers 401 without credentials and works with docker config credentials', async () => {
    const image = await buildPackageImage(pkg);
    const ref = `${registry.host}/private/pkg:v1`;
    await expectOciError(
      new RegistryClient({ insecure: true }).pushImage(ref, image),
      'unauthorized',
      /unauthorized: authentication required \(no credentials for registry 127\.0\.0\.1:\d+\)/,
    );
    const dir = mkdtempSync(join(tmpdir(), 'packsync-dockercfg-'));
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({
        auths: { [`http://${registry.host}`]: { username: 'bob', password: 'hunter2' } },
      }),
    );
    const c = new RegistryClient({
      insecure: true,
      credentials: await loadDockerConfig(join(dir, 'config.json')),
    });
    expect((await c.pushImage(ref, image)).digest).toBe(image.digest);
    expect((await c.pullImage(ref)).files.size).toBe(2);

    const wrong = parseDockerConfig(
      JSON.stringify({ auths: { [registry.host]: { username: 'bob', password: 'nope' } } }),
    );
    await expectOciError(
      new RegistryClient({ insecure: true, credentials: wrong }).pullImage(ref),
      'unauthorized',
      /fetching manifest .*: unauthorized: UNAUTHORIZED/,
    );
  });
});

const missingTls = missing.length > 0 ? missing : await missingTools(['openssl']);
warnSkip('TLS registry tests', missingTls);

describe.skipIf(missingTls.length > 0)('TLS registry with a self-signed certificate', () => {
  let registry: RunningRegistry;
  beforeAll(async () => {
    registry = await startRegistry({ tls: true });
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it('verifies certificates by default, trusts a custom CA, and skips verification only when insecure', async () => {
    const image = await buildPackageImage(pkg);
    const ref = `${registry.host}/tls/pkg:v1`;
    await expectOciError(
      new RegistryClient({ retries: 0 }).pushImage(ref, image),
      'network',
      /pinging registry 127\.0\.0\.1:\d+: GET https:\/\/127\.0\.0\.1:\d+\/v2\/: .*self.signed certificate/,
    );
    const trusted = new RegistryClient({ ca: registry.certificate ?? '' });
    expect((await trusted.pushImage(ref, image)).digest).toBe(image.digest);
    const insecure = new RegistryClient({ insecure: true });
    expect((await insecure.pullImage(ref)).image.digest).toBe(image.digest);
  });
});
