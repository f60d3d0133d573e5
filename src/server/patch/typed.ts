/**
 * Schema-aware walks over JSON values, following structured-merge-diff: the field set a value
 * sets, the merge of two values (with the comparison of what was added, modified, removed), and
 * the removal of a field set from a value.
 */
import { FieldSet, fieldPE, indexPE, keyPE, pathString, valuePE } from './field-set.js';
import { deepEqual, isPlainObject } from './json-merge-patch.js';
import { PatchError } from './types.js';
import type { ListSchema, TypeSchema } from './types.js';

const deduced: TypeSchema = { type: 'deduced' };
const atomicDeduced: ListSchema = { type: 'list', elementType: deduced, listType: 'atomic' };

type Atom =
  | { kind: 'scalar' }
  | {
      kind: 'map';
      fields: Record<string, TypeSchema> | undefined;
      elementType: TypeSchema;
      atomic: boolean;
    }
  | { kind: 'list'; list: ListSchema };

const scalarAtom: Atom = { kind: 'scalar' };
const deducedMapAtom: Atom = {
  kind: 'map',
  fields: undefined,
  elementType: deduced,
  atomic: false,
};

/** The atom a schema takes for a value (a deduced schema follows the value). */
function atomOf(schema: TypeSchema, v: unknown): Atom {
  switch (schema.type) {
    case 'deduced':
      if (Array.isArray(v)) return { kind: 'list', list: atomicDeduced };
      if (v === undefined || v === null || isPlainObject(v)) return deducedMapAtom;
      return scalarAtom;
    case 'scalar':
      return scalarAtom;
    case 'map':
      if (v !== undefined && v !== null && !isPlainObject(v)) return scalarAtom;
      return {
        kind: 'map',
        fields: schema.fields,
        elementType: schema.elementType ?? deduced,
        atomic: schema.mapType === 'atomic',
      };
    case 'list':
      if (v !== undefined && v !== null && !Array.isArray(v)) return scalarAtom;
      return { kind: 'list', list: schema };
  }
}

function fieldType(atom: Extract<Atom, { kind: 'map' }>, key: string): TypeSchema {
  const f = atom.fields;
  if (f && Object.prototype.hasOwnProperty.call(f, key)) return f[key] as TypeSchema;
  return atom.elementType;
}

function isNamed(atom: Extract<Atom, { kind: 'map' }>, key: string): boolean {
  return atom.fields !== undefined && Object.prototype.hasOwnProperty.call(atom.fields, key);
}

/** The path element of a list item: `k:` for map lists, `v:` for sets, `i:` otherwise. */
export function listItemPE(list: ListSchema, index: number, item: unknown): string {
  if (list.listType === 'map' && list.keys && list.keys.length > 0) {
    if (item === null) {
      throw new PatchError('associative list with keys may not have a null element');
    }
    if (!isPlainObject(item)) {
      throw new PatchError('associative list with keys may not have non-map elements');
    }
    const key: Record<string, unknown> = {};
    for (const k of list.keys) {
      if (!Object.prototype.hasOwnProperty.call(item, k)) {
        const def = list.keyDefaults?.[k];
        if (def !== undefined) {
          key[k] = def;
          continue;
        }
        throw new PatchError(
          `associative list with keys has an element that omits key field "${k}" (and doesn't have default value)`,
        );
      }
      key[k] = item[k];
    }
    return keyPE(key);
  }
  if (list.listType === 'set' || list.listType === 'map') {
    if (isPlainObject(item)) {
      throw new PatchError("associative list without keys has an element that's a map type");
    }
    if (Array.isArray(item)) {
      throw new PatchError('not supported: associative list with lists as elements');
    }
    if (item === null) {
      throw new PatchError("associative list without keys has an element that's an explicit null");
    }
    return valuePE(item);
  }
  return indexPE(index);
}

/** The fields a value sets (SMD `ToFieldSet`). */
export function toFieldSet(value: unknown, schema: TypeSchema): FieldSet {
  const set = new FieldSet();
  collect(value, schema, [], set);
  return set;
}

