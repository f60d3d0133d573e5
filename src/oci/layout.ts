/**
 * OCI image layout (`oci-layout`, `index.json`, `blobs/sha256/<hex>`) and the two tarball formats:
 * oci-archive (a tar of a layout) and docker-archive (`docker save`: `manifest.json`, `repositories`,
 * config and layer files). Encoding and decoding work on in-memory file maps; only the `read*`/`write*`
 * functions at the end touch the disk.
 */
import { readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { sha256Digest } from './digest.js';
import { OciError } from './errors.js';
import type { Image } from './image.js';
import { assembleImage } from './image.js';
import type { Descriptor, ImageIndex, Platform } from './manifest.js';
import {
  defaultPlatform,
  imageIndexSchema,
  parseManifestDocument,
  selectManifest,
} from './manifest.js';
import { gzipLayerMediaTypes, indexMediaTypes, mediaTypes } from './media-types.js';
import { formatReference, parseReference } from './reference.js';
import type { TarLimits } from './tar.js';
import { isGzip, readTar, writeTar } from './tar.js';

/** Annotation naming an image in an OCI layout's index. */
export const refNameAnnotation = 'org.opencontainers.image.ref.name';

export interface TaggedImage {
  image: Image;
  /** Names for the image: tags (`v1`) or full references (`host/repo:v1`). */
  tags: readonly string[];
}

function blobPath(digest: string): string {
  const [alg, hex] = digest.split(':');
  return `blobs/${alg}/${hex}`;
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

/** Layout files for images; with `existingIndex`, other entries of that index are kept. */
export function encodeOciLayout(
  images: readonly TaggedImage[],
  existingIndex?: ImageIndex,
): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const entries: Descriptor[] = [];
  const names = new Set(images.flatMap((i) => i.tags));
  for (const old of existingIndex?.manifests ?? []) {
    const n = old.annotations?.[refNameAnnotation];
    if (n === undefined || !names.has(n)) entries.push(old);
  }
  for (const { image, tags } of images) {
    files.set(blobPath(image.digest), image.manifestBytes);
    files.set(blobPath(image.manifest.config.digest), image.config);
    for (const [i, l] of image.manifest.layers.entries()) {
      const data = image.layers[i];
      if (data) files.set(blobPath(l.digest), data);
    }
    const desc = {
      mediaType: image.mediaType,
      size: image.manifestBytes.byteLength,
      digest: image.digest,
    };
    if (tags.length === 0) entries.push(desc);
    for (const t of tags) entries.push({ ...desc, annotations: { [refNameAnnotation]: t } });
  }
  files.set('oci-layout', json({ imageLayoutVersion: '1.0.0' }));
  files.set(
    'index.json',
    json({ schemaVersion: 2, mediaType: mediaTypes.ociIndex, manifests: entries }),
  );
  return files;
}

export interface SelectOptions {
  /** Tag or reference naming the image; optional when the source holds one image. */
  tag?: string;
  platform?: Platform;
}

function tagMatches(name: string, wanted: string): boolean {
  if (name === wanted) return true;
  try {
    const a = parseReference(name);
    const b = parseReference(wanted);
    return formatReference(a) === formatReference(b);
  } catch {
    return false;
  }
}

type FileGetter = (path: string) => Uint8Array | undefined;

function need(get: FileGetter, path: string, what: string): Uint8Array {
  const data = get(path);
  if (data === undefined) throw new OciError('invalid-image', `${what}: missing ${path}`);
  return data;
}

/** Reads one image of a layout given as a file getter (relative paths inside the layout). */
export function decodeOciLayout(
  get: FileGetter,
  options: SelectOptions = {},
  what = 'OCI layout',
): Image {
  const layout = get('oci-layout');
  if (layout === undefined) throw new OciError('invalid-image', `${what}: missing oci-layout file`);
  const indexBytes = need(get, 'index.json', what);
  let indexJson: unknown;
  try {
    indexJson = JSON.parse(Buffer.from(indexBytes).toString('utf8'));
  } catch (err) {
    throw new OciError('invalid-image', `${what}: index.json is not valid JSON`, { cause: err });
  }
  const parsed = imageIndexSchema.safeParse(indexJson);
  if (!parsed.success) throw new OciError('invalid-image', `${what}: invalid index.json`);
  const entries = parsed.data.manifests;
  let chosen: Descriptor | undefined;
  if (options.tag !== undefined) {
    const tag = options.tag;
    chosen = entries.find((e) => {
      const n = e.annotations?.[refNameAnnotation];
      return n !== undefined && (n === tag || tagMatches(n, tag) || n.endsWith(`:${tag}`));
    });
    if (!chosen) {
      const names = entries
        .map((e) => e.annotations?.[refNameAnnotation] ?? '(unnamed)')
        .join(', ');
      throw new OciError('not-found', `${what}: no image named "${tag}" (has: ${names || 'none'})`);
    }
  } else {
    if (entries.length !== 1) {
      throw new OciError(
        'invalid-image',
        `${what}: holds ${entries.length} images; name one with a tag`,
      );
    }
    chosen = entries[0];
  }
  if (!chosen) throw new OciError('invalid-image', `${what}: empty index`);
  return resolveManifest(get, chosen, options.platform ?? defaultPlatform, what, 0);
}

function resolveManifest(
  get: FileGetter,
  desc: Descriptor,
  platform: Platform,
  what: string,
  depth: number,
): Image {
  const bytes = need(get, blobPath(desc.digest), what);
  if (sha256Digest(bytes) !== desc.digest) {
    throw new OciError('digest-mismatch', `${what}: manifest ${desc.digest}: digest mismatch`);
  }
  const doc = parseManifestDocument(bytes, desc.mediaType, `${what}: manifest ${desc.digest}`);
  if (doc.kind === 'index' || indexMediaTypes.includes(desc.mediaType)) {
    if (doc.kind !== 'index' || depth > 2) {
      throw new OciError('invalid-image', `${what}: nested index ${desc.digest} not supported`);
    }
    return resolveManifest(get, selectManifest(doc.index, platform), platform, what, depth + 1);
  }
  return assembleImage(
    bytes,
    (d, w) => need(get, blobPath(d.digest), `${what}: ${w}`),
    desc.mediaType,
  );
}

/** A docker-archive (`docker save` format) holding one image under several tags. */
export function encodeDockerArchive(images: readonly TaggedImage[]): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const manifest: { Config: string; RepoTags: string[]; Layers: string[] }[] = [];
  const repositories: Record<string, Record<string, string>> = {};
  for (const { image, tags } of images) {
    const config = `${image.manifest.config.digest.slice('sha256:'.length)}.json`;
    files.set(config, image.config);
    const layers = image.manifest.layers.map((l, i) => {
      const name = `${l.digest.slice('sha256:'.length)}${gzipLayerMediaTypes.includes(l.mediaType) ? '.tar.gz' : '.tar'}`;
      const data = image.layers[i];
      if (data) files.set(name, data);
      return name;
    });
    const top = image.manifest.layers.at(-1)?.digest.slice('sha256:'.length) ?? '';
    for (const t of tags) {
      const r = parseReference(t);
      const repo = t.slice(0, t.length - (r.tag ? r.tag.length + 1 : 0));
      repositories[repo] = { ...repositories[repo], [r.tag ?? 'latest']: top };
    }
    manifest.push({ Config: config, RepoTags: [...tags], Layers: layers });
  }
  files.set('manifest.json', json(manifest));
  files.set('repositories', json(repositories));
  return files;
}

