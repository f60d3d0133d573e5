import { describe, expect, it } from 'vitest';
import {
  findStatusCondition,
  isMappedConditionType,
  isStatusConditionTrue,
  removeStatusCondition,
  setStatusCondition,
} from './conditions.js';
import type { Condition } from './meta.js';

const t0 = new Date('2026-01-02T03:04:05.678Z');
const t1 = new Date('2026-01-02T04:00:00.000Z');

describe('condition list helpers', () => {
  it('appends a new condition stamped with the time in whole seconds', () => {
    const list = setStatusCondition(
      undefined,
      { type: 'Available', status: 'False', reason: 'ProbeFailure', message: 'not yet' },
      t0,
    );
    expect(list).toEqual([
      {
        type: 'Available',
        status: 'False',
        reason: 'ProbeFailure',
        message: 'not yet',
        lastTransitionTime: '2026-01-02T03:04:05Z',
      },
    ]);
  });

  it('keeps the transition time while the status stays, and moves it when the status changes', () => {
    const before: Condition[] = setStatusCondition(
      [],
      {
        type: 'Available',
        status: 'False',
        reason: 'ProbeFailure',
        message: 'a',
        observedGeneration: 1,
      },
      t0,
    );
    const same = setStatusCondition(
      before,
      { type: 'Available', status: 'False', reason: 'ProbeFailure', message: 'b' },
      t1,
    );
    expect(same).toEqual([
      {
        type: 'Available',
        status: 'False',
        reason: 'ProbeFailure',
        message: 'b',
        lastTransitionTime: '2026-01-02T03:04:05Z',
      },
    ]);
    const flipped = setStatusCondition(
      same,
      {
        type: 'Available',
        status: 'True',
        reason: 'Available',
        message: 'ok',
        observedGeneration: 2,
      },
      t1,
    );
    expect(flipped[0]?.lastTransitionTime).toBe('2026-01-02T04:00:00Z');
    expect(flipped[0]?.observedGeneration).toBe(2);
    // The input list is untouched.
    expect(before[0]?.message).toBe('a');
  });

  it('finds, tests and removes conditions by type', () => {
    const list = setStatusCondition(
      setStatusCondition([], { type: 'Paused', status: 'True', reason: 'Paused', message: '' }, t0),
      { type: 'Available', status: 'True', reason: 'Available', message: '' },
      t0,
    );
    expect(findStatusCondition(list, 'Paused')?.reason).toBe('Paused');
    expect(isStatusConditionTrue(list, 'Available')).toBe(true);
    expect(isStatusConditionTrue(list, 'Progressing')).toBe(false);
    expect(removeStatusCondition(list, 'Paused').map((c) => c.type)).toEqual(['Available']);
  });

  it('recognises mapped conditions by their prefix', () => {
    expect(isMappedConditionType('my-prefix/Available')).toBe(true);
    expect(isMappedConditionType('Available')).toBe(false);
  });
});
