/**
 * The phase engine (I/O): reconciles and tears down the objects of one phase for an owner (an
 * ObjectSet, or an ObjectSetPhase of class `default`). Per phase: preflight every object, decide
 * adoption, compare desired with live and write only the objects that differ (after an SSA
 * dry-run of each), then probe. Paused owners only read and probe.
 */
import type { Condition, ControlledObjectReference, ObjectSetObject } from '../../apis/index.js';
import { labels } from '../../apis/index.js';
import { errorMessage } from '../../errors.js';
import {
  isConflict,
  isNotFound,
  parseApiVersion,
  refOf,
  type KubeObject,
  type KubeReader,
  type KubeWriter,
  type ResourceMapping,
} from '../../kube/index.js';
import { PhaseProbeRecorder, type Prober } from '../../probing/index.js';
import { decideAdoption } from './adoption.js';
import { adoptedOwnerReferences, desiredObject } from './desired.js';
import { needsApply } from './diff.js';
import { isControlledBy, type Owner } from './owner.js';
import { PreflightError, staticViolations, violation } from './preflight.js';
import { teardownAction } from './teardown.js';

export interface Discovery {
  tryMapping(apiVersion: string, kind: string): Promise<ResourceMapping | undefined>;
}

export interface EngineDeps {
  /** Reads of managed objects (the label-filtered cache). */
  reader: KubeReader;
  /** Reads straight from the API server (objects the cache cannot see). */
  uncached: KubeReader;
  writer: KubeWriter;
  discovery: Discovery;
  /** `PKO_FORCE_ADOPTION`. */
  forceAdoption?: boolean | undefined;
}

export interface PhaseInput {
  owner: Owner;
  /** The owner's generation, for mapped conditions. */
  generation: number;
  name: string;
  objects: readonly ObjectSetObject[];
  prober: Prober;
  previousOwnerUids: ReadonlySet<string>;
  paused: boolean;
  /** The phase is delegated (exempt from the namespace check). */
  remote?: boolean | undefined;
}

export interface PhaseResult {
  controllerOf: ControlledObjectReference[];
  /** `Phase "<name>" failed: ...` when some object did not pass its probes. */
  probeFailure: string | undefined;
  mapped: Condition[];
  /** Objects written this reconcile (applies, not dry-runs). */
  writes: number;
}

interface Prepared {
  spec: ObjectSetObject;
  desired: KubeObject;
}

function asKubeObject(o: ObjectSetObject['object']): KubeObject {
  return { ...o, metadata: { ...(o.metadata ?? {}) } };
}

/** The references a spec object is expected under, namespace defaulted to the owner's. */
export function specObjectRef(
  o: ObjectSetObject['object'],
  ownerNamespace: string | undefined,
): ControlledObjectReference {
  const ns = o.metadata?.namespace || ownerNamespace || '';
  return {
    kind: o.kind,
    group: parseApiVersion(o.apiVersion).group,
    name: o.metadata?.name ?? '',
    namespace: ns,
  };
}

export function controlledRef(obj: KubeObject): ControlledObjectReference {
  return {
    kind: obj.kind,
    group: parseApiVersion(obj.apiVersion).group,
    name: obj.metadata.name ?? '',
    namespace: obj.metadata.namespace ?? '',
  };
}

async function prepare(deps: EngineDeps, input: PhaseInput): Promise<Prepared[]> {
  const violations: string[] = [];
  const out: Prepared[] = [];
  for (const spec of input.objects) {
    const specObject = asKubeObject(spec.object);
    const mapping = await deps.discovery.tryMapping(specObject.apiVersion, specObject.kind);
    if (mapping === undefined) {
      violations.push(
        violation(
          input.name,
          {
            ...specObject,
            metadata: {
              ...specObject.metadata,
              namespace: specObject.metadata.namespace ?? input.owner.namespace,
            },
          },
          `no matches for kind "${specObject.kind}" in version "${specObject.apiVersion}"`,
        ),
      );
      continue;
    }
    const desired = desiredObject(spec.object, input.owner, { namespaced: mapping.namespaced });
    violations.push(
      ...staticViolations({
        phase: input.name,
        specObject,
        desired,
        ownerNamespace: input.owner.namespace,
        namespaced: mapping.namespaced,
        remote: input.remote === true,
      }),
    );
    out.push({ spec, desired });
  }
  if (violations.length > 0) throw new PreflightError(violations);
  return out;
}

async function getLive(deps: EngineDeps, obj: KubeObject): Promise<KubeObject | undefined> {
  const ref = refOf(obj);
  return (
    (await deps.reader.get(ref)) ??
    (deps.reader === deps.uncached ? undefined : deps.uncached.get(ref))
  );
}

