import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../kube/index.js';
import { deploymentStatus } from './conditions.js';
import { revisionOf, type Revision } from './revisions.js';

const now = new Date('2026-01-01T00:00:00Z');

function rev(name: string, revision: number, conds: Record<string, [string, string?]>): Revision {
  const obj: KubeObject = {
    apiVersion: 'package-operator.run/v1alpha1',
    kind: 'ObjectSet',
    metadata: { name, namespace: 'ns', generation: 1 },
    spec: { revision },
    status: {
      revision,
      conditions: Object.entries(conds).map(([type, [status, message]]) => ({
        type,
        status,
        reason: 'R',
        message: message ?? '',
        observedGeneration: 1,
        lastTransitionTime: '2026-01-01T00:00:00Z',
      })),
    },
  };
  return revisionOf(obj);
}

function status(current: Revision | undefined, previous: Revision[]) {
  const s = deploymentStatus({
    conditions: [],
    generation: 7,
    current,
    previous,
    objectSetKind: 'ObjectSet',
    objectSetGroup: 'package-operator.run',
    now,
  });
  const c = (t: string) => s.conditions.find((x) => x.type === t);
  return { s, c };
}

describe('deploymentStatus', () => {
  it('no current revision: Progressing, availability from previous', () => {
    const { s, c } = status(undefined, [rev('a-1', 1, { Available: ['True'] })]);
    expect(c('Progressing')).toMatchObject({
      status: 'True',
      reason: 'Progressing',
      message: 'Progressing to a new ObjectSet.',
      observedGeneration: 7,
    });
    expect(c('Available')).toMatchObject({
      status: 'True',
      reason: 'Available',
      message: "Previous Revision 'a-1' is still Available.",
    });
    expect(s.revision).toBe(1);
    expect(s.phase).toBe('Progressing');
  });

  it('nothing available', () => {
    const { c } = status(undefined, []);
    expect(c('Available')).toMatchObject({
      status: 'False',
      reason: 'ObjectSetUnready',
      message: 'No ObjectSet is available.',
    });
  });

  it('latest unavailable: pending success with its message', () => {
    const { c } = status(rev('a-2', 2, { Available: ['False', 'Phase "p" failed: x'] }), [
      rev('a-1', 1, { Available: ['True'] }),
    ]);
    expect(c('Progressing')).toMatchObject({
      status: 'True',
      reason: 'LatestRevisionPendingSuccess',
      message: 'Latest Revision is Unavailable: Phase "p" failed: x',
    });
    expect(c('Available')?.message).toBe("Previous Revision 'a-1' is still Available.");
  });

  it('latest available, success delay running', () => {
    const { c } = status(rev('a-2', 2, { Available: ['True'] }), []);
    expect(c('Progressing')?.message).toBe(
      'Latest Revision is Available: pending success delay period',
    );
  });

  it('latest succeeded and available: Idle, Available, controllerOf', () => {
    const { s, c } = status(rev('a-2', 2, { Available: ['True'], Succeeded: ['True'] }), [
      rev('a-1', 1, {}),
    ]);
    expect(c('Progressing')).toMatchObject({
      status: 'False',
      reason: 'Idle',
      message: 'Update concluded.',
    });
    expect(c('Available')).toMatchObject({
      status: 'True',
      message: 'Latest Revision is Available.',
    });
    expect(s.controllerOf?.map((r) => r.name)).toEqual(['a-1', 'a-2']);
    expect(s.phase).toBe('Available');
    expect(s.revision).toBe(2);
  });

  it('paused latest revision', () => {
    const { s, c } = status(
      rev('a-2', 2, {
        Available: ['True'],
        Succeeded: ['True'],
        Paused: ['True', 'Lifecycle state set to paused.'],
      }),
      [],
    );
    expect(c('Paused')).toMatchObject({
      status: 'True',
      reason: 'Paused',
      message: 'Latest revision is paused: Lifecycle state set to paused.',
    });
    expect(s.phase).toBe('Paused');
  });

  it('copies mapped conditions of the current revision', () => {
    const { c } = status(rev('a-2', 2, { Available: ['True'], 'my.io/Ready': ['True', 'ok'] }), []);
    expect(c('my.io/Ready')).toMatchObject({
      status: 'True',
      message: 'ok',
      observedGeneration: 7,
    });
  });
});
