/**
 * Capability interfaces for talking to a Kubernetes API server: objects as raw JSON (no typed
 * serializer), reads split from writes so a step receives only what it needs.
 */

import type {
  WireObject as KubeObject,
  WireObjectMeta as ObjectMeta,
  WireOwnerReference as OwnerReference,
} from '../apis/wire.js';

export type { KubeObject, ObjectMeta, OwnerReference };

export interface GroupVersionKind {
  /** '' for the core group. */
  group: string;
  version: string;
  kind: string;
}

/** Identifies one object: its kind (by apiVersion) and name; namespace is omitted for cluster-scoped kinds. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string | undefined;
}

/** Where a kind is served (the RESTMapper's answer). */
export interface ResourceMapping {
  gvk: GroupVersionKind;
  /** Plural resource name, e.g. `deployments`. */
  resource: string;
  namespaced: boolean;
}

export interface ListOptions {
  /** Namespace to list in; omitted lists across all namespaces (or a cluster-scoped kind). */
  namespace?: string | undefined;
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  /** Page size; the reader follows `continue` tokens and returns every item. */
  limit?: number | undefined;
}

export interface ObjectList {
  /** Items with apiVersion and kind filled in. */
  items: KubeObject[];
  resourceVersion: string;
}

export interface KubeReader {
  /** The object, or undefined when it does not exist (404). */
  get(ref: ObjectRef): Promise<KubeObject | undefined>;
  list(apiVersion: string, kind: string, opts?: ListOptions): Promise<ObjectList>;
}

export interface WriteOptions {
  /** Defaults to `packsync`. */
  fieldManager?: string | undefined;
  dryRun?: boolean | undefined;
}

export interface ApplyOptions extends WriteOptions {
  /** Take ownership of conflicting fields. */
  force?: boolean | undefined;
  /** e.g. `status`. */
  subresource?: string | undefined;
}

export type PatchType = 'merge' | 'json' | 'strategic';

export interface PatchOptions extends WriteOptions {
  subresource?: string | undefined;
}

export type PropagationPolicy = 'Foreground' | 'Background' | 'Orphan';

export interface DeleteOptions {
  preconditions?: { uid?: string | undefined; resourceVersion?: string | undefined } | undefined;
  propagationPolicy?: PropagationPolicy | undefined;
  dryRun?: boolean | undefined;
}

export interface ApplyResult {
  /** The object as the server answered (decoded on first read: a dry-run's caller may not need it). */
  readonly object: KubeObject;
  /** The apply created the object (HTTP 201): it did not exist before. */
  created: boolean;
}

export interface KubeWriter {
  create(obj: KubeObject, opts?: WriteOptions): Promise<KubeObject>;
  /** PUT; `metadata.resourceVersion` in `obj` makes it a compare-and-swap (409 Conflict when stale). */
  update(obj: KubeObject, opts?: WriteOptions): Promise<KubeObject>;
  /** PUT to the status subresource. */
  updateStatus(obj: KubeObject, opts?: WriteOptions): Promise<KubeObject>;
  /** Server-side apply (`application/apply-patch+yaml`, body sent as JSON). */
  apply(obj: KubeObject, opts?: ApplyOptions): Promise<KubeObject>;
  /**
   * Server-side apply that also says whether the object was created (201) rather than updated
   * (200): a dry-run of it tells whether the object exists, in the same request.
   */
  applyWithResult(obj: KubeObject, opts?: ApplyOptions): Promise<ApplyResult>;
  patch(ref: ObjectRef, type: PatchType, patch: unknown, opts?: PatchOptions): Promise<KubeObject>;
  /**
   * DELETE. Returns the object as the server returned it (still present with a deletionTimestamp
   * when finalizers hold it), or undefined when it was already gone (404 is not an error).
   */
  delete(ref: ObjectRef, opts?: DeleteOptions): Promise<KubeObject | undefined>;
}

export type KubeClientApi = KubeReader & KubeWriter;

export type EventType = 'Normal' | 'Warning';

/** Records core/v1 Events about an object; never throws (failures are logged by the implementation). */
export interface EventRecorder {
  event(regarding: KubeObject, type: EventType, reason: string, message: string): void;
}

/** Status details of a failed request, as the API server sends them. */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: { type?: string; field?: string; message?: string }[];
  retryAfterSeconds?: number;
}
