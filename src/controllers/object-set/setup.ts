/**
 * Wires the (Cluster)ObjectSet and (Cluster)ObjectSetPhase reconcilers to a Manager: the sets,
 * their slices and phases from the unfiltered cache; managed objects from the label-filtered
 * cache, watched per set (user = the set's uid) and routed back to every owning set.
 */
import type { KindRef } from '../../kube/index.js';
import {
  Controller,
  enqueueObject,
  enqueueOwner,
  type ControllerSetup,
  type ControllerSetupOptions,
  type Manager,
} from '../runtime/index.js';
import { ObjectSetPhaseReconciler } from '../object-set-phase/controller.js';
import { ObjectSetReconciler, type ObjectSetDeps } from './controller.js';
import type { EngineDeps } from './engine.js';
import { coreApiVersion, type ObjectSetScope } from './scope.js';

/** Shared engine dependencies over a manager. */
export function engineDeps(
  mgr: Manager,
): EngineDeps & Pick<ObjectSetDeps, 'watchKinds' | 'freeKinds'> {
  const client = mgr.client;
  return {
    reader: mgr.managed,
    uncached: client,
    writer: client,
    discovery: client.mapper,
    forceAdoption: (process.env.PKO_FORCE_ADOPTION ?? '') !== '',
    watchKinds: async (user, kinds) => {
      const served: KindRef[] = [];
      for (const k of kinds) {
        if ((await client.mapper.tryMapping(k.apiVersion, k.kind)) !== undefined) served.push(k);
      }
      await mgr.managed.setKinds(user, served);
    },
    freeKinds: (user) => mgr.managed.free(user),
  };
}

export function setupObjectSet(scope: ObjectSetScope): ControllerSetup {
  return {
    name: scope.objectSetKind,
    setup(mgr: Manager, opts: ControllerSetupOptions): Controller {
      const r = new ObjectSetReconciler(scope, {
        ...engineDeps(mgr),
        apiReader: mgr.watches,
        events: mgr.events,
        logger: mgr.logger,
      });
      const c = new Controller({
        name: scope.objectSetKind,
        reconcile: (key) => r.reconcile(key),
        workers: opts.workers,
        logger: mgr.logger,
        metrics: mgr.metrics,
      });
      const kind = (k: string): KindRef => ({ apiVersion: coreApiVersion, kind: k });
      const owner = {
        apiVersion: coreApiVersion,
        kind: scope.objectSetKind,
        namespaced: scope.namespaced,
      };
      mgr.watch(scope.objectSetKind, kind(scope.objectSetKind), enqueueObject(c));
      mgr.watch(scope.objectSetKind, kind(scope.phaseKind), enqueueOwner(c, owner));
      mgr.watch(
        scope.objectSetKind,
        kind(scope.sliceKind),
        enqueueOwner(c, { ...owner, controllerOnly: false }),
      );
      // Managed objects: every owning set (a revision losing control must notice too).
      mgr.managed.addHandler(enqueueOwner(c, { ...owner, controllerOnly: false }));
      return c;
    },
  };
}

export function setupObjectSetPhase(scope: ObjectSetScope): ControllerSetup {
  return {
    name: scope.phaseKind,
    setup(mgr: Manager, opts: ControllerSetupOptions): Controller {
      const r = new ObjectSetPhaseReconciler(scope, { ...engineDeps(mgr), apiReader: mgr.watches });
      const c = new Controller({
        name: scope.phaseKind,
        reconcile: (key) => r.reconcile(key),
        workers: opts.workers,
        logger: mgr.logger,
        metrics: mgr.metrics,
      });
      mgr.watch(
        scope.phaseKind,
        { apiVersion: coreApiVersion, kind: scope.phaseKind },
        enqueueObject(c),
      );
      mgr.managed.addHandler(
        enqueueOwner(c, {
          apiVersion: coreApiVersion,
          kind: scope.phaseKind,
          namespaced: scope.namespaced,
          controllerOnly: false,
        }),
      );
      return c;
    },
  };
}