function parseDockerManifest(
  bytes: Uint8Array,
  what: string,
): { Config: string; RepoTags: string[] | null; Layers: string[] }[] {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw new OciError('invalid-image', `${what}: manifest.json is not valid JSON`, { cause: err });
  }
  if (!Array.isArray(value))
    throw new OciError('invalid-image', `${what}: manifest.json is not a list`);
  return value.map((e: unknown, i) => {
    const o = e as { Config?: unknown; RepoTags?: unknown; Layers?: unknown };
    if (
      typeof o !== 'object' ||
      o === null ||
      typeof o.Config !== 'string' ||
      !Array.isArray(o.Layers) ||
      !o.Layers.every((l) => typeof l === 'string')
    ) {
      throw new OciError('invalid-image', `${what}: manifest.json entry ${i} is invalid`);
    }
    const tags = Array.isArray(o.RepoTags)
      ? o.RepoTags.filter((t): t is string => typeof t === 'string')
      : null;
    return { Config: o.Config, RepoTags: tags, Layers: o.Layers };
  });
}

/**
 * Reads one image of a docker-archive. The registry manifest is rebuilt with Docker schema 2 media
 * types (gzip or plain layers as stored), which is what pushing the archive would produce.
 */
export function decodeDockerArchive(
  get: FileGetter,
  options: SelectOptions = {},
  what = 'docker archive',
): Image {
  const entries = parseDockerManifest(need(get, 'manifest.json', what), what);
  let chosen = entries[0];
  if (options.tag !== undefined) {
    const tag = options.tag;
    chosen = entries.find((e) => (e.RepoTags ?? []).some((t) => tagMatches(t, tag)));
    if (!chosen) {
      const names = entries.flatMap((e) => e.RepoTags ?? []).join(', ');
      throw new OciError(
        'not-found',
        `${what}: no image tagged "${tag}" (has: ${names || 'none'})`,
      );
    }
  } else if (entries.length !== 1) {
    throw new OciError(
      'invalid-image',
      `${what}: holds ${entries.length} images; name one with a tag`,
    );
  }
  if (!chosen) throw new OciError('invalid-image', `${what}: manifest.json is empty`);
  const config = need(get, chosen.Config, what);
  const layers = chosen.Layers.map((p) => need(get, p, what));
  const configDesc: Descriptor = {
    mediaType: mediaTypes.dockerConfig,
    size: config.byteLength,
    digest: sha256Digest(config),
  };
  const layerDescs: Descriptor[] = layers.map((l) => ({
    mediaType: isGzip(l) ? mediaTypes.dockerLayerGzip : mediaTypes.dockerLayer,
    size: l.byteLength,
    digest: sha256Digest(l),
  }));
  const manifestBytes = json({
    schemaVersion: 2,
    mediaType: mediaTypes.dockerManifest,
    config: configDesc,
    layers: layerDescs,
  });
  const blobs = new Map<string, Uint8Array>([[configDesc.digest, config]]);
  for (const [i, d] of layerDescs.entries()) {
    const l = layers[i];
    if (l) blobs.set(d.digest, l);
  }
  return assembleImage(manifestBytes, (d) => blobs.get(d.digest) ?? new Uint8Array(0));
}

