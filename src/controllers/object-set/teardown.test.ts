import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../kube/index.js';
import { teardownAction, teardownOrder } from './teardown.js';

function live(controller: boolean | undefined, deleting = false): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'c',
      uid: 'obj-uid',
      resourceVersion: '7',
      ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
      ownerReferences:
        controller === undefined
          ? []
          : [{ apiVersion: 'v', kind: 'ObjectSet', name: 'os', uid: 'me', controller }],
    },
  };
}

describe('teardownAction', () => {
  it.each([
    ['gone', undefined, 'done'],
    ['controlled', live(true), 'delete'],
    ['controlled and being deleted', live(true, true), 'wait'],
    ['owned, not controlled', live(false), 'release'],
    ['not ours', live(undefined), 'done'],
  ])('%s -> %s', (_n, obj, want) => {
    expect(teardownAction(obj, 'me').action).toBe(want);
  });

  it('deletes with uid and resourceVersion preconditions', () => {
    expect(teardownAction(live(true), 'me')).toEqual({
      action: 'delete',
      uid: 'obj-uid',
      resourceVersion: '7',
    });
  });

  it('tears phases down last first', () => {
    expect(teardownOrder(['crds', 'rbac', 'deploy'])).toEqual(['deploy', 'rbac', 'crds']);
  });
});
