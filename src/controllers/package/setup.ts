/** Wires the (Cluster)Package reconciler to a Manager: packages and their ObjectDeployments. */
import { coreGroup, coreVersion } from '../../apis/index.js';
import { pullPackage, type PullOptions } from '../../packages/index.js';
import {
  Controller,
  enqueueObject,
  enqueueOwner,
  type ControllerSetup,
  type ControllerSetupOptions,
  type Manager,
} from '../runtime/index.js';
import { PackageReconciler } from './controller.js';
import type { PullFn } from './pull.js';
import type { PackageScope } from './scope.js';

const apiVersion = `${coreGroup}/${coreVersion}`;

export interface PackageSetupOptions {
  /** Registry options; default `insecure` like Package Operator's (`crane.Insecure`). */
  pullOptions?: PullOptions;
  /** Replaces the registry pull (e.g. to observe pulls); default `pullPackage`. */
  pull?: PullFn;
}

/** Pulls run in-process with credentials from the docker config. */
export function setupPackage(
  scope: PackageScope,
  options: PackageSetupOptions = {},
): ControllerSetup {
  const pullOptions = options.pullOptions ?? { insecure: true };
  const pull = options.pull ?? ((ref: string) => pullPackage(ref, pullOptions));
  return {
    name: scope.packageKind,
    setup(mgr: Manager, opts: ControllerSetupOptions): Controller {
      const r = new PackageReconciler(scope, {
        reader: mgr.client,
        writer: mgr.client,
        pull,
        events: mgr.events,
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
