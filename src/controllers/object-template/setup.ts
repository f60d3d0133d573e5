/**
 * Wires the (Cluster)ObjectTemplate reconciler to a Manager: templates from the unfiltered cache;
 * sources and templated objects from the label-filtered cache (kinds registered per template),
 * routed back to every template reading or writing them.
 */
import {
  Controller,
  enqueueMapped,
  enqueueObject,
  type ControllerSetup,
  type ControllerSetupOptions,
  type Manager,
} from '../runtime/index.js';
import type { KindRef } from '../../kube/index.js';
import { coreApiVersion } from '../object-set/scope.js';
import {
  ObjectTemplateReconciler,
  type ObjectTemplateDeps,
  type ObjectTemplateKind,
} from './controller.js';

export const objectTemplateKinds: readonly ObjectTemplateKind[] = [
  'ObjectTemplate',
  'ClusterObjectTemplate',
];

export function setupObjectTemplate(
  kind: ObjectTemplateKind,
  tuning: Pick<ObjectTemplateDeps, 'sourceRetryMs' | 'optionalRetryMs'> = {},
): ControllerSetup {
  return {
    name: kind,
    setup(mgr: Manager, opts: ControllerSetupOptions): Controller {
      const client = mgr.client;
      const r = new ObjectTemplateReconciler(kind, {
        ...tuning,
        apiReader: mgr.watches,
        managed: mgr.managed,
        uncached: client,
        writer: client,
        mapping: (apiVersion, k) => client.mapper.tryMapping(apiVersion, k),
        watchKinds: (user, kinds: KindRef[]) => mgr.managed.setKinds(user, kinds),
        freeKinds: (user) => mgr.managed.free(user),
        events: mgr.events,
      });
      const c = new Controller({
        name: kind,
        reconcile: (key) => r.reconcile(key),
        workers: opts.workers,
        logger: mgr.logger,
        metrics: mgr.metrics,
      });
      mgr.watch(kind, { apiVersion: coreApiVersion, kind }, enqueueObject(c));
      mgr.managed.addHandler(enqueueMapped(c, (obj) => r.templatesFor(obj)));
      return c;
    },
  };
}
