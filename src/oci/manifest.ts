/**
 * Manifest and index documents: parsing with validation at the edge, and choosing the linux/amd64
 * (or only) manifest of an index. Pure.
 */
import { z } from 'zod';

import { OciError } from './errors.js';
import { indexMediaTypes, manifestMediaTypes, mediaTypes } from './media-types.js';
import { validateDigest } from './reference.js';

const digestSchema = z.string().superRefine((d, ctx) => {
  const bad = validateDigest(d);
  if (bad) ctx.addIssue({ code: 'custom', message: bad });
});

const platformSchema = z.object({
  architecture: z.string(),
  os: z.string(),
  variant: z.string().optional(),
});

export const descriptorSchema = z.object({
  mediaType: z.string(),
  digest: digestSchema,
  size: z.number().int().nonnegative(),
  annotations: z.record(z.string(), z.string()).optional(),
  platform: platformSchema.optional(),
});
export type Descriptor = z.infer<typeof descriptorSchema>;

export const imageManifestSchema = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  config: descriptorSchema,
  layers: z.array(descriptorSchema),
  annotations: z.record(z.string(), z.string()).optional(),
});
export type ImageManifest = z.infer<typeof imageManifestSchema>;

export const imageIndexSchema = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  manifests: z.array(descriptorSchema),
  annotations: z.record(z.string(), z.string()).optional(),
});
export type ImageIndex = z.infer<typeof imageIndexSchema>;

export type ManifestDocument =
  | { kind: 'manifest'; mediaType: string; manifest: ImageManifest }
  | { kind: 'index'; mediaType: string; index: ImageIndex };

function issues(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

/**
 * Parses manifest bytes. The media type comes from the document, else from `contentType` (the HTTP
 * header or descriptor), else from its shape. Unknown media types are refused.
 */
export function parseManifestDocument(
  bytes: Uint8Array,
  contentType?: string,
  what = 'manifest',
): ManifestDocument {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw new OciError('invalid-image', `${what}: not valid JSON`, { cause: err });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new OciError('invalid-image', `${what}: not a JSON object`);
  }
  const declared = (json as { mediaType?: unknown }).mediaType;
  const headerType = contentType?.split(';')[0]?.trim();
  let mediaType =
    typeof declared === 'string' && declared !== ''
      ? declared
      : headerType && headerType !== 'application/json' && headerType !== 'application/octet-stream'
        ? headerType
        : undefined;
  if (mediaType === undefined) {
    if ('manifests' in json) mediaType = mediaTypes.ociIndex;
    else if ('config' in json) mediaType = mediaTypes.ociManifest;
  }
  if (mediaType !== undefined && indexMediaTypes.includes(mediaType)) {
    const parsed = imageIndexSchema.safeParse(json);
    if (!parsed.success) {
      throw new OciError('invalid-image', `${what}: invalid image index: ${issues(parsed.error)}`);
    }
    return { kind: 'index', mediaType, index: parsed.data };
  }
  if (mediaType !== undefined && manifestMediaTypes.includes(mediaType)) {
    const parsed = imageManifestSchema.safeParse(json);
    if (!parsed.success) {
      throw new OciError(
        'invalid-image',
        `${what}: invalid image manifest: ${issues(parsed.error)}`,
      );
    }
    return { kind: 'manifest', mediaType, manifest: parsed.data };
  }
  throw new OciError(
    'unsupported-media-type',
    `${what}: unsupported manifest media type "${mediaType ?? '(none)'}"`,
  );
}

export interface Platform {
  os: string;
  architecture: string;
}
export const defaultPlatform: Platform = { os: 'linux', architecture: 'amd64' };

/** The entry of an index for `platform`, or its only manifest; throws when neither exists. */
export function selectManifest(
  index: ImageIndex,
  platform: Platform = defaultPlatform,
): Descriptor {
  const images = index.manifests.filter((m) => manifestMediaTypes.includes(m.mediaType));
  const match = images.find(
    (m) => m.platform?.os === platform.os && m.platform.architecture === platform.architecture,
  );
  if (match) return match;
  const only = images.length === 1 ? images[0] : undefined;
  if (only) return only;
  const offered = images
    .map((m) => (m.platform ? `${m.platform.os}/${m.platform.architecture}` : '(no platform)'))
    .join(', ');
  throw new OciError(
    'invalid-image',
    `image index has no manifest for ${platform.os}/${platform.architecture} (offers: ${offered || 'none'})`,
  );
}
