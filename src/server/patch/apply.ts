/**
 * Server-side apply and managedFields bookkeeping, the apiserver's field-manager layers on top of
 * the SMD updater: manager identifiers (manager, operation, apiVersion for Update, subresource),
 * stripped metadata fields, reset fields of the status subresource, timestamps, entry order.
 */
import { FieldSet, goJson, pathString } from './field-set.js';
import { clone, isPlainObject } from './json-merge-patch.js';
import type {
  FieldConflict,
  FieldsV1,
  KubeObject,
  ManagedFieldsEntry,
  TypeSchema,
} from './types.js';
import { PatchError } from './types.js';
import { compareValues, toFieldSet, validateApplied } from './typed.js';
import { Conflicts, applyObject, updateObject } from './updater.js';
import type { Managers } from './updater.js';

export interface ApplyInput {
  live: KubeObject | undefined;
  applied: KubeObject;
  manager: string;
  force: boolean;
  schema: TypeSchema;
  /** RFC 3339 timestamp recorded in managedFields. */
  now: string;
  /** `status` for the /status subresource; absent for the main resource. */
  subresource?: string;
  /**
   * Whether the kind has a status subresource (default true): then the main resource ignores
   * `status` and /status ignores everything else. Pass false for CRDs without one.
   */
  statusSubresource?: boolean;
}

export type ApplyResult = { object: KubeObject } | { conflicts: FieldConflict[] };

export interface UpdateInput {
  before: KubeObject | undefined;
  after: KubeObject;
  manager: string;
  schema: TypeSchema;
  now: string;
  subresource?: string;
  /** As in ApplyInput. */
  statusSubresource?: boolean;
}

/** Where a manager's entry comes from: name, operation, apiVersion (Update only), subresource. */
interface ManagerId {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource: string;
}

function idKey(id: ManagerId): string {
  return JSON.stringify([
    id.manager,
    id.operation,
    id.operation === 'Update' ? id.apiVersion : '',
    id.subresource,
  ]);
}

interface Decoded {
  managers: Managers;
  ids: Map<string, ManagerId>;
  times: Map<string, string | undefined>;
}

/** Fields the apiserver never tracks. */
const stripSet = FieldSet.fromPaths([
  ['f:apiVersion'],
  ['f:kind'],
  ['f:metadata'],
  ...[
    'name',
    'namespace',
    'creationTimestamp',
    'selfLink',
    'uid',
    'clusterName',
    'generation',
    'managedFields',
    'resourceVersion',
  ].map((f) => ['f:metadata', `f:${f}`]),
]);

/**
 * FieldsV1 objects this module wrote and the sets they encode, both ways: a manager whose set a
 * write leaves as it is keeps its FieldsV1 object (no decode, no encode). Sets are never changed
 * in place (every FieldSet operation returns a new set), nor are stored objects.
 */
const encodedSets = new WeakMap<FieldSet, FieldsV1>();
const decodedSets = new WeakMap<object, FieldSet>();

function decodeFields(f: unknown): FieldSet {
  if (isPlainObject(f)) {
    const hit = decodedSets.get(f);
    if (hit !== undefined) return hit;
  }
  return FieldSet.fromFieldsV1(f);
}

function encodeFields(set: FieldSet): FieldsV1 {
  let f = encodedSets.get(set);
  if (f === undefined) {
    f = set.toFieldsV1();
    encodedSets.set(set, f);
    decodedSets.set(f, set);
  }
  return f;
}

function decodeManagedFields(entries: unknown): Decoded {
  const out: Decoded = { managers: new Map(), ids: new Map(), times: new Map() };
  if (!Array.isArray(entries)) return out;
  for (const e of entries) {
    if (!isPlainObject(e)) throw new PatchError('managed fields entry is not an object', 400);
    if (e.operation !== 'Apply' && e.operation !== 'Update') {
      throw new PatchError('operation must be `Apply` or `Update`', 400);
    }
    if (e.fieldsType !== undefined && e.fieldsType !== 'FieldsV1') {
      throw new PatchError(`invalid fieldsType ${JSON.stringify(e.fieldsType)}`, 400);
    }
    const id: ManagerId = {
      manager: typeof e.manager === 'string' ? e.manager : '',
      operation: e.operation,
      apiVersion: typeof e.apiVersion === 'string' ? e.apiVersion : '',
      subresource: typeof e.subresource === 'string' ? e.subresource : '',
    };
    const key = idKey(id);
    const set = decodeFields(e.fieldsV1);
    out.ids.set(key, id);
    out.times.set(key, typeof e.time === 'string' ? e.time : undefined);
    out.managers.set(key, {
      set,
      apiVersion: id.apiVersion,
      applied: id.operation === 'Apply',
    });
  }
  return out;
}

