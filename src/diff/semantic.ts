/**
 * Semantic comparison (pure): "the fields we set" as a mask, the projection of an object onto a
 * mask, and the per-field changes between two values. List items are matched by their merge key
 * (`name`, `containerPort`, ...) when they have one, else by position, so a reordered or defaulted
 * list does not read as a change of every item.
 */
import type { JsonObject } from './objects.js';

/** One changed field: `old` undefined = added, `new` undefined = removed. */
export interface FieldChange {
  /** `spec.template.spec.containers[name=web].image`. */
  path: string;
  old?: unknown;
  new?: unknown;
}

const mergeKeys = ['name', 'mountPath', 'containerPort', 'port', 'devicePath', 'ip', 'key'];

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The merge key field of a list item, if it has one of the usual ones. */
function itemKey(item: unknown): { field: string; value: unknown } | undefined {
  if (!isObject(item)) return undefined;
  for (const field of mergeKeys) {
    const value = item[field];
    if (value !== undefined && value !== null && typeof value !== 'object') {
      return { field, value };
    }
  }
  return undefined;
}

function scalarField(item: JsonObject, field: string): unknown {
  const v = item[field];
  return v !== undefined && v !== null && typeof v !== 'object' ? v : undefined;
}

/** Same list item: equal on the first merge key both items have. */
function sameItem(a: unknown, b: unknown): boolean {
  if (!isObject(a) || !isObject(b)) return false;
  for (const field of mergeKeys) {
    const x = scalarField(a, field);
    const y = scalarField(b, field);
    if (x !== undefined && y !== undefined) return x === y;
  }
  return false;
}

/** The item of `list` matching `probe` (same merge key value, else same index). */
function matchItem(list: readonly unknown[], probe: unknown, index: number): unknown {
  if (itemKey(probe) === undefined) return list[index];
  return list.find((x) => sameItem(x, probe));
}

function isScalarList(list: readonly unknown[]): boolean {
  return list.every((x) => typeof x !== 'object' || x === null);
}

/**
 * The part of `value` at the paths `mask` sets. Scalar lists and scalars are taken whole; an empty
 * object in the mask keeps only the presence of the object.
 */
export function project(value: unknown, mask: unknown): unknown {
  if (value === undefined) return undefined;
  if (isObject(mask) && isObject(value)) {
    const out: JsonObject = {};
    for (const [k, m] of Object.entries(mask)) {
      const v = project(value[k], m);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }
  if (Array.isArray(mask) && Array.isArray(value)) {
    if (isScalarList(mask) && isScalarList(value)) return value;
    const out: unknown[] = [];
    mask.forEach((m, i) => {
      const v = matchItem(value, m, i);
      if (v !== undefined) out.push(project(v, m));
    });
    return out;
  }
  return value;
}

/**
 * A mask of what `after` no longer has of `before`: the fields an apply would remove. Unmatched
 * list items are kept whole.
 */
export function removedMask(before: unknown, after: unknown): unknown {
  if (isObject(before) && isObject(after)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(before)) {
      if (!(k in after) || after[k] === undefined) out[k] = v;
      else {
        const sub = removedMask(v, after[k]);
        if (sub !== undefined) out[k] = sub;
      }
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    if (isScalarList(before) && isScalarList(after)) return undefined;
    const out: unknown[] = [];
    before.forEach((b, i) => {
      const a = matchItem(after, b, i);
      if (a === undefined) out.push(b);
      else {
        const sub = removedMask(b, a);
        // Keep the merge key so the item can be found again.
        const key = itemKey(b);
        if (sub !== undefined)
          out.push(key && isObject(sub) ? { [key.field]: key.value, ...sub } : sub);
      }
    });
    return out.length > 0 ? out : undefined;
  }
  return undefined;
}

/** Two masks as one (objects merged, list items merged by key or position). */
export function mergeMasks(a: unknown, b: unknown): unknown {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (isObject(a) && isObject(b)) {
    const out: JsonObject = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = mergeMasks(out[k], v);
    return out;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const out: unknown[] = [...(a as unknown[])];
    b.forEach((item, i) => {
      const at =
        itemKey(item) === undefined
          ? i < out.length
            ? i
            : -1
          : out.findIndex((x) => sameItem(x, item));
      if (at < 0) out.push(item);
      else out[at] = mergeMasks(out[at], item);
    });
    return out;
  }
  return a;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function segment(path: string, k: string): string {
  const plain = /^[A-Za-z_$][\w$-]*$/.test(k);
  if (plain) return path === '' ? k : `${path}.${k}`;
  return `${path}[${JSON.stringify(k)}]`;
}

/** The changed fields from `before` to `after`, in path order of `after` then `before`. */
export function fieldChanges(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (same(before, after)) return [];
  if (before === undefined) return [{ path, new: after }];
  if (after === undefined) return [{ path, old: before }];
  if (isObject(before) && isObject(after)) {
    const out: FieldChange[] = [];
    const keys = [...Object.keys(after), ...Object.keys(before).filter((k) => !(k in after))];
    for (const k of keys) out.push(...fieldChanges(before[k], after[k], segment(path, k)));
    return out;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const keyed =
      !isScalarList(before) &&
      !isScalarList(after) &&
      [...(before as unknown[]), ...(after as unknown[])].every((x) => itemKey(x) !== undefined);
    if (!keyed) {
      if (isScalarList(before) || isScalarList(after) || before.length !== after.length) {
        return [{ path, old: before, new: after }];
      }
      return after.flatMap((a, i) => fieldChanges(before[i], a, `${path}[${i}]`));
    }
    const out: FieldChange[] = [];
    const label = (x: unknown) => {
      const k = itemKey(x);
      return k === undefined ? '' : `${path}[${k.field}=${String(k.value)}]`;
    };
    for (const [i, a] of after.entries())
      out.push(...fieldChanges(matchItem(before, a, i), a, label(a)));
    for (const [i, b] of before.entries()) {
      if (matchItem(after, b, i) === undefined) out.push({ path: label(b), old: b });
    }
    return out;
  }
  return [{ path, old: before, new: after }];
}
