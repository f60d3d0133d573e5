import { describe, expect, it } from 'vitest';
import { adoptedOwnerReferences, desiredObject } from './desired.js';
import type { Owner } from './owner.js';

const owner: Owner = {
  apiVersion: 'package-operator.run/v1alpha1',
  kind: 'ObjectSet',
  name: 'os',
  namespace: 'team',
  uid: 'u1',
  revision: 4,
  labels: {
    'package-operator.run/package': 'pkg',
    'package-operator.run/instance': 'inst',
    other: 'no',
  },
};

describe('desiredObject', () => {
  it('defaults the namespace, adds labels, the revision annotation and the controller reference, drops status', () => {
    const spec = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', labels: { mine: 'yes' } },
      data: { a: '1' },
      status: { x: 1 },
    };
    expect(desiredObject(spec, owner, { namespaced: true })).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'c',
        namespace: 'team',
        labels: {
          mine: 'yes',
          'package-operator.run/cache': 'True',
          'package-operator.run/package': 'pkg',
          'package-operator.run/instance': 'inst',
        },
        annotations: { 'package-operator.run/revision': '4' },
        ownerReferences: [
          {
            apiVersion: owner.apiVersion,
            kind: 'ObjectSet',
            name: 'os',
            uid: 'u1',
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      data: { a: '1' },
    });
    expect(spec.status).toEqual({ x: 1 });
  });

  it('keeps an explicit namespace and drops it for cluster-scoped kinds', () => {
    const ns = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', namespace: 'elsewhere' },
    };
    expect(desiredObject(ns, owner, { namespaced: true }).metadata.namespace).toBe('elsewhere');
    const cluster = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'n', namespace: 'x' },
    };
    expect(desiredObject(cluster, owner, { namespaced: false }).metadata.namespace).toBeUndefined();
  });

  it('adoption keeps other owners as non-controller references', () => {
    const live = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'c',
        ownerReferences: [
          { apiVersion: 'x/v1', kind: 'Old', name: 'old', uid: 'u0', controller: true },
        ],
      },
    };
    expect(adoptedOwnerReferences(live, owner).map((r) => [r.uid, r.controller])).toEqual([
      ['u0', false],
      ['u1', true],
    ]);
  });
});
