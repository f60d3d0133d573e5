/**
 * Validators over the objects of a rendered package, by file path and document index. They run on
 * every object before conditional filtering, like Package Operator's.
 */
import { ViolationError, violationReasons, type Violation } from './errors.js';
import type { PackageManifest } from './manifest.js';
import { phaseAnnotation, type KubeObject } from './types.js';

export type PathObjects = ReadonlyMap<string, readonly KubeObject[]>;

/** Returns the violations found (empty when all is well). */
export type ObjectValidator = (manifest: PackageManifest, objects: PathObjects) => Violation[];

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function metadataOf(obj: KubeObject): Record<string, unknown> {
  return isObj(obj.metadata) ? obj.metadata : {};
}

export function stringMapOf(v: unknown): Record<string, string> {
  if (!isObj(v)) return {};
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
}

export function annotationsOf(obj: KubeObject): Record<string, string> {
  return stringMapOf(metadataOf(obj).annotations);
}

export function labelsOf(obj: KubeObject): Record<string, string> {
  return stringMapOf(metadataOf(obj).labels);
}

export interface GVK {
  group: string;
  version: string;
  kind: string;
}

export function gvkOf(obj: KubeObject): GVK {
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  const slash = apiVersion.indexOf('/');
  if (slash < 0) return { group: '', version: apiVersion, kind };
  return { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1), kind };
}

/** `apps/v1, Kind=Deployment` (Go's `GroupVersionKind.String()`). */
export function gvkString(g: GVK): string {
  return `${g.group}/${g.version}, Kind=${g.kind}`;
}

export function nameOf(obj: KubeObject): string {
  const n = metadataOf(obj).name;
  return typeof n === 'string' ? n : '';
}

export function namespaceOf(obj: KubeObject): string {
  const n = metadataOf(obj).namespace;
  return typeof n === 'string' ? n : '';
}

function sortedEntries(objects: PathObjects): [string, readonly KubeObject[]][] {
  return [...objects.entries()].sort(([a], [b]) => comparePaths(a, b));
}

/** Path order: component-wise, `/` sorts before every other character. */
export function comparePaths(a: string, b: string): number {
  const pa = a.replaceAll('/', '\x00');
  const pb = b.replaceAll('/', '\x00');
  return pa < pb ? -1 : pa > pb ? 1 : 0;
}

function eachObject(
  objects: PathObjects,
  fn: (path: string, index: number, obj: KubeObject) => Violation | undefined,
): Violation[] {
  const out: Violation[] = [];
  for (const [path, objs] of sortedEntries(objects)) {
    objs.forEach((o, i) => {
      const v = fn(path, i, o);
      if (v) out.push(v);
    });
  }
  return out;
}

export const duplicateObjectValidator: ObjectValidator = (_m, objects) => {
  const seen = new Set<string>();
  return eachObject(objects, (path, index, obj) => {
    const g = gvkOf(obj);
    const key = `${g.kind}.${g.group} ${namespaceOf(obj)}/${nameOf(obj)}`;
    if (seen.has(key)) return { reason: violationReasons.duplicateObject, path, index };
    seen.add(key);
    return undefined;
  });
};

export const gvkValidator: ObjectValidator = (_m, objects) =>
  eachObject(objects, (path, index, obj) => {
    const g = gvkOf(obj);
    return g.version === '' || g.kind === ''
      ? { reason: violationReasons.missingGVK, path, index }
      : undefined;
  });

const qualifiedNameRe = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const dns1123SubdomainRe = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const qualifiedNameMsg =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const labelValueMsg =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

