/**
 * Wires the (Cluster)GitSync reconcilers to a Manager: both scopes share one Git source (one cache
 * directory) and one `GitSyncTriggers`, through which the webhook receiver (`webhook.ts`) asks for
 * an immediate sync.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { coreGroup, coreVersion, packsyncGroup, packsyncVersion } from '../../apis/index.js';
import { GitSource } from '../../git/index.js';
import type { KubeReader } from '../../kube/index.js';
import { loadDockerConfig, parseReference, RegistryClient } from '../../oci/index.js';
import { defaultRenderCapabilities } from '../../packages/engines.js';
import {
  Controller,
  enqueueObject,
  enqueueOwner,
  type ControllerSetup,
  type ControllerSetupOptions,
  type Manager,
} from '../runtime/index.js';
import type { Backoff } from './backoff.js';
import { effectiveImage } from '../package/overrides.js';
import { isInsecureRegistry, serviceAccountCredentials } from '../package/registry-access.js';
import type { PackageSetupOptions } from '../package/setup.js';
import { GitSyncReconciler, type CheckImageFn, type GitSourceLike } from './controller.js';
import { webhookSecretFromSecret } from './credentials.js';
import { gitSyncScopes, scopeOfNamespace, type GitSyncScope } from './scope.js';

const apiVersion = `${packsyncGroup}/${packsyncVersion}`;
const coreApiVersion = `${coreGroup}/${coreVersion}`;

export interface GitSyncSetupOptions {
  /** Cache of fetched repositories (default `<tmp>/packsync-git`). */
  cacheDir?: string | undefined;
  /** Replaces the Git source (default a `GitSource` over `cacheDir`). */
  source?: GitSourceLike | undefined;
  /**
   * Checks the Package/ClusterPackage images of a commit before it is applied (default: a HEAD of
   * the image manifest with `registry`); `false` turns the check off.
   */
  checkImage?: CheckImageFn | false | undefined;
  /**
   * Registry access of the default image check: the Package controller's options, so an image is
   * checked where that controller will pull it from (overrides, insecure registries, pull secrets).
   */
  registry?: ImageCheckRegistryOptions | undefined;
  fetchBackoff?: Backoff | undefined;
  /** Where the controllers register for triggers (default `defaultGitSyncTriggers`). */
  triggers?: GitSyncTriggers | undefined;
}

/**
 * Immediate syncs by GitSync: a namespace means a GitSync, none a ClusterGitSync. Filled in by the
 * controllers as they are set up.
 */
export class GitSyncTriggers {
  private readonly controllers = new Map<
    GitSyncScope['kind'],
    { controller: Controller; reconciler: GitSyncReconciler }
  >();
  private reader: KubeReader | undefined;

  /** Called by the setups. */
  attach(
    scope: GitSyncScope,
    controller: Controller,
    reconciler: GitSyncReconciler,
    reader: KubeReader,
  ): void {
    this.controllers.set(scope.kind, { controller, reconciler });
    this.reader = reader;
  }

  /** Queues an immediate sync of the (Cluster)GitSync; false when its controller is not running. */
  triggerSync(namespace: string | undefined, name: string): boolean {
    const scope = scopeOfNamespace(namespace);
    const c = this.controllers.get(scope.kind);
    if (c === undefined) return false;
    const key = scope.namespaced ? `${namespace ?? ''}/${name}` : name;
    c.reconciler.requestSync(key);
    c.controller.enqueue(key);
    return true;
  }

  /**
   * The webhook secret of a (Cluster)GitSync: key `webhookSecret` of its `spec.secretRef` Secret;
   * undefined when the GitSync, the Secret or the key is missing (the receiver then refuses).
   */
  async webhookSecret(namespace: string | undefined, name: string): Promise<string | undefined> {
    const reader = this.reader;
    if (reader === undefined) return undefined;
    const scope = scopeOfNamespace(namespace);
    const gs = await reader.get({
      apiVersion,
      kind: scope.kind,
      name,
      namespace: scope.namespaced ? namespace : undefined,
    });
    const ref = (gs?.spec as { secretRef?: { name?: string; namespace?: string } } | undefined)
      ?.secretRef;
    if (gs === undefined || ref?.name === undefined) return undefined;
    const secret = await reader.get({
      apiVersion: 'v1',
      kind: 'Secret',
      name: ref.name,
      namespace: scope.namespaced ? namespace : ref.namespace,
    });
    return secret === undefined ? undefined : webhookSecretFromSecret(secret);
  }
}

/**
 * The triggers the manager's setups register with when given none: the manager's webhook receiver
 * (`--webhook-receiver-port`) reaches the controllers through it.
 */
export const defaultGitSyncTriggers = new GitSyncTriggers();

/** The part of the Package controller's options that says how its images are reached. */
export type ImageCheckRegistryOptions = Pick<
  PackageSetupOptions,
  'registryHostOverrides' | 'imagePrefixOverrides' | 'insecureRegistries' | 'pullSecretsFrom'
>;

/**
 * A HEAD of the image manifest, reached as the Package controller pulls it: the overridden
 * reference, plain HTTP only for loopback or listed insecure registries, credentials of the pull
 * ServiceAccount (else the docker config). A HEAD needs no blobs, so the pull cache plays no part.
 */
export function registryImageCheck(
  reader: KubeReader,
  registry: ImageCheckRegistryOptions = {},
): CheckImageFn {
  return async (image) => {
    const reference = effectiveImage(image, registry);
    const credentials =
      registry.pullSecretsFrom !== undefined
        ? await serviceAccountCredentials(reader, registry.pullSecretsFrom)
        : await loadDockerConfig();
    const insecure = isInsecureRegistry(
      parseReference(reference).registry,
      registry.insecureRegistries,
    );
    await new RegistryClient({ credentials, insecure }).resolveDigest(reference);
  };
}

/** The setups of both scopes, sharing the Git source and the triggers. */
export function setupGitSyncs(options: GitSyncSetupOptions = {}): ControllerSetup[] {
  let source: GitSourceLike | undefined = options.source;
  const triggers = options.triggers ?? defaultGitSyncTriggers;
  return gitSyncScopes.map((scope) => ({
    name: scope.kind,
    setup(mgr: Manager, opts: ControllerSetupOptions): Controller {
      const git = (source ??= new GitSource({
        cacheDir: options.cacheDir ?? join(tmpdir(), 'packsync-git'),
        logger: mgr.logger,
      }));
      const checkImage =
        options.checkImage === false
          ? undefined
          : (options.checkImage ?? registryImageCheck(mgr.client, options.registry));
      const r = new GitSyncReconciler(scope, {
        reader: mgr.client,
        writer: mgr.client,
        source: git,
        caps: defaultRenderCapabilities(),
        checkImage,
        events: mgr.events,
        fetchBackoff: options.fetchBackoff,
      });
      const c = new Controller({
        name: scope.kind,
        reconcile: (key) => r.reconcile(key),
        workers: opts.workers,
        logger: mgr.logger,
        metrics: mgr.metrics,
      });
      triggers.attach(scope, c, r, mgr.client);
      mgr.watch(scope.kind, { apiVersion, kind: scope.kind }, enqueueObject(c));
      mgr.watch(
        scope.kind,
        { apiVersion: coreApiVersion, kind: scope.deploymentKind },
        enqueueOwner(c, { apiVersion, kind: scope.kind, namespaced: scope.namespaced }),
      );
      return c;
    },
  }));
}
