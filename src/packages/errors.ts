/**
 * Error kinds of the package pipeline. Texts follow Package Operator's where users (and the
 * conformance data) rely on them: `ViolationError` prints
 * `<reason>[ in <path>[ idx N]][ [component]][: details][\n<subject>]`, field errors print like
 * Kubernetes' `field.Error` (`spec.scopes: Required value`).
 */
import { UserError } from '../errors.js';

export const violationReasons = {
  emptyPackage: 'Package image contains no files. Might be corrupted.',
  manifestNotFound: 'PackageManifest not found',
  unknownGVK: 'unknown GVK',
  manifestInvalid: 'PackageManifest invalid',
  manifestDuplicated: 'PackageManifest present multiple times',
  manifestLockInvalid: 'PackageManifestLock invalid',
  manifestLockDuplicated: 'PackageManifestLock present multiple times',
  invalidYAML: 'Invalid YAML',
  missingPhaseAnnotation: 'Missing package-operator.run/phase Annotation',
  phaseNotFound: 'Phase name not found in manifest',
  missingGVK: 'GroupVersionKind not set',
  duplicateObject: 'Duplicate Object',
  labelsInvalid: 'Labels invalid',
  unsupportedScope: 'Package unsupported scope',
  objectOutsideNamespace: 'Object outside of the package namespace',
  clusterScopedObjectInNamespacedPackage: 'Cluster-scoped object in a namespaced package',
  fixtureMismatch: 'File mismatch against fixture',
  componentsNotEnabled: 'Components not enabled',
  componentNotFound: 'Component not found',
  invalidComponentPath: 'Invalid component path',
  nestedMultiComponent: 'Nesting multi-component packages not allowed',
  invalidFileInComponentsDir: 'The components directory may only contain folders and dot files',
  lockfileMissing:
    'Missing image in manifest.lock.yaml, but using PackageManifest.spec.images. Try running: kubectl package update',
  imageMissingInLockfile:
    'Image specified in manifest but missing from lockfile. Try running: kubectl package update',
  imageDifferentToLockfile:
    'Image specified in manifest does not match with lockfile. Try running: kubectl package update',
  invalidCELExpression:
    'The CEL expression in package-operator.run/condition annotation is invalid.',
  constraintsFailed: 'Constraints not met',
  unknown: 'Unknown reason',
} as const;

export type ViolationReason = (typeof violationReasons)[keyof typeof violationReasons];

export interface Violation {
  reason: ViolationReason;
  /** File path in the package. */
  path?: string;
  /** YAML document index within `path`. */
  index?: number;
  component?: string;
  details?: string;
  /** The offending text (a YAML document, a name), printed on the following lines. */
  subject?: string;
}

/** A package breaks a rule of the package format. */
export class ViolationError extends UserError {
  override readonly name: string = 'ViolationError';
  readonly violation: Readonly<Violation>;

  constructor(violation: Violation) {
    super(formatViolation(violation));
    this.violation = { ...violation };
  }
}

export function formatViolation(v: Violation): string {
  let msg: string = v.reason;
  if (v.path) {
    msg += ` in ${v.path}`;
    if (v.index !== undefined) msg += ` idx ${v.index}`;
  }
  if (v.component) msg += ` [${v.component}]`;
  if (v.details) msg += `: ${v.details}`;
  if (v.subject) msg += `\n${v.subject.trim()}`;
  return msg;
}

export type FieldErrorType =
  'Required' | 'Invalid' | 'NotSupported' | 'Duplicate' | 'Forbidden' | 'TooLong' | 'TooMany';

/** One problem with one field, printed like Kubernetes' `field.Error`. */
export interface FieldError {
  type: FieldErrorType;
  /** Field path, e.g. `spec.config.image` or `spec.phases[1].name`. */
  field: string;
  value?: unknown;
  detail?: string;
  /** NotSupported only: the allowed values. */
  supported?: readonly unknown[];
}

/** Go's `%q`-like quoting for values shown in field errors. */
export function formatFieldValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export function formatFieldError(e: FieldError): string {
  switch (e.type) {
    case 'Required':
      return `${e.field}: Required value${e.detail ? `: ${e.detail}` : ''}`;
    case 'Forbidden':
      return `${e.field}: Forbidden${e.detail ? `: ${e.detail}` : ''}`;
    case 'Duplicate':
      return `${e.field}: Duplicate value: ${formatFieldValue(e.value)}`;
    case 'NotSupported': {
      const supported = (e.supported ?? []).map(formatFieldValue).join(', ');
      return `${e.field}: Unsupported value: ${formatFieldValue(e.value)}${supported ? `: supported values: ${supported}` : ''}`;
    }
    case 'TooLong':
    case 'TooMany':
    case 'Invalid':
      return `${e.field}: Invalid value: ${formatFieldValue(e.value)}${e.detail ? `: ${e.detail}` : ''}`;
  }
}

/** Kubernetes' aggregate: one error as is, several as `[a, b]`. */
export function aggregateMessages(messages: readonly string[]): string {
  if (messages.length === 1) return messages[0] ?? '';
  return `[${messages.join(', ')}]`;
}

/** A list of field errors (config or manifest validation). */
export class FieldErrorList extends UserError {
  override readonly name: string = 'FieldErrorList';
  readonly errors: readonly FieldError[];

  constructor(errors: readonly FieldError[]) {
    super(aggregateMessages(errors.map(formatFieldError)));
    this.errors = errors;
  }
}

/** Prefixes an error message with a context frame, keeping the class (and so the exit code). */
export function withContext(frame: string, err: unknown): Error {
  if (err instanceof UserError) {
    return new UserError(`${frame}: ${err.message}`, { cause: err, exitCode: err.exitCode });
  }
  if (err instanceof Error) return new Error(`${frame}: ${err.message}`, { cause: err });
  return new Error(`${frame}: ${String(err)}`);
}

/** Several independent errors, one per line (Go's `errors.Join`). */
export class JoinedError extends UserError {
  override readonly name: string = 'JoinedError';
  readonly errors: readonly Error[];

  constructor(errors: readonly Error[]) {
    super(errors.map((e) => e.message).join('\n'));
    this.errors = errors;
  }
}

/** Throws nothing for no errors, the error itself for one, a JoinedError for several. */
export function throwJoined(errors: readonly Error[]): void {
  if (errors.length === 0) return;
  if (errors.length === 1 && errors[0]) throw errors[0];
  throw new JoinedError(errors);
}
