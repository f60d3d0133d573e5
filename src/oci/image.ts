/**
 * Package images in memory: an `Image` is a manifest with its config and layer blobs, every blob
 * checked against its descriptor. `buildPackageImage` encodes a file map as a reproducible
 * single-layer image (files under `package/`, linux/amd64); `readPackageImage` decodes any image's
 * layers back into a file map the way Package Operator does (layers in order, later wins, dot-paths
 * skipped). Pure apart from zlib/tar streaming in memory.
 */
import { OciError } from './errors.js';
import { sha256Digest, verifyBlob } from './digest.js';
import type { Descriptor, ImageManifest } from './manifest.js';
import { parseManifestDocument } from './manifest.js';
import type { ImageFormat } from './media-types.js';
import {
  configMediaTypes,
  gzipLayerMediaTypes,
  mediaTypes,
  plainLayerMediaTypes,
} from './media-types.js';
import type { TarLimits } from './tar.js';
import { gzipDeterministic, readTar, writeTar } from './tar.js';

/** Path (relative, `/`-separated) to file content. */
export type FileMap = Map<string, Uint8Array>;

/** Files of a package image live under this folder (`packagetypes.OCIPathPrefix`). */
export const packagePathPrefix = 'package';

/** Package Operator's text for an image without package files. */
export const emptyImageMessage = 'Package image contains no files. Might be corrupted.';

export interface Image {
  /** Manifest media type (OCI or Docker schema 2). */
  readonly mediaType: string;
  /** The manifest's exact bytes: its digest is the image digest. */
  readonly manifestBytes: Uint8Array;
  readonly digest: string;
  readonly manifest: ImageManifest;
  readonly config: Uint8Array;
  /** Layer blobs, in manifest order. */
  readonly layers: readonly Uint8Array[];
}

/**
 * An `Image` from a manifest and its blobs, verifying the config and every layer against their
 * descriptors (size and digest) and refusing unknown config or layer media types.
 */
export function assembleImage(
  manifestBytes: Uint8Array,
  blob: (d: Descriptor, what: string) => Uint8Array,
  contentType?: string,
): Image {
  const doc = parseManifestDocument(manifestBytes, contentType);
  if (doc.kind !== 'manifest') {
    throw new OciError('invalid-image', 'expected an image manifest, got an image index');
  }
  const m = doc.manifest;
  if (!configMediaTypes.includes(m.config.mediaType)) {
    throw new OciError(
      'unsupported-media-type',
      `config ${m.config.digest}: unsupported config media type "${m.config.mediaType}"`,
    );
  }
  for (const l of m.layers) {
    if (!gzipLayerMediaTypes.includes(l.mediaType) && !plainLayerMediaTypes.includes(l.mediaType)) {
      throw new OciError(
        'unsupported-media-type',
        `layer ${l.digest}: unsupported layer media type "${l.mediaType}"`,
      );
    }
  }
  const configWhat = `config ${m.config.digest}`;
  const config = blob(m.config, configWhat);
  verifyBlob(configWhat, config, m.config);
  const layers = m.layers.map((l) => {
    const what = `layer ${l.digest}`;
    const data = blob(l, what);
    verifyBlob(what, data, l);
    return data;
  });
  return {
    mediaType: doc.mediaType,
    manifestBytes,
    digest: sha256Digest(manifestBytes),
    manifest: m,
    config,
    layers,
  };
}

export interface BuildOptions {
  /** Image config labels (`config.Labels`). */
  labels?: Readonly<Record<string, string>>;
  /** Media types: OCI (default) or Docker schema 2. */
  format?: ImageFormat;
}

export type FileInput =
  ReadonlyMap<string, Uint8Array | string> | Readonly<Record<string, Uint8Array | string>>;

function isMap(f: FileInput): f is ReadonlyMap<string, Uint8Array | string> {
  return f instanceof Map;
}

function entriesOf(files: FileInput): [string, Uint8Array][] {
  const list: [string, Uint8Array | string][] = isMap(files)
    ? [...files.entries()]
    : Object.entries(files);
  return list.map(([p, d]) => [p, typeof d === 'string' ? Buffer.from(d) : d]);
}

function checkPackagePath(p: string): void {
  const parts = p.split('/');
  if (p.startsWith('/') || parts.some((s) => s === '' || s === '.' || s === '..')) {
    throw new OciError('invalid-image', `building package image: invalid file path "${p}"`);
  }
}

