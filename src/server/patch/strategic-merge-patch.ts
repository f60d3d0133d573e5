/**
 * Strategic merge patch (kubectl's default for built-in kinds), following apimachinery's
 * `strategicpatch` on the server side: maps merge key by key and `null` deletes; lists whose
 * schema says `patchStrategy: merge` merge by `patchMergeKey` (or as sets of primitives), other
 * lists are replaced. Directives: `$patch: replace|delete` on maps, `$patch: replace|delete` on
 * list items, `$retainKeys`, `$setElementOrder/<field>`, `$deleteFromPrimitiveList/<field>`.
 * Merged lists are ordered as the apiserver orders them: patch items in patch (or
 * `$setElementOrder`) order, interleaved with server-only items by their live positions.
 */
import { clone, deepEqual, isPlainObject } from './json-merge-patch.js';
import { PatchError } from './types.js';
import type { ListSchema, TypeSchema } from './types.js';

const directive = '$patch';
const retainKeysDirective = '$retainKeys';
const setElementOrderPrefix = '$setElementOrder/';
const deleteFromPrimitiveListPrefix = '$deleteFromPrimitiveList/';

type Obj = Record<string, unknown>;

export function strategicMergePatch(
  original: unknown,
  patch: unknown,
  schema: TypeSchema,
): unknown {
  if (!isPlainObject(patch)) {
    throw new PatchError('strategic merge patch must be a JSON object', 400);
  }
  const base = isPlainObject(original) ? clone(original) : {};
  return mergeMap(base, clone(patch), schema);
}

function fieldSchema(schema: TypeSchema | undefined, key: string): TypeSchema | undefined {
  if (!schema || schema.type !== 'map') return undefined;
  const f = schema.fields;
  if (f && Object.prototype.hasOwnProperty.call(f, key)) return f[key];
  return schema.elementType;
}

function listSchema(schema: TypeSchema | undefined): ListSchema | undefined {
  return schema?.type === 'list' ? schema : undefined;
}

function describe(v: unknown): string {
  return JSON.stringify(v);
}

function kindOf(v: unknown): 'map' | 'list' | 'scalar' {
  if (isPlainObject(v)) return 'map';
  if (Array.isArray(v)) return 'list';
  return 'scalar';
}

/** Merges `patch` into `original` (both owned, mutated). */
function mergeMap(original: Obj, patch: Obj, schema: TypeSchema | undefined): Obj {
  if (directive in patch) {
    const kind = patch[directive];
    if (kind === 'replace') {
      delete patch[directive];
      return withoutDirectives(patch, schema) as Obj;
    }
    if (kind === 'delete') return {};
    throw new PatchError(`unknown patch type: ${describe(kind)} in map: ${describe(patch)}`, 422);
  }
  applyRetainKeys(original, patch);
  const done = mergeOrderedLists(original, patch, schema);
  for (const [key, value] of Object.entries(patch)) {
    if (done.has(key)) continue;
    if (key.startsWith(deleteFromPrimitiveListPrefix)) {
      const field = key.slice(deleteFromPrimitiveListPrefix.length);
      if (!Array.isArray(value)) throw new PatchError(`${key} must be a list`, 422);
      const cur = original[field];
      if (Array.isArray(cur))
        original[field] = cur.filter((x) => !value.some((y) => deepEqual(x, y)));
      continue;
    }
    if (value === null) {
      delete original[key];
      continue;
    }
    const sub = fieldSchema(schema, key);
    if (!(key in original)) {
      original[key] = withoutDirectives(value, sub);
      continue;
    }
    const cur = original[key];
    if (kindOf(cur) !== kindOf(value)) {
      original[key] = withoutDirectives(value, sub);
      continue;
    }
    if (isPlainObject(cur) && isPlainObject(value)) original[key] = mergeMap(cur, value, sub);
    else if (Array.isArray(cur) && Array.isArray(value))
      original[key] = mergeListField(cur, value, sub);
    else original[key] = value;
  }
  return original;
}

