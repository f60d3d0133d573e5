/**
 * Embedded Kubernetes-compatible API server.
 *
 *   HTTP(S) request -> http/handler (routing, negotiation, watch streams)
 *     -> api/core (Kubernetes rules) -> patch/ (merge, JSON patch, SMP, SSA)
 *     -> store (global revision, history, watchers) -> write-ahead log (data dir)
 *   controllers (CRD establish/cleanup, garbage collector, namespace lifecycle) watch the store
 *   and write back through api/core.
 */
export { startServer, kubeconfigYaml } from './server.js';
export type { RunningServer, ServerOptions, ServerLogger } from './server.js';
export type { SimulatorOptions } from './simulator/index.js';
export type { RequestRecord } from './http/handler.js';
export { ApiCore } from './api/core.js';
export type { WriteOptions, DeleteOptions, ListQuery, ListResult, PatchType } from './api/core.js';
export { ApiError } from './errors.js';
export type { Status } from './errors.js';
export type { KubeObject, ObjectMeta, OwnerReference } from './types.js';
export type { ResourceType } from './registry/types.js';
