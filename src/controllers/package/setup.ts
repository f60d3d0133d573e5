/** Wires the (Cluster)Package reconciler to a Manager: packages and their ObjectDeployments. */
import { coreGroup, coreVersion } from '../../apis/index.js';
import { BlobCache } from '../../oci/index.js';
import {
  Controller,
  enqueueObject,
  enqueueOwner,
  type ControllerSetup,
  type ControllerSetupOptions,
  type Manager,
} from '../runtime/index.js';
import { pullBackoff } from './backoff.js';
import { PackageReconciler } from './controller.js';
import { EnvironmentProbe, type Environment } from './environment.js';
import { effectiveImage, type ImagePrefixOverride } from './overrides.js';
import type { PullFn } from './pull.js';
import { registryPull } from './registry-access.js';
import type { PackageScope } from './scope.js';

const apiVersion = `${coreGroup}/${coreVersion}`;

export interface PackageSetupOptions {
  /** Registry host -> host pulled from instead (`quay.io` -> `localhost:5001`). */
  registryHostOverrides?: Record<string, string>;
  /** Image prefix replacements, most specific match wins; applied before host overrides. */
  imagePrefixOverrides?: ImagePrefixOverride[];
  /** Appended to every unpack hash: changing it re-renders every package. */
  hashModifier?: string;
  /** ServiceAccount whose `imagePullSecrets` authenticate pulls (read at each pull). */
  pullSecretsFrom?: { namespace: string; serviceAccountName: string };
  /** Directory of the on-disk pull cache; none when unset. */
  cacheDir?: string;
  /** Size bound of the pull cache; default 512 MiB. */
  cacheMaxBytes?: number;
  /** Registries (host[:port]) allowed over plain HTTP / unverified TLS; loopback hosts always are. */
  insecureRegistries?: string[];
  /** Fixed `.environment` instead of detecting it from the cluster. */
  environment?: Environment;
  /** Pull retry delay after the n-th consecutive failure; default 10 s doubling to 300 s. */
  pullBackoff?: (failures: number) => number;
  /** Replaces the registry pull (e.g. to observe pulls); gets the overridden reference. */
  pull?: PullFn;
}

/**
 * One pull cache per options object: the Package and ClusterPackage controllers of one manager
 * share it (and its size accounting); a new manager reads the directory afresh.
 */
const caches = new WeakMap<PackageSetupOptions, BlobCache>();
function cacheFor(options: PackageSetupOptions): BlobCache | undefined {
  if (options.cacheDir === undefined) return undefined;
  let c = caches.get(options);
  if (c === undefined) {
    c = new BlobCache({
      dir: options.cacheDir,
      ...(options.cacheMaxBytes !== undefined ? { maxBytes: options.cacheMaxBytes } : {}),
    });
    caches.set(options, c);
  }
  return c;
}

export function setupPackage(
  scope: PackageScope,
  options: PackageSetupOptions = {},
): ControllerSetup {
  return {
    name: scope.packageKind,
    setup(mgr: Manager, opts: ControllerSetupOptions): Controller {
      const pull =
        options.pull ??
        registryPull(mgr.client, {
          insecureRegistries: options.insecureRegistries,
          pullSecretsFrom: options.pullSecretsFrom,
          cache: cacheFor(options),
        });
      const fixed = options.environment;
      const probe = fixed === undefined ? new EnvironmentProbe(mgr.client) : undefined;
      const r = new PackageReconciler(scope, {
        reader: mgr.watches,
        uncached: mgr.client,
        writer: mgr.client,
        pull,
        events: mgr.events,
        environment: () => (probe === undefined ? Promise.resolve(fixed ?? {}) : probe.current()),
        resolveImage: (image) => effectiveImage(image, options),
        hashInputs: {
          modifier: options.hashModifier,
          imagePrefixOverrides: options.imagePrefixOverrides,
        },
        pullBackoff: options.pullBackoff ?? pullBackoff,
      });
      const c = new Controller({
        name: scope.packageKind,
        reconcile: (key) => r.reconcile(key),
        workers: opts.workers,
        logger: mgr.logger,
        metrics: mgr.metrics,
      });
      mgr.watch(scope.packageKind, { apiVersion, kind: scope.packageKind }, enqueueObject(c));
      mgr.watch(
        scope.packageKind,
        { apiVersion, kind: scope.deploymentKind },
        enqueueOwner(c, { apiVersion, kind: scope.packageKind, namespaced: scope.namespaced }),
      );
      return c;
    },
  };
}