/** Decoded managedFields, or empty ones when they are missing or invalid. */
function decodeOrEmpty(entries: unknown): Decoded {
  try {
    return decodeManagedFields(entries);
  } catch {
    return decodeManagedFields(undefined);
  }
}

function encodeManagedFields(d: Decoded): ManagedFieldsEntry[] {
  const entries: ManagedFieldsEntry[] = [];
  for (const [key, vs] of d.managers) {
    const id = d.ids.get(key);
    if (!id || vs.set.empty()) continue;
    const t = d.times.get(key);
    const e: ManagedFieldsEntry = {
      manager: id.manager,
      operation: id.operation,
      apiVersion: vs.apiVersion,
      ...(t === undefined ? {} : { time: t }),
      fieldsType: 'FieldsV1',
      fieldsV1: encodeFields(vs.set),
      ...(id.subresource ? { subresource: id.subresource } : {}),
    };
    entries.push(e);
  }
  return entries.sort(compareEntries);
}

function compareEntries(p: ManagedFieldsEntry, q: ManagedFieldsEntry): number {
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return (
    cmp(p.operation, q.operation) ||
    cmp(secondsOf(p.time), secondsOf(q.time)) ||
    cmp(p.manager, q.manager) ||
    cmp(p.apiVersion, q.apiVersion) ||
    cmp(p.subresource ?? '', q.subresource ?? '')
  );
}

function secondsOf(t: string | undefined): string {
  if (t === undefined) return '0000-00-00T00:00:00';
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? t : new Date(Math.floor(ms / 1000) * 1000).toISOString();
}

/** Top-level fields a write through `subresource` must not change (reset fields). */
function resetFields(
  obj: KubeObject | undefined,
  subresource: string | undefined,
  statusSubresource: boolean | undefined,
): FieldSet | undefined {
  if (statusSubresource === false) return undefined;
  if (subresource === 'status') {
    const keys = new Set(Object.keys(obj ?? {}));
    keys.add('spec');
    keys.add('metadata');
    for (const k of ['apiVersion', 'kind', 'status']) keys.delete(k);
    return FieldSet.fromPaths([...keys].map((k) => [`f:${k}`]));
  }
  if (subresource) return undefined;
  return FieldSet.fromPaths([['f:status']]);
}

/** The object as the merge sees it: without managedFields. */
function withoutManagedFields(obj: KubeObject | undefined): Record<string, unknown> {
  if (!obj) return {};
  const out = clone(obj) as Record<string, unknown>;
  const meta = out.metadata;
  if (isPlainObject(meta)) delete meta.managedFields;
  return out;
}

/** A shallow view of the object without managedFields: shares everything else with `obj`. */
function viewWithoutManagedFields(obj: KubeObject | undefined): Record<string, unknown> {
  if (!obj) return {};
  const out: Record<string, unknown> = { ...obj };
  if (isPlainObject(obj.metadata)) {
    const { managedFields: _mf, ...meta } = obj.metadata;
    out.metadata = meta;
  }
  return out;
}

/**
 * The object without the top-level fields that are members of `reset` (a comparison leaves them
 * out anyway: every path under them is dropped from it).
 */
function withoutTopLevel(
  obj: Record<string, unknown>,
  reset: FieldSet | undefined,
): Record<string, unknown> {
  if (!reset) return obj;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(obj)) if (!reset.members.has(`f:${k}`)) out[k] = obj[k];
  return out;
}

