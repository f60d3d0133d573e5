import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../kube/index.js';
import { planArchival } from './archive.js';
import { revisionOf, type Revision } from './revisions.js';

interface Spec {
  rev: number;
  available?: boolean;
  lifecycle?: 'Active' | 'Paused' | 'Archived';
  statusPaused?: boolean;
  objects?: string[];
  controllerOf?: string[];
}

function rev(s: Spec): Revision {
  const conds = [
    ...(s.available
      ? [
          {
            type: 'Available',
            status: 'True',
            reason: 'Available',
            message: '',
            lastTransitionTime: '',
          },
        ]
      : []),
    ...(s.statusPaused
      ? [{ type: 'Paused', status: 'True', reason: 'Paused', message: '', lastTransitionTime: '' }]
      : []),
  ];
  const obj: KubeObject = {
    apiVersion: 'package-operator.run/v1alpha1',
    kind: 'ObjectSet',
    metadata: { name: `r${s.rev}`, namespace: 'ns' },
    spec: {
      revision: s.rev,
      lifecycleState: s.lifecycle ?? 'Active',
      phases: [
        {
          name: 'p',
          objects: (s.objects ?? []).map((n) => ({
            object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: n } },
          })),
        },
      ],
    },
    status: {
      revision: s.rev,
      conditions: conds,
      ...(s.controllerOf
        ? {
            controllerOf: s.controllerOf.map((n) => ({
              kind: 'ConfigMap',
              group: '',
              name: n,
              namespace: 'ns',
            })),
          }
        : {}),
    },
  };
  return revisionOf(obj);
}

describe('planArchival', () => {
  it('pauses every older revision below an available one first', () => {
    const plan = planArchival(
      rev({ rev: 3, available: true }),
      [rev({ rev: 1 }), rev({ rev: 2, available: true })],
      10,
    );
    expect(plan).toEqual({ pause: ['r1', 'r2'], archive: [], delete: [] });
  });

  it('archives the ones that report Paused, oldest first', () => {
    const plan = planArchival(
      rev({ rev: 3, available: true }),
      [
        rev({ rev: 1, lifecycle: 'Paused', statusPaused: true }),
        rev({ rev: 2, lifecycle: 'Paused', statusPaused: true }),
      ],
      10,
    );
    expect(plan).toEqual({ pause: [], archive: ['r1', 'r2'], delete: [] });
  });

  it('waits while a pause is requested but not reported', () => {
    expect(
      planArchival(rev({ rev: 2, available: true }), [rev({ rev: 1, lifecycle: 'Paused' })], 10),
    ).toEqual({
      pause: [],
      archive: [],
      delete: [],
    });
  });

  it('keeps an available previous revision while the latest is not available', () => {
    const plan = planArchival(
      rev({ rev: 3, objects: ['a'] }),
      [rev({ rev: 2, available: true, controllerOf: ['a'] })],
      10,
    );
    expect(plan).toEqual({ pause: [], archive: [], delete: [] });
  });

  it('archives an unavailable intermediate revision that controls nothing the newer one has', () => {
    const plan = planArchival(
      rev({ rev: 3, objects: ['c'] }),
      [rev({ rev: 2, controllerOf: ['b'], lifecycle: 'Paused', statusPaused: true })],
      10,
    );
    expect(plan.archive).toEqual(['r2']);
    const waiting = planArchival(rev({ rev: 3, objects: ['c'] }), [rev({ rev: 2 })], 10);
    expect(waiting).toEqual({ pause: [], archive: [], delete: [] });
  });

  it('deletes previous revisions beyond the history limit, oldest first, once something archives', () => {
    const prev = [1, 2, 3].map((r) =>
      rev({ rev: r, lifecycle: r < 3 ? 'Archived' : 'Paused', statusPaused: r === 3 }),
    );
    const plan = planArchival(rev({ rev: 4, available: true }), prev, 1);
    expect(plan).toEqual({ pause: [], archive: ['r3'], delete: ['r1', 'r2'] });
  });

  it('nothing without a current revision', () => {
    expect(planArchival(undefined, [rev({ rev: 1, available: true })], 0)).toEqual({
      pause: [],
      archive: [],
      delete: [],
    });
  });
});
