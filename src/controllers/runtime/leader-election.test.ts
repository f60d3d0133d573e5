import { describe, expect, it } from 'vitest';
import {
  decideLease,
  microTime,
  observeLease,
  releasedLease,
  timingProblems,
  type LeaseObservation,
} from './leader-election.js';

const T0 = Date.parse('2026-11-21T08:00:00.000Z');
const lease = (rv: string, spec: Record<string, unknown>) => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: { name: 'l', namespace: 'ns', resourceVersion: rv },
  spec,
});
const seen = (spec: Record<string, unknown>, observedAt = T0): LeaseObservation => ({
  spec,
  resourceVersion: '1',
  observedAt,
});

describe('decideLease', () => {
  const base = { identity: 'me', leaseDurationMs: 15_000 };

  it('creates a missing lease holding it, with the duration in whole seconds', () => {
    expect(decideLease({ ...base, now: T0, observed: undefined })).toEqual({
      action: 'create',
      spec: {
        holderIdentity: 'me',
        leaseDurationSeconds: 15,
        acquireTime: '2026-11-21T08:00:00.000000Z',
        renewTime: '2026-11-21T08:00:00.000000Z',
        leaseTransitions: 0,
      },
    });
  });

  it("waits while another holder's lease is valid, judged from when we saw it change", () => {
    const other = seen({ holderIdentity: 'them', leaseDurationSeconds: 10, leaseTransitions: 3 });
    expect(decideLease({ ...base, now: T0 + 9_999, observed: other })).toEqual({
      action: 'wait',
      holder: 'them',
      expiresAt: T0 + 10_000,
    });
    // The holder's own renewTime plays no part (clock skew): only our observation time does.
    const skewed = seen({
      holderIdentity: 'them',
      leaseDurationSeconds: 10,
      renewTime: '2020-01-01T00:00:00.000000Z',
    });
    expect(decideLease({ ...base, now: T0 + 1, observed: skewed }).action).toBe('wait');
  });

  it('takes an expired lease, counting a transition', () => {
    const other = seen({
      holderIdentity: 'them',
      leaseDurationSeconds: 10,
      acquireTime: 'old',
      leaseTransitions: 3,
    });
    const d = decideLease({ ...base, now: T0 + 10_000, observed: other });
    expect(d).toMatchObject({
      action: 'update',
      acquired: true,
      spec: { holderIdentity: 'me', leaseTransitions: 4, acquireTime: microTime(T0 + 10_000) },
    });
  });

  it('takes a released lease (no holder) at once', () => {
    const released = seen({ leaseDurationSeconds: 1, leaseTransitions: 2 });
    expect(decideLease({ ...base, now: T0, observed: released })).toMatchObject({
      action: 'update',
      acquired: true,
      spec: { holderIdentity: 'me', leaseTransitions: 3 },
    });
    const empty = seen({ holderIdentity: '', leaseDurationSeconds: 100 });
    expect(decideLease({ ...base, now: T0, observed: empty }).action).toBe('update');
  });

  it('renews its own lease keeping acquireTime and transitions', () => {
    const mine = seen({
      holderIdentity: 'me',
      leaseDurationSeconds: 15,
      acquireTime: 'then',
      leaseTransitions: 7,
    });
    expect(decideLease({ ...base, now: T0 + 5_000, observed: mine })).toEqual({
      action: 'update',
      acquired: false,
      spec: {
        holderIdentity: 'me',
        leaseDurationSeconds: 15,
        acquireTime: 'then',
        renewTime: microTime(T0 + 5_000),
        leaseTransitions: 7,
      },
    });
  });

  it("uses our duration when the record has none (Package Operator's 137 s)", () => {
    const other = seen({ holderIdentity: 'them' });
    const d = decideLease({ identity: 'me', leaseDurationMs: 137_000, now: T0, observed: other });
    expect(d).toEqual({ action: 'wait', holder: 'them', expiresAt: T0 + 137_000 });
  });
});

describe('observeLease', () => {
  it('keeps the observation time while the resourceVersion is unchanged', () => {
    const first = observeLease(undefined, lease('5', { holderIdentity: 'a' }), T0);
    expect(first.observedAt).toBe(T0);
    expect(observeLease(first, lease('5', { holderIdentity: 'a' }), T0 + 60_000)).toBe(first);
    const renewed = observeLease(first, lease('6', { holderIdentity: 'a' }), T0 + 60_000);
    expect(renewed).toEqual({
      spec: { holderIdentity: 'a' },
      resourceVersion: '6',
      observedAt: T0 + 60_000,
    });
  });
});

describe('releasedLease', () => {
  it('clears the holder and keeps the transition count', () => {
    const r = releasedLease({ holderIdentity: 'me', leaseTransitions: 4 }, T0);
    expect(r.holderIdentity).toBeUndefined();
    expect(r).toMatchObject({ leaseDurationSeconds: 1, leaseTransitions: 4 });
  });
});

describe('timingProblems', () => {
  it.each([
    [{ leaseDurationMs: 137_000, renewDeadlineMs: 107_000, retryPeriodMs: 26_000 }, []],
    [
      { leaseDurationMs: 10_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 },
      ['lease duration must be greater than the renew deadline'],
    ],
    [
      { leaseDurationMs: 10_000, renewDeadlineMs: 5_000, retryPeriodMs: 5_000 },
      ['renew deadline must be greater than 1.2 x the retry period'],
    ],
  ])('%j -> %j', (t, want) => {
    expect(timingProblems(t)).toEqual(want);
  });
});

describe('microTime', () => {
  it('writes microseconds like a Kubernetes MicroTime', () => {
    expect(microTime(Date.parse('2026-01-02T03:04:05.678Z'))).toBe('2026-01-02T03:04:05.678000Z');
  });
});