/** The applied config without the fields `reset` says it may not set. */
function withoutReset(
  obj: Record<string, unknown>,
  reset: FieldSet | undefined,
  live: Record<string, unknown>,
): Record<string, unknown> {
  if (!reset) return obj;
  const out = { ...obj };
  for (const pe of reset.members) {
    const k = pe.slice(2);
    if (k === 'metadata' && isPlainObject(obj.metadata)) {
      // Keep identity fields, take the rest of metadata from the live object.
      const m = obj.metadata;
      const keep: Record<string, unknown> = isPlainObject(live.metadata)
        ? { ...live.metadata }
        : {};
      if (m.name !== undefined) keep.name = m.name;
      if (m.namespace !== undefined) keep.namespace = m.namespace;
      out.metadata = keep;
    } else if (k in live) out[k] = live[k];
    else delete out[k];
  }
  return out;
}

/** At most this many Update entries are kept; older ones merge into `ancient-changes`. */
export const maxUpdateManagers = 10;
const oldUpdatesManager = 'ancient-changes';

/** The apiserver's cap on Update entries: the oldest merge, per apiVersion, into one bucket. */
function capUpdateManagers(d: Decoded): void {
  const updaters = [...d.managers].filter(([, vs]) => !vs.applied).map(([k]) => k);
  if (updaters.length <= maxUpdateManagers) return;
  const seconds = (k: string): string => secondsOf(d.times.get(k));
  updaters.sort((a, b) => {
    const ta = seconds(a);
    const tb = seconds(b);
    if (ta !== tb) return ta < tb ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
  const firstOfVersion = new Map<string, string>();
  let length = updaters.length;
  for (const key of updaters) {
    if (length <= maxUpdateManagers) break;
    const vs = d.managers.get(key);
    if (!vs) continue;
    const version = vs.apiVersion;
    const bucketId: ManagerId = {
      manager: oldUpdatesManager,
      operation: 'Update',
      apiVersion: version,
      subresource: '',
    };
    const bucket = idKey(bucketId);
    const first = firstOfVersion.get(version);
    if (first === undefined) {
      firstOfVersion.set(version, key);
      continue;
    }
    if (!d.managers.has(bucket)) {
      const firstSet = d.managers.get(first);
      d.managers.delete(first);
      if (firstSet) d.managers.set(bucket, firstSet);
      d.ids.set(bucket, bucketId);
    }
    const prev = d.managers.get(bucket);
    d.managers.set(bucket, {
      set: prev ? vs.set.union(prev.set) : vs.set,
      apiVersion: version,
      applied: false,
    });
    d.managers.delete(key);
    d.times.set(bucket, d.times.get(key));
    length--;
  }
}

function setManagedFields(obj: unknown, d: Decoded): KubeObject {
  const o = (isPlainObject(obj) ? obj : {}) as KubeObject;
  const meta = isPlainObject(o.metadata) ? o.metadata : {};
  const entries = encodeManagedFields(d);
  if (entries.length > 0) meta.managedFields = entries;
  else delete meta.managedFields;
  o.metadata = meta;
  return o;
}

function stripMeta(d: Decoded, key: string): void {
  const vs = d.managers.get(key);
  if (!vs) return;
  const set = vs.set.difference(stripSet);
  if (set.empty()) d.managers.delete(key);
  else d.managers.set(key, { ...vs, set });
}

function describeManager(id: ManagerId | undefined, key: string): string {
  if (!id) return JSON.stringify(key);
  let s = JSON.stringify(id.manager);
  if (id.subresource) s += ` with subresource ${JSON.stringify(id.subresource)}`;
  if (id.operation === 'Update') s += ` using ${id.apiVersion}`;
  return s;
}

/** `ns/name; group/version, Kind=Kind` as the apiserver names an object in SSA errors. */
function describeObject(o: KubeObject): string {
  const av = typeof o.apiVersion === 'string' ? o.apiVersion : '';
  const gv = av.includes('/') ? av : `/${av}`;
  const meta = isPlainObject(o.metadata) ? o.metadata : {};
  const ns = typeof meta.namespace === 'string' ? meta.namespace : '';
  const name = typeof meta.name === 'string' ? meta.name : '';
  return `${ns}/${name}; ${gv}, Kind=${String(o.kind)}`;
}

/**
 * SSA: the merged object with its managedFields, or the conflicts that stop it (409). Throws
 * PatchError for configs SMD refuses (500 `failed to create typed patch object`, as the
 * apiserver answers) and for applied managedFields (400).
 */
export function serverSideApply(input: ApplyInput): ApplyResult {
  const applied = input.applied as unknown;
  if (!isPlainObject(applied)) throw new PatchError('apply patch must be an object', 400);
  const appliedMeta = applied.metadata;
  if (isPlainObject(appliedMeta) && appliedMeta.managedFields != null) {
    throw new PatchError('metadata.managedFields must be nil', 400);
  }
  const version = typeof applied.apiVersion === 'string' ? applied.apiVersion : '';
  const errors = validateApplied(applied, input.schema);
  if (errors.length > 0) {
    const detail = errors.length === 1 ? errors[0] : ['errors:', ...errors].join('\n  ');
    throw new PatchError(
      `failed to create typed patch object (${describeObject(input.applied)}): ${detail}`,
      500,
    );
  }
  const decoded = decodeOrEmpty(input.live?.metadata.managedFields);
  const live = withoutManagedFields(input.live);
  const reset = resetFields(
    input.live ?? input.applied,
    input.subresource,
    input.statusSubresource,
  );
  const config = withoutReset(clone(applied), reset, live);
  const id: ManagerId = {
    manager: input.manager,
    operation: 'Apply',
    apiVersion: version,
    subresource: input.subresource ?? '',
  };
  const key = idKey(id);
  const run = (force: boolean): { object: unknown; managers: Managers } =>
    applyObject(live, config, input.schema, version, decoded.managers, key, force, reset);
  let result: { object: unknown; managers: Managers };
  try {
    result = run(input.force);
  } catch (err) {
    if (!(err instanceof Conflicts)) throw err;
    // kubectl's server-side apply may take over what its client-side apply set (the fields
    // of the last-applied annotation that still hold their applied values).
    const allowed = kubectlManager(input.manager)
      ? allowedFromLastApplied(live, input.schema)
      : undefined;
    let remaining = err.byManager;
    if (allowed) {
      remaining = new Map();
      for (const [k, set] of err.byManager) {
        const left = set.difference(allowed);
        if (!left.empty()) remaining.set(k, left);
      }
    }
    if (remaining.size > 0) return { conflicts: describeConflicts(remaining, decoded) };
    result = run(true);
  }
  const out: Decoded = { managers: result.managers, ids: decoded.ids, times: decoded.times };
  out.ids.set(key, id);
  stripMeta(out, key);
  if (result.object !== undefined) out.times.set(key, input.now);
  else if (!out.times.has(key)) out.times.set(key, input.now);
  capUpdateManagers(out);
  const object = (result.object === undefined ? live : result.object) as KubeObject;
  if (kubectlManager(input.manager)) syncLastApplied(object, input.applied);
  return { object: setManagedFields(object, out) };
}

function describeConflicts(byManager: Map<string, FieldSet>, decoded: Decoded): FieldConflict[] {
  const conflicts: FieldConflict[] = [];
  for (const k of [...byManager.keys()].sort()) {
    const mid = decoded.ids.get(k);
    for (const p of byManager.get(k)?.paths() ?? []) {
      conflicts.push({
        manager: mid?.manager ?? k,
        operation: mid?.operation ?? 'Update',
        apiVersion: mid?.apiVersion ?? '',
        subresource: mid?.subresource ?? '',
        description: describeManager(mid, k),
        path: pathString(p),
      });
    }
  }
  return conflicts;
}

/** kubectl's client-side apply keeps the applied config in this annotation. */
export const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';

/** The apiserver keeps the annotation in step only for kubectl's own field managers. */
function kubectlManager(manager: string): boolean {
  return manager.startsWith('kubectl');
}

function lastAppliedOf(obj: Record<string, unknown>): unknown {
  const meta = obj.metadata;
  const ann = isPlainObject(meta) ? meta.annotations : undefined;
  const raw = isPlainObject(ann) ? ann[lastAppliedAnnotation] : undefined;
  if (typeof raw !== 'string' || raw === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

/** Fields of the last-applied config whose live values are still the applied ones. */
function allowedFromLastApplied(
  live: Record<string, unknown>,
  schema: TypeSchema,
): FieldSet | undefined {
  const last = lastAppliedOf(live);
  if (!isPlainObject(last)) return undefined;
  try {
    const cmp = compareValues(last, live, schema);
    return toFieldSet(last, schema).difference(cmp.modified);
  } catch {
    return undefined;
  }
}

/** After a kubectl server-side apply, the annotation holds the new applied config. */
function syncLastApplied(object: KubeObject, applied: KubeObject): void {
  if (lastAppliedOf(object) === undefined) return;
  const copy = clone(applied) as Record<string, unknown>;
  const meta = isPlainObject(copy.metadata) ? copy.metadata : undefined;
  const ann = meta && isPlainObject(meta.annotations) ? meta.annotations : undefined;
  if (meta && ann) {
    delete ann[lastAppliedAnnotation];
    if (Object.keys(ann).length === 0) delete meta.annotations;
  }
  const annotations = { ...(object.metadata.annotations ?? {}) };
  annotations[lastAppliedAnnotation] = `${goJson(copy)}\n`;
  object.metadata.annotations = annotations;
}

/** True for `managedFields: [{}]`, the documented way to clear managedFields. */
function isClearRequest(entries: unknown): boolean {
  return (
    Array.isArray(entries) &&
    entries.length > 0 &&
    entries.every((e) => isPlainObject(e) && Object.keys(e).length === 0)
  );
}

/**
 * managedFields of a non-apply write (create, update, patch): `manager` (operation Update) owns
 * every field it changed, and other managers lose them.
 */
export function recordUpdate(input: UpdateInput): KubeObject {
  const after = input.after as unknown;
  if (!isPlainObject(after)) throw new PatchError('object must be an object', 400);
  const given = isPlainObject(after.metadata) ? after.metadata.managedFields : undefined;
  if (!input.subresource && isClearRequest(given)) {
    const out = withoutManagedFields(input.after) as KubeObject;
    return out;
  }
  let decoded: Decoded | undefined;
  if (!input.subresource && Array.isArray(given) && given.length > 0) {
    try {
      decoded = decodeManagedFields(given);
    } catch {
      decoded = undefined;
    }
  }
  decoded ??= decodeOrEmpty(input.before?.metadata.managedFields);
  const version = typeof after.apiVersion === 'string' ? after.apiVersion : '';
  // Neither is changed below: views without managedFields (no deep copies), and the comparison
  // leaves out the top-level fields the write may not touch (its result ignores them anyway).
  const before = viewWithoutManagedFields(input.before);
  const next = viewWithoutManagedFields(input.after);
  const reset = resetFields(
    input.before ?? input.after,
    input.subresource,
    input.statusSubresource,
  );
  const id: ManagerId = {
    manager: input.manager,
    operation: 'Update',
    apiVersion: version,
    subresource: input.subresource ?? '',
  };
  const key = idKey(id);
  const current = '\u0000current-operation';
  const managers = updateObject(
    withoutTopLevel(before, reset),
    withoutTopLevel(next, reset),
    input.schema,
    version,
    decoded.managers,
    current,
    reset,
  );
  const out: Decoded = { managers, ids: decoded.ids, times: decoded.times };
  out.ids.set(current, id);
  stripMeta(out, current);
  const vs = out.managers.get(current);
  out.managers.delete(current);
  out.ids.delete(current);
  if (vs) {
    const prev = out.managers.get(key);
    out.managers.set(key, {
      set: prev ? vs.set.union(prev.set) : vs.set,
      apiVersion: version,
      applied: false,
    });
    out.ids.set(key, id);
    out.times.set(key, input.now);
  }
  capUpdateManagers(out);
  return setManagedFields(next, out);
}

/** The apiserver's message for a 409 apply conflict. */
export function conflictMessage(conflicts: FieldConflict[]): string {
  if (conflicts.length === 1) {
    const c = conflicts[0] as FieldConflict;
    return `Apply failed with 1 conflict: conflict with ${c.description}: ${c.path}`;
  }
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) {
    const paths = byManager.get(c.description) ?? [];
    paths.push(c.path);
    byManager.set(c.description, paths);
  }
  const lines: string[] = [];
  for (const m of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${m}:`);
    for (const p of byManager.get(m) ?? []) lines.push(`- ${p}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

/** The `details.causes` of the 409 Status: one FieldManagerConflict per path. */
export function conflictCauses(
  conflicts: FieldConflict[],
): { reason: 'FieldManagerConflict'; message: string; field: string }[] {
  return conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${c.description}`,
    field: c.path,
  }));
}
