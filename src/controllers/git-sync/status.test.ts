import { describe, expect, it } from 'vitest';
import type { Condition } from '../../apis/index.js';
import type { KubeObject } from '../../kube/index.js';
import { isRefused, rolloutState, syncConditions, type RolloutState } from './status.js';

const now = new Date('2026-01-02T03:04:05Z');
const sha = '0123456789abcdef0123456789abcdef01234567';

function od(generation: number, conditions: Record<string, unknown>[], revision = 2): KubeObject {
  return {
    apiVersion: 'package-operator.run/v1alpha1',
    kind: 'ClusterObjectDeployment',
    metadata: { name: 'prod', generation },
    status: { revision, conditions },
  };
}

const cond = (type: string, status: string, reason: string, message: string, g = 3) => ({
  type,
  status,
  reason,
  message,
  observedGeneration: g,
});

function summary(list: readonly Condition[]): Record<string, string> {
  return Object.fromEntries(list.map((c) => [c.type, `${c.status}/${c.reason}`]));
}

const done: RolloutState = { done: true, revision: 2, message: 'Latest Revision is Available.' };
const rolling: RolloutState = {
  done: false,
  revision: 2,
  message: 'Progressing to a new ObjectSet.',
};

describe('rolloutState', () => {
  it('is done when the current generation is Available and no longer progressing', () => {
    const s = rolloutState(
      od(3, [
        cond('Available', 'True', 'Available', 'Latest Revision is Available.'),
        cond('Progressing', 'False', 'Idle', 'Update concluded.'),
      ]),
    );
    expect(s).toEqual({ done: true, revision: 2, message: 'Latest Revision is Available.' });
  });

  it('is not done while progressing, or while the conditions are of an older generation', () => {
    expect(
      rolloutState(
        od(3, [
          cond('Available', 'True', 'Available', "Previous Revision 'x' is still Available."),
          cond(
            'Progressing',
            'True',
            'LatestRevisionPendingSuccess',
            'Latest Revision is Unavailable: probe failed',
          ),
        ]),
      ),
    ).toMatchObject({ done: false, message: 'Latest Revision is Unavailable: probe failed' });
    expect(
      rolloutState(
        od(4, [
          cond('Available', 'True', 'Available', 'ok'),
          cond('Progressing', 'False', 'Idle', 'Update concluded.'),
        ]),
      ),
    ).toMatchObject({ done: false, message: 'waiting for the ObjectDeployment to observe it' });
    expect(rolloutState(undefined).done).toBe(false);
  });
});

describe('syncConditions', () => {
  it('is Ready/Synced once the rollout is done, Progressing and Reconciling before', () => {
    const applying = syncConditions([], { kind: 'applied', commit: sha }, rolling, 5, now);
    expect(summary(applying)).toEqual({
      Ready: 'False/Progressing',
      Reconciling: 'True/Progressing',
    });
    expect(applying[0]?.message).toBe(
      'commit 0123456 (revision 2) is rolling out: Progressing to a new ObjectSet.',
    );
    const synced = syncConditions(applying, { kind: 'applied', commit: sha }, done, 5, now);
    expect(summary(synced)).toEqual({ Ready: 'True/Synced' });
    expect(synced[0]).toMatchObject({
      message: 'commit 0123456 (revision 2) is Available: Latest Revision is Available.',
      observedGeneration: 5,
    });
  });

  it('records a refused commit as Ready=False and Stalled, naming the cause', () => {
    const list = syncConditions(
      [],
      {
        kind: 'refused',
        reason: 'ValidationFailed',
        commit: sha,
        message: 'Invalid YAML in apps/web.yaml idx 0: bad',
      },
      done,
      5,
      now,
    );
    expect(summary(list)).toEqual({
      Ready: 'False/ValidationFailed',
      Stalled: 'True/ValidationFailed',
    });
    expect(list[0]?.message).toBe(
      'commit 0123456 refused, the last good revision keeps running: Invalid YAML in apps/web.yaml idx 0: bad',
    );
    expect(isRefused(list)).toBe(true);
    // A later good commit clears it.
    const fixed = syncConditions(list, { kind: 'applied', commit: sha }, done, 6, now);
    expect(summary(fixed)).toEqual({ Ready: 'True/Synced' });
    expect(isRefused(fixed)).toBe(false);
  });

  it('retries transient fetch errors and stalls on those only a user can fix', () => {
    const transient = syncConditions(
      [],
      { kind: 'fetch-failed', message: 'connection refused', stalled: false, retryInMs: 20_000 },
      done,
      1,
      now,
    );
    expect(summary(transient)).toEqual({
      Ready: 'False/FetchFailed',
      Reconciling: 'True/FetchFailed',
    });
    expect(transient[1]?.message).toBe('retrying in 20s');
    const stalled = syncConditions(
      transient,
      { kind: 'fetch-failed', message: 'ref not found', stalled: true, retryInMs: 40_000 },
      done,
      1,
      now,
    );
    expect(summary(stalled)).toEqual({ Ready: 'False/FetchFailed', Stalled: 'True/FetchFailed' });
  });

  it('leaves Ready alone when suspended', () => {
    const before = syncConditions([], { kind: 'applied', commit: sha }, rolling, 1, now);
    expect(summary(syncConditions(before, { kind: 'suspended' }, rolling, 2, now))).toEqual({
      Ready: 'False/Progressing',
    });
  });
});
