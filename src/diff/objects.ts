/**
 * Object facts shared by the diff and the preview (pure): identity keys and labels, the noise the
 * API server adds (removed before anything is compared or shown), Secret values replaced by
 * hashes, and stable YAML.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { stringify } from 'yaml';

/** A Kubernetes object as plain JSON. */
export type JsonObject = Record<string, unknown>;

export interface ObjectId {
  apiVersion: string;
  kind: string;
  /** '' for cluster-scoped objects. */
  namespace: string;
  name: string;
}

export function groupOf(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

function metaOf(obj: JsonObject): JsonObject {
  const m = obj.metadata;
  return typeof m === 'object' && m !== null && !Array.isArray(m) ? (m as JsonObject) : {};
}

export function idOf(obj: JsonObject): ObjectId {
  const meta = metaOf(obj);
  return {
    apiVersion: typeof obj.apiVersion === 'string' ? obj.apiVersion : '',
    kind: typeof obj.kind === 'string' ? obj.kind : '',
    namespace: typeof meta.namespace === 'string' ? meta.namespace : '',
    name: typeof meta.name === 'string' ? meta.name : '',
  };
}

/** Identity across versions of a kind: `group/Kind/namespace/name`. */
export function keyOf(id: ObjectId): string {
  return `${groupOf(id.apiVersion)}/${id.kind}/${id.namespace}/${id.name}`;
}

/** `Deployment apps/web`, `Namespace apps` (as users read them). */
export function labelOf(id: ObjectId): string {
  return `${id.kind} ${id.namespace === '' ? id.name : `${id.namespace}/${id.name}`}`;
}

const noisyMeta = [
  'managedFields',
  'resourceVersion',
  'uid',
  'generation',
  'creationTimestamp',
  'selfLink',
  'deletionGracePeriodSeconds',
];

/** A copy without what the API server sets (status, bookkeeping metadata). */
export function withoutNoise(obj: JsonObject): JsonObject {
  const copy = { ...obj };
  delete copy.status;
  const meta = { ...metaOf(obj) };
  for (const k of noisyMeta) delete meta[k];
  copy.metadata = meta;
  return copy;
}

function isSecret(obj: JsonObject): boolean {
  return obj.kind === 'Secret' && (obj.apiVersion === 'v1' || obj.apiVersion === undefined);
}

/**
 * Key of the Secret hashes: random per process, so equal values show equal hashes within one
 * report while a hash cannot be looked up in a dictionary of common passwords.
 */
const hashKey = randomBytes(32);

function hashText(bytes: Uint8Array | string): string {
  return `<hash ${createHmac('sha256', hashKey).update(bytes).digest('hex').slice(0, 12)}…>`;
}

/**
 * Secret `data` and `stringData` values replaced by `<hash …>` (keyed HMAC-SHA256) of their
 * decoded bytes, so a value
 * given as `stringData` and the same value stored base64 in `data` show the same hash. Any other
 * object is returned as is.
 */
export function maskSecrets(obj: JsonObject): JsonObject {
  if (!isSecret(obj)) return obj;
  const copy = { ...obj };
  const data = copy.data;
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
    copy.data = Object.fromEntries(
      Object.entries(data as JsonObject).map(([k, v]) => [
        k,
        typeof v === 'string' ? hashText(Buffer.from(v, 'base64')) : v,
      ]),
    );
  }
  const stringData = copy.stringData;
  if (typeof stringData === 'object' && stringData !== null && !Array.isArray(stringData)) {
    copy.stringData = Object.fromEntries(
      Object.entries(stringData as JsonObject).map(([k, v]) => [
        k,
        typeof v === 'string' ? hashText(v) : v,
      ]),
    );
  }
  return copy;
}

/**
 * Secret `stringData` folded into `data` (base64), as the API server stores it: what a Secret
 * compares by. Other objects are returned as is.
 */
export function foldStringData(obj: JsonObject): JsonObject {
  if (!isSecret(obj)) return obj;
  const stringData = obj.stringData;
  if (typeof stringData !== 'object' || stringData === null || Array.isArray(stringData)) {
    return obj;
  }
  const copy = { ...obj };
  delete copy.stringData;
  const data = { ...((copy.data as JsonObject | undefined) ?? {}) };
  for (const [k, v] of Object.entries(stringData as JsonObject)) {
    if (typeof v === 'string') data[k] = Buffer.from(v, 'utf8').toString('base64');
  }
  copy.data = data;
  return copy;
}

/** Keys sorted the way users scan objects: apiVersion, kind, metadata, spec first. */
function ordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(ordered);
  if (typeof value !== 'object' || value === null) return value;
  const first = ['apiVersion', 'kind', 'metadata', 'name', 'namespace', 'spec'];
  const keys = Object.keys(value);
  const head = first.filter((k) => keys.includes(k));
  const rest = keys.filter((k) => !first.includes(k)).sort();
  const out: JsonObject = {};
  for (const k of [...head, ...rest]) out[k] = ordered((value as JsonObject)[k]);
  return out;
}

/** Stable YAML of an object (keys ordered), `''` for undefined. */
export function toYaml(value: unknown): string {
  if (value === undefined) return '';
  return stringify(ordered(value), { lineWidth: 0, aliasDuplicateObjects: false });
}
