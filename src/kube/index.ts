/**
 * Kubernetes client runtime.
 *
 *   kubeconfig -> transport (TLS, auth; raw JSON) -> KubeClient (KubeReader + KubeWriter,
 *   RestMapper discovery) -> informers (list + watch per GVK, shared by users)
 *   -> event handlers -> workqueue keys (src/controllers/runtime).
 *
 * Everything speaks plain JSON objects; client-node is loaded only for kubeconfigs with auth
 * plugins (kubeconfig.ts reads the common ones itself).
 */
export type {
  ApplyOptions,
  ApplyResult,
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
export { credentialsFromFile, credentialsFromYaml } from './kubeconfig.js';
export type { Credentials } from './kubeconfig.js';
export { RestMapper, resourcePath } from './rest-mapper.js';
export { Informer, silentLogger } from './informer.js';
export type {
  InformerEvent,
  InformerEventType,
  InformerHandler,
  InformerHealth,
  InformerOptions,
  RuntimeLogger,
} from './informer.js';
export { InformerCache, CACHE_LABEL, CACHE_LABEL_SELECTOR } from './cache.js';
export type { CacheEvent, CacheHandler, InformerCacheOptions, KindRef } from './cache.js';
export { KubeEventRecorder } from './events.js';
export type { KubeEventRecorderOptions } from './events.js';
export { parseLabelSelector, matchesLabels } from './label-selector.js';
export type { LabelRequirement } from './label-selector.js';
export { Backoff, sleep } from './backoff.js';
export { CRD_KIND, isEstablished, waitForEstablished } from './crds.js';
