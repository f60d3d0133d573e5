/** Wires the (Cluster)ObjectDeployment reconciler to a Manager: deployments and their ObjectSets. */
import {
  Controller,
  enqueueObject,
  enqueueOwner,
  type ControllerSetup,
  type ControllerSetupOptions,
  type Manager,
} from '../runtime/index.js';
import { coreApiVersion, type ObjectSetScope } from '../object-set/scope.js';
import { ObjectDeploymentReconciler } from './controller.js';

export function setupObjectDeployment(scope: ObjectSetScope): ControllerSetup {
  return {
    name: scope.deploymentKind,
    setup(mgr: Manager, opts: ControllerSetupOptions): Controller {
      const r = new ObjectDeploymentReconciler(scope, {
        apiReader: mgr.watches,
        uncached: mgr.client,
        writer: mgr.client,
        events: mgr.events,
      });
      const c = new Controller({
        name: scope.deploymentKind,
        reconcile: (key) => r.reconcile(key),
        workers: opts.workers,
        logger: mgr.logger,
        metrics: mgr.metrics,
      });
      mgr.watch(
        scope.deploymentKind,
        { apiVersion: coreApiVersion, kind: scope.deploymentKind },
        enqueueObject(c),
      );
      mgr.watch(
        scope.deploymentKind,
        { apiVersion: coreApiVersion, kind: scope.objectSetKind },
        enqueueOwner(c, {
          apiVersion: coreApiVersion,
          kind: scope.deploymentKind,
          namespaced: scope.namespaced,
        }),
      );
      return c;
    },
  };
}
