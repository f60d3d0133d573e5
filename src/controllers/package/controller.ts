/**
 * (Cluster)Package reconcile: propagate `spec.paused` to the ObjectDeployment; unless paused and
 * unless the unpack hash matches `status.unpackedHash`, pull the image (de-duplicated), load,
 * instantiate and plan, then write the ObjectDeployment and its slices; a broken image or config
 * sets Invalid and leaves the last good ObjectDeployment alone; slices referenced by neither the
 * OD nor its ObjectSets are deleted. Finally mirror the OD's conditions and revision and write the
 * status when it changed.
 */
import { coreGroup, coreVersion, labels as L, type Condition } from '../../apis/index.js';
import {
  isNotFound,
  splitKey,
  type EventRecorder,
  type KubeObject,
  type KubeReader,
  type KubeWriter,
} from '../../kube/index.js';
import {
  chunkingStrategyAnnotation,
  instantiate,
  loadPackage,
  planDeployment,
  type Package,
  type RawPackage,
} from '../../packages/index.js';
import { defaultRenderCapabilities } from '../../packages/engines.js';
import type { Result } from '../runtime/controller.js';
import { sameStatus } from '../object-set/status.js';
import { pullBackoff } from './backoff.js';
import { changeCause, desiredDeployment } from './desired.js';
import type { Environment } from './environment.js';
import { unpackHash, type HashInputs } from './hash.js';
import { PullDeduper, type PullFn } from './pull.js';
import type { PackageScope } from './scope.js';
import { writeDeploymentAndSlices } from './write-deployment.js';
import { mirrorDeployment, phaseOf, unpackConditions, type UnpackOutcome } from './status.js';

const apiVersion = `${coreGroup}/${coreVersion}`;
const loadedLimit = 32;

export interface PackageDeps {
  /** Reads (Cluster)Packages and (Cluster)ObjectDeployments (the manager's informer cache). */
  reader: KubeReader;
  /** Lists slices and ObjectSets for the slice GC; default `reader`. */
  uncached?: KubeReader | undefined;
  writer: KubeWriter;
  pull: PullFn;
  events?: EventRecorder | undefined;
  now?: (() => Date) | undefined;
  /** `.environment` for rendering; default empty. */
  environment?: (() => Promise<Environment>) | undefined;
  /** The reference pulled for `spec.image` (prefix and host overrides); default unchanged. */
  resolveImage?: ((image: string) => string) | undefined;
  /** Hash inputs besides the spec (modifier, prefix overrides). */
  hashInputs?: HashInputs | undefined;
  /** Delay after the n-th consecutive failed pull; default 10 s doubling to 300 s. */
  pullBackoff?: ((failures: number) => number) | undefined;
}

