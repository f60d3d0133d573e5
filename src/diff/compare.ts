/**
 * `preview`'s comparison (pure): two expanded desired states (base ref, head ref) -> a report of
 * created, changed, deleted and unchanged objects, packages whose image or probes changed, and
 * the head's validation errors. Objects of a package the head could not render are unknown, so
 * they are never reported as deleted.
 */
import type { DesiredObject, DesiredPackage, ExpandedState } from './desired.js';
import { foldStringData, keyOf, maskSecrets, toYaml } from './objects.js';
import {
  countsOf,
  objectDiff,
  sortObjects,
  type ObjectReport,
  type PackageReport,
  type Report,
} from './report.js';
import { fieldChanges } from './semantic.js';
import { unifiedDiff } from '../packages/index.js';

export interface CompareLabels {
  /** e.g. `main (1a2b3c4)`. */
  before: string;
  after: string;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function placeOf(d: DesiredObject): string {
  return d.package === 'repository' ? d.phase : `${d.topPhase}/${d.phase}`;
}

function compareObject(
  b: DesiredObject | undefined,
  h: DesiredObject,
  labels: CompareLabels,
): ObjectReport {
  const base = { id: h.id, package: h.package, topPhase: h.topPhase, phase: h.phase };
  if (b === undefined) {
    return {
      ...base,
      action: 'create',
      changes: [],
      diff: objectDiff(undefined, h.object, labels),
    };
  }
  const moved = b.package !== h.package || placeOf(b) !== placeOf(h);
  const note = moved
    ? `moved from ${b.package === h.package ? '' : `${b.package} `}phase ${b.phase} to ${h.package === b.package ? '' : `${h.package} `}phase ${h.phase}`
    : undefined;
  if (same(b.object, h.object)) {
    return moved
      ? { ...base, action: 'change', changes: [], diff: '', ...(note ? { note } : {}) }
      : { ...base, action: 'unchanged', changes: [], diff: '' };
  }
  return {
    ...base,
    action: 'change',
    changes: fieldChanges(
      maskSecrets(foldStringData(b.object)),
      maskSecrets(foldStringData(h.object)),
    ),
    diff: objectDiff(b.object, h.object, labels),
    ...(note ? { note } : {}),
  };
}

function comparePackage(
  b: DesiredPackage | undefined,
  h: DesiredPackage,
  labels: CompareLabels,
): PackageReport {
  const image =
    b?.image !== undefined || h.image !== undefined
      ? {
          ...(b?.image !== undefined ? { before: b.image } : {}),
          ...(h.image !== undefined ? { after: h.image } : {}),
        }
      : undefined;
  // Probes are only comparable when both sides rendered.
  const probeDiff =
    b !== undefined && b.errors.length === 0 && h.errors.length === 0 && !same(b.probes, h.probes)
      ? unifiedDiff(toYaml(b.probes), toYaml(h.probes), labels.before, labels.after)
      : undefined;
  const changed = b === undefined ? false : b.image !== h.image || probeDiff !== undefined;
  return {
    id: h.id,
    kind: h.kind,
    topPhase: h.topPhase,
    ...(h.parent !== undefined ? { parent: h.parent } : {}),
    ...(image !== undefined ? { image } : {}),
    errors: h.errors,
    ...(probeDiff !== undefined ? { probeDiff } : {}),
    action: b === undefined ? 'create' : changed ? 'change' : 'unchanged',
  };
}

export function compareStates(
  base: ExpandedState,
  head: ExpandedState,
  labels: CompareLabels,
): Report {
  const brokenInHead = new Set(head.packages.filter((p) => p.errors.length > 0).map((p) => p.id));
  // A package the head does not have because an ancestor did not render is unknown, not removed.
  const headIds = new Set(head.packages.map((p) => p.id));
  const baseParent = new Map(base.packages.map((p) => [p.id, p.parent]));
  const unknownInHead = (id: string): boolean => {
    for (let cur: string | undefined = id; cur !== undefined; cur = baseParent.get(cur)) {
      if (brokenInHead.has(cur)) return true;
      if (headIds.has(cur)) return false;
    }
    return false;
  };
  const baseObjects = new Map(base.objects.map((o) => [keyOf(o.id), o]));
  const headKeys = new Set<string>();
  const objects: ObjectReport[] = [];
  for (const h of head.objects) {
    const k = keyOf(h.id);
    if (headKeys.has(k)) continue;
    headKeys.add(k);
    objects.push(compareObject(baseObjects.get(k), h, labels));
  }
  for (const [k, b] of baseObjects) {
    if (headKeys.has(k) || unknownInHead(b.package)) continue;
    objects.push({
      action: 'delete',
      id: b.id,
      package: b.package,
      topPhase: b.topPhase,
      phase: b.phase,
      changes: [],
      diff: objectDiff(b.object, undefined, labels),
    });
  }
  const basePackages = new Map(base.packages.map((p) => [p.id, p]));
  const headPackageIds = new Set(head.packages.map((p) => p.id));
  const packages: PackageReport[] = head.packages.map((h) =>
    comparePackage(basePackages.get(h.id), h, labels),
  );
  for (const b of base.packages) {
    if (headPackageIds.has(b.id) || unknownInHead(b.id)) continue;
    packages.push({
      id: b.id,
      kind: b.kind,
      topPhase: b.topPhase,
      ...(b.parent !== undefined ? { parent: b.parent } : {}),
      ...(b.image !== undefined ? { image: { before: b.image } } : {}),
      errors: [],
      action: 'delete',
    });
  }
  const sorted = sortObjects(objects, [head, base]);
  return {
    command: 'preview',
    before: labels.before,
    after: labels.after,
    counts: countsOf(sorted, packages),
    packages,
    objects: sorted,
    errors: [],
  };
}