/** `$retainKeys`: keys of the original it does not name are cleared. */
function applyRetainKeys(original: Obj, patch: Obj): void {
  if (!(retainKeysDirective in patch)) return;
  const retain = patch[retainKeysDirective];
  delete patch[retainKeysDirective];
  if (!Array.isArray(retain)) throw new PatchError('invalid patch format of retainKeys', 422);
  const keep = new Set(retain.map((k) => String(k)));
  for (const [k, v] of Object.entries(patch)) {
    if (
      v === null ||
      k.startsWith(deleteFromPrimitiveListPrefix) ||
      k.startsWith(setElementOrderPrefix)
    ) {
      continue;
    }
    if (!keep.has(k)) throw new PatchError('invalid patch format of retainKeys', 422);
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

/**
 * `$setElementOrder/<field>`: merges the field's list (if the patch has one) and orders the
 * result; returns the keys it handled.
 */
function mergeOrderedLists(original: Obj, patch: Obj, schema: TypeSchema | undefined): Set<string> {
  const done = new Set<string>();
  for (const [key, order] of Object.entries(patch)) {
    if (!key.startsWith(setElementOrderPrefix)) continue;
    done.add(key);
    if (!Array.isArray(order)) {
      throw new PatchError(`invalid patch format of ${key}: not a list`, 422);
    }
    const field = key.slice(setElementOrderPrefix.length);
    const sub = fieldSchema(schema, field);
    const list = listSchema(sub);
    const cur = original[field];
    const inPatch = patch[field];
    const curList = Array.isArray(cur) ? cur : undefined;
    const patchList = Array.isArray(inPatch) ? inPatch : undefined;
    let merged: unknown[];
    if (curList && !patchList) merged = curList;
    else if (!curList && patchList) merged = withoutDirectives(patchList, sub) as unknown[];
    else if (curList && patchList) merged = mergeListField(curList, patchList, sub);
    else continue;
    original[field] = normalizeOrder(merged, order, curList ?? [], mergeKeyOf(list));
    done.add(field);
  }
  return done;
}

function isMergeList(list: ListSchema | undefined): boolean {
  return list?.patchStrategy === 'merge' || list?.patchStrategy === 'merge,retainKeys';
}

function mergeKeyOf(list: ListSchema | undefined): string | undefined {
  return isMergeList(list) ? list?.patchMergeKey : undefined;
}

function mergeListField(
  original: unknown[],
  patch: unknown[],
  schema: TypeSchema | undefined,
): unknown[] {
  const list = listSchema(schema);
  if (!isMergeList(list)) return withoutDirectives(patch, schema) as unknown[];
  return mergeSlice(original, patch, list);
}

function mergeSlice(
  original: unknown[],
  patch: unknown[],
  list: ListSchema | undefined,
): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const first = original[0] ?? patch[0];
  if (!isPlainObject(first)) {
    const merged: unknown[] = [];
    for (const x of [...original, ...patch])
      if (!merged.some((y) => deepEqual(x, y))) merged.push(x);
    return normalizeOrder(merged, patch, original, undefined);
  }
  const key = list?.patchMergeKey;
  if (!key) throw new PatchError('cannot merge lists without merge key', 422);
  const elementSchema = list.elementType;
  let live = original;
  const items: Obj[] = [];
  let replace = false;
  for (const v of patch) {
    if (!isPlainObject(v)) throw new PatchError(`list item is not a map: ${describe(v)}`, 422);
    if (!(directive in v)) {
      items.push(v);
      continue;
    }
    const kind = v[directive];
    if (kind === 'delete') {
      if (!(key in v)) throw noMergeKey(v, key);
      live = live.filter((y) => !(isPlainObject(y) && deepEqual(y[key], v[key])));
    } else if (kind === 'replace') {
      replace = true;
    } else if (kind === 'merge') {
      throw new PatchError('merging lists cannot yet be specified in the patch', 422);
    } else {
      throw new PatchError(`unknown patch type: ${describe(kind)} in map: ${describe(v)}`, 422);
    }
  }
  if (replace) return items.map((x) => withoutDirectives(x, elementSchema));
  const merged = [...live];
  for (const item of items) {
    if (!(key in item)) throw noMergeKey(item, key);
    const idx = merged.findIndex((y) => isPlainObject(y) && deepEqual(y[key], item[key]));
    if (idx >= 0) merged[idx] = mergeMap(merged[idx] as Obj, item, elementSchema);
    else merged.push(withoutDirectives(item, elementSchema));
  }
  return normalizeOrder(merged, items, live, key);
}

function noMergeKey(item: Obj, key: string): PatchError {
  return new PatchError(`map: ${describe(item)} does not contain declared merge key: ${key}`, 422);
}

/**
 * The apiserver's list order: items named in `order` sorted by it, server-only items sorted by
 * their live position, the two interleaved where both have a live position.
 */
function normalizeOrder(
  merged: unknown[],
  order: unknown[],
  live: unknown[],
  key: string | undefined,
): unknown[] {
  const id = (x: unknown): unknown => (key !== undefined && isPlainObject(x) ? x[key] : x);
  const indexIn = (xs: unknown[], x: unknown): number => {
    const want = id(x);
    return xs.findIndex((y) => deepEqual(id(y), want));
  };
  const byIndexIn = (xs: unknown[]) => (a: unknown, b: unknown) => indexIn(xs, a) - indexIn(xs, b);
  const patchItems = merged.filter((x) => indexIn(order, x) >= 0).sort(byIndexIn(order));
  const serverOnly = merged.filter((x) => indexIn(order, x) < 0).sort(byIndexIn(live));
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < patchItems.length) {
    if (i >= serverOnly.length) out.push(patchItems[j++]);
    else if (j >= patchItems.length) out.push(serverOnly[i++]);
    else {
      const li = indexIn(live, serverOnly[i]);
      const ri = indexIn(live, patchItems[j]);
      if (li >= 0 && ri >= 0 && li < ri) out.push(serverOnly[i++]);
      else out.push(patchItems[j++]);
    }
  }
  return out;
}

/** A patch value taken as-is: directives and nulls removed, as decoding into the type does. */
function withoutDirectives(v: unknown, schema: TypeSchema | undefined): unknown {
  if (isPlainObject(v)) {
    if (v[directive] === 'delete') return {};
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) {
      if (x === null || k === directive || k === retainKeysDirective) continue;
      if (k.startsWith(setElementOrderPrefix) || k.startsWith(deleteFromPrimitiveListPrefix))
        continue;
      out[k] = withoutDirectives(x, fieldSchema(schema, k));
    }
    return out;
  }
  if (Array.isArray(v)) {
    const element = listSchema(schema)?.elementType;
    return v
      .filter((x) => !(isPlainObject(x) && directive in x && x[directive] !== 'merge'))
      .map((x) => withoutDirectives(x, element));
  }
  return v;
}
