import { describe, expect, it } from 'vitest';
import type { DeployPlan } from '../../packages/index.js';
import { desiredDeployment, desiredSlices, mergeDeployment } from './desired.js';

const plan: DeployPlan = {
  objectDeployment: {
    apiVersion: 'package-operator.run/v1alpha1',
    kind: 'ObjectDeployment',
    metadata: {
      name: 'p',
      namespace: 'ns',
      labels: { 'package-operator.run/package': 'app', 'package-operator.run/instance': 'p' },
      annotations: { 'package-operator.run/package-source-image': 'r/app:1' },
    },
    spec: {
      selector: { matchLabels: { 'package-operator.run/instance': 'p' } },
      template: { metadata: { labels: {} }, spec: { phases: [], availabilityProbes: [] } },
    },
  },
  slices: [
    {
      apiVersion: 'package-operator.run/v1alpha1',
      kind: 'ObjectSlice',
      metadata: { name: 'p-abc', namespace: 'ns', labels: {} },
      objects: [],
    },
  ],
};
const owner = {
  apiVersion: 'package-operator.run/v1alpha1',
  kind: 'Package',
  name: 'p',
  uid: 'u1',
};

describe('desiredDeployment', () => {
  it('owns the OD by the Package and adds the change cause', () => {
    const od = desiredDeployment(plan, owner, { paused: false, changeCause: 'Installing r/app:1' });
    expect(od.metadata.ownerReferences).toEqual([
      { ...owner, controller: true, blockOwnerDeletion: true },
    ]);
    expect(od.metadata.annotations).toMatchObject({
      'package-operator.run/package-source-image': 'r/app:1',
      'kubernetes.io/change-cause': 'Installing r/app:1',
    });
    expect((od.spec as { paused?: boolean }).paused).toBeUndefined();
  });
  it('propagates spec.paused', () => {
    const od = desiredDeployment(plan, owner, { paused: true, changeCause: '' });
    expect((od.spec as { paused?: boolean }).paused).toBe(true);
  });
});

describe('mergeDeployment', () => {
  it('merges labels and annotations and replaces the spec', () => {
    const desired = desiredDeployment(plan, owner, { paused: false, changeCause: 'c' });
    const live = {
      ...desired,
      metadata: {
        ...desired.metadata,
        resourceVersion: '7',
        labels: { keep: 'me', 'package-operator.run/package': 'old' },
        annotations: { other: 'x' },
      },
      spec: { old: true },
    };
    const merged = mergeDeployment(live, desired);
    expect(merged.metadata.resourceVersion).toBe('7');
    expect(merged.metadata.labels).toMatchObject({
      keep: 'me',
      'package-operator.run/package': 'app',
    });
    expect(merged.metadata.annotations).toMatchObject({
      other: 'x',
      'kubernetes.io/change-cause': 'c',
    });
    expect(merged.spec).toEqual(desired.spec);
  });
});

describe('desiredSlices', () => {
  it('owns each slice by the ObjectDeployment', () => {
    const odOwner = { ...owner, kind: 'ObjectDeployment', uid: 'od1' };
    const [slice] = desiredSlices(plan, odOwner);
    expect(slice?.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'ObjectDeployment',
      uid: 'od1',
      controller: true,
    });
    expect(slice?.metadata.name).toBe('p-abc');
  });
});
