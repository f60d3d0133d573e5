import { describe, expect, it } from 'vitest';
import type { Condition } from '../../apis/index.js';
import type { KubeObject } from '../../kube/index.js';
import { mirrorDeployment, phaseOf, unpackConditions } from './status.js';

const now = new Date('2026-01-02T03:04:05Z');
const c = (type: string, status: string, reason = 'R', extra: Partial<Condition> = {}): Condition =>
  ({
    type,
    status,
    reason,
    message: '',
    lastTransitionTime: '2026-01-01T00:00:00Z',
    ...extra,
  }) as Condition;
const find = (list: Condition[], type: string) => list.find((x) => x.type === type);

describe('unpackConditions', () => {
  it('unpacked: Unpacked=True/UnpackSuccess and Invalid removed', () => {
    const out = unpackConditions(
      [c('Invalid', 'True', 'LoadError')],
      { kind: 'unpacked', hash: 'h' },
      3,
      now,
    );
    expect(find(out, 'Invalid')).toBeUndefined();
    expect(find(out, 'Unpacked')).toMatchObject({
      status: 'True',
      reason: 'UnpackSuccess',
      message: 'Unpack job succeeded',
      observedGeneration: 3,
    });
  });
  it('pull failure: Unpacked=False/ImagePullBackOff with the error, Invalid untouched', () => {
    const out = unpackConditions(
      [c('Unpacked', 'True', 'UnpackSuccess')],
      { kind: 'pull-failed', message: 'manifest unknown' },
      1,
      now,
    );
    expect(find(out, 'Unpacked')).toMatchObject({
      status: 'False',
      reason: 'ImagePullBackOff',
      message: 'manifest unknown',
    });
  });
  it('invalid: Invalid=True/LoadError keeps Unpacked as it was', () => {
    const before = [c('Unpacked', 'True', 'UnpackSuccess')];
    const out = unpackConditions(
      before,
      { kind: 'invalid', message: 'spec.config.x: bad' },
      2,
      now,
    );
    expect(find(out, 'Invalid')).toMatchObject({
      status: 'True',
      reason: 'LoadError',
      message: 'spec.config.x: bad',
    });
    expect(find(out, 'Unpacked')).toEqual(before[0]);
  });
  it('already unpacked corrects a stale Unpacked=False only', () => {
    const fixed = unpackConditions(
      [c('Unpacked', 'False', 'ImagePullBackOff')],
      { kind: 'already-unpacked' },
      1,
      now,
    );
    expect(find(fixed, 'Unpacked')).toMatchObject({ status: 'True', reason: 'AlreadyUnpacked' });
    const kept = [c('Unpacked', 'True', 'UnpackSuccess')];
    expect(unpackConditions(kept, { kind: 'already-unpacked' }, 1, now)).toEqual(kept);
  });
});

function od(
  generation: number,
  conditions: (Condition & { observedGeneration?: number })[],
  revision?: number,
): KubeObject {
  return {
    apiVersion: 'package-operator.run/v1alpha1',
    kind: 'ObjectDeployment',
    metadata: { name: 'p', generation },
    status: { conditions, ...(revision === undefined ? {} : { revision }) },
  };
}

describe('mirrorDeployment', () => {
  it('copies Available and Progressing when observed at the OD generation, with the revision', () => {
    const out = mirrorDeployment(
      [],
      od(
        2,
        [
          c('Available', 'True', 'Available', { observedGeneration: 2 }),
          c('Progressing', 'False', 'Idle', { observedGeneration: 2 }),
        ],
        4,
      ),
      7,
      now,
    );
    expect(out.revision).toBe(4);
    expect(find(out.conditions, 'Available')).toMatchObject({
      status: 'True',
      reason: 'Available',
      observedGeneration: 7,
    });
    expect(find(out.conditions, 'Progressing')).toMatchObject({ status: 'False', reason: 'Idle' });
  });
  it('ignores conditions observed at an older OD generation', () => {
    const before = [c('Available', 'True', 'Available')];
    const out = mirrorDeployment(
      before,
      od(3, [c('Available', 'False', 'ProbeFailure', { observedGeneration: 2 })]),
      1,
      now,
    );
    expect(find(out.conditions, 'Available')?.status).toBe('True');
  });
  it('copies Paused only when True, removes it otherwise, and copies mapped conditions', () => {
    const paused = mirrorDeployment(
      [],
      od(1, [c('Paused', 'True', 'Paused', { observedGeneration: 1 })]),
      1,
      now,
    );
    expect(find(paused.conditions, 'Paused')?.status).toBe('True');
    const unpaused = mirrorDeployment(
      paused.conditions,
      od(2, [
        c('Paused', 'False', 'Paused', { observedGeneration: 2 }),
        c('my.org/Ready', 'True', 'X', { observedGeneration: 2 }),
      ]),
      1,
      now,
    );
    expect(find(unpaused.conditions, 'Paused')).toBeUndefined();
    expect(find(unpaused.conditions, 'my.org/Ready')?.status).toBe('True');
  });
  it('leaves conditions alone without an OD', () => {
    expect(mirrorDeployment([c('Invalid', 'True')], undefined, 1, now)).toEqual({
      conditions: [c('Invalid', 'True')],
      revision: undefined,
    });
  });
});

describe('phaseOf', () => {
  it('reports Invalid before Available', () => {
    expect(phaseOf([c('Invalid', 'True'), c('Available', 'True'), c('Unpacked', 'True')])).toBe(
      'Invalid',
    );
  });
});