interface PackageSpecLike {
  image?: string;
  config?: Record<string, unknown>;
  component?: string;
  paused?: boolean;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class PackageReconciler {
  private readonly puller: PullDeduper;
  /** Consecutive failed pulls by Package key (for the backoff); dropped when the Package goes. */
  private readonly failures = new Map<string, number>();
  /** Loaded packages by `digest\0component`, oldest first. */
  private readonly loaded = new Map<string, Package>();

  constructor(
    readonly scope: PackageScope,
    private readonly deps: PackageDeps,
  ) {
    this.puller = new PullDeduper(deps.pull);
  }

  reconcile = async (key: string): Promise<Result> => {
    const { namespace, name } = splitKey(key);
    const pkg = await this.deps.reader.get({
      apiVersion,
      kind: this.scope.packageKind,
      name,
      namespace,
    });
    if (pkg === undefined || pkg.metadata.deletionTimestamp !== undefined) {
      this.failures.delete(key);
      return {};
    }
    const spec = (pkg.spec ?? {}) as PackageSpecLike;
    const status = { ...((pkg.status ?? {}) as Record<string, unknown>) };
    const now = this.deps.now?.() ?? new Date();
    const generation = pkg.metadata.generation ?? 0;
    const paused = spec.paused === true;
    const odRef = {
      apiVersion,
      kind: this.scope.deploymentKind,
      name,
      namespace: this.scope.namespaced ? pkg.metadata.namespace : undefined,
    };
    let od = await this.deps.reader.get(odRef);

    if (od !== undefined && ((od.spec as { paused?: boolean }).paused === true) !== paused) {
      od = await this.deps.writer.patch(odRef, 'merge', {
        metadata: { resourceVersion: od.metadata.resourceVersion },
        spec: { paused: paused ? true : null },
      });
    }

    const hash = unpackHash(pkg.spec ?? {}, this.deps.hashInputs);
    let outcome: UnpackOutcome;
    let result: Result = {};
    if (paused) outcome = { kind: 'paused' };
    else if (hash === status.unpackedHash) outcome = { kind: 'already-unpacked' };
    else {
      let pulled: { digest: string; raw: RawPackage } | undefined;
      try {
        const image = spec.image ?? '';
        pulled = await this.puller.pull(this.deps.resolveImage?.(image) ?? image);
        this.failures.delete(key);
      } catch (err) {
        const n = (this.failures.get(key) ?? 0) + 1;
        this.failures.set(key, n);
        outcome = { kind: 'pull-failed', message: messageOf(err) };
        result = { requeueAfter: (this.deps.pullBackoff ?? pullBackoff)(n) };
      }
      if (pulled !== undefined) {
        const deployed = await this.deploy(pkg, spec, pulled, od);
        if (deployed.ok) {
          od = deployed.od;
          outcome = { kind: 'unpacked', hash };
          status.unpackedHash = hash;
        } else {
          outcome = { kind: 'invalid', message: deployed.message };
          this.deps.events?.event(pkg, 'Warning', 'LoadError', deployed.message);
        }
      } else {
        outcome ??= { kind: 'pull-failed', message: 'pull failed' };
      }
    }

    let conditions = unpackConditions(
      (status.conditions ?? []) as Condition[],
      outcome,
      generation,
      now,
    );
    const mirrored = mirrorDeployment(conditions, od, generation, now);
    conditions = mirrored.conditions;
    status.conditions = conditions;
    if (mirrored.revision !== undefined) status.revision = mirrored.revision;
    status.phase = phaseOf(conditions);
    if (!sameStatus(pkg.status, status)) await this.deps.writer.updateStatus({ ...pkg, status });
    return result;
  };

  /** The loaded package of an image digest and component, memoised (loading is pure). */
  private load(
    pulled: { digest: string; raw: RawPackage },
    component: string | undefined,
  ): Package {
    const key = `${pulled.digest}\0${component ?? ''}`;
    let pkg = this.loaded.get(key);
    if (pkg === undefined) {
      pkg = loadPackage(pulled.raw, component === undefined ? {} : { component });
      this.loaded.set(key, pkg);
      if (this.loaded.size > loadedLimit) this.loaded.delete(this.loaded.keys().next().value ?? '');
    }
    return pkg;
  }

  /** Load, instantiate, plan and write; any load/config/render error is `ok: false`. */
  private async deploy(
    pkg: KubeObject,
    spec: PackageSpecLike,
    pulled: { digest: string; raw: RawPackage },
    live: KubeObject | undefined,
  ): Promise<{ ok: true; od: KubeObject } | { ok: false; message: string }> {
    const name = pkg.metadata.name ?? '';
    const namespace = this.scope.namespaced ? (pkg.metadata.namespace ?? '') : '';
    const config = spec.config ?? {};
    const environment = (await this.deps.environment?.()) ?? {};
    let plan: ReturnType<typeof planDeployment>;
    try {
      const loaded = this.load(pulled, spec.component);
      const instance = instantiate(
        loaded,
        {
          name,
          namespace,
          labels: pkg.metadata.labels ?? {},
          annotations: pkg.metadata.annotations ?? {},
          image: spec.image ?? '',
          config,
          environment,
        },
        defaultRenderCapabilities(),
      );
      plan = planDeployment(instance, {
        name,
        namespace,
        sourceImage: spec.image ?? '',
        config,
        chunkingStrategy: pkg.metadata.annotations?.[chunkingStrategyAnnotation],
      });
    } catch (err) {
      return { ok: false, message: messageOf(err) };
    }
    const desired = desiredDeployment(
      plan,
      {
        apiVersion: pkg.apiVersion,
        kind: pkg.kind,
        name,
        uid: pkg.metadata.uid ?? '',
      },
      {
        paused: spec.paused === true,
        changeCause: changeCause(spec.image ?? '', pulled.digest),
      },
    );
    const od = await writeDeploymentAndSlices(this.deps.writer, live, desired, plan);
    await this.collectSlices(od);
    return { ok: true, od };
  }

  /** Deletes the OD's slices that neither the OD nor any of its ObjectSets references. */
  private async collectSlices(od: KubeObject): Promise<void> {
    const name = od.metadata.name ?? '';
    const namespace = this.scope.namespaced ? od.metadata.namespace : undefined;
    const reader = this.deps.uncached ?? this.deps.reader;
    const slices = await reader.list(apiVersion, this.scope.sliceKind, {
      namespace,
      labelSelector: `${L.sliceOwner}=${name}`,
    });
    if (slices.items.length === 0) return;
    const used = new Set<string>();
    const addPhases = (spec: unknown) => {
      const phases = (spec as { phases?: { slices?: string[] }[] } | undefined)?.phases ?? [];
      for (const p of phases) for (const s of p.slices ?? []) used.add(s);
    };
    addPhases((od.spec as { template?: { spec?: unknown } } | undefined)?.template?.spec);
    const sets = await reader.list(
      apiVersion,
      this.scope.namespaced ? 'ObjectSet' : 'ClusterObjectSet',
      { namespace, labelSelector: `${L.objectDeployment}=${name}` },
    );
    for (const set of sets.items) addPhases(set.spec);
    for (const slice of slices.items) {
      const sliceName = slice.metadata.name ?? '';
      if (used.has(sliceName)) continue;
      try {
        await this.deps.writer.delete({
          apiVersion,
          kind: this.scope.sliceKind,
          name: sliceName,
          namespace,
        });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }
}
