/**
 * `PackageInstance` -> ObjectSet template spec: objects grouped into the manifest's phases (empty
 * phases dropped, manifest order kept), authoring annotations stripped and turned into fields
 * (`collisionProtection`, `conditionMappings`, external objects).
 */
import {
  collisionProtections,
  type CollisionProtection,
  type ConditionMapping,
} from '../apis/index.js';
import { ViolationError, violationReasons } from './errors.js';
import { annotationsOf, metadataOf } from './object-validators.js';
import {
  collisionProtectionAnnotation,
  conditionAnnotation,
  conditionMapAnnotation,
  externalObjectAnnotation,
  phaseAnnotation,
  type KubeObject,
  type PackageInstance,
} from './types.js';

export { collisionProtections, type CollisionProtection, type ConditionMapping };

export interface ObjectSetObject {
  object: KubeObject;
  collisionProtection?: CollisionProtection;
  conditionMappings?: ConditionMapping[];
}

export interface ObjectSetTemplatePhase {
  name: string;
  class?: string;
  objects: ObjectSetObject[];
  externalObjects?: ObjectSetObject[];
  /** Names of ObjectSlices holding (some of) this phase's objects. */
  slices?: string[];
}

export interface ObjectSetTemplateSpec {
  phases: ObjectSetTemplatePhase[];
  availabilityProbes: unknown[];
}

const destinationRe =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)\/[A-Za-z][A-Za-z0-9_]*$/;

/** Parses `Source => prefix/Destination` lines. */
export function parseConditionMap(text: string, subject = ''): ConditionMapping[] {
  return text
    .trim()
    .split('\n')
    .map((raw, i) => {
      const line = i + 1;
      const arrow = raw.indexOf('=>');
      const fail = (msg: string): never => {
        throw new ViolationError({
          reason: violationReasons.unknown,
          details: `invalid ${conditionMapAnnotation} annotation: ${msg} in line ${line}`,
          ...(subject ? { subject } : {}),
        });
      };
      if (arrow < 0) return fail('expected 2 part mapping got 1');
      const sourceType = raw.slice(0, arrow).trim();
      const destinationType = raw.slice(arrow + 2).trim();
      if (!sourceType) return fail("sourceType can't be empty");
      if (!destinationType) return fail("destinationType can't be empty");
      if (!destinationRe.test(destinationType)) {
        return fail(
          `destinationType ${JSON.stringify(destinationType)} must look like <dns-prefix>/<Name>`,
        );
      }
      return { sourceType, destinationType };
    });
}

const authoringAnnotations = [
  phaseAnnotation,
  conditionAnnotation,
  collisionProtectionAnnotation,
  conditionMapAnnotation,
  externalObjectAnnotation,
];

function toObjectSetObject(obj: KubeObject): {
  phase: string;
  external: boolean;
  entry: ObjectSetObject;
} {
  const annotations = annotationsOf(obj);
  const phase = annotations[phaseAnnotation] ?? '';
  const external = annotations[externalObjectAnnotation] === 'True';
  const entry: ObjectSetObject = { object: obj };
  const cp = annotations[collisionProtectionAnnotation];
  if (cp !== undefined) {
    if (!(collisionProtections as readonly string[]).includes(cp)) {
      throw new ViolationError({
        reason: violationReasons.unknown,
        details: `invalid ${collisionProtectionAnnotation} annotation ${JSON.stringify(cp)}: must be one of ${collisionProtections.join(', ')}`,
      });
    }
    entry.collisionProtection = cp as CollisionProtection;
  }
  const cm = annotations[conditionMapAnnotation];
  if (cm !== undefined) entry.conditionMappings = parseConditionMap(cm);

  const metadata = { ...metadataOf(obj) };
  const rawAnnotations = metadata.annotations;
  if (
    typeof rawAnnotations === 'object' &&
    rawAnnotations !== null &&
    !Array.isArray(rawAnnotations)
  ) {
    const rest = { ...(rawAnnotations as Record<string, unknown>) };
    for (const a of authoringAnnotations) delete rest[a];
    if (Object.keys(rest).length === 0) delete metadata.annotations;
    else metadata.annotations = rest;
  }
  entry.object = { ...obj, metadata };
  return { phase, external, entry };
}

/** Groups the objects of an instance into phases. */
export function objectSetTemplateSpec(instance: PackageInstance): ObjectSetTemplateSpec {
  const phases: ObjectSetTemplatePhase[] = instance.manifest.spec.phases.map((p) => ({
    name: p.name,
    ...(p.class ? { class: p.class } : {}),
    objects: [],
  }));
  const byName = new Map(phases.map((p) => [p.name, p]));
  for (const obj of instance.objects) {
    const { phase, external, entry } = toObjectSetObject(obj);
    const target = byName.get(phase);
    if (!target) continue;
    if (external) (target.externalObjects ??= []).push(entry);
    else target.objects.push(entry);
  }
  return {
    phases: phases.filter((p) => p.objects.length > 0 || (p.externalObjects?.length ?? 0) > 0),
    availabilityProbes: instance.manifest.spec.availabilityProbes,
  };
}