function canonicalJson(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

/**
 * Builds the package image for a file map: one gzip layer holding the files under `package/`, a
 * linux/amd64 config with the labels. Reproducible: equal files and labels give an equal digest.
 */
export async function buildPackageImage(
  files: FileInput,
  options: BuildOptions = {},
): Promise<Image> {
  const entries = entriesOf(files);
  if (entries.length === 0) {
    throw new OciError('invalid-image', 'building package image: package has no files');
  }
  for (const [p] of entries) checkPackagePath(p);
  const tar = await writeTar(
    entries.map(([p, data]) => ({ path: `${packagePathPrefix}/${p}`, data })),
  );
  const layer = gzipDeterministic(tar);
  const docker = options.format === 'docker';
  const labels = options.labels
    ? Object.fromEntries(
        Object.entries(options.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      )
    : undefined;
  const config = canonicalJson({
    architecture: 'amd64',
    created: '1970-01-01T00:00:00Z',
    os: 'linux',
    config: labels && Object.keys(labels).length > 0 ? { Labels: labels } : {},
    rootfs: { type: 'layers', diff_ids: [sha256Digest(tar)] },
  });
  const configDesc: Descriptor = {
    mediaType: docker ? mediaTypes.dockerConfig : mediaTypes.ociConfig,
    size: config.byteLength,
    digest: sha256Digest(config),
  };
  const layerDesc: Descriptor = {
    mediaType: docker ? mediaTypes.dockerLayerGzip : mediaTypes.ociLayerGzip,
    size: layer.byteLength,
    digest: sha256Digest(layer),
  };
  const manifestMediaType = docker ? mediaTypes.dockerManifest : mediaTypes.ociManifest;
  const manifestBytes = canonicalJson({
    schemaVersion: 2,
    mediaType: manifestMediaType,
    config: configDesc,
    layers: [layerDesc],
  });
  return assembleImage(manifestBytes, (d) => (d.digest === configDesc.digest ? config : layer));
}

export interface ReadOptions {
  limits?: Partial<TarLimits>;
}

function parentOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i === -1 ? '' : p.slice(0, i);
}

function removeUnder(files: Map<string, Uint8Array>, dir: string): void {
  const prefix = dir === '' ? '' : `${dir}/`;
  for (const k of [...files.keys()]) if (k.startsWith(prefix)) files.delete(k);
}

/**
 * The package files of an image: every layer in order (later files win, whiteouts remove earlier
 * ones), entries under `package/` with that prefix stripped, paths with a segment starting with `.`
 * skipped. Throws Package Operator's error when no file is left.
 */
export async function readPackageImage(image: Image, options: ReadOptions = {}): Promise<FileMap> {
  const all = new Map<string, Uint8Array>();
  for (const [i, desc] of image.manifest.layers.entries()) {
    const what = `layer ${desc.digest}`;
    const data = image.layers[i];
    if (data === undefined) throw new OciError('invalid-image', `${what}: blob missing`);
    verifyBlob(what, data, desc);
    const gzip = gzipLayerMediaTypes.includes(desc.mediaType) ? 'auto' : false;
    if (!gzip && !plainLayerMediaTypes.includes(desc.mediaType)) {
      throw new OciError(
        'unsupported-media-type',
        `${what}: unsupported layer media type "${desc.mediaType}"`,
      );
    }
    const entries = await readTar(data, {
      what,
      gzip,
      links: 'reject',
      keepData: (p) => p.startsWith(`${packagePathPrefix}/`),
      ...(options.limits ? { limits: options.limits } : {}),
    });
    // Whiteouts hide what lower layers put there; apply them before this layer's own files.
    for (const e of entries) {
      const base = e.path.slice(e.path.lastIndexOf('/') + 1);
      if (base === '.wh..wh..opq') removeUnder(all, parentOf(e.path));
      else if (base.startsWith('.wh.')) {
        const target = `${parentOf(e.path) === '' ? '' : `${parentOf(e.path)}/`}${base.slice(4)}`;
        all.delete(target);
        removeUnder(all, target);
      }
    }
    for (const e of entries) {
      if (e.type === 'file') all.set(e.path, e.data);
    }
  }
  const files: FileMap = new Map();
  const prefix = `${packagePathPrefix}/`;
  for (const [p, data] of [...all.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!p.startsWith(prefix)) continue;
    const rel = p.slice(prefix.length);
    if (rel.split('/').some((s) => s.startsWith('.'))) continue;
    files.set(rel, data);
  }
  if (files.size === 0) throw new OciError('invalid-image', emptyImageMessage);
  return files;
}
