import { describe, expect, it } from 'vitest';
import {
  archivalConditions,
  isInTransition,
  objectSetConditions,
  type StatusInput,
} from './conditions.js';

const now = new Date('2026-01-01T00:00:10Z');
const ref = (name: string, namespace = 'ns') => ({ kind: 'ConfigMap', group: '', name, namespace });

function input(over: Partial<StatusInput>): StatusInput {
  return {
    conditions: [],
    generation: 1,
    paused: false,
    successDelaySeconds: 0,
    specObjects: [ref('a')],
    controllerOf: [ref('a')],
    outcome: { kind: 'available' },
    now,
    ...over,
  };
}

const pick = (r: { conditions: { type: string; status: string; reason: string }[] }) =>
  Object.fromEntries(r.conditions.map((c) => [c.type, `${c.status}/${c.reason}`]));

describe('objectSetConditions', () => {
  it('available and controlling everything: Available and Succeeded', () => {
    const r = objectSetConditions(input({}));
    expect(pick(r)).toEqual({ Available: 'True/Available', Succeeded: 'True/RolloutSuccess' });
    expect(r.requeueAfterMs).toBeUndefined();
  });

  it('a probe failure carries its message and keeps InTransition while objects are missing', () => {
    const r = objectSetConditions(
      input({
        controllerOf: [],
        outcome: { kind: 'probeFailure', message: 'Phase "p" failed: x' },
      }),
    );
    expect(pick(r)).toEqual({ InTransition: 'True/InTransition', Available: 'False/ProbeFailure' });
    expect(r.conditions.find((c) => c.type === 'Available')?.message).toBe('Phase "p" failed: x');
  });

  it.each([
    ['preflightError', 'PreflightError'],
    ['collision', 'CollisionDetected'],
  ] as const)('%s -> Available=False %s', (kind, reason) => {
    expect(pick(objectSetConditions(input({ outcome: { kind, message: 'm' } }))).Available).toBe(
      `False/${reason}`,
    );
  });

  it('waits for successDelaySeconds and asks to be requeued', () => {
    const first = objectSetConditions(input({ successDelaySeconds: 5 }));
    expect(pick(first).Succeeded).toBeUndefined();
    expect(first.requeueAfterMs).toBe(5001);
    const later = objectSetConditions(
      input({
        successDelaySeconds: 5,
        conditions: first.conditions,
        now: new Date(now.getTime() + 5001),
      }),
    );
    expect(pick(later).Succeeded).toBe('True/RolloutSuccess');
    expect(later.requeueAfterMs).toBeUndefined();
  });

  it('no Succeeded while in transition', () => {
    expect(pick(objectSetConditions(input({ controllerOf: [] }))).Succeeded).toBeUndefined();
  });

  it('Paused follows the lifecycle state', () => {
    const paused = objectSetConditions(input({ paused: true }));
    expect(paused.conditions.find((c) => c.type === 'Paused')).toMatchObject({
      status: 'True',
      reason: 'Paused',
      message: 'Lifecycle state set to paused.',
    });
    expect(
      pick(objectSetConditions(input({ conditions: paused.conditions }))).Paused,
    ).toBeUndefined();
  });

  it('is stable: the same outcome twice gives the same conditions (no status write)', () => {
    const a = objectSetConditions(input({}));
    const b = objectSetConditions(
      input({ conditions: a.conditions, now: new Date(now.getTime() + 60_000) }),
    );
    expect(b.conditions).toEqual(a.conditions);
  });
});

describe('isInTransition', () => {
  it('matches cluster-scoped references without a namespace', () => {
    expect(
      isInTransition(
        [ref('a', 'ns')],
        [{ kind: 'ConfigMap', group: '', name: 'a', namespace: '' }],
      ),
    ).toBe(false);
    expect(isInTransition([ref('a'), ref('b')], [ref('a')])).toBe(true);
  });
});

describe('archivalConditions', () => {
  it('in progress, then archived; Available removed', () => {
    const base = objectSetConditions(input({})).conditions;
    expect(pick({ conditions: archivalConditions(base, false, 1, now) })).toMatchObject({
      Archived: 'False/ArchivalInProgress',
    });
    const done = archivalConditions(base, true, 1, now);
    expect(pick({ conditions: done })).toEqual({
      Succeeded: 'True/RolloutSuccess',
      Archived: 'True/Archived',
    });
  });
});
