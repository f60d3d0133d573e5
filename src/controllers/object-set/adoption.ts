/**
 * Adoption and collision protection (pure), as PKO's adoption checker: may an ObjectSet of revision
 * N take over an object that already exists?
 */
import { labels, type CollisionProtection } from '../../apis/index.js';
import type { KubeObject } from '../../kube/index.js';
import {
  controllerOf,
  goGvk,
  goObjectKey,
  isControlledBy,
  objectRevision,
  type Owner,
} from './owner.js';

export type AdoptionDecision =
  /** We are controller already: reconcile the object. */
  | { action: 'reconcile' }
  /** Take over: mark other references non-controller, add ours, set our revision. */
  | { action: 'adopt' }
  /** A newer revision controls the object: leave it alone, but probe it. */
  | { action: 'newer' }
  /** Refuse: the object belongs to someone else (or to a revision with our number). */
  | { action: 'refuse'; error: CollisionError };

export type CollisionReason = 'ObjectNotOwnedByPreviousRevision' | 'RevisionCollision';

/** Refused adoption; the ObjectSet reports it as `Available=False`, reason `CollisionDetected`. */
export class CollisionError extends Error {
  override readonly name: string = 'CollisionError';
  constructor(
    readonly reason: CollisionReason,
    message: string,
  ) {
    super(message);
  }
}

export interface AdoptionInput {
  owner: Owner;
  live: KubeObject;
  collisionProtection: CollisionProtection;
  /**
   * UIDs of the owners that count as previous revisions: the ObjectSets in `spec.previous` and
   * their remote phases (ObjectSetPhases).
   */
  previousOwnerUids: ReadonlySet<string>;
  /** `PKO_FORCE_ADOPTION`: every object is adopted as with `None`. */
  forceAdoption?: boolean | undefined;
}

export function decideAdoption(input: AdoptionInput): AdoptionDecision {
  const { owner, live } = input;
  if (isControlledBy(live, owner.uid)) return { action: 'reconcile' };
  const liveRevision = objectRevision(live);
  if (liveRevision > owner.revision) return { action: 'newer' };

  let protection = input.collisionProtection;
  if (
    input.forceAdoption === true ||
    live.metadata.labels?.[labels.package] === 'package-operator'
  ) {
    protection = 'None';
  }
  if (protection === 'None') return { action: 'adopt' };
  const ctrl = controllerOf(live);
  if (protection === 'IfNoController' && ctrl === undefined) return { action: 'adopt' };

  const gvk = goGvk(live.apiVersion, live.kind);
  const key = goObjectKey(live);
  if (ctrl === undefined || !input.previousOwnerUids.has(ctrl.uid)) {
    return {
      action: 'refuse',
      error: new CollisionError(
        'ObjectNotOwnedByPreviousRevision',
        `refusing adoption, object ${gvk} ${key} not owned by previous revision`,
      ),
    };
  }
  if (liveRevision === owner.revision) {
    return {
      action: 'refuse',
      error: new CollisionError(
        'RevisionCollision',
        `refusing adoption, revision collision on ${gvk} ${key}`,
      ),
    };
  }
  return { action: 'adopt' };
}
