/**
 * Controller runtime.
 *
 *   informer events -> handlers (object / owner / mapped keys) -> WorkQueue (de-duplicated,
 *   per-key backoff, rate limit, delayed adds) -> Controller workers -> reconcile(key)
 *   -> Result / error -> retryPolicy (one place) -> forget, addAfter or addRateLimited.
 *
 * The Manager holds what controllers share (client, informer caches, events, metrics) and
 * starts and stops them in order.
 */
export { Controller } from './controller.js';
export type {
  ChildLogger,
  ControllerOptions,
  ReconcileContext,
  Reconciler,
  Result,
} from './controller.js';
export { TerminalError, RetryAfterError, retryPolicy } from './errors.js';
export type { RetryDecision } from './errors.js';
export { WorkQueue, realClock } from './workqueue.js';
export type { Clock, WorkQueueHooks, WorkQueueOptions } from './workqueue.js';
export { enqueueMapped, enqueueObject, enqueueOwner, ownerKeys } from './handlers.js';
export type { Enqueuer, OwnerMatch } from './handlers.js';
export { Manager } from './manager.js';
export type { ManagerOptions } from './manager.js';
export { startManager, parseBindAddress } from './start.js';
export type {
  ControllerSetup,
  ControllerSetupOptions,
  LeaderElectionConfig,
  RunningManager,
  StartManagerOptions,
} from './start.js';
export {
  DEFAULT_LEASE_NAME,
  LeaderElectionError,
  LeaderElector,
  PKO_LEASE_TIMINGS,
  decideLease,
  timingProblems,
} from './leader-election.js';
export type { ElectorState, LeaderElectionOptions, LeaseSpec } from './leader-election.js';
