/**
 * structured-merge-diff's Updater: ownership bookkeeping for Update and Apply over field sets,
 * keyed by manager identifier. Knows nothing of Kubernetes metadata; `apply.ts` adds that layer.
 */
import { FieldSet } from './field-set.js';
import type { TypeSchema } from './types.js';
import {
  compareValues,
  ensureNamedFieldsAreMembers,
  mergeValues,
  removeItems,
  toFieldSet,
} from './typed.js';
import type { Comparison } from './typed.js';

export interface VersionedSet {
  set: FieldSet;
  apiVersion: string;
  applied: boolean;
}

export type Managers = Map<string, VersionedSet>;

/** Fields owned by other managers that an apply would change: manager key -> paths. */
export class Conflicts extends Error {
  readonly byManager: Map<string, FieldSet>;
  constructor(byManager: Map<string, FieldSet>) {
    super('conflicts');
    this.byManager = byManager;
  }
}

function excludeFields(c: Comparison, ignored: FieldSet | undefined): Comparison {
  if (!ignored) return c;
  return {
    added: c.added.recursiveDifference(ignored),
    modified: c.modified.recursiveDifference(ignored),
    removed: c.removed.recursiveDifference(ignored),
  };
}

function isSame(c: Comparison): boolean {
  return c.added.empty() && c.modified.empty() && c.removed.empty();
}

function update(
  oldObj: unknown,
  newObj: unknown,
  schema: TypeSchema,
  managers: Managers,
  workflow: string,
  force: boolean,
  ignored: FieldSet | undefined,
): { managers: Managers; compare: Comparison } {
  const compare = excludeFields(compareValues(oldObj, newObj, schema), ignored);
  const changed = compare.modified.union(compare.added);
  const conflicts = new Map<string, FieldSet>();
  for (const [manager, vs] of managers) {
    if (manager === workflow) continue;
    const c = vs.set.intersection(changed);
    if (!c.empty()) conflicts.set(manager, c);
  }
  if (!force && conflicts.size > 0) throw new Conflicts(conflicts);
  const out: Managers = new Map();
  for (const [manager, vs] of managers) {
    let set = vs.set;
    const c = conflicts.get(manager);
    if (c) set = set.difference(c);
    if (manager !== workflow && !compare.removed.empty()) set = set.difference(compare.removed);
    if (!set.empty()) out.set(manager, { ...vs, set });
  }
  return { managers: out, compare };
}

/** SMD `Updater.Update`: `manager` becomes the owner of everything it changed. */
export function updateObject(
  live: unknown,
  next: unknown,
  schema: TypeSchema,
  version: string,
  managers: Managers,
  manager: string,
  ignored?: FieldSet,
): Managers {
  const r = update(live, next, schema, managers, manager, true, ignored);
  const prev = r.managers.get(manager)?.set ?? new FieldSet();
  let set = prev.union(r.compare.modified).union(r.compare.added).difference(r.compare.removed);
  if (ignored) set = set.recursiveDifference(ignored);
  if (set.empty()) r.managers.delete(manager);
  else r.managers.set(manager, { set, apiVersion: version, applied: false });
  return r.managers;
}

/**
 * SMD `Updater.Apply`: merges `config` into `live`, prunes what the manager stopped applying,
 * and throws Conflicts unless `force`. `object` is undefined when nothing changed.
 */
export function applyObject(
  live: unknown,
  config: unknown,
  schema: TypeSchema,
  version: string,
  managersIn: Managers,
  manager: string,
  force: boolean,
  ignored?: FieldSet,
): { object: unknown; managers: Managers } {
  const managers: Managers = new Map(managersIn);
  const merged = mergeValues(live, config, schema) ?? {};
  const lastSet = managers.get(manager);
  let set = toFieldSet(config, schema);
  if (ignored) set = set.recursiveDifference(ignored);
  managers.set(manager, { set, apiVersion: version, applied: true });
  const pruned =
    lastSet && !lastSet.set.empty() ? prune(merged, managers, lastSet.set, schema) : merged;
  const r = update(live, pruned, schema, managers, manager, force, ignored);
  return { object: isSame(r.compare) ? undefined : pruned, managers: r.managers };
}

function prune(merged: unknown, managers: Managers, last: FieldSet, schema: TypeSchema): unknown {
  const ensure = (s: FieldSet): FieldSet => ensureNamedFieldsAreMembers(s, schema);
  const setOf = (v: unknown): FieldSet => toFieldSet(v, schema);
  const lastE = ensure(last);
  const pruned0 = removeItems(merged, lastE, schema) ?? {};
  // Add back what other managers (or this manager's new config) own.
  let managed = new FieldSet();
  for (const vs of managers.values()) managed = managed.union(vs.set);
  const mergedE = ensure(setOf(merged));
  const pruned1 =
    removeItems(
      merged,
      mergedE.difference(ensure(setOf(pruned0)).union(ensure(managed))),
      schema,
    ) ?? {};
  // Only remove what this manager applied last time.
  const gone = mergedE.difference(ensure(setOf(pruned1))).intersection(lastE);
  return removeItems(merged, gone, schema) ?? {};
}
