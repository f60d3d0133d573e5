import { describe, expect, it } from 'vitest';
import { compileLabelSelector } from './index.js';
import type { LabelSelector } from './index.js';

describe('compileLabelSelector', () => {
  const labels = { app: 'web', tier: 'frontend' };
  it.each<[string, LabelSelector, boolean]>([
    ['empty selector matches everything', {}, true],
    ['prefixed keys', { matchLabels: { 'app.kubernetes.io/name': 'web' } }, false],
    ['matchLabels equal', { matchLabels: { app: 'web' } }, true],
    ['matchLabels differ', { matchLabels: { app: 'db' } }, false],
    ['matchLabels all must hold', { matchLabels: { app: 'web', tier: 'backend' } }, false],
    [
      'In',
      { matchExpressions: [{ key: 'tier', operator: 'In', values: ['frontend', 'edge'] }] },
      true,
    ],
    [
      'In missing label',
      { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] },
      false,
    ],
    [
      'NotIn',
      { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['frontend'] }] },
      false,
    ],
    [
      'NotIn missing label',
      { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] },
      true,
    ],
    ['Exists', { matchExpressions: [{ key: 'app', operator: 'Exists' }] }, true],
    ['Exists missing', { matchExpressions: [{ key: 'zone', operator: 'Exists' }] }, false],
    ['DoesNotExist', { matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }, true],
    [
      'DoesNotExist present',
      { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] },
      false,
    ],
    [
      'labels and expressions together',
      {
        matchLabels: { app: 'web' },
        matchExpressions: [{ key: 'tier', operator: 'In', values: ['backend'] }],
      },
      false,
    ],
  ])('%s', (_name, selector, expected) => {
    expect(compileLabelSelector(selector)(labels)).toBe(expected);
  });

  it.each<[LabelSelector, RegExp]>([
    [{ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, /values set can't be empty/],
    [
      { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] },
      /values set must be empty/,
    ],
    [
      { matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] },
      /"Gt" is not a valid label selector operator/,
    ],
    [{ matchLabels: { 'bad key': 'x' } }, /key: Invalid value: "bad key"/],
    [{ matchLabels: { app: 'not ok!' } }, /values: Invalid value: "not ok!"/],
    [{ matchExpressions: [{ key: 'Bad_Prefix/x', operator: 'Exists' }] }, /key: Invalid value/],
    [
      { matchExpressions: [{ key: 'a', operator: 'In', values: ['-x'] }] },
      /values: Invalid value: "-x"/,
    ],
  ])('rejects %j', (selector, message) => {
    expect(() => compileLabelSelector(selector)).toThrow(message);
  });
});
