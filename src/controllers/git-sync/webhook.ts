/**
 * The Git webhook receiver of the manager (`--webhook-receiver-port`): `src/git`'s handler
 * (`POST /hooks/{github,gitlab,generic}/<namespace>/<name>`, `_` for a ClusterGitSync; signatures
 * checked against the GitSync's webhook secret) with lookups and triggers going to the GitSync
 * controllers through `GitSyncTriggers`.
 */
import {
  clusterScopeNamespace,
  createWebhookHandler,
  startWebhookReceiver,
  type WebhookLogger,
  type WebhookReceiver,
} from '../../git/index.js';
import type { GitSyncTriggers } from './setup.js';

export type RunningWebhookReceiver = WebhookReceiver;

/** The GitSync namespace of a hook route (none for a ClusterGitSync). */
function namespaceOf(segment: string): string | undefined {
  return segment === clusterScopeNamespace ? undefined : segment;
}

export function startGitSyncWebhookReceiver(opts: {
  port: number;
  host?: string | undefined;
  triggers: GitSyncTriggers;
  logger?: WebhookLogger | undefined;
}): Promise<RunningWebhookReceiver> {
  const handler = createWebhookHandler({
    lookup: async (namespace, name) => {
      const secret = await opts.triggers.webhookSecret(namespaceOf(namespace), name);
      return secret === undefined ? undefined : { secret };
    },
    trigger: (namespace, name) => {
      opts.triggers.triggerSync(namespaceOf(namespace), name);
    },
    logger: opts.logger,
  });
  return startWebhookReceiver({ port: opts.port, host: opts.host, handler });
}
