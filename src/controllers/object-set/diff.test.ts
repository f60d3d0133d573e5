import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../kube/index.js';
import { differences } from './diff.js';

const ref = {
  apiVersion: 'package-operator.run/v1alpha1',
  kind: 'ObjectSet',
  name: 'os',
  uid: 'u1',
  controller: true,
  blockOwnerDeletion: true,
};

function obj(
  extra: Partial<KubeObject> & { labels?: Record<string, string>; refs?: unknown[] } = {},
): KubeObject {
  const { labels, refs, ...rest } = extra;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'd',
      namespace: 'ns',
      labels: labels ?? { a: '1' },
      ownerReferences: (refs ?? [ref]) as never,
    },
    spec: { replicas: 1, template: { spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    ...rest,
  };
}

describe('differences', () => {
  const desired = obj();
  const cases: { name: string; live: KubeObject; want: string[] }[] = [
    { name: 'identical', live: obj(), want: [] },
    { name: 'labels added by others', live: obj({ labels: { a: '1', b: '2' } }), want: [] },
    { name: 'our label changed', live: obj({ labels: { a: '2' } }), want: ['metadata.labels.a'] },
    {
      name: 'server defaults inside list items',
      live: obj({
        spec: {
          replicas: 1,
          strategy: {},
          template: {
            spec: { containers: [{ name: 'c', image: 'nginx', imagePullPolicy: 'Always' }] },
          },
        },
      }),
      want: [],
    },
    {
      name: 'a value we set drifted',
      live: obj({
        spec: { replicas: 3, template: { spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
      }),
      want: ['spec.replicas'],
    },
    {
      name: 'a list item was added',
      live: obj({
        spec: {
          replicas: 1,
          template: { spec: { containers: [{ name: 'c', image: 'nginx' }, { name: 'x' }] } },
        },
      }),
      want: ['spec.template.spec.containers'],
    },
    {
      name: 'not the controller any more',
      live: obj({ refs: [{ ...ref, controller: false }] }),
      want: ['metadata.ownerReferences[u1]'],
    },
    {
      name: 'our owner reference missing',
      live: obj({ refs: [] }),
      want: ['metadata.ownerReferences[u1]'],
    },
    { name: 'status is not compared', live: obj({ status: { replicas: 0 } }), want: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(differences(desired, c.live)).toEqual(c.want);
    });
  }

  it('treats an empty desired map as matching an absent field', () => {
    expect(differences({ ...obj(), data: {} }, obj())).toEqual([]);
  });
});
