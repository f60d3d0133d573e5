/**
 * Any Kubernetes object as it travels over the wire: loose JSON with the metadata fields every layer
 * reads. The API client (`src/kube`) and the embedded server (`src/server`) share these shapes; the
 * typed, validated forms of our own kinds are the zod-inferred types of this module's other files.
 */

export interface WireOwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface WireObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: WireOwnerReference[];
  managedFields?: unknown[];
  [key: string]: unknown;
}

/** Any Kubernetes object, as JSON. */
export interface WireObject {
  apiVersion: string;
  kind: string;
  metadata: WireObjectMeta;
  [key: string]: unknown;
}
