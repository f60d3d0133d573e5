/**
 * OCI images for packages. Pipeline:
 *   reference (parseReference) -> registry client (resolve, pull, push; auth from docker config or
 *   pull secrets) -> Image (manifest + verified blobs) -> file map (readPackageImage, tar safety)
 * and back: file map -> buildPackageImage (reproducible) -> push / OCI layout / archive.
 * Parsing and encoding are pure; the registry client, layout and archive files are the I/O edges.
 */
export type { ImageReference } from './reference.js';
export {
  apiHost,
  formatReference,
  imageWithDigest,
  isValidTag,
  overrideRegistry,
  parseReference,
  repositoryName,
  validateDigest,
  withDigest,
  withTag,
} from './reference.js';
export { OciError, RegistryError } from './errors.js';
export type { OciErrorCode } from './errors.js';
export { mediaTypes } from './media-types.js';
export type { ImageFormat } from './media-types.js';
export type { Descriptor, ImageIndex, ImageManifest, Platform } from './manifest.js';
export { defaultPlatform, parseManifestDocument, selectManifest } from './manifest.js';
export { sha256Digest, verifyBlob } from './digest.js';
export type { BuildOptions, FileInput, FileMap, Image, ReadOptions } from './image.js';
export {
  assembleImage,
  buildPackageImage,
  emptyImageMessage,
  packagePathPrefix,
  readPackageImage,
} from './image.js';
export type { TarLimits } from './tar.js';
export { defaultTarLimits } from './tar.js';
export type { Credential, CredentialStore } from './credentials.js';
export {
  credentialFor,
  loadDockerConfig,
  loadDockerConfigFile,
  mergeCredentials,
  parseDockerConfig,
  parsePullSecret,
} from './credentials.js';
export type { FetchLike } from './http.js';
export type { ManifestResult, PullResult, RegistryClientOptions } from './registry.js';
export { RegistryClient } from './registry.js';
export type { BlobCacheOptions } from './blob-cache.js';
export { BlobCache } from './blob-cache.js';
export type { ArchiveFormat, SelectOptions, TaggedImage } from './layout.js';
export {
  decodeArchive,
  decodeDockerArchive,
  decodeOciLayout,
  encodeArchive,
  encodeDockerArchive,
  encodeOciLayout,
  readArchive,
  readOciLayout,
  writeArchive,
  writeOciLayout,
} from './layout.js';
