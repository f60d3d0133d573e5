/**
 * Value types shared by the patch and server-side-apply functions. Everything here is plain data:
 * the server decodes request bodies into these shapes and passes them in.
 */

/** FieldsV1 as stored in `metadata.managedFields[].fieldsV1`: `f:<name>`, `k:<json>`, `v:<json>`, `i:<n>`, `.`. */
export interface FieldsV1 {
  [key: string]: FieldsV1;
}

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: FieldsV1;
  subresource?: string;
}

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  generateName?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: unknown[];
  managedFields?: ManagedFieldsEntry[];
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** One field another manager owns with a different value. `path` is SMD's rendering, e.g. `.spec.replicas`. */
export interface FieldConflict {
  manager: string;
  operation: 'Apply' | 'Update';
  /** apiVersion of the owning entry (printed for Update managers). */
  apiVersion: string;
  subresource: string;
  /** The manager as the apiserver prints it: `"mgr"`, `"mgr" using apps/v1`. */
  description: string;
  path: string;
}

/** How a list is merged: SSA `x-kubernetes-list-type`, plus the strategic-merge-patch facts of built-ins. */
export type ListType = 'atomic' | 'set' | 'map';
export type MapType = 'granular' | 'atomic';

export interface ScalarSchema {
  type: 'scalar';
}

export interface MapSchema {
  type: 'map';
  /** Known fields (a struct). */
  fields?: Record<string, TypeSchema>;
  /** Type of keys not in `fields`; absent means deduced. */
  elementType?: TypeSchema;
  mapType: MapType;
  /** Strategic merge patch: `x-kubernetes-patch-strategy: retainKeys`. */
  retainKeys?: boolean;
}

export interface ListSchema {
  type: 'list';
  elementType: TypeSchema;
  listType: ListType;
  /** `x-kubernetes-list-map-keys` for `listType: map`. */
  keys?: string[];
  /** Values of key fields an item may omit (the element schema's `default`, e.g. protocol TCP). */
  keyDefaults?: Record<string, unknown>;
  /** Strategic merge patch strategy (`x-kubernetes-patch-strategy`); default replace. */
  patchStrategy?: 'merge' | 'replace' | 'merge,retainKeys';
  /** Strategic merge patch key (`x-kubernetes-patch-merge-key`). */
  patchMergeKey?: string;
}

/** Type deduced from the value: maps granular, lists atomic, scalars scalar. */
export interface DeducedSchema {
  type: 'deduced';
}

/** Schema of one object kind, as SSA and strategic merge patch see it. May be cyclic (JSONSchemaProps). */
export type TypeSchema = ScalarSchema | MapSchema | ListSchema | DeducedSchema;

/** A patch that cannot be applied; `status` is the HTTP status the server answers with. */
export class PatchError extends Error {
  override readonly name: string = 'PatchError';
  readonly status: number;

  constructor(message: string, status = 422) {
    super(message);
    this.status = status;
  }
}
