import { describe, expect, it } from 'vitest';
import { matchesLabels, parseLabelSelector } from '../../kube/label-selector.js';
import { compileLabelSelector } from '../../probing/index.js';
import { formatLabelSelector } from './selector.js';

describe('formatLabelSelector', () => {
  const sel = {
    matchLabels: { b: '2', a: '1' },
    matchExpressions: [
      { key: 'env', operator: 'In', values: ['prod', 'dev'] },
      { key: 'tier', operator: 'NotIn', values: ['x'] },
      { key: 'has', operator: 'Exists' },
      { key: 'not', operator: 'DoesNotExist' },
    ],
  };

  it('writes the string form', () => {
    expect(formatLabelSelector(sel)).toBe('a=1,b=2,env in (dev,prod),tier notin (x),has,!not');
    expect(formatLabelSelector({})).toBe('');
  });

  it('selects exactly what the structured selector selects', () => {
    const structured = compileLabelSelector(sel);
    const reqs = parseLabelSelector(formatLabelSelector(sel));
    const samples: Record<string, string>[] = [
      { a: '1', b: '2', env: 'prod', has: '' },
      { a: '1', b: '2', env: 'prod', has: '', not: 'y' },
      { a: '1', b: '2', env: 'qa', has: '' },
      { a: '1', b: '2', env: 'dev', tier: 'x', has: '' },
      { a: '1', b: '2', env: 'dev', tier: 'y', has: 'z' },
    ];
    for (const labels of samples) {
      expect(matchesLabels(reqs, labels)).toBe(structured(labels));
    }
  });
});
