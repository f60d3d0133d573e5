import { describe, expect, it } from 'vitest';
import type { KubeObject, OwnerReference } from '../../kube/index.js';
import { decideAdoption } from './adoption.js';
import type { Owner } from './owner.js';

const owner: Owner = {
  apiVersion: 'package-operator.run/v1alpha1',
  kind: 'ObjectSet',
  name: 'rev2',
  namespace: 'ns',
  uid: 'uid-rev2',
  revision: 2,
  labels: {},
};

function live(opts: { revision?: string; controller?: string; label?: string } = {}): KubeObject {
  const refs: OwnerReference[] = opts.controller
    ? [{ apiVersion: 'x/v1', kind: 'X', name: 'x', uid: opts.controller, controller: true }]
    : [];
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'd',
      namespace: 'ns',
      ownerReferences: refs,
      ...(opts.revision ? { annotations: { 'package-operator.run/revision': opts.revision } } : {}),
      ...(opts.label ? { labels: { 'package-operator.run/package': opts.label } } : {}),
    },
  };
}

const prev = new Set(['uid-rev1']);

describe('decideAdoption', () => {
  const cases: {
    name: string;
    obj: KubeObject;
    protection: 'Prevent' | 'IfNoController' | 'None';
    force?: boolean;
    want: string;
  }[] = [
    {
      name: 'already controller',
      obj: live({ controller: 'uid-rev2', revision: '2' }),
      protection: 'Prevent',
      want: 'reconcile',
    },
    {
      name: 'newer revision controls it',
      obj: live({ controller: 'uid-rev3', revision: '3' }),
      protection: 'None',
      want: 'newer',
    },
    {
      name: 'None adopts an owned object',
      obj: live({ controller: 'other' }),
      protection: 'None',
      want: 'adopt',
    },
    {
      name: 'IfNoController adopts an unowned object',
      obj: live(),
      protection: 'IfNoController',
      want: 'adopt',
    },
    {
      name: 'IfNoController refuses an owned object',
      obj: live({ controller: 'other' }),
      protection: 'IfNoController',
      want: 'refuse:ObjectNotOwnedByPreviousRevision',
    },
    {
      name: 'Prevent refuses an unowned object',
      obj: live(),
      protection: 'Prevent',
      want: 'refuse:ObjectNotOwnedByPreviousRevision',
    },
    {
      name: 'Prevent adopts from a previous revision',
      obj: live({ controller: 'uid-rev1', revision: '1' }),
      protection: 'Prevent',
      want: 'adopt',
    },
    {
      name: 'Prevent refuses a previous revision with our number',
      obj: live({ controller: 'uid-rev1', revision: '2' }),
      protection: 'Prevent',
      want: 'refuse:RevisionCollision',
    },
    {
      name: 'forced adoption',
      obj: live({ controller: 'other' }),
      protection: 'Prevent',
      force: true,
      want: 'adopt',
    },
    {
      name: 'package-operator package is always adopted',
      obj: live({ controller: 'other', label: 'package-operator' }),
      protection: 'Prevent',
      want: 'adopt',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const d = decideAdoption({
        owner,
        live: c.obj,
        collisionProtection: c.protection,
        previousOwnerUids: prev,
        forceAdoption: c.force,
      });
      expect(d.action === 'refuse' ? `refuse:${d.error.reason}` : d.action).toBe(c.want);
    });
  }

  it('words the refusal as PKO does', () => {
    const d = decideAdoption({
      owner,
      live: live(),
      collisionProtection: 'Prevent',
      previousOwnerUids: prev,
    });
    expect(d.action === 'refuse' && d.error.message).toBe(
      'refusing adoption, object apps/v1, Kind=Deployment ns/d not owned by previous revision',
    );
    const c = decideAdoption({
      owner,
      live: live({ controller: 'uid-rev1', revision: '2' }),
      collisionProtection: 'Prevent',
      previousOwnerUids: prev,
    });
    expect(c.action === 'refuse' && c.error.message).toBe(
      'refusing adoption, revision collision on apps/v1, Kind=Deployment ns/d',
    );
  });
});
