/**
 * The controllers `packsync manager` runs.
 *
 *   startManager (src/controllers/runtime) -> each ControllerSetup.setup(manager) builds its
 *   Controller and registers the informers and handlers it needs -> manager.start().
 *
 * Add a controller here when it works end to end; `buildControllerSetups` turns the manager's
 * flags into each controller's options.
 */
import { setupObjectDeployment } from './object-deployment/setup.js';
import { objectTemplateKinds, setupObjectTemplate } from './object-template/setup.js';
import { scopes } from './object-set/scope.js';
import { setupObjectSet, setupObjectSetPhase } from './object-set/setup.js';
import { packageScopes } from './package/scope.js';
import { setupPackage, type PackageSetupOptions } from './package/setup.js';
import { setupGitSyncs, type GitSyncSetupOptions } from './git-sync/setup.js';
import type { ObjectTemplateDeps } from './object-template/controller.js';
import type { ControllerSetup } from './runtime/index.js';

export type { ControllerSetup, ControllerSetupOptions } from './runtime/index.js';

/** Options the manager's flags feed into the controllers (each controller owns its part). */
export interface ControllersOptions {
  /** (Cluster)Package: registry access, overrides, pull cache. */
  package?: PackageSetupOptions;
  /** (Cluster)ObjectTemplate: source retry intervals. */
  objectTemplate?: Pick<ObjectTemplateDeps, 'sourceRetryMs' | 'optionalRetryMs'>;
  /**
   * (Cluster)GitSync: Git cache dir, trigger registry (for the webhook receiver), image check (by
   * default with the Package controller's registry options).
   */
  gitSync?: GitSyncSetupOptions;
}

/** The controllers the manager runs, configured from its flags. */
export function buildControllerSetups(opts: ControllersOptions = {}): readonly ControllerSetup[] {
  return [
    // Revision engine: (Cluster)ObjectDeployment -> (Cluster)ObjectSet -> (Cluster)ObjectSetPhase
    // of class default -> managed objects.
    ...scopes.flatMap((scope) => [
      setupObjectDeployment(scope),
      setupObjectSet(scope),
      setupObjectSetPhase(scope),
    ]),
    // (Cluster)ObjectTemplate: sources -> rendered object.
    ...objectTemplateKinds.map((kind) => setupObjectTemplate(kind, opts.objectTemplate)),
    // (Cluster)Package -> pull, load, render -> (Cluster)ObjectDeployment and ObjectSlices.
    ...packageScopes.map((scope) => setupPackage(scope, opts.package)),
    // (Cluster)GitSync -> resolve, fetch, load, render -> (Cluster)ObjectDeployment per commit.
    ...setupGitSyncs({ registry: opts.package, ...opts.gitSync }),
  ];
}

export {
  GitSyncTriggers,
  defaultGitSyncTriggers,
  type GitSyncSetupOptions,
} from './git-sync/setup.js';
export { startGitSyncWebhookReceiver, type RunningWebhookReceiver } from './git-sync/webhook.js';
