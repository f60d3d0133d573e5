/**
 * `diff` against a live cluster: every desired object is server-side applied with `dryRun=All`
 * (field manager `packsync`, forced like the revision engine) so defaulting and admission are
 * included, and the result is compared with the live object on the fields we set only (server
 * defaults and other managers' fields never show). Objects in the live ObjectSets of the sync's
 * ObjectDeployment and of the nested packages' ObjectDeployments that the desired state no longer
 * has are reported as deleted (they would be pruned).
 */
import { annotations, labels } from '../apis/index.js';
import { errorMessage } from '../errors.js';
import {
  isNoKindMatch,
  isNotFound,
  type KubeObject,
  type KubeReader,
  type KubeWriter,
  type ObjectRef,
  type ResourceMapping,
} from '../kube/index.js';
import {
  isPackageObject,
  repositoryPackageId,
  type DesiredObject,
  type ExpandedState,
} from './desired.js';
import {
  foldStringData,
  idOf,
  keyOf,
  labelOf,
  maskSecrets,
  withoutNoise,
  type JsonObject,
  type ObjectId,
} from './objects.js';
import {
  countsOf,
  objectDiff,
  sortObjects,
  type ObjectReport,
  type PackageReport,
  type Report,
} from './report.js';
import { fieldChanges, mergeMasks, project, removedMask } from './semantic.js';
import { provablyUnchanged } from './unchanged.js';

export interface ClusterDiffClient extends KubeReader, KubeWriter {
  mapper: { tryMapping(apiVersion: string, kind: string): Promise<ResourceMapping | undefined> };
}

export interface ClusterDiffOptions {
  client: ClusterDiffClient;
  desired: ExpandedState;
  /** Requests in flight at once (default 16). */
  concurrency?: number;
  /** Field manager of the dry-run applies (default `packsync`, the revision engine's). */
  fieldManager?: string;
}

const pko = 'package-operator.run/v1alpha1';
const engineLabels: string[] = [labels.cache, labels.package, labels.instance];
const engineAnnotations: string[] = [annotations.revision];
const labelsSide = { before: 'live', after: 'desired' };

/** Runs `fn` over `items` with at most `limit` calls in flight; results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function metaOf(o: JsonObject): Record<string, unknown> {
  return (o.metadata ?? {}) as Record<string, unknown>;
}

/** The engine's own metadata of `live` (owner, revision, cache labels) carried into `obj`. */
function withEngineMetadata(obj: KubeObject, live: KubeObject): KubeObject {
  const meta = { ...obj.metadata };
  const lbls = { ...(meta.labels ?? {}) };
  for (const k of engineLabels) {
    const v = live.metadata.labels?.[k];
    if (v !== undefined) lbls[k] = v;
  }
  const anns = { ...(meta.annotations ?? {}) };
  for (const k of engineAnnotations) {
    const v = live.metadata.annotations?.[k];
    if (v !== undefined) anns[k] = v;
  }
  if (Object.keys(lbls).length > 0) meta.labels = lbls;
  if (Object.keys(anns).length > 0) meta.annotations = anns;
  if (live.metadata.ownerReferences !== undefined) {
    meta.ownerReferences = live.metadata.ownerReferences;
  }
  return { ...obj, metadata: meta };
}

/** The engine's metadata never counts as a change of ours. */
function withoutEngineMetadata(mask: unknown): unknown {
  if (typeof mask !== 'object' || mask === null) return mask;
  const m = mask as JsonObject;
  const meta = { ...metaOf(m) };
  delete meta.ownerReferences;
  for (const [field, keys] of [
    ['labels', engineLabels],
    ['annotations', engineAnnotations],
  ] as const) {
    const v = meta[field];
    if (typeof v !== 'object' || v === null) continue;
    const rest = { ...(v as JsonObject) };
    for (const k of keys) delete rest[k];
    if (Object.keys(rest).length === 0) delete meta[field];
    else meta[field] = rest;
  }
  return { ...m, metadata: meta };
}

interface Resolved {
  d: DesiredObject;
  ref: ObjectRef;
  obj: KubeObject;
  mapping: ResourceMapping | undefined;
}

async function resolve(
  client: ClusterDiffClient,
  d: DesiredObject,
  packageNs: string,
): Promise<Resolved> {
  const { apiVersion, kind } = idOf(d.object);
  const mapping = await client.mapper.tryMapping(apiVersion, kind);
  const meta = { ...metaOf(d.object) } as KubeObject['metadata'];
  const namespaced = mapping?.namespaced ?? d.id.namespace !== '';
  if (namespaced) {
    if (meta.namespace === undefined || meta.namespace === '')
      meta.namespace = packageNs || 'default';
  } else delete meta.namespace;
  const obj = { ...(d.object as KubeObject), apiVersion, kind, metadata: meta };
  return {
    d,
    ref: { apiVersion, kind, name: meta.name ?? '', namespace: meta.namespace },
    obj,
    mapping,
  };
}

