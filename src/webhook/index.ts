/**
 * Validating admission webhook for clusters whose API server does not run the CRDs' CEL rules.
 *
 *   HTTPS POST /validate-<kind> (server.ts) -> AdmissionReview v1, checked with zod (review.ts)
 *   -> the kind's transition rules taken from the generated CRDs, run with src/cel (rules.ts)
 *   -> allowed, or denied with the API server's own `<Kind>.<group> "<name>" is invalid: ...`.
 *
 * The rules come from `src/apis` (the same ones `crds/` carries), so the messages cannot drift.
 */
export { startWebhookServer } from './server.js';
export type { RunningWebhook, WebhookServerOptions } from './server.js';
export { admit, review, webhookPaths } from './review.js';
export type { AdmissionRequest, AdmissionResponse, ReviewReply } from './review.js';
export { immutabilityViolations, immutableKinds, invalidMessage } from './rules.js';
export type { FieldProblem, KindRules } from './rules.js';
