import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../kube/index.js';
import { classifyConflict, newObjectSet, type DeploymentLike } from './new-revision.js';
import { revisionOf } from './revisions.js';

const od: DeploymentLike = {
  apiVersion: 'package-operator.run/v1alpha1',
  kind: 'ObjectDeployment',
  metadata: { name: 'app', namespace: 'ns', uid: 'od-uid', annotations: { note: 'x' } },
  spec: {
    template: {
      metadata: { labels: { app: 'app' } },
      spec: { phases: [{ name: 'p', objects: [] }], successDelaySeconds: 3 },
    },
  },
};

const prev = (name: string, revision: number): KubeObject => ({
  apiVersion: 'package-operator.run/v1alpha1',
  kind: 'ObjectSet',
  metadata: { name },
  spec: { revision },
});

describe('newObjectSet', () => {
  it('names, labels, annotates and owns the next revision, pointing at the previous ones', () => {
    const os = newObjectSet(
      od,
      'ObjectSet',
      'package-operator.run/v1alpha1',
      'h4sh',
      [revisionOf(prev('app-a', 1)), revisionOf(prev('app-b', 2))],
      2,
    );
    expect(os).toEqual({
      apiVersion: 'package-operator.run/v1alpha1',
      kind: 'ObjectSet',
      metadata: {
        name: 'app-h4sh',
        namespace: 'ns',
        annotations: { note: 'x', 'package-operator.run/hash': 'h4sh' },
        labels: { app: 'app', 'package-operator.run/object-deployment': 'app' },
        finalizers: ['package-operator.run/cached'],
        ownerReferences: [
          {
            apiVersion: od.apiVersion,
            kind: 'ObjectDeployment',
            name: 'app',
            uid: 'od-uid',
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: {
        phases: [{ name: 'p', objects: [] }],
        successDelaySeconds: 3,
        revision: 3,
        previous: [{ name: 'app-a' }, { name: 'app-b' }],
      },
    });
  });

  it('does nothing for a template without phases', () => {
    const empty = { ...od, spec: { template: { metadata: {}, spec: {} } } };
    expect(newObjectSet(empty, 'ObjectSet', 'v', 'h', [], 0)).toBeUndefined();
  });
});

describe('classifyConflict', () => {
  const wanted = newObjectSet(od, 'ObjectSet', 'package-operator.run/v1alpha1', 'h', [], 0)!;
  it.each([
    ['ours and equal: a slow cache', wanted, 'slowCache'],
    ['not ours', { ...wanted, metadata: { ...wanted.metadata, ownerReferences: [] } }, 'collision'],
    [
      'different template',
      { ...wanted, spec: { ...(wanted.spec as object), phases: [] } },
      'collision',
    ],
    [
      'archived',
      { ...wanted, spec: { ...(wanted.spec as object), lifecycleState: 'Archived' } },
      'collision',
    ],
  ])('%s', (_n, existing, want) => {
    expect(classifyConflict(existing, wanted, 'od-uid')).toBe(want);
  });
});
