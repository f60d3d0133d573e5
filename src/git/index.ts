/**
 * The Git source: resolve -> fetch -> read tree.
 *
 * - resolve: one refs advertisement (`GET info/refs`, no pack) picks the commit of a branch, a tag,
 *   the highest tag in a semver range, or a commit (`refs.ts`);
 * - fetch: only when the cache lacks that commit, a shallow (depth 1), single-ref, no-checkout fetch
 *   into a bare cache repository per URL, over our own HTTP plugin (`http.ts`: CA, auth, limits);
 * - read tree: the files under a path, straight from the object store into memory (`tree.ts`).
 *
 * A local path or `file://` URL is read in place, without fetching. The webhook receiver that
 * triggers syncs is in `webhook.ts`.
 */
export {
  GitSource,
  type CheckoutResult,
  type CommitInfo,
  type GitCredentials,
  type GitLogger,
  type GitRepository,
  type GitSourceOptions,
  type GitSourceStats,
  type ResolvedRef,
} from './source.js';
export { GitSourceError, gitSourceErrorReasons, type GitSourceErrorReason } from './errors.js';
export { chooseRef, describeRef, highestSemverTag, type AdvertisedRef } from './refs.js';
export { normalizeTreePath } from './tree.js';
export { parseRepoLocation, redactUrl, redactText } from './url.js';
export {
  clusterScopeNamespace,
  createWebhookHandler,
  parseHookPath,
  signBody,
  startWebhookReceiver,
  verifySignature,
  webhookProviders,
  type WebhookHandler,
  type WebhookHandlerOptions,
  type WebhookLogger,
  type WebhookProvider,
  type WebhookReceiver,
  type WebhookTriggerInfo,
} from './webhook.js';
