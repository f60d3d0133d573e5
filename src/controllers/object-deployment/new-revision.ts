/**
 * The next revision (pure): the ObjectSet to create when no ObjectSet matches the template hash
 * (born with the ObjectSet controller's `cached` finalizer), and what an AlreadyExists answer
 * means (a slow cache, or a hash collision).
 */
import { annotations as A, finalizers as F, labels as L } from '../../apis/index.js';
import type { KubeObject } from '../../kube/index.js';
import { canonicalJson, revisionName } from './hash.js';
import type { Revision } from './revisions.js';

export interface DeploymentLike {
  apiVersion: string;
  kind: string;
  metadata: {
    name?: string;
    namespace?: string;
    uid?: string;
    annotations?: Record<string, string>;
  };
  spec: {
    template: {
      metadata: { labels?: Record<string, string> };
      spec: { phases?: unknown[]; availabilityProbes?: unknown[]; successDelaySeconds?: number };
    };
  };
}

/** Undefined when the template has no phases (an empty deployment waits for its spec). */
export function newObjectSet(
  od: DeploymentLike,
  objectSetKind: string,
  apiVersion: string,
  hash: string,
  previous: readonly Revision[],
  latestRevision: number,
): KubeObject | undefined {
  const t = od.spec.template;
  if ((t.spec.phases?.length ?? 0) === 0) return undefined;
  const name = od.metadata.name ?? '';
  const spec: Record<string, unknown> = {
    ...structuredClone(t.spec),
    revision: latestRevision + 1,
  };
  if (previous.length > 0) spec.previous = previous.map((p) => ({ name: p.name }));
  return {
    apiVersion,
    kind: objectSetKind,
    metadata: {
      name: revisionName(name, hash),
      ...(od.metadata.namespace !== undefined ? { namespace: od.metadata.namespace } : {}),
      annotations: { ...(od.metadata.annotations ?? {}), [A.hash]: hash },
      labels: { ...(t.metadata.labels ?? {}), [L.objectDeployment]: name },
      // The finalizer the ObjectSet controller would add on its first reconcile: set at creation,
      // it saves a write (and a reconcile) per revision.
      finalizers: [F.cached],
      ownerReferences: [
        {
          apiVersion: od.apiVersion,
          kind: od.kind,
          name,
          uid: od.metadata.uid ?? '',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec,
  };
}

/** The template part of an ObjectSet spec, for equality checks. */
function templateSpecOf(spec: Record<string, unknown> | undefined): string {
  const s = spec ?? {};
  return canonicalJson({
    phases: s.phases ?? [],
    availabilityProbes: s.availabilityProbes ?? [],
    successDelaySeconds: s.successDelaySeconds ?? 0,
  });
}

export type ConflictVerdict = 'slowCache' | 'collision';

/**
 * The create answered AlreadyExists: the existing ObjectSet is ours (not archived, controlled by
 * the deployment, same template) — the cache is slow, nothing to do — or the hash collides and the
 * collision count must go up.
 */
export function classifyConflict(
  existing: KubeObject,
  wanted: KubeObject,
  deploymentUid: string,
): ConflictVerdict {
  const ctrl = existing.metadata.ownerReferences?.find((r) => r.controller === true);
  const lifecycle = (existing.spec as { lifecycleState?: string } | undefined)?.lifecycleState;
  const same =
    templateSpecOf(existing.spec as Record<string, unknown> | undefined) ===
    templateSpecOf(wanted.spec as Record<string, unknown> | undefined);
  if (lifecycle !== 'Archived' && ctrl?.uid === deploymentUid && same) return 'slowCache';
  return 'collision';
}