/**
 * Live objects by reference: kinds with several objects in one namespace are listed once, the
 * others read one by one.
 */
class LiveReader {
  private readonly lists = new Map<string, Promise<Map<string, KubeObject>>>();
  private readonly listed: Set<string>;

  constructor(
    private readonly client: ClusterDiffClient,
    resolved: readonly Resolved[],
  ) {
    const counts = new Map<string, number>();
    for (const r of resolved) {
      if (r.mapping === undefined) continue;
      const k = LiveReader.group(r.ref);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    this.listed = new Set([...counts].filter(([, n]) => n >= 4).map(([k]) => k));
  }

  private static group(ref: ObjectRef): string {
    return `${ref.apiVersion}\u0000${ref.kind}\u0000${ref.namespace ?? ''}`;
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    const g = LiveReader.group(ref);
    if (!this.listed.has(g)) return this.client.get(ref);
    let list = this.lists.get(g);
    if (list === undefined) {
      list = this.client
        .list(
          ref.apiVersion,
          ref.kind,
          ref.namespace === undefined ? {} : { namespace: ref.namespace },
        )
        .then((l) => new Map(l.items.map((o) => [o.metadata.name ?? '', o])));
      this.lists.set(g, list);
    }
    return (await list).get(ref.name);
  }
}

/** The report line of one desired object. */
async function diffObject(
  client: ClusterDiffClient,
  reader: LiveReader,
  r: Resolved,
  creating: ReadonlySet<string>,
  fieldManager: string,
): Promise<ObjectReport> {
  const id: ObjectId = idOf(r.obj);
  const base = { id, package: r.d.package, topPhase: r.d.topPhase, phase: r.d.phase, changes: [] };
  const desiredShown = withoutNoise(foldStringData(r.obj));
  if (r.mapping === undefined) {
    // A kind this change installs (its CRD is created too) cannot be dry-run yet.
    if (creating.has(`crd:${r.obj.kind}`)) {
      return {
        ...base,
        action: 'create',
        diff: objectDiff(undefined, desiredShown, labelsSide),
        note: 'its CustomResourceDefinition is created by this change: not dry-run',
      };
    }
    return {
      ...base,
      action: 'create',
      diff: '',
      error: `no matches for kind "${r.obj.kind}" in version "${r.obj.apiVersion}"`,
    };
  }
  let live: KubeObject | undefined;
  try {
    live = await reader.get(r.ref);
  } catch (err) {
    return {
      ...base,
      action: 'unchanged',
      diff: '',
      error: `reading ${labelOf(id)}: ${errorMessage(err)}`,
    };
  }
  const applied = live === undefined ? r.obj : withEngineMetadata(r.obj, live);
  // What the revision engine would not write needs no dry-run either.
  if (
    live !== undefined &&
    provablyUnchanged(foldStringData(applied) as KubeObject, live, fieldManager)
  ) {
    return { ...base, action: 'unchanged', diff: '' };
  }
  let dry: KubeObject;
  try {
    dry = await client.apply(applied, { dryRun: true, force: true, fieldManager });
  } catch (err) {
    if (
      live === undefined &&
      isNotFound(err) &&
      id.namespace !== '' &&
      creating.has(`ns:${id.namespace}`)
    ) {
      return {
        ...base,
        action: 'create',
        diff: objectDiff(undefined, desiredShown, labelsSide),
        note: `namespace ${id.namespace} is created by this change: not dry-run`,
      };
    }
    return {
      ...base,
      action: live === undefined ? 'create' : 'change',
      diff: '',
      error: `dry-run apply: ${errorMessage(err)}`,
    };
  }
  const mask = foldStringData(r.obj);
  const after = withoutNoise(dry);
  if (live === undefined) {
    return {
      ...base,
      action: 'create',
      diff: objectDiff(undefined, project(after, mask) as JsonObject, labelsSide),
    };
  }
  const before = withoutNoise(live);
  const fullMask = withoutEngineMetadata(mergeMasks(mask, removedMask(before, after)));
  const b = project(before, fullMask) as JsonObject;
  const a = project(after, fullMask) as JsonObject;
  const changes = fieldChanges(maskSecrets(b), maskSecrets(a));
  if (changes.length === 0) return { ...base, action: 'unchanged', diff: '' };
  return { ...base, action: 'change', changes, diff: objectDiff(b, a, labelsSide) };
}

interface LiveObject {
  id: ObjectId;
  package: string;
  topPhase: string;
  phase: string;
  object: JsonObject;
}

interface DeploymentRef {
  ref: ObjectRef;
  package: string;
  topPhase: string;
}

/** Lists of ObjectSets by kind and namespace, read once per diff. */
type SetLists = Map<string, Promise<KubeObject[]>>;

/** The objects in the active ObjectSets (and their slices) of an ObjectDeployment. */
async function liveObjectsOf(
  client: ClusterDiffClient,
  dep: DeploymentRef,
  lists: SetLists,
): Promise<LiveObject[]> {
  let od: KubeObject | undefined;
  try {
    od = await client.get(dep.ref);
  } catch (err) {
    // Package Operator's CRDs are not installed: nothing was ever synced.
    if (isNoKindMatch(err)) return [];
    throw err;
  }
  if (od === undefined) return [];
  const clusterScoped = dep.ref.namespace === undefined;
  const setKind = clusterScoped ? 'ClusterObjectSet' : 'ObjectSet';
  const sliceKind = clusterScoped ? 'ClusterObjectSlice' : 'ObjectSlice';
  const listKey = `${setKind}/${dep.ref.namespace ?? ''}`;
  let list = lists.get(listKey);
  if (list === undefined) {
    list = client
      .list(pko, setKind, clusterScoped ? {} : { namespace: dep.ref.namespace })
      .then((l) => l.items);
    lists.set(listKey, list);
  }
  const sets = { items: await list };
  const out: LiveObject[] = [];
  for (const set of sets.items) {
    if (!set.metadata.ownerReferences?.some((o) => o.uid === od.metadata.uid)) continue;
    const spec = (set.spec ?? {}) as {
      lifecycleState?: string;
      phases?: { name?: string; objects?: { object: JsonObject }[]; slices?: string[] }[];
    };
    if (spec.lifecycleState === 'Archived') continue;
    for (const phase of spec.phases ?? []) {
      const objects = [...(phase.objects ?? [])];
      for (const sliceName of phase.slices ?? []) {
        const slice = await client.get({
          apiVersion: pko,
          kind: sliceKind,
          name: sliceName,
          namespace: dep.ref.namespace,
        });
        objects.push(
          ...((slice as { objects?: { object: JsonObject }[] } | undefined)?.objects ?? []),
        );
      }
      for (const { object } of objects) {
        const id = idOf(object);
        out.push({
          id: { ...id, namespace: id.namespace === '' ? (dep.ref.namespace ?? '') : id.namespace },
          package: dep.package,
          topPhase: dep.topPhase,
          phase: phase.name ?? '',
          object,
        });
      }
    }
  }
  return out;
}

function deploymentOfPackage(obj: { kind: string; name: string; namespace: string }): ObjectRef {
  return obj.kind === 'ClusterPackage'
    ? { apiVersion: pko, kind: 'ClusterObjectDeployment', name: obj.name }
    : { apiVersion: pko, kind: 'ObjectDeployment', name: obj.name, namespace: obj.namespace };
}

/**
 * Live objects the revision engine manages for the sync and its nested packages: walks from the
 * sync's ObjectDeployment through every Package it (or the desired state) holds.
 */
async function managedLiveObjects(
  client: ClusterDiffClient,
  desired: ExpandedState,
): Promise<LiveObject[]> {
  const root = desired.packages.find((p) => p.id === repositoryPackageId);
  if (root === undefined) return [];
  const start: DeploymentRef[] = [
    {
      ref:
        root.namespace === ''
          ? { apiVersion: pko, kind: 'ClusterObjectDeployment', name: root.name }
          : {
              apiVersion: pko,
              kind: 'ObjectDeployment',
              name: root.name,
              namespace: root.namespace,
            },
      package: repositoryPackageId,
      topPhase: '',
    },
    ...desired.packages
      .filter((p) => p.kind !== 'Repository')
      .map((p) => ({
        ref: deploymentOfPackage({ kind: p.kind, name: p.name, namespace: p.namespace }),
        package: p.id,
        topPhase: p.topPhase,
      })),
  ];
  const visited = new Set<string>();
  const lists: SetLists = new Map();
  const out: LiveObject[] = [];
  let queue = start;
  while (queue.length > 0) {
    const batch = queue.filter((d) => {
      const k = `${d.ref.kind}/${d.ref.namespace ?? ''}/${d.ref.name}`;
      if (visited.has(k)) return false;
      visited.add(k);
      return true;
    });
    queue = [];
    const found = await mapLimit(batch, 8, (d) => liveObjectsOf(client, d, lists));
    for (const objects of found) {
      for (const o of objects) {
        // The repository's own objects carry their repository phase.
        const lo = o.package === repositoryPackageId ? { ...o, topPhase: o.phase } : o;
        out.push(lo);
        if (isPackageObject(o.object)) {
          const kind = o.id.kind;
          queue.push({
            ref: deploymentOfPackage({ kind, name: o.id.name, namespace: o.id.namespace }),
            package: labelOf({
              ...o.id,
              namespace: kind === 'ClusterPackage' ? '' : o.id.namespace,
            }),
            topPhase: lo.topPhase,
          });
        }
      }
    }
  }
  return out;
}

/** Compares the desired state with the cluster. Throws only when the cluster cannot be read. */
export async function diffAgainstCluster(opts: ClusterDiffOptions): Promise<Report> {
  const { client, desired } = opts;
  const concurrency = opts.concurrency ?? 16;
  const fieldManager = opts.fieldManager ?? 'packsync';
  const broken = new Set(desired.packages.filter((p) => p.errors.length > 0).map((p) => p.id));
  const nsOf = new Map(desired.packages.map((p) => [p.id, p.namespace]));

  const resolved = await mapLimit(desired.objects, concurrency, (d) =>
    resolve(client, d, nsOf.get(d.package) ?? ''),
  );
  const creating = new Set<string>();
  for (const r of resolved) {
    if (r.obj.kind === 'Namespace' && r.obj.apiVersion === 'v1')
      creating.add(`ns:${r.obj.metadata.name}`);
    if (r.obj.kind === 'CustomResourceDefinition') {
      const names = (r.obj.spec as { names?: { kind?: string } } | undefined)?.names;
      if (names?.kind) creating.add(`crd:${names.kind}`);
    }
  }
  const reader = new LiveReader(client, resolved);
  const objects = await mapLimit(resolved, concurrency, (r) =>
    diffObject(client, reader, r, creating, fieldManager),
  );

  const desiredKeys = new Set(resolved.map((r) => keyOf(idOf(r.obj))));
  const live = await managedLiveObjects(client, desired);
  const deleted = new Map<string, LiveObject>();
  for (const o of live) {
    const k = keyOf(o.id);
    // A package that did not render: its objects are unknown, so nothing of it is "deleted".
    if (desiredKeys.has(k) || broken.has(o.package) || deleted.has(k)) continue;
    deleted.set(k, o);
  }
  const deletedReports = await mapLimit([...deleted.values()], concurrency, async (o) => {
    const current = await client.get({
      apiVersion: o.id.apiVersion,
      kind: o.id.kind,
      name: o.id.name,
      namespace: o.id.namespace === '' ? undefined : o.id.namespace,
    });
    if (current === undefined) return undefined;
    const report: ObjectReport = {
      action: 'delete',
      id: idOf(current),
      package: o.package,
      topPhase: o.topPhase,
      phase: o.phase,
      changes: [],
      diff: objectDiff(
        project(withoutNoise(current), foldStringData(o.object)) as JsonObject,
        undefined,
        labelsSide,
      ),
    };
    return report;
  });
  const all = [...objects, ...deletedReports.filter((r): r is ObjectReport => r !== undefined)];
  const packages: PackageReport[] = desired.packages.map((p) => ({
    id: p.id,
    kind: p.kind,
    topPhase: p.topPhase,
    ...(p.parent !== undefined ? { parent: p.parent } : {}),
    ...(p.image !== undefined ? { image: { after: p.image } } : {}),
    errors: p.errors,
    action: 'unchanged',
  }));
  // Packages only the cluster still has: their phases in the order their ObjectSets list them.
  const livePhases = new Map<string, string[]>();
  for (const o of live) {
    const phases = livePhases.get(o.package) ?? [];
    if (!phases.includes(o.phase)) phases.push(o.phase);
    livePhases.set(o.package, phases);
  }
  const livePackages = [...livePhases].map(([id, phases]) => ({
    id,
    kind: 'Package' as const,
    phases,
  }));
  const sorted = sortObjects(all, [desired, { packages: livePackages }]);
  return {
    command: 'diff',
    before: 'live cluster',
    after: 'desired state',
    counts: countsOf(sorted, packages),
    packages,
    objects: sorted,
    errors: [],
  };
}
