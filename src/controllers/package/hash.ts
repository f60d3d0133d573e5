/**
 * The unpack hash: sha256 of a stable JSON of the whole `spec` (image, config, component, paused).
 * Equal to `status.unpackedHash` means the package was already pulled and deployed as it stands.
 */
import { createHash } from 'node:crypto';

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

export function unpackHash(spec: unknown): string {
  return createHash('sha256').update(stableJson(spec)).digest('hex');
}
