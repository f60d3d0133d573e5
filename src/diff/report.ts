/**
 * The report both `diff` (desired vs live) and `preview` (base ref vs head ref) produce, and the
 * pieces they share to build it (pure): counts, ordering (repository phase -> package -> package
 * phase -> object), the per-object YAML diff with Secret values hashed.
 */
import { unifiedDiff } from '../packages/index.js';
import type { DesiredPackage } from './desired.js';
import { keyOf, labelOf, maskSecrets, toYaml, type JsonObject, type ObjectId } from './objects.js';
import type { FieldChange } from './semantic.js';

export type Action = 'create' | 'change' | 'delete' | 'unchanged';

export interface ObjectReport {
  action: Action;
  id: ObjectId;
  /** Id of the package the object belongs to (`repository`, `Package apps/web`). */
  package: string;
  /** The repository phase. */
  topPhase: string;
  /** The phase within its package. */
  phase: string;
  /** Changed fields (empty for create/delete/unchanged). */
  changes: FieldChange[];
  /** Unified diff of the object's YAML (fields we set), Secret values hashed; '' when unchanged. */
  diff: string;
  /** Something worth knowing about the object (a phase move, a create without dry-run). */
  note?: string;
  /** The object could not be compared (dry-run refused, unknown kind). */
  error?: string;
}

export interface PackageReport {
  id: string;
  kind: DesiredPackage['kind'];
  topPhase: string;
  parent?: string;
  /** Image before and after (preview), or the desired image (diff). */
  image?: { before?: string; after?: string };
  /** Validation, pull and render errors (of the new side). */
  errors: string[];
  /** Unified diff of the availability probes when they changed. */
  probeDiff?: string;
  /** Present in the new side only / old side only. */
  action: Action;
}

export interface Counts {
  create: number;
  change: number;
  delete: number;
  unchanged: number;
  /** Objects that could not be compared plus packages that did not render. */
  errors: number;
}

export interface Report {
  command: 'diff' | 'preview';
  /** What the old side is (`live cluster`, a ref and commit). */
  before: string;
  /** What the new side is (`desired state`, a ref and commit). */
  after: string;
  counts: Counts;
  packages: PackageReport[];
  /** Every object, unchanged ones included, in phase -> package -> phase -> object order. */
  objects: ObjectReport[];
  /** Errors not tied to a package (e.g. the cluster could not be read). */
  errors: string[];
}

export function countsOf(
  objects: readonly ObjectReport[],
  packages: readonly PackageReport[],
): Counts {
  const c: Counts = { create: 0, change: 0, delete: 0, unchanged: 0, errors: 0 };
  for (const o of objects) {
    if (o.error !== undefined) c.errors++;
    else c[o.action]++;
  }
  for (const p of packages) if (p.errors.length > 0) c.errors++;
  return c;
}

export function hasChanges(r: Report): boolean {
  return (
    r.counts.create + r.counts.change + r.counts.delete > 0 || r.packages.some((p) => p.probeDiff)
  );
}

export function hasErrors(r: Report): boolean {
  return r.counts.errors > 0 || r.errors.length > 0;
}

/** `3 to create, 1 to change, 0 to delete` (plus errors when there are some). */
export function summaryLine(c: Counts): string {
  const s = `${c.create} to create, ${c.change} to change, ${c.delete} to delete`;
  return c.errors > 0 ? `${s}, ${c.errors} ${c.errors === 1 ? 'error' : 'errors'}` : s;
}

/** The YAML diff of one object, Secret values hashed. */
export function objectDiff(
  before: JsonObject | undefined,
  after: JsonObject | undefined,
  labels: { before: string; after: string },
): string {
  const a = before === undefined ? '' : toYaml(maskSecrets(before));
  const b = after === undefined ? '' : toYaml(maskSecrets(after));
  return unifiedDiff(a, b, labels.before, labels.after);
}

/**
 * Orders objects as they roll out: repository phases in manifest order, the repository's own
 * objects before nested packages' (in discovery order), package phases in order, then kind,
 * namespace, name.
 */
export function sortObjects(
  objects: ObjectReport[],
  states: readonly { packages: readonly Pick<DesiredPackage, 'id' | 'kind' | 'phases'>[] }[],
): ObjectReport[] {
  const topPhases: string[] = [];
  const packageOrder: string[] = [];
  const phaseOrder = new Map<string, string[]>();
  for (const s of states) {
    for (const p of s.packages) {
      if (p.kind === 'Repository') {
        for (const ph of p.phases) if (!topPhases.includes(ph)) topPhases.push(ph);
      }
      if (!packageOrder.includes(p.id)) packageOrder.push(p.id);
      const known = phaseOrder.get(p.id) ?? [];
      for (const ph of p.phases) if (!known.includes(ph)) known.push(ph);
      phaseOrder.set(p.id, known);
    }
  }
  const idx = (list: readonly string[], v: string) => {
    const i = list.indexOf(v);
    return i < 0 ? list.length : i;
  };
  const rank = (o: ObjectReport): [number, number, number, string] => [
    idx(topPhases, o.topPhase),
    idx(packageOrder, o.package),
    idx(phaseOrder.get(o.package) ?? [], o.phase),
    `${o.id.kind}\u0000${o.id.namespace}\u0000${o.id.name}`,
  ];
  return objects
    .map((o) => ({ o, r: rank(o) }))
    .sort((x, y) => {
      for (let i = 0; i < 3; i++) {
        const d = (x.r[i] as number) - (y.r[i] as number);
        if (d !== 0) return d;
      }
      return x.r[3] < y.r[3] ? -1 : x.r[3] > y.r[3] ? 1 : 0;
    })
    .map((x) => x.o);
}

/** Objects indexed by identity. */
export function byKey<T extends { id: ObjectId }>(items: readonly T[]): Map<string, T> {
  return new Map(items.map((i) => [keyOf(i.id), i]));
}

export { labelOf };
