import { describe, expect, it } from 'vitest';
import { matchesLabels, parseLabelSelector } from './label-selector.js';

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'front', 'package-operator.run/cache': 'True' };
  it.each([
    ['app=web', true],
    ['app==web', true],
    ['app=db', false],
    ['app!=db', true],
    ['app!=web', false],
    ['missing!=x', true],
    ['tier in (front, back)', true],
    ['tier notin (front)', false],
    ['tier notin (back)', true],
    ['app', true],
    ['!app', false],
    ['!missing', true],
    ['package-operator.run/cache=True,app=web', true],
    ['package-operator.run/cache=True,app in (db)', false],
    ['', true],
  ])('%s -> %s', (selector, want) => {
    expect(matchesLabels(parseLabelSelector(selector), labels)).toBe(want);
  });

  it('rejects malformed selectors', () => {
    expect(() => parseLabelSelector('a b c')).toThrow(/invalid label selector/);
  });
});