export type ArchiveFormat = 'docker' | 'oci';

/** The tarball bytes of an archive: docker-archive (the default, like `kubectl package build -o`) or oci-archive. */
export async function encodeArchive(
  images: readonly TaggedImage[],
  format: ArchiveFormat = 'docker',
): Promise<Buffer> {
  const files = format === 'oci' ? encodeOciLayout(images) : encodeDockerArchive(images);
  return writeTar(
    [...files.entries()].map(([path, data]) => ({ path, data })),
    { directories: format === 'oci' },
  );
}

/** Reads one image from oci-archive or docker-archive bytes (detected by content). */
export async function decodeArchive(
  bytes: Uint8Array,
  options: SelectOptions & { limits?: Partial<TarLimits> } = {},
  what = 'image archive',
): Promise<Image> {
  const entries = await readTar(bytes, {
    what,
    gzip: 'auto',
    links: 'keep',
    limits: {
      maxFileSize: 1024 * 1024 * 1024,
      maxTotalSize: 2 * 1024 * 1024 * 1024,
      ...options.limits,
    },
  });
  const files = new Map<string, Uint8Array>();
  const links = new Map<string, string>();
  for (const e of entries) {
    if (e.type === 'file') files.set(e.path, e.data);
    else if (e.type === 'symlink' || e.type === 'link') links.set(e.path, e.target);
  }
  // Links are never followed on disk; inside the archive, a link to another file reads that file.
  const get: FileGetter = (p) => {
    let path = p;
    for (let i = 0; i < 8; i += 1) {
      const data = files.get(path);
      if (data) return data;
      const target = links.get(path);
      if (target === undefined) return undefined;
      const base = target.startsWith('/') ? '' : dirname(path) === '.' ? '' : `${dirname(path)}/`;
      path = `${base}${target}`
        .split('/')
        .reduce<string[]>(
          (acc, s) => (s === '..' ? acc.slice(0, -1) : s === '.' || s === '' ? acc : [...acc, s]),
          [],
        )
        .join('/');
    }
    return undefined;
  };
  if (files.has('oci-layout')) return decodeOciLayout(get, options, what);
  if (files.has('manifest.json')) return decodeDockerArchive(get, options, what);
  throw new OciError(
    'invalid-image',
    `${what}: neither an OCI archive (oci-layout) nor a docker archive (manifest.json)`,
  );
}

// ---- disk edges ----

/** Writes images into an OCI layout directory, keeping other images already in its index. */
export async function writeOciLayout(dir: string, images: readonly TaggedImage[]): Promise<void> {
  let existing: ImageIndex | undefined;
  try {
    const parsed = imageIndexSchema.safeParse(
      JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')),
    );
    if (parsed.success) existing = parsed.data;
  } catch {
    existing = undefined;
  }
  const files = encodeOciLayout(images, existing);
  for (const [p, data] of files) {
    const file = join(dir, p);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, data);
  }
}

/** Reads one image from an OCI layout directory (blobs read as needed, each verified). */
export function readOciLayout(dir: string, options: SelectOptions = {}): Promise<Image> {
  const get: FileGetter = (p) => {
    if (p.split('/').includes('..')) return undefined;
    try {
      return readFileSync(join(dir, p));
    } catch {
      return undefined;
    }
  };
  return Promise.resolve().then(() => decodeOciLayout(get, options, `OCI layout ${dir}`));
}

/** Writes an archive file (docker-archive by default, or oci-archive). */
export async function writeArchive(
  path: string,
  images: readonly TaggedImage[],
  format: ArchiveFormat = 'docker',
): Promise<void> {
  await writeFile(path, await encodeArchive(images, format));
}

/** Reads one image from an oci-archive or docker-archive file. */
export async function readArchive(path: string, options: SelectOptions = {}): Promise<Image> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new OciError('invalid-image', `reading image archive ${path}`, { cause: err });
  }
  return decodeArchive(bytes, options, `image archive ${path}`);
}
