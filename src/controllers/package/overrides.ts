/**
 * Where a Package's image is pulled from: image-prefix overrides ("most specific match wins":
 * the longest matching `from` prefix is replaced by its `to`), then registry-host overrides (a
 * reference whose registry is a key is pulled from the mapped host). Pure.
 */
import { overrideRegistry, parseReference } from '../../oci/index.js';

export interface ImagePrefixOverride {
  from: string;
  to: string;
}

/** Replaces the longest matching prefix; the image unchanged when none matches. */
export function applyImagePrefixOverrides(
  image: string,
  overrides: readonly ImagePrefixOverride[],
): string {
  let best: ImagePrefixOverride | undefined;
  for (const o of overrides) {
    if (!image.startsWith(o.from)) continue;
    if (best !== undefined && best.from.length >= o.from.length) continue;
    best = o;
  }
  return best === undefined ? image : best.to + image.slice(best.from.length);
}

/** Normalises a registry host as references do (`index.docker.io` -> `docker.io`). */
function registryOf(hostOrImage: string): string {
  return parseReference(`${hostOrImage}/x`).registry;
}

/** Moves the image to the mapped registry when its registry is overridden. */
export function applyRegistryHostOverrides(
  image: string,
  overrides: Readonly<Record<string, string>>,
): string {
  const entries = Object.entries(overrides);
  if (entries.length === 0) return image;
  const registry = parseReference(image).registry;
  for (const [from, to] of entries) {
    if (registryOf(from) === registry) return overrideRegistry(image, to);
  }
  return image;
}

/** The reference actually pulled for `image`. */
export function effectiveImage(
  image: string,
  opts: {
    imagePrefixOverrides?: readonly ImagePrefixOverride[] | undefined;
    registryHostOverrides?: Readonly<Record<string, string>> | undefined;
  },
): string {
  const prefixed = applyImagePrefixOverrides(image, opts.imagePrefixOverrides ?? []);
  return applyRegistryHostOverrides(prefixed, opts.registryHostOverrides ?? {});
}