/** Kubernetes `IsQualifiedName` messages for a label key. */
export function labelKeyErrors(key: string): string[] {
  const errs: string[] = [];
  const parts = key.split('/');
  let name = key;
  if (parts.length === 2) {
    const [prefix = '', n = ''] = parts;
    name = n;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else if (prefix.length > 253) errs.push('prefix part must be no more than 253 characters');
    else if (!dns1123SubdomainRe.test(prefix)) {
      errs.push(
        "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      );
    }
  } else if (parts.length > 2) {
    return [
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 characters');
  if (name.length > 0 && !qualifiedNameRe.test(name)) errs.push(qualifiedNameMsg);
  return errs;
}

export function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (value.length > 0 && !qualifiedNameRe.test(value)) errs.push(labelValueMsg);
  return errs;
}

export const labelsValidator: ObjectValidator = (_m, objects) =>
  eachObject(objects, (path, index, obj) => {
    const msgs: string[] = [];
    for (const [k, v] of Object.entries(labelsOf(obj))) {
      for (const e of labelKeyErrors(k))
        msgs.push(`metadata.labels: Invalid value: ${JSON.stringify(k)}: ${e}`);
      for (const e of labelValueErrors(v))
        msgs.push(`metadata.labels: Invalid value: ${JSON.stringify(v)}: ${e}`);
    }
    if (msgs.length === 0) return undefined;
    return {
      reason: violationReasons.labelsInvalid,
      path,
      index,
      details: msgs.length === 1 ? msgs[0] : `[${msgs.join(', ')}]`,
    };
  });

export const phaseAnnotationValidator: ObjectValidator = (_m, objects) =>
  eachObject(objects, (path, index, obj) =>
    annotationsOf(obj)[phaseAnnotation]
      ? undefined
      : { reason: violationReasons.missingPhaseAnnotation, path, index },
  );

export const phaseExistsValidator: ObjectValidator = (m, objects) => {
  const phases = new Set(m.spec.phases.map((p) => p.name));
  return eachObject(objects, (path, index, obj) => {
    const phase = annotationsOf(obj)[phaseAnnotation];
    return phase && !phases.has(phase)
      ? { reason: violationReasons.phaseNotFound, path, index }
      : undefined;
  });
};

/** Package Operator's default object validators, plus the phase-exists check. */
export const defaultObjectValidators: readonly ObjectValidator[] = [
  duplicateObjectValidator,
  gvkValidator,
  labelsValidator,
  phaseAnnotationValidator,
  phaseExistsValidator,
];

/** Kinds that exist only at cluster scope, by `group/Kind`. */
export const clusterScopedKinds: ReadonlySet<string> = new Set([
  '/Namespace',
  '/Node',
  '/PersistentVolume',
  '/ComponentStatus',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'apiregistration.k8s.io/APIService',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'storage.k8s.io/StorageClass',
  'storage.k8s.io/CSIDriver',
  'storage.k8s.io/CSINode',
  'storage.k8s.io/VolumeAttachment',
  'scheduling.k8s.io/PriorityClass',
  'node.k8s.io/RuntimeClass',
  'networking.k8s.io/IngressClass',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'certificates.k8s.io/CertificateSigningRequest',
  'flowcontrol.apiserver.k8s.io/FlowSchema',
  'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
  'package-operator.run/ClusterPackage',
  'package-operator.run/ClusterObjectDeployment',
  'package-operator.run/ClusterObjectSet',
  'package-operator.run/ClusterObjectSetPhase',
  'package-operator.run/ClusterObjectSlice',
  'package-operator.run/ClusterObjectTemplate',
]);

/**
 * A namespaced package may only hold namespaced objects in its own namespace (an object without a
 * namespace is placed there on deploy).
 */
export function namespacedPackageValidator(
  namespace: string,
  isClusterScoped: (g: GVK) => boolean = (g) => clusterScopedKinds.has(`${g.group}/${g.kind}`),
): ObjectValidator {
  return (_m, objects) =>
    eachObject(objects, (path, index, obj) => {
      const g = gvkOf(obj);
      if (isClusterScoped(g)) {
        return {
          reason: violationReasons.clusterScopedObjectInNamespacedPackage,
          path,
          index,
          details: `${gvkString(g)} ${nameOf(obj)}`,
        };
      }
      const ns = namespaceOf(obj);
      if (ns !== '' && ns !== namespace) {
        return {
          reason: violationReasons.objectOutsideNamespace,
          path,
          index,
          details: `namespace ${JSON.stringify(ns)} is not the package namespace ${JSON.stringify(namespace)}`,
        };
      }
      return undefined;
    });
}

/** Runs validators in order and throws every violation found (one per line). */
export function runObjectValidators(
  validators: readonly ObjectValidator[],
  manifest: PackageManifest,
  objects: PathObjects,
): void {
  const violations = validators.flatMap((v) => v(manifest, objects));
  if (violations.length === 0) return;
  const errors = violations.map((v) => new ViolationError(v));
  if (errors.length === 1 && errors[0]) throw errors[0];
  throw new ViolationErrors(errors);
}

/** Several violations at once; the message lists them one per line. */
export class ViolationErrors extends ViolationError {
  override readonly name: string = 'ViolationErrors';
  readonly all: readonly ViolationError[];

  constructor(all: readonly ViolationError[]) {
    super(all[0]?.violation ?? { reason: violationReasons.unknown });
    this.all = all;
    this.message = all.map((e) => e.message).join('\n');
  }
}
