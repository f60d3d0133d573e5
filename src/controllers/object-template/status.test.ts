import { describe, expect, it } from 'vitest';
import type { Condition } from '../../apis/index.js';
import type { KubeObject } from '../../kube/index.js';
import { controllerOf, copiedConditions, invalidConditions } from './status.js';

const now = new Date('2026-01-01T00:00:00Z');
const T = '2025-01-01T00:00:00Z';
const obj = (status: unknown, generation = 2): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'd', namespace: 'ns', generation },
  status,
});

describe('copiedConditions', () => {
  it('copies current conditions with the template generation and drops Invalid', () => {
    const invalid = invalidConditions(undefined, 'SourceError', 'x', 1, now);
    const got = copiedConditions(
      invalid,
      obj({
        observedGeneration: 2,
        conditions: [
          {
            type: 'Available',
            status: 'True',
            reason: 'Ok',
            message: '',
            observedGeneration: 2,
            lastTransitionTime: T,
          },
          {
            type: 'Stale',
            status: 'True',
            reason: 'Old',
            message: '',
            observedGeneration: 1,
            lastTransitionTime: T,
          },
        ],
      }),
      5,
      now,
    );
    expect(got).toEqual([
      {
        type: 'Available',
        status: 'True',
        reason: 'Ok',
        message: '',
        observedGeneration: 5,
        lastTransitionTime: T,
      },
    ]);
  });
  it("copies nothing while the object's own status is outdated", () => {
    const status = {
      observedGeneration: 1,
      conditions: [
        { type: 'Available', status: 'True', reason: 'Ok', message: '', lastTransitionTime: T },
      ],
    };
    // Generation 2 vs observed 1: outdated, even though the template's generation is 1.
    expect(copiedConditions([], obj(status, 2), 1, now)).toEqual([]);
    expect(copiedConditions([], obj(status, 1), 7, now)).toHaveLength(1);
  });
  it('keeps conditions unrelated to the object', () => {
    const mine: Condition[] = [
      { type: 'Other', status: 'True', reason: 'R', message: '', lastTransitionTime: T },
    ];
    expect(copiedConditions(mine, obj(undefined), 1, now)).toEqual(mine);
  });
});

describe('controllerOf', () => {
  it('splits group and version', () => {
    expect(controllerOf(obj(undefined))).toEqual({
      kind: 'Deployment',
      group: 'apps',
      name: 'd',
      namespace: 'ns',
      version: 'v1',
    });
  });
});
