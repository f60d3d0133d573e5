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
import { jsonEqual } from './status.js';
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

/** What the phase does with one object. */
interface Step {
  spec: ObjectSetObject;
  desired: KubeObject;
  /** The live object; undefined when absent (or not known yet). */
  live: KubeObject | undefined;
  /** The managed cache does not have it: existence is not known yet. */
  unknown: boolean;
  write: boolean;
  /** A dry-run of exactly `desired` passed. */
  dryRunPassed: boolean;
}

/**
 * Decides adoption and whether to write, given the live object; true when the desired object
 * changed (owner references of an adopted object). Throws CollisionError when the object must not
 * be touched.
 */
function decide(deps: EngineDeps, input: PhaseInput, step: Step, live: KubeObject): boolean {
  step.live = live;
  step.unknown = false;
  const decision = decideAdoption({
    owner: input.owner,
    live,
    collisionProtection: step.spec.collisionProtection,
    previousOwnerUids: input.previousOwnerUids,
    forceAdoption: deps.forceAdoption,
  });
  if (decision.action === 'refuse') throw decision.error;
  if (decision.action === 'newer' || input.paused) {
    step.write = false;
    return false;
  }
  const refs = adoptedOwnerReferences(live, input.owner);
  const changed = !jsonEqual(refs, step.desired.metadata.ownerReferences);
  if (changed) {
    step.desired.metadata.ownerReferences = refs;
    step.dryRunPassed = false;
  }
  step.write = decision.action === 'adopt' || needsApply(step.desired, live);
  return changed;
}

/**
 * What is sent for a step: the desired object, and when it was decided from a live object, that
 * object's resourceVersion as a precondition. The owner references carried over come from that
 * live object: from a stale cache they could re-add a reference another revision just released;
 * the precondition turns that into a Conflict (and a retry from fresh state).
 */
function payload(step: Step): KubeObject {
  const rv = step.live?.metadata.resourceVersion;
  if (rv === undefined) return step.desired;
  return { ...step.desired, metadata: { ...step.desired.metadata, resourceVersion: rv } };
}

/** SSA dry-run of a step's desired object: a violation message, or undefined when it passed. */
async function dryRun(
  deps: EngineDeps,
  input: PhaseInput,
  step: Step,
): Promise<{ violation: string | undefined; created: boolean }> {
  try {
    const r = await deps.writer.applyWithResult(payload(step), { force: true, dryRun: true });
    step.dryRunPassed = true;
    return { violation: undefined, created: r.created };
  } catch (err) {
    // A stale read, not a misconfiguration: retry (with backoff) from fresh state.
    if (isConflict(err) && step.live !== undefined) throw err;
    return { violation: violation(input.name, step.desired, errorMessage(err)), created: false };
  }
}

/**
 * Reconciles one phase; throws PreflightError or CollisionError when the phase cannot proceed.
 *
 * Requests: objects the managed cache has and that match cost nothing. An object the cache does
 * not have is dry-run first (the dry-run's 201/200 answer says whether it exists, so no separate
 * GET); an object that turns out to exist is read uncached for the adoption check. When more than
 * one object is to be written, each is dry-run before any is written (a failure blocks the whole
 * phase, nothing written); a single write is its own dry-run.
 */
export async function reconcilePhase(deps: EngineDeps, input: PhaseInput): Promise<PhaseResult> {
  const prepared = await prepare(deps, input);
  const { owner } = input;

  // Known objects: decide from the cache. Unknown ones: read (paused) or resolve by dry-run.
  const steps: Step[] = await Promise.all(
    prepared.map(async ({ spec, desired }) => {
      const step: Step = {
        spec,
        desired,
        live: undefined,
        unknown: true,
        write: !input.paused,
        dryRunPassed: false,
      };
      let live = await deps.reader.get(refOf(desired));
      if (live === undefined && input.paused && deps.reader !== deps.uncached)
        live = await deps.uncached.get(refOf(desired));
      if (live !== undefined) decide(deps, input, step, live);
      else if (input.paused || deps.reader === deps.uncached) step.unknown = false;
      return step;
    }),
  );

  // Round 1: dry-run the unknown objects (always) and, when more than one object may be written,
  // every object to be written.
  const many = steps.filter((s) => s.write).length > 1;
  const violations = new Map<Step, string>();
  const first = steps.filter((s) => s.unknown || (many && s.write));
  const collisions = new Map<Step, unknown>();
  await Promise.all(
    first.map(async (step) => {
      const r = await dryRun(deps, input, step);
      if (!step.unknown) {
        if (r.violation !== undefined) violations.set(step, r.violation);
        return;
      }
      if (r.violation === undefined && r.created) {
        step.unknown = false; // absent: created by the apply below
        return;
      }
      // It exists (or the dry-run failed): the adoption check decides first.
      const live = await deps.uncached.get(refOf(step.desired));
      step.unknown = false;
      let changed = false;
      if (live !== undefined) {
        try {
          changed = decide(deps, input, step, live);
        } catch (err) {
          collisions.set(step, err);
          return;
        }
      }
      // A dry-run of what is no longer the desired object proves nothing (round 2 redoes it).
      if (r.violation !== undefined && step.write && !changed) violations.set(step, r.violation);
    }),
  );
  for (const s of steps) if (collisions.has(s)) throw collisions.get(s);

  // Round 2 (rare): objects whose desired state changed after their dry-run, e.g. adopted ones.
  const toWrite = steps.filter((s) => s.write);
  if (toWrite.length > 1) {
    await Promise.all(
      toWrite
        .filter((s) => !s.dryRunPassed && !violations.has(s))
        .map(async (step) => {
          const r = await dryRun(deps, input, step);
          if (r.violation !== undefined) violations.set(step, r.violation);
        }),
    );
  }
  const blocking = steps.filter((s) => s.write && violations.has(s));
  if (blocking.length > 0) throw new PreflightError(blocking.map((s) => violations.get(s) ?? ''));

  const actual = await Promise.all(
    steps.map((s) =>
      s.write ? deps.writer.apply(payload(s), { force: true }) : Promise.resolve(s.live),
    ),
  );
  const recorder = new PhaseProbeRecorder(input.name, input.prober);
  const controllerOf: ControlledObjectReference[] = [];
  const mapped: Condition[] = [];
  for (const [i, s] of steps.entries()) {
    const obj = actual[i];
    if (obj === undefined) {
      recorder.recordMissing(s.desired);
      continue;
    }
    recorder.probe(obj);
    if (isControlledBy(obj, owner.uid)) controllerOf.push(controlledRef(obj));
    mapped.push(...mapConditions(obj, s.spec, input.generation));
  }
  return { controllerOf, probeFailure: recorder.message(), mapped, writes: toWrite.length };
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
