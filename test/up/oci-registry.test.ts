// The local registry of `packsync up`: our registry client and skopeo push to it and pull from
// it; its answers follow the distribution spec (status codes, error codes, headers).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildPackageImage,
  mediaTypes,
  readOciLayout,
  readPackageImage,
  RegistryClient,
  sha256Digest,
  writeOciLayout,
  type FileMap,
  type Image,
} from '../../src/oci/index.js';
import { startOciRegistry, type RunningOciRegistry } from '../../src/server/oci-registry/index.js';
import { missingTools, skopeo, warnSkip } from '../oci/registry-helper.js';

const files: Record<string, string> = {
  'manifest.yaml':
    'apiVersion: manifests.package-operator.run/v1alpha1\nkind: PackageManifest\nmetadata:\n  name: reg\n',
  'deploy/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n',
};
const asText = (f: FileMap): Record<string, string> =>
  Object.fromEntries([...f].map(([k, v]) => [k, Buffer.from(v).toString('utf8')]));

interface ErrorBody {
  errors: { code: string; message: string; detail?: unknown }[];
}

describe('local OCI registry', () => {
  let reg: RunningOciRegistry;
  let image: Image;
  const client = new RegistryClient({ insecure: true, retries: 0 });
  const raw = (path: string, init: RequestInit = {}) => fetch(`${reg.url}${path}`, init);

  beforeAll(async () => {
    reg = await startOciRegistry();
    image = await buildPackageImage(files);
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('answers the version check', async () => {
    const res = await raw('/v2/');
    expect(res.status).toBe(200);
    expect(res.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
  });

  it('round-trips a package image with our client, monolithic and chunked', async () => {
    const pushed = await client.pushImage(`${reg.host}/pkgs/reg:v1`, image);
    expect(pushed.digest).toBe(image.digest);
    const chunked = new RegistryClient({ insecure: true, chunkSize: 100 });
    await chunked.pushImage(`${reg.host}/other/reg:v2`, image);
    for (const ref of [`${reg.host}/pkgs/reg:v1`, `${reg.host}/other/reg:v2`]) {
      const pulled = await client.pullImage(ref);
      expect(pulled.digest).toBe(image.digest);
      expect(asText(pulled.files)).toEqual(files);
    }
    expect(await client.resolveDigest(`${reg.host}/pkgs/reg@${image.digest}`)).toBe(image.digest);
    const tags = (await (await raw('/v2/pkgs/reg/tags/list')).json()) as { tags: string[] };
    expect(tags.tags).toEqual(['v1']);
    const catalog = (await (await raw('/v2/_catalog')).json()) as { repositories: string[] };
    expect(catalog.repositories).toEqual(expect.arrayContaining(['pkgs/reg', 'other/reg']));
    expect(reg.stats().manifestGets.get('pkgs/reg:v1')).toBeGreaterThanOrEqual(1);
  });

  it('stores an image index and serves it with its media type', async () => {
    await client.pushImage(`${reg.host}/multi/reg:amd64`, image);
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: mediaTypes.ociIndex,
        manifests: [
          {
            mediaType: image.mediaType,
            digest: image.digest,
            size: image.manifestBytes.byteLength,
            platform: { os: 'linux', architecture: 'amd64' },
          },
        ],
      }),
    );
    await client.putManifest(`${reg.host}/multi/reg:latest`, index, mediaTypes.ociIndex);
    const head = await raw('/v2/multi/reg/manifests/latest', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe(mediaTypes.ociIndex);
    expect(head.headers.get('docker-content-digest')).toBe(sha256Digest(index));
    const pulled = await client.pullImage(`${reg.host}/multi/reg:latest`);
    expect(asText(pulled.files)).toEqual(files);
  });

  it('refuses uploads whose content does not match the digest', async () => {
    const start = await raw('/v2/bad/reg/blobs/uploads/', { method: 'POST' });
    expect(start.status).toBe(202);
    const loc = start.headers.get('location') ?? '';
    const wrong = sha256Digest(Buffer.from('something else'));
    const put = await raw(`${loc}?digest=${wrong}`, { method: 'PUT', body: 'hello' });
    expect(put.status).toBe(400);
    expect(((await put.json()) as ErrorBody).errors[0]?.code).toBe('DIGEST_INVALID');
    const mono = await raw(`/v2/bad/reg/blobs/uploads/?digest=${wrong}`, {
      method: 'POST',
      body: 'hello',
    });
    expect(((await mono.json()) as ErrorBody).errors[0]?.code).toBe('DIGEST_INVALID');
  });

  it('refuses a chunk that does not continue the upload', async () => {
    const start = await raw('/v2/chunks/reg/blobs/uploads/', { method: 'POST' });
    const loc = start.headers.get('location') ?? '';
    const first = await raw(loc, {
      method: 'PATCH',
      body: 'abc',
      headers: { 'content-range': '0-2' },
    });
    expect(first.status).toBe(202);
    expect(first.headers.get('range')).toBe('0-2');
    const gap = await raw(loc, { method: 'PATCH', body: 'x', headers: { 'content-range': '5-5' } });
    expect(gap.status).toBe(416);
    const done = await raw(`${loc}?digest=${sha256Digest(Buffer.from('abcdef'))}`, {
      method: 'PUT',
      body: 'def',
    });
    expect(done.status).toBe(201);
    const blob = await raw(`/v2/chunks/reg/blobs/${sha256Digest(Buffer.from('abcdef'))}`);
    expect(await blob.text()).toBe('abcdef');
  });

  it('mounts a blob across repositories, and falls back to an upload when it cannot', async () => {
    await client.pushImage(`${reg.host}/src/reg:v1`, image);
    const layer = image.manifest.layers[0]?.digest ?? '';
    const mounted = await raw(`/v2/dst/reg/blobs/uploads/?mount=${layer}&from=src/reg`, {
      method: 'POST',
    });
    expect(mounted.status).toBe(201);
    expect((await raw(`/v2/dst/reg/blobs/${layer}`, { method: 'HEAD' })).status).toBe(200);
    const fallback = await raw(`/v2/dst/reg/blobs/uploads/?mount=${layer}&from=nowhere/reg`, {
      method: 'POST',
    });
    expect(fallback.status).toBe(202);
  });

  it('answers unknown names, manifests and blobs with the spec error codes', async () => {
    const code = async (res: Response) => ((await res.json()) as ErrorBody).errors[0]?.code;
    const nameUnknown = await raw('/v2/nope/reg/manifests/v1');
    expect([nameUnknown.status, await code(nameUnknown)]).toEqual([404, 'NAME_UNKNOWN']);
    await client.pushImage(`${reg.host}/known/reg:v1`, image);
    const manifestUnknown = await raw('/v2/known/reg/manifests/v9');
    expect([manifestUnknown.status, await code(manifestUnknown)]).toEqual([
      404,
      'MANIFEST_UNKNOWN',
    ]);
    const blobUnknown = await raw(`/v2/known/reg/blobs/${sha256Digest(Buffer.from('none'))}`);
    expect([blobUnknown.status, await code(blobUnknown)]).toEqual([404, 'BLOB_UNKNOWN']);
    const badDigest = await raw('/v2/known/reg/blobs/sha256:xyz');
    expect([badDigest.status, await code(badDigest)]).toEqual([400, 'DIGEST_INVALID']);
    const badName = await raw('/v2/Upper/Case/manifests/v1');
    expect([badName.status, await code(badName)]).toEqual([400, 'NAME_INVALID']);
    const danglingManifest = await raw('/v2/known/reg/manifests/dangling', {
      method: 'PUT',
      headers: { 'content-type': mediaTypes.ociManifest },
      body: JSON.stringify({
        schemaVersion: 2,
        mediaType: mediaTypes.ociManifest,
        config: {
          mediaType: mediaTypes.ociConfig,
          digest: sha256Digest(Buffer.from('missing')),
          size: 7,
        },
        layers: [],
      }),
    });
    expect([danglingManifest.status, await code(danglingManifest)]).toEqual([
      400,
      'MANIFEST_BLOB_UNKNOWN',
    ]);
    const notJson = await raw('/v2/known/reg/manifests/junk', {
      method: 'PUT',
      headers: { 'content-type': mediaTypes.ociManifest },
      body: 'not json',
    });
    expect([notJson.status, await code(notJson)]).toEqual([400, 'MANIFEST_INVALID']);
  });

  it('refuses manifests and blobs over its size limits', async () => {
    const small = await startOciRegistry({ limits: { maxManifestBytes: 64, maxBlobBytes: 10 } });
    try {
      const big = await fetch(`${small.url}/v2/a/b/manifests/v1`, {
        method: 'PUT',
        headers: { 'content-type': mediaTypes.ociManifest },
        body: 'x'.repeat(65),
      });
      expect(big.status).toBe(413);
      const blob = await fetch(
        `${small.url}/v2/a/b/blobs/uploads/?digest=${sha256Digest(Buffer.from('x'.repeat(11)))}`,
        { method: 'POST', body: 'x'.repeat(11) },
      );
      expect(blob.status).toBe(413);
      expect(((await blob.json()) as ErrorBody).errors[0]?.code).toBe('SIZE_INVALID');
    } finally {
      await small.stop();
    }
  });

  it('keeps its content across a restart when persisted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'packsync-oci-registry-'));
    try {
      const first = await startOciRegistry({ dataDir: dir });
      await client.pushImage(`${first.host}/kept/reg:v1`, image);
      await first.stop();
      const second = await startOciRegistry({ dataDir: dir });
      try {
        const pulled = await new RegistryClient({ insecure: true }).pullImage(
          `${second.host}/kept/reg:v1`,
        );
        expect(pulled.digest).toBe(image.digest);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const missing = await missingTools(['skopeo']);
warnSkip('local OCI registry interop (skopeo)', missing);

describe.skipIf(missing.length > 0)('local OCI registry with skopeo', () => {
  let reg: RunningOciRegistry;
  let work: string;
  let image: Image;

  beforeAll(async () => {
    reg = await startOciRegistry();
    work = mkdtempSync(join(tmpdir(), 'packsync-oci-skopeo-'));
    image = await buildPackageImage(files, { labels: { 'org.example/pkg': 'reg' } });
  });
  afterAll(async () => {
    await reg?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('skopeo copies an OCI layout in and back out, unchanged, and inspects it', async () => {
    const layout = join(work, 'in');
    await writeOciLayout(layout, [{ image, tags: ['v1'] }]);
    await skopeo([
      'copy',
      '--dest-tls-verify=false',
      `oci:${layout}:v1`,
      `docker://${reg.host}/skopeo/reg:v1`,
    ]);
    const info = JSON.parse(
      await skopeo(['inspect', '--tls-verify=false', `docker://${reg.host}/skopeo/reg:v1`]),
    ) as { Digest: string; Labels: Record<string, string> | null };
    expect(info.Digest).toBe(image.digest);
    expect(info.Labels).toEqual({ 'org.example/pkg': 'reg' });
    const out = join(work, 'out');
    await skopeo([
      'copy',
      '--src-tls-verify=false',
      `docker://${reg.host}/skopeo/reg:v1`,
      `oci:${out}:v1`,
    ]);
    const back = await readOciLayout(out, { tag: 'v1' });
    expect(back.digest).toBe(image.digest);
    expect(asText(await readPackageImage(back))).toEqual(files);
    // And our client pulls what skopeo pushed.
    const pulled = await new RegistryClient({ insecure: true }).pullImage(
      `${reg.host}/skopeo/reg:v1`,
    );
    expect(asText(pulled.files)).toEqual(files);
  });

  it('skopeo copies between two repositories of the registry (blob mount) and as Docker v2s2', async () => {
    await new RegistryClient({ insecure: true }).pushImage(`${reg.host}/from/reg:v1`, image);
    await skopeo([
      'copy',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      `docker://${reg.host}/from/reg:v1`,
      `docker://${reg.host}/to/reg:v1`,
    ]);
    await skopeo([
      'copy',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      '--format',
      'v2s2',
      `docker://${reg.host}/from/reg:v1`,
      `docker://${reg.host}/docker/reg:v1`,
    ]);
    const res = await fetch(`${reg.url}/v2/docker/reg/manifests/v1`, { method: 'HEAD' });
    expect(res.headers.get('content-type')).toBe(mediaTypes.dockerManifest);
    const tags = JSON.parse(
      await skopeo(['list-tags', '--tls-verify=false', `docker://${reg.host}/to/reg`]),
    ) as { Tags: string[] };
    expect(tags.Tags).toEqual(['v1']);
    const pulled = await new RegistryClient({ insecure: true }).pullImage(
      `${reg.host}/docker/reg:v1`,
    );
    expect(asText(pulled.files)).toEqual(files);
  });
});
