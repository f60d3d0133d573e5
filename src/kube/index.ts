/**
 * Kubernetes client runtime.
 *
 *   kubeconfig -> transport (TLS, auth; raw JSON) -> KubeClient (KubeReader + KubeWriter,
 *   RestMapper discovery) -> informers (list + watch per GVK, shared by users)
 *   -> event handlers -> workqueue keys (src/controllers/runtime).
 *
 * Everything speaks plain JSON objects; client-node is used for kubeconfig loading and
 * credentials only.
 */
export type {
  ApplyOptions,
  DeleteOptions,
  EventRecorder,
  EventType,
  GroupVersionKind,
  KubeClientApi,
  KubeObject,
  KubeReader,
  KubeWriter,
  ListOptions,
  ObjectList,
  ObjectMeta,
  ObjectRef,
  OwnerReference,
  PatchOptions,
  PatchType,
  PropagationPolicy,
  ResourceMapping,
  StatusDetails,
  WriteOptions,
} from './types.js';
export {
  KubeApiError,
  NoKindMatchError,
  isAlreadyExists,
  isConflict,
  isExpired,
  isForbidden,
  isInvalid,
  isNoKindMatch,
  isNotFound,
} from './errors.js';
export { apiVersionOf, gvkKey, gvkOf, objectKey, parseApiVersion, refOf, splitKey } from './gvk.js';
export { KubeClient, DEFAULT_FIELD_MANAGER } from './client.js';
export type { KubeClientOptions, WatchEvent, WatchQuery } from './client.js';
export { RestMapper, resourcePath } from './rest-mapper.js';
