/**
 * The unpack hash: sha256 of a stable JSON of the whole `spec` (image, config, component, paused)
 * plus the manager's hash modifier, plus a hash of the image-prefix overrides when there are any
 * (as Package Operator does). Equal to `status.unpackedHash` means the package was already pulled
 * and deployed as it stands.
 */
import { createHash } from 'node:crypto';
import type { ImagePrefixOverride } from './overrides.js';

/** JSON with object keys sorted at every level, so key order never changes the hash. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => stableJson(v)).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export interface HashInputs {
  /** The manager's `--package-hash-modifier`: changing it re-renders every package. */
  modifier?: string | undefined;
  imagePrefixOverrides?: readonly ImagePrefixOverride[] | undefined;
}

export function unpackHash(spec: unknown, inputs: HashInputs = {}): string {
  let text = stableJson(spec) + (inputs.modifier ?? '');
  const overrides = inputs.imagePrefixOverrides ?? [];
  if (overrides.length > 0) text += sha256(stableJson(overrides));
  return sha256(text);
}