/** Reconciles one phase; throws PreflightError or CollisionError when the phase cannot proceed. */
export async function reconcilePhase(deps: EngineDeps, input: PhaseInput): Promise<PhaseResult> {
  const prepared = await prepare(deps, input);
  const { owner } = input;

  // Decide per object (reads in parallel); collect what must be written.
  const plan = await Promise.all(
    prepared.map(async ({ spec, desired }) => {
      const live = await getLive(deps, desired);
      if (live === undefined) return { desired, live, write: !input.paused };
      const decision = decideAdoption({
        owner,
        live,
        collisionProtection: spec.collisionProtection,
        previousOwnerUids: input.previousOwnerUids,
        forceAdoption: deps.forceAdoption,
      });
      if (decision.action === 'refuse') throw decision.error;
      if (decision.action === 'newer' || input.paused) return { desired, live, write: false };
      desired.metadata.ownerReferences = adoptedOwnerReferences(live, owner);
      return { desired, live, write: decision.action === 'adopt' || needsApply(desired, live) };
    }),
  );

  // SSA dry-run of every object about to be written, before any write. With a single write the
  // real apply is its own dry-run: it fails without having changed anything.
  const toWrite = plan.filter((p) => p.write);
  if (toWrite.length > 1) {
    const dryRunViolations = (
      await Promise.all(
        toWrite.map(async (p) => {
          try {
            await deps.writer.apply(p.desired, { force: true, dryRun: true });
            return undefined;
          } catch (err) {
            return violation(input.name, p.desired, errorMessage(err));
          }
        }),
      )
    ).filter((v): v is string => v !== undefined);
    if (dryRunViolations.length > 0) throw new PreflightError(dryRunViolations);
  }

  const actual = await Promise.all(
    plan.map((p) =>
      p.write ? deps.writer.apply(p.desired, { force: true }) : Promise.resolve(p.live),
    ),
  );
  const writes = toWrite.length;
  const recorder = new PhaseProbeRecorder(input.name, input.prober);
  const controllerOf: ControlledObjectReference[] = [];
  const mapped: Condition[] = [];
  for (const [i, p] of plan.entries()) {
    const obj = actual[i];
    if (obj === undefined) {
      recorder.recordMissing(p.desired);
      continue;
    }
    recorder.probe(obj);
    if (isControlledBy(obj, owner.uid)) controllerOf.push(controlledRef(obj));
    mapped.push(...mapConditions(obj, prepared[i]?.spec, input.generation));
  }
  return { controllerOf, probeFailure: recorder.message(), mapped, writes };
}

/** Copies mapped conditions of an object whose condition is current (`observedGeneration` 0 or equal). */
export function mapConditions(
  obj: KubeObject,
  spec: ObjectSetObject | undefined,
  ownerGeneration: number,
): Condition[] {
  const out: Condition[] = [];
  const conds = (obj.status as { conditions?: unknown } | undefined)?.conditions;
  if (!Array.isArray(conds)) return out;
  for (const m of spec?.conditionMappings ?? []) {
    const c = (conds as Record<string, unknown>[]).find((x) => x.type === m.sourceType);
    if (c === undefined) continue;
    const og = typeof c.observedGeneration === 'number' ? c.observedGeneration : 0;
    if (og !== 0 && og !== (obj.metadata.generation ?? 0)) continue;
    const status = c.status === 'True' || c.status === 'False' ? c.status : 'Unknown';
    out.push({
      type: m.destinationType,
      status,
      reason: typeof c.reason === 'string' && c.reason !== '' ? c.reason : 'Mapped',
      message: typeof c.message === 'string' ? c.message : '',
      observedGeneration: ownerGeneration,
      lastTransitionTime:
        typeof c.lastTransitionTime === 'string' ? c.lastTransitionTime : new Date(0).toISOString(),
    });
  }
  return out;
}

/**
 * Tears down one phase's objects for an owner; true when nothing is left. Objects we control are
 * deleted with uid + resourceVersion preconditions (and waited for); objects we only co-own are
 * released (our reference and the cache label removed, the object kept).
 */
export async function teardownPhase(
  deps: EngineDeps,
  owner: Owner,
  objects: readonly ObjectSetObject[],
): Promise<boolean> {
  let done = true;
  for (const spec of objects) {
    const specObject = asKubeObject(spec.object);
    const mapping = await deps.discovery.tryMapping(specObject.apiVersion, specObject.kind);
    if (mapping === undefined) continue; // the API is gone: nothing to tear down
    const desired = desiredObject(spec.object, owner, { namespaced: mapping.namespaced });
    const ref = refOf(desired);
    const live = await deps.uncached.get(ref);
    const action = teardownAction(live, owner.uid);
    switch (action.action) {
      case 'done':
        break;
      case 'wait':
        done = false;
        break;
      case 'delete':
        try {
          const left = await deps.writer.delete(ref, {
            preconditions: { uid: action.uid, resourceVersion: action.resourceVersion },
          });
          if (left !== undefined) done = false;
        } catch (err) {
          if (isNotFound(err)) break;
          if (isConflict(err)) {
            done = false;
            break;
          }
          throw err;
        }
        break;
      case 'release': {
        const refs = (live?.metadata.ownerReferences ?? []).filter((r) => r.uid !== owner.uid);
        await deps.writer.patch(ref, 'merge', {
          metadata: {
            resourceVersion: live?.metadata.resourceVersion,
            ownerReferences: refs,
            // The cache label stays while another owner (the new controller) keeps the object.
            ...(refs.length === 0 ? { labels: { [labels.cache]: null } } : {}),
          },
        });
        break;
      }
    }
  }
  return done;
}
