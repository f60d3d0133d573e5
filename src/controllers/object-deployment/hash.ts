/**
 * Template hash (pure): a stable content hash of the ObjectSet template plus the collision count,
 * as a short string of safe characters; the revision is named `<od>-<hash>`. The bytes differ
 * from Go PKO's (which hashes a spew dump), the behaviour does not: same template, same name;
 * a collision count bump gives a new name.
 */

/** Keys sorted, undefined members dropped: the same value always gives the same text. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v))
    return `[${v.map((x) => (x === undefined ? 'null' : canonicalJson(x))).join(',')}]`;
  const entries = Object.entries(v as Record<string, unknown>)
    .filter(([, x]) => x !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** 32-bit FNV-1a over bytes. */
export function fnv32a(bytes: Uint8Array): number {
  let h = FNV_OFFSET;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, FNV_PRIME) >>> 0;
  }
  return h >>> 0;
}

/** Kubernetes' rand.SafeEncodeString alphabet: no vowels, no confusable characters. */
const alphanums = 'bcdfghjklmnpqrstvwxz2456789';

export function safeEncode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += alphanums[s.charCodeAt(i) % alphanums.length];
  return out;
}

/** The template hash for a template and collision count. */
export function templateHash(template: unknown, collisionCount: number): string {
  const text = new TextEncoder().encode(canonicalJson(template));
  const bytes = new Uint8Array(text.length + 8);
  bytes.set(text);
  new DataView(bytes.buffer).setBigUint64(text.length, BigInt(collisionCount), true);
  return safeEncode(String(fnv32a(bytes)));
}

/** `<od>-<hash>`. */
export function revisionName(deploymentName: string, hash: string): string {
  return `${deploymentName}-${hash}`;
}
