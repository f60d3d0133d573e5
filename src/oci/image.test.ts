import { gunzipSync } from 'node:zlib';

import tarStream from 'tar-stream';
import { describe, expect, it } from 'vitest';

import { sha256Digest } from './digest.js';
import type { Image } from './image.js';
import { assembleImage, buildPackageImage, emptyImageMessage, readPackageImage } from './image.js';
import type { Descriptor } from './manifest.js';
import { mediaTypes } from './media-types.js';
import { gzipDeterministic } from './tar.js';

const text = (d: Uint8Array | undefined): string =>
  Buffer.from(d ?? new Uint8Array()).toString('utf8');

type Crafted = Partial<tarStream.Header> & { name: string; data?: Buffer };

/** A tar with exactly these headers, as a hostile or foreign tool would write it. */
async function craftTar(entries: Crafted[]): Promise<Buffer> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve) => pack.on('end', resolve));
  pack.on('data', (c: unknown) => chunks.push(c as Buffer));
  for (const { data, ...header } of entries) {
    pack.entry(
      { ...header, mtime: header.mtime ?? new Date(0), mode: header.mode ?? 0o644 },
      data ?? Buffer.alloc(0),
    );
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

const file = (name: string, content: string): Crafted => ({
  name,
  type: 'file',
  data: Buffer.from(content),
});

/** An image over the given layer blobs, with correct descriptors unless overridden. */
function imageOf(
  layers: { data: Uint8Array; mediaType?: string; desc?: Partial<Descriptor> }[],
): Image {
  const config = Buffer.from('{"architecture":"amd64","os":"linux"}');
  const descs = layers.map((l) => ({
    mediaType: l.mediaType ?? mediaTypes.ociLayerGzip,
    digest: sha256Digest(l.data),
    size: l.data.byteLength,
    ...l.desc,
  }));
  const manifest = {
    schemaVersion: 2 as const,
    mediaType: mediaTypes.ociManifest,
    config: {
      mediaType: mediaTypes.ociConfig,
      digest: sha256Digest(config),
      size: config.byteLength,
    },
    layers: descs,
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  return {
    mediaType: mediaTypes.ociManifest,
    manifestBytes,
    digest: sha256Digest(manifestBytes),
    manifest,
    config,
    layers: layers.map((l) => l.data),
  };
}

async function layerOf(entries: Crafted[]): Promise<Buffer> {
  return gzipDeterministic(await craftTar(entries));
}

const pkg = {
  'manifest.yaml': 'apiVersion: manifests.package-operator.run/v1alpha1\nkind: PackageManifest\n',
  'deploy/deployment.yaml.gotmpl': 'kind: Deployment\n',
  'README.md': '# hi\n',
};

describe('buildPackageImage', () => {
  it('is reproducible: same files in any order and same labels give the same digest', async () => {
    const a = await buildPackageImage(pkg, { labels: { b: '2', a: '1' } });
    const reversed = new Map(
      Object.entries(pkg)
        .reverse()
        .map(([k, v]) => [k, Buffer.from(v)]),
    );
    const b = await buildPackageImage(reversed, { labels: { a: '1', b: '2' } });
    expect(b.digest).toBe(a.digest);
    expect(Buffer.from(b.layers[0] ?? []).equals(Buffer.from(a.layers[0] ?? []))).toBe(true);
    const changed = await buildPackageImage({ ...pkg, 'README.md': '# changed\n' });
    expect(changed.digest).not.toBe(a.digest);
    const relabelled = await buildPackageImage(pkg, { labels: { a: '1', b: '3' } });
    expect(relabelled.digest).not.toBe(a.digest);
  });

  it('writes one gzip layer with files under package/, fixed metadata, and a linux/amd64 config', async () => {
    const image = await buildPackageImage(pkg, { labels: { 'org.example': 'x' } });
    expect(image.mediaType).toBe(mediaTypes.ociManifest);
    expect(image.manifest.layers).toHaveLength(1);
    expect(image.manifest.layers[0]?.mediaType).toBe(mediaTypes.ociLayerGzip);
    const config = JSON.parse(text(image.config)) as {
      os: string;
      architecture: string;
      config: { Labels: Record<string, string> };
      rootfs: { diff_ids: string[] };
    };
    expect(config.os).toBe('linux');
    expect(config.architecture).toBe('amd64');
    expect(config.config.Labels).toEqual({ 'org.example': 'x' });
    const tar = gunzipSync(image.layers[0] ?? new Uint8Array());
    expect(config.rootfs.diff_ids).toEqual([sha256Digest(tar)]);

    const headers: tarStream.Header[] = [];
    const extract = tarStream.extract();
    const done = new Promise<void>((resolve) => extract.on('finish', resolve));
    extract.on('entry', (h, stream, next) => {
      headers.push(h);
      stream.on('end', next);
      stream.resume();
    });
    extract.end(tar);
    await done;
    expect(headers.map((h) => h.name)).toEqual([
      'package/',
      'package/README.md',
      'package/deploy/',
      'package/deploy/deployment.yaml.gotmpl',
      'package/manifest.yaml',
    ]);
    for (const h of headers) {
      expect(h.mtime?.getTime()).toBe(0);
      expect([h.uid, h.gid]).toEqual([0, 0]);
      expect(h.mode).toBe(h.type === 'directory' ? 0o755 : 0o644);
      expect(h.pax ?? null).toBeNull();
    }
  });

  it('writes Docker schema 2 media types on request', async () => {
    const image = await buildPackageImage(pkg, { format: 'docker' });
    expect(image.mediaType).toBe(mediaTypes.dockerManifest);
    expect(image.manifest.config.mediaType).toBe(mediaTypes.dockerConfig);
    expect(image.manifest.layers[0]?.mediaType).toBe(mediaTypes.dockerLayerGzip);
  });

  it('refuses empty packages and unsafe paths', async () => {
    await expect(buildPackageImage({})).rejects.toThrow(
      'building package image: package has no files',
    );
    await expect(buildPackageImage({ '../x': 'a' })).rejects.toThrow('invalid file path "../x"');
    await expect(buildPackageImage({ '/abs': 'a' })).rejects.toThrow('invalid file path "/abs"');
  });
});

describe('readPackageImage', () => {
  it('round-trips a built image, skipping dot paths', async () => {
    const image = await buildPackageImage({
      ...pkg,
      '.test-fixtures/a/x.yaml': 'a',
      'deploy/.hidden': 'h',
    });
    const files = await readPackageImage(image);
    expect([...files.keys()]).toEqual([
      'README.md',
      'deploy/deployment.yaml.gotmpl',
      'manifest.yaml',
    ]);
    expect(text(files.get('manifest.yaml'))).toBe(pkg['manifest.yaml']);
  });

  it('reads layers in order: later files win, whiteouts remove, other prefixes and ./ are handled', async () => {
    const lower = await layerOf([
      file('./package/manifest.yaml', 'old'),
      file('package/a/keep.yaml', 'keep'),
      file('package/gone.yaml', 'gone'),
      file('package/dir/x.yaml', 'x'),
      file('etc/other', 'not a package file'),
    ]);
    const upper = await layerOf([
      file('package/manifest.yaml', 'new'),
      file('package/.wh.gone.yaml', ''),
      file('package/dir/.wh..wh..opq', ''),
      file('package/dir/y.yaml', 'y'),
    ]);
    const files = await readPackageImage(imageOf([{ data: lower }, { data: upper }]));
    expect(Object.fromEntries([...files].map(([k, v]) => [k, text(v)]))).toEqual({
      'manifest.yaml': 'new',
      'a/keep.yaml': 'keep',
      'dir/y.yaml': 'y',
    });
  });

  it('reads uncompressed Docker layers', async () => {
    const tar = await craftTar([file('package/manifest.yaml', 'm')]);
    const files = await readPackageImage(
      imageOf([{ data: tar, mediaType: mediaTypes.dockerLayer }]),
    );
    expect(text(files.get('manifest.yaml'))).toBe('m');
  });

  it("gives Package Operator's error for an image without package files", async () => {
    const layer = await layerOf([file('other/x', 'x'), file('package/.hidden', 'h')]);
    await expect(readPackageImage(imageOf([{ data: layer }]))).rejects.toThrow(emptyImageMessage);
  });
});

describe('hostile images', () => {
  const reject = async (entries: Crafted[], message: string | RegExp): Promise<void> => {
    const layer = await layerOf(entries);
    await expect(readPackageImage(imageOf([{ data: layer }]))).rejects.toThrow(message);
  };

  it('rejects path traversal', async () => {
    await reject(
      [file('package/../../etc/passwd', 'x')],
      'unsafe entry "package/../../etc/passwd": path escapes the root with ".."',
    );
  });

  it('rejects absolute paths', async () => {
    await reject(
      [file('/package/manifest.yaml', 'x')],
      'unsafe entry "/package/manifest.yaml": absolute path',
    );
  });

  it('rejects symbolic links', async () => {
    await reject(
      [{ name: 'package/link', type: 'symlink', linkname: '/etc/passwd' }],
      'unsafe entry "package/link": symbolic link to "/etc/passwd" is not allowed',
    );
  });

  it('rejects hard links', async () => {
    await reject(
      [file('package/a', 'a'), { name: 'package/b', type: 'link', linkname: 'package/a' }],
      'unsafe entry "package/b": hard link to "package/a" is not allowed',
    );
  });

  it('rejects devices and fifos', async () => {
    await reject(
      [{ name: 'package/null', type: 'character-device', devmajor: 1, devminor: 3 }],
      'unsafe entry "package/null": character device is not allowed',
    );
    await reject(
      [{ name: 'package/sda', type: 'block-device', devmajor: 8, devminor: 0 }],
      'unsafe entry "package/sda": block device is not allowed',
    );
    await reject(
      [{ name: 'package/pipe', type: 'fifo' }],
      'unsafe entry "package/pipe": fifo is not allowed',
    );
  });

  it('rejects an entry over the file size limit before reading it', async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 7);
    const layer = await layerOf([{ name: 'package/big.yaml', type: 'file', data: big }]);
    await expect(
      readPackageImage(imageOf([{ data: layer }]), { limits: { maxFileSize: 1024 * 1024 } }),
    ).rejects.toThrow(
      /entry "package\/big.yaml" is 2097152 bytes, over the file size limit of 1048576 bytes/,
    );
  });

  it('rejects too many entries', async () => {
    const entries = Array.from({ length: 30 }, (_, i) => file(`package/f${i}`, 'x'));
    const layer = await layerOf(entries);
    await expect(
      readPackageImage(imageOf([{ data: layer }]), { limits: { maxEntries: 20 } }),
    ).rejects.toThrow(/more than 20 entries/);
  });

  it('rejects a gzip bomb by its expansion ratio', async () => {
    const tar = await craftTar([
      { name: 'package/zeros', type: 'file', data: Buffer.alloc(32 * 1024 * 1024) },
    ]);
    const bomb = gzipDeterministic(tar);
    expect(bomb.byteLength).toBeLessThan(100 * 1024);
    await expect(readPackageImage(imageOf([{ data: bomb }]))).rejects.toThrow(
      /decompression bomb: \d+ compressed bytes expand past \d+ bytes \(more than 200 times\)/,
    );
  });

  it('rejects a layer whose content does not match its digest', async () => {
    const layer = await layerOf([file('package/manifest.yaml', 'm')]);
    const evil = await layerOf([file('package/manifest.yaml', 'M')]);
    const image = imageOf([{ data: evil, desc: { digest: sha256Digest(layer) } }]);
    await expect(readPackageImage(image)).rejects.toThrow(
      `layer ${sha256Digest(layer)}: digest mismatch: content has ${sha256Digest(evil)}`,
    );
  });

  it('rejects a truncated blob', async () => {
    const layer = await layerOf([file('package/manifest.yaml', 'm')]);
    const short = layer.subarray(0, layer.byteLength - 10);
    const image = imageOf([
      { data: short, desc: { digest: sha256Digest(layer), size: layer.byteLength } },
    ]);
    await expect(readPackageImage(image)).rejects.toThrow(
      `layer ${sha256Digest(layer)}: truncated: got ${short.byteLength} of ${layer.byteLength} bytes`,
    );
  });

  it('rejects a truncated gzip stream even when the digest matches', async () => {
    const layer = await layerOf([file('package/manifest.yaml', 'x'.repeat(5000))]);
    const short = layer.subarray(0, Math.floor(layer.byteLength / 2));
    await expect(readPackageImage(imageOf([{ data: short }]))).rejects.toThrow(
      /: truncated gzip stream$/,
    );
  });

  it('rejects data that is not gzip under a gzip media type', async () => {
    const tar = await craftTar([file('package/manifest.yaml', 'm')]);
    const image = imageOf([{ data: tar, mediaType: mediaTypes.ociLayerGzip }]);
    // 'auto' detection reads it as plain tar: a mislabelled but harmless layer is accepted.
    expect([...(await readPackageImage(image)).keys()]).toEqual(['manifest.yaml']);
    const garbage = Buffer.from([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    await expect(readPackageImage(imageOf([{ data: garbage }]))).rejects.toThrow(
      /corrupt gzip stream/,
    );
  });

  it('rejects a wrong layer media type', async () => {
    const layer = await layerOf([file('package/manifest.yaml', 'm')]);
    const image = imageOf([
      { data: layer, mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd' },
    ]);
    await expect(readPackageImage(image)).rejects.toThrow(
      `layer ${sha256Digest(layer)}: unsupported layer media type "application/vnd.oci.image.layer.v1.tar+zstd"`,
    );
  });

  it('rejects a wrong manifest or config media type when assembling', async () => {
    const image = await buildPackageImage(pkg);
    const blob = (d: Descriptor): Uint8Array =>
      d.digest === image.manifest.config.digest
        ? image.config
        : (image.layers[0] ?? new Uint8Array());
    const asManifest = (m: unknown): Buffer => Buffer.from(JSON.stringify(m));
    expect(() =>
      assembleImage(
        asManifest({
          ...image.manifest,
          mediaType: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
        }),
        blob,
      ),
    ).toThrow(
      'manifest: unsupported manifest media type "application/vnd.docker.distribution.manifest.v1+prettyjws"',
    );
    expect(() =>
      assembleImage(
        asManifest({
          ...image.manifest,
          config: { ...image.manifest.config, mediaType: 'text/plain' },
        }),
        blob,
      ),
    ).toThrow(`config ${image.manifest.config.digest}: unsupported config media type "text/plain"`);
  });
});
