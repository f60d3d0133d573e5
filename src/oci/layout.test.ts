import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import tarStream from 'tar-stream';
import { describe, expect, it } from 'vitest';

import { sha256Digest } from './digest.js';
import { buildPackageImage, readPackageImage } from './image.js';
import {
  decodeArchive,
  encodeArchive,
  readArchive,
  readOciLayout,
  writeArchive,
  writeOciLayout,
} from './layout.js';
import { parseManifestDocument, selectManifest } from './manifest.js';
import { mediaTypes } from './media-types.js';

const files = { 'manifest.yaml': 'kind: PackageManifest\n', 'a/b.yaml': 'b: 1\n' };

describe('OCI layout', () => {
  it('writes a layout and reads each tag back identical', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'packsync-layout-'));
    const one = await buildPackageImage(files);
    const two = await buildPackageImage({ ...files, 'c.yaml': 'c' }, { format: 'docker' });
    await writeOciLayout(dir, [{ image: one, tags: ['v1', 'latest'] }]);
    await writeOciLayout(dir, [{ image: two, tags: ['v2'] }]);
    expect(JSON.parse(readFileSync(join(dir, 'oci-layout'), 'utf8'))).toEqual({
      imageLayoutVersion: '1.0.0',
    });
    expect((await readOciLayout(dir, { tag: 'v1' })).digest).toBe(one.digest);
    expect((await readOciLayout(dir, { tag: 'latest' })).digest).toBe(one.digest);
    const back = await readOciLayout(dir, { tag: 'v2' });
    expect(back.digest).toBe(two.digest);
    expect(back.mediaType).toBe(mediaTypes.dockerManifest);
    expect([...(await readPackageImage(back)).keys()]).toEqual([
      'a/b.yaml',
      'c.yaml',
      'manifest.yaml',
    ]);
    await expect(readOciLayout(dir)).rejects.toThrow(/holds 3 images; name one with a tag/);
    await expect(readOciLayout(dir, { tag: 'v9' })).rejects.toThrow(
      /no image named "v9" \(has: v1, latest, v2\)/,
    );
  });

  it('reports a missing or corrupt blob', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'packsync-layout-'));
    await expect(readOciLayout(dir)).rejects.toThrow(/missing oci-layout file/);
  });
});

describe('archives', () => {
  it('docker-archive: one image under several tags, read back by any tag', async () => {
    const image = await buildPackageImage(files, { format: 'docker' });
    const bytes = await encodeArchive([
      { image, tags: ['quay.io/org/pkg:v1', 'quay.io/org/pkg:latest'] },
    ]);
    expect(
      await encodeArchive([{ image, tags: ['quay.io/org/pkg:v1', 'quay.io/org/pkg:latest'] }]),
    ).toEqual(bytes);
    const back = await decodeArchive(bytes, { tag: 'quay.io/org/pkg:latest' });
    expect(back.digest).toBe(image.digest);
    expect((await decodeArchive(bytes, { tag: 'quay.io/org/pkg' })).digest).toBe(image.digest);
    await expect(decodeArchive(bytes, { tag: 'quay.io/org/pkg:v3' })).rejects.toThrow(
      /no image tagged "quay.io\/org\/pkg:v3"/,
    );
  });

  it('rebuilds a docker-archive manifest in go-containerregistry layout (mediaType, size, digest)', async () => {
    const image = await buildPackageImage(files, { format: 'docker' });
    const back = await decodeArchive(await encodeArchive([{ image, tags: ['r.io/p:v1'] }]));
    const c = image.manifest.config;
    const l = image.manifest.layers[0];
    expect(Buffer.from(back.manifestBytes).toString('utf8')).toBe(
      `{"schemaVersion":2,"mediaType":"${mediaTypes.dockerManifest}",` +
        `"config":{"mediaType":"${mediaTypes.dockerConfig}","size":${c.size},"digest":"${c.digest}"},` +
        `"layers":[{"mediaType":"${mediaTypes.dockerLayerGzip}","size":${l?.size},"digest":"${l?.digest}"}]}`,
    );
    expect(back.digest).toBe(image.digest);
  });

  it('oci-archive: written and read back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'packsync-archive-'));
    const image = await buildPackageImage(files);
    await writeArchive(join(dir, 'pkg.oci.tar'), [{ image, tags: ['v1'] }], 'oci');
    const back = await readArchive(join(dir, 'pkg.oci.tar'), { tag: 'v1' });
    expect(back.digest).toBe(image.digest);
    await expect(readArchive(join(dir, 'nope.tar'))).rejects.toThrow(
      /reading image archive .*nope\.tar/,
    );
    await writeArchive(join(dir, 'x.tar'), [], 'docker');
    await expect(readArchive(join(dir, 'x.tar'))).rejects.toThrow(
      /manifest.json is empty|holds 0 images/,
    );
  });
});

describe('image index', () => {
  const desc = (platform?: { os: string; architecture: string }) => ({
    mediaType: mediaTypes.ociManifest,
    digest: sha256Digest(Buffer.from(JSON.stringify(platform ?? null))),
    size: 1,
    ...(platform ? { platform } : {}),
  });

  it('picks linux/amd64, else the only manifest, else explains', () => {
    const arm = desc({ os: 'linux', architecture: 'arm64' });
    const amd = desc({ os: 'linux', architecture: 'amd64' });
    expect(selectManifest({ schemaVersion: 2, manifests: [arm, amd] })).toBe(amd);
    expect(selectManifest({ schemaVersion: 2, manifests: [arm] })).toBe(arm);
    expect(() =>
      selectManifest({
        schemaVersion: 2,
        manifests: [arm, desc({ os: 'windows', architecture: 'amd64' })],
      }),
    ).toThrow('image index has no manifest for linux/amd64 (offers: linux/arm64, windows/amd64)');
  });

  it('recognises a Docker manifest list and refuses unknown media types', () => {
    const list = Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: mediaTypes.dockerManifestList, manifests: [] }),
    );
    expect(parseManifestDocument(list).kind).toBe('index');
    const v1 = Buffer.from(JSON.stringify({ schemaVersion: 1, name: 'x' }));
    expect(() =>
      parseManifestDocument(v1, 'application/vnd.docker.distribution.manifest.v1+prettyjws'),
    ).toThrow(
      'manifest: unsupported manifest media type "application/vnd.docker.distribution.manifest.v1+prettyjws"',
    );
    expect(() => parseManifestDocument(Buffer.from('{'))).toThrow('manifest: not valid JSON');
  });
});

describe('hostile archives', () => {
  it('refuses path traversal and devices inside an archive', async () => {
    const craft = async (header: Partial<tarStream.Header> & { name: string }): Promise<Buffer> => {
      const pack = tarStream.pack();
      const chunks: Buffer[] = [];
      const done = new Promise<void>((resolve) => pack.on('end', resolve));
      pack.on('data', (c: unknown) => chunks.push(c as Buffer));
      pack.entry(header, header.type === 'file' ? Buffer.from('x') : Buffer.alloc(0));
      pack.finalize();
      await done;
      return Buffer.concat(chunks);
    };
    await expect(
      decodeArchive(await craft({ name: '../manifest.json', type: 'file' })),
    ).rejects.toThrow(
      'image archive: unsafe entry "../manifest.json": path escapes the root with ".."',
    );
    await expect(
      decodeArchive(
        await craft({ name: 'dev', type: 'character-device', devmajor: 1, devminor: 3 }),
      ),
    ).rejects.toThrow('image archive: unsafe entry "dev": character device is not allowed');
  });
});