function collect(v: unknown, schema: TypeSchema, path: string[], set: FieldSet): void {
  const atom = atomOf(schema, v);
  if (atom.kind === 'scalar') {
    set.insert(path);
    return;
  }
  if (atom.kind === 'list') {
    if (atom.list.listType === 'atomic') {
      set.insert(path);
      return;
    }
    if (!Array.isArray(v)) return;
    v.forEach((item, i) => {
      path.push(listItemPE(atom.list, i, item));
      collect(item, atom.list.elementType, path, set);
      set.insert(path);
      path.pop();
    });
    return;
  }
  if (atom.atomic) {
    set.insert(path);
    return;
  }
  if (!isPlainObject(v)) return;
  for (const [k, val] of Object.entries(v)) {
    path.push(fieldPE(k));
    collect(val, fieldType(atom, k), path, set);
    if (val === null || (isPlainObject(val) && Object.keys(val).length === 0)) set.insert(path);
    else if (!isNamed(atom, k)) set.insert(path);
    path.pop();
  }
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

export function newComparison(): Comparison {
  return { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
}

/** Merges `rhs` into `lhs` (SMD `Merge`); with `cmp`, records the differences (SMD `Compare`). */
export function mergeValues(
  lhs: unknown,
  rhs: unknown,
  schema: TypeSchema,
  cmp?: Comparison,
): unknown {
  return walk(lhs, rhs, schema, [], cmp);
}

/** The comparison of two values of the same schema. */
export function compareValues(lhs: unknown, rhs: unknown, schema: TypeSchema): Comparison {
  const cmp = newComparison();
  walk(lhs, rhs, schema, [], cmp);
  return cmp;
}

function walk(
  lhs: unknown,
  rhs: unknown,
  schema: TypeSchema,
  path: string[],
  cmp: Comparison | undefined,
): unknown {
  const al = atomOf(schema, lhs);
  const ar = atomOf(schema, rhs);
  const state = { inLeaf: false };
  let out: unknown;
  if (lhs !== undefined && rhs !== undefined && al.kind !== ar.kind) {
    // A value changed kind (deduced schemas): SMD walks the old kind, then the new one.
    handle(al, lhs, rhs, path, cmp, { inLeaf: false });
    out = handle(ar, lhs, rhs, path, cmp, state);
  } else {
    out = handle(rhs !== undefined ? ar : al, lhs, rhs, path, cmp, state);
  }
  if (cmp && !state.inLeaf) {
    if (lhs === undefined) cmp.added.insert(path);
    else if (rhs === undefined) cmp.removed.insert(path);
  }
  return out;
}

function handle(
  atom: Atom,
  lhs: unknown,
  rhs: unknown,
  path: string[],
  cmp: Comparison | undefined,
  state: { inLeaf: boolean },
): unknown {
  const leaf = (): unknown => {
    state.inLeaf = true;
    if (cmp) {
      if (lhs === undefined) cmp.added.insert(path);
      else if (rhs === undefined) cmp.removed.insert(path);
      else if (!deepEqual(lhs, rhs)) cmp.modified.insert(path);
    }
    return rhs !== undefined ? rhs : lhs;
  };
  if (atom.kind === 'scalar') return leaf();
  if (atom.kind === 'list') {
    const l = Array.isArray(lhs) ? lhs : undefined;
    const r = Array.isArray(rhs) ? rhs : undefined;
    if (atom.list.listType === 'atomic' || ((l?.length ?? 0) === 0 && (r?.length ?? 0) === 0)) {
      return leaf();
    }
    return walkList(atom.list, l ?? [], r ?? [], path, cmp);
  }
  const l = isPlainObject(lhs) ? lhs : undefined;
  const r = isPlainObject(rhs) ? rhs : undefined;
  const le = l === undefined || Object.keys(l).length === 0;
  const re = r === undefined || Object.keys(r).length === 0;
  if (atom.atomic || (le && re)) return leaf();
  const o: Record<string, unknown> = {};
  const keys = new Set([...Object.keys(l ?? {}), ...Object.keys(r ?? {})]);
  for (const k of keys) {
    const lv = l && Object.prototype.hasOwnProperty.call(l, k) ? l[k] : undefined;
    const rv = r && Object.prototype.hasOwnProperty.call(r, k) ? r[k] : undefined;
    path.push(fieldPE(k));
    const c = walk(lv, rv, fieldType(atom, k), path, cmp);
    path.pop();
    if (c !== undefined) o[k] = c;
  }
  return Object.keys(o).length > 0 ? o : undefined;
}

function walkList(
  list: ListSchema,
  lhs: unknown[],
  rhs: unknown[],
  path: string[],
  cmp: Comparison | undefined,
): unknown {
  const out: unknown[] = [];
  const rhsByPE = new Map<string, unknown>();
  const rhsOrder: string[] = [];
  rhs.forEach((item, i) => {
    const pe = listItemPE(list, i, item);
    if (rhsByPE.has(pe)) throw new PatchError(`duplicate entries for key ${pe}`);
    rhsByPE.set(pe, item);
    rhsOrder.push(pe);
  });
  const seen = new Set<string>();
  lhs.forEach((item, i) => {
    const pe = listItemPE(list, i, item);
    if (seen.has(pe)) return;
    seen.add(pe);
    path.push(pe);
    const c = walk(item, rhsByPE.get(pe), list.elementType, path, cmp);
    path.pop();
    if (c !== undefined) out.push(c);
  });
  for (const pe of rhsOrder) {
    if (seen.has(pe)) continue;
    path.push(pe);
    const c = walk(undefined, rhsByPE.get(pe), list.elementType, path, cmp);
    path.pop();
    if (c !== undefined) out.push(c);
  }
  return out.length > 0 ? out : undefined;
}

/** The value without the fields of `set` (SMD `RemoveItems`); undefined when nothing is left. */
export function removeItems(v: unknown, set: FieldSet, schema: TypeSchema): unknown {
  const atom = atomOf(schema, v);
  if (atom.kind === 'scalar') return v;
  if (atom.kind === 'list') {
    if (!Array.isArray(v) || v.length === 0 || atom.list.listType === 'atomic') return undefined;
    const items: unknown[] = [];
    v.forEach((item: unknown, i) => {
      const pe = listItemPE(atom.list, i, item);
      if (set.members.has(pe)) return;
      const sub = set.withPrefix(pe);
      const next = sub ? removeItems(item, sub, atom.list.elementType) : item;
      items.push(next === undefined ? null : next);
    });
    return items.length > 0 ? items : undefined;
  }
  if (!isPlainObject(v) || Object.keys(v).length === 0 || atom.atomic) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) {
    const pe = fieldPE(k);
    if (set.members.has(pe)) continue;
    const sub = set.withPrefix(pe);
    const next = sub ? removeItems(val, sub, fieldType(atom, k)) : val;
    out[k] = next === undefined ? null : next;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Adds the named fields (struct fields) on the way to every member (SMD `EnsureNamedFieldsAreMembers`). */
export function ensureNamedFieldsAreMembers(set: FieldSet, schema: TypeSchema): FieldSet {
  const out = new FieldSet();
  const atom = staticAtom(schema);
  for (const m of set.members) out.members.add(m);
  for (const [pe, child] of set.children) {
    let childType: TypeSchema | undefined;
    if (pe.startsWith('f:') && atom.kind === 'map') {
      const name = pe.slice(2);
      if (isNamed(atom, name)) out.members.add(pe);
      childType = fieldType(atom, name);
    } else if (pe.startsWith('k:') && atom.kind === 'list') {
      childType = atom.list.elementType;
    }
    out.children.set(pe, ensureNamedFieldsAreMembers(child, childType ?? { type: 'scalar' }));
  }
  return out;
}

/** The atom of a schema without a value (a deduced schema resolves to its map form). */
function staticAtom(schema: TypeSchema): Atom {
  return atomOf(schema, undefined);
}

/**
 * What structured-merge-diff refuses in an applied config: list items without their keys,
 * non-scalar set items, duplicate keys. Messages carry the path the way SMD prints them.
 */
export function validateApplied(value: unknown, schema: TypeSchema): string[] {
  const errors: string[] = [];
  check(value, schema, [], errors);
  return errors;
}

function check(v: unknown, schema: TypeSchema, path: string[], errors: string[]): void {
  const atom = atomOf(schema, v);
  if (atom.kind === 'scalar') return;
  if (atom.kind === 'list') {
    if (atom.list.listType === 'atomic' || !Array.isArray(v)) return;
    const seen = new Set<string>();
    v.forEach((item: unknown, i) => {
      let pe: string;
      try {
        pe = listItemPE(atom.list, i, item);
      } catch (err) {
        errors.push(`${pathString(path)}: element ${i}: ${(err as Error).message}`);
        return;
      }
      if (seen.has(pe)) {
        errors.push(`${pathString(path)}: duplicate entries for key ${pathString([pe])}`);
        return;
      }
      seen.add(pe);
      path.push(pe);
      check(item, atom.list.elementType, path, errors);
      path.pop();
    });
    return;
  }
  if (atom.atomic || !isPlainObject(v)) return;
  for (const [k, val] of Object.entries(v)) {
    path.push(fieldPE(k));
    check(val, fieldType(atom, k), path, errors);
    path.pop();
  }
}
