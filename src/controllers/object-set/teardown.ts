/**
 * Teardown decisions (pure): what to do with one live object when its ObjectSet is deleted or
 * archived. Phases are torn down in reverse order, one phase at a time.
 */
import type { KubeObject } from '../../kube/index.js';
import { isControlledBy, isOwnedBy } from './owner.js';

export type TeardownAction =
  /** Nothing to do for this object (gone, or not ours at all). */
  | { action: 'done' }
  /** We control it: delete with uid + resourceVersion preconditions and wait until it is gone. */
  | { action: 'delete'; uid: string; resourceVersion: string }
  /** Already being deleted by us: wait. */
  | { action: 'wait' }
  /** We are an owner but not the controller: drop our reference (and the cache label), keep the object. */
  | { action: 'release' };

export function teardownAction(live: KubeObject | undefined, ownerUid: string): TeardownAction {
  if (live === undefined) return { action: 'done' };
  if (isControlledBy(live, ownerUid)) {
    if (live.metadata.deletionTimestamp !== undefined) return { action: 'wait' };
    return {
      action: 'delete',
      uid: live.metadata.uid ?? '',
      resourceVersion: live.metadata.resourceVersion ?? '',
    };
  }
  if (isOwnedBy(live, ownerUid)) return { action: 'release' };
  return { action: 'done' };
}

/** Phase indexes in teardown order: the last phase first. */
export function teardownOrder<T>(phases: readonly T[]): T[] {
  return [...phases].reverse();
}
