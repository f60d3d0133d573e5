/** Media types of the OCI image spec and Docker's image manifest v2 schema 2. */

export const mediaTypes = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
} as const;

export const manifestMediaTypes: readonly string[] = [
  mediaTypes.ociManifest,
  mediaTypes.dockerManifest,
];
export const indexMediaTypes: readonly string[] = [
  mediaTypes.ociIndex,
  mediaTypes.dockerManifestList,
];
export const configMediaTypes: readonly string[] = [mediaTypes.ociConfig, mediaTypes.dockerConfig];
export const gzipLayerMediaTypes: readonly string[] = [
  mediaTypes.ociLayerGzip,
  mediaTypes.dockerLayerGzip,
];
export const plainLayerMediaTypes: readonly string[] = [
  mediaTypes.ociLayer,
  mediaTypes.dockerLayer,
];

/** The Accept header for manifest requests: every manifest and index type we read. */
export const manifestAccept = [...manifestMediaTypes, ...indexMediaTypes].join(', ');

export type ImageFormat = 'oci' | 'docker';
