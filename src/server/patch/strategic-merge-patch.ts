/**
 * Strategic merge patch (kubectl's default for built-in kinds): maps merge key by key, `null`
 * deletes; lists merge by `patchMergeKey` (or as sets of primitives) where the schema's patch
 * strategy is `merge`, else replace. Directives: `$patch: replace|merge|delete` (on maps and on
 * list items), `$retainKeys`, `$setElementOrder/<field>`, `$deleteFromPrimitiveList/<field>`.
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
  const out = mergeMap(base, patch, schema);
  return out ?? {};
}

function mapField(schema: TypeSchema | undefined, key: string): TypeSchema | undefined {
  if (!schema || schema.type !== 'map') return undefined;
  const f = schema.fields;
  if (f && Object.prototype.hasOwnProperty.call(f, key)) return f[key];
  return schema.elementType;
}

/** Merges `patch` into `original` (mutated); undefined means "delete this map". */
function mergeMap(original: Obj, patch: Obj, schema: TypeSchema | undefined): Obj | undefined {
  const kind = patch[directive];
  if (kind !== undefined) {
    if (kind === 'replace') return stripDirectives(withoutKey(patch, directive), schema) as Obj;
    if (kind === 'delete') return undefined;
    if (kind !== 'merge') throw new PatchError(`Unknown patch type: ${JSON.stringify(kind)}`, 422);
  }
  const retain = patch[retainKeysDirective];
  if (retain !== undefined) {
    if (!Array.isArray(retain))
      throw new PatchError('$retainKeys must be a list of field names', 422);
    const keep = new Set(retain.filter((k): k is string => typeof k === 'string'));
    for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
  }
  // Primitive deletions first, so that a patch may delete and re-add.
  for (const [k, v] of Object.entries(patch)) {
    if (!k.startsWith(deleteFromPrimitiveListPrefix)) continue;
    const field = k.slice(deleteFromPrimitiveListPrefix.length);
    if (!Array.isArray(v)) throw new PatchError(`${k} must be a list`, 422);
    const cur = original[field];
    if (Array.isArray(cur)) original[field] = cur.filter((x) => !v.some((y) => deepEqual(x, y)));
  }
  for (const [k, v] of Object.entries(patch)) {
    if (k === directive || k === retainKeysDirective) continue;
    if (k.startsWith(deleteFromPrimitiveListPrefix) || k.startsWith(setElementOrderPrefix))
      continue;
    if (v === null) {
      delete original[k];
      continue;
    }
    const fieldSchema = mapField(schema, k);
    const cur = original[k];
    if (isPlainObject(v)) {
      const merged = mergeMap(isPlainObject(cur) ? cur : {}, v, fieldSchema);
      if (merged === undefined) delete original[k];
      else original[k] = merged;
      continue;
    }
    if (Array.isArray(v)) {
      const order = patch[setElementOrderPrefix + k];
      const list = fieldSchema?.type === 'list' ? fieldSchema : undefined;
      original[k] = mergeList(Array.isArray(cur) ? cur : undefined, v, list, order);
      continue;
    }
    original[k] = v;
  }
  // An order for a list the patch does not otherwise touch still reorders it.
  for (const [k, order] of Object.entries(patch)) {
    if (!k.startsWith(setElementOrderPrefix)) continue;
    const field = k.slice(setElementOrderPrefix.length);
    if (field in patch) continue;
    const cur = original[field];
    const fieldSchema = mapField(schema, field);
    if (Array.isArray(cur) && Array.isArray(order)) {
      original[field] = applyOrder(
        cur,
        order,
        fieldSchema?.type === 'list' ? fieldSchema : undefined,
      );
    }
  }
  return original;
}

function withoutKey(o: Obj, key: string): Obj {
  const out = { ...o };
  delete out[key];
  return out;
}

/** A patch value used as-is (no original): directives removed, nulls dropped. */
function stripDirectives(v: unknown, schema: TypeSchema | undefined): unknown {
  if (isPlainObject(v)) return mergeMap({}, v, schema) ?? {};
  if (Array.isArray(v)) {
    const list = schema?.type === 'list' ? schema : undefined;
    return mergeList(undefined, v, list, undefined);
  }
  return v;
}

function mergeKeyOf(list: ListSchema | undefined): string | undefined {
  if (!list || (list.patchStrategy !== 'merge' && list.patchStrategy !== 'merge,retainKeys')) {
    return undefined;
  }
  return list.patchMergeKey;
}

function isMergeList(list: ListSchema | undefined): boolean {
  return list?.patchStrategy === 'merge' || list?.patchStrategy === 'merge,retainKeys';
}

function mergeList(
  original: unknown[] | undefined,
  patch: unknown[],
  list: ListSchema | undefined,
  order: unknown,
): unknown[] {
  const elementSchema = list?.elementType;
  if (!isMergeList(list)) {
    // Replace; a `$patch: replace` marker item is dropped.
    return patch
      .filter(
        (x) => !(isPlainObject(x) && x[directive] === 'replace' && Object.keys(x).length === 1),
      )
      .map((x) => stripDirectives(x, elementSchema));
  }
  const key = mergeKeyOf(list);
  const replaceAll = patch.some((x) => isPlainObject(x) && x[directive] === 'replace');
  if (replaceAll) {
    const items = patch
      .filter((x) => !(isPlainObject(x) && x[directive] === 'replace'))
      .map((x) => stripDirectives(x, elementSchema));
    return Array.isArray(order) ? applyOrder(items, order, list) : items;
  }
  let out = original ? [...original] : [];
  const scalarItems = patch.every((x) => !isPlainObject(x) && !Array.isArray(x));
  if (scalarItems || key === undefined) {
    for (const x of patch) if (!out.some((y) => deepEqual(x, y))) out.push(x);
    return Array.isArray(order) ? applyOrder(out, order, list) : out;
  }
  for (const item of patch) {
    if (!isPlainObject(item))
      throw new PatchError(`list item is not a map: ${JSON.stringify(item)}`, 422);
    if (!(key in item)) {
      throw new PatchError(
        `map: ${JSON.stringify(item)} does not contain declared merge key: ${key}`,
        422,
      );
    }
    const idx = out.findIndex((y) => isPlainObject(y) && deepEqual(y[key], item[key]));
    const kind = item[directive];
    if (kind === 'delete') {
      out = out.filter((y) => !(isPlainObject(y) && deepEqual(y[key], item[key])));
      continue;
    }
    if (idx >= 0) {
      const merged = mergeMap(clone(out[idx]) as Obj, item, elementSchema);
      if (merged === undefined) out.splice(idx, 1);
      else out[idx] = merged;
    } else {
      out.push(stripDirectives(item, elementSchema));
    }
  }
  return Array.isArray(order) ? applyOrder(out, order, list) : out;
}

/** Orders `items` by `$setElementOrder`; items it does not name keep their relative order after. */
function applyOrder(items: unknown[], order: unknown[], list: ListSchema | undefined): unknown[] {
  const key = mergeKeyOf(list);
  const identity = (x: unknown): unknown => (key !== undefined && isPlainObject(x) ? x[key] : x);
  const wanted = order.map((o) => (key !== undefined && isPlainObject(o) ? o[key] : o));
  const rank = (x: unknown): number => wanted.findIndex((w) => deepEqual(w, identity(x)));
  const named = items.filter((x) => rank(x) >= 0).sort((a, b) => rank(a) - rank(b));
  const rest = items.filter((x) => rank(x) < 0);
  return [...named, ...rest];
}
