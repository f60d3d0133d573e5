import { describe, expect, it } from 'vitest';
import { stableJson, unpackHash } from './hash.js';

describe('unpackHash', () => {
  it('ignores key order at every level', () => {
    expect(unpackHash({ image: 'a', config: { x: 1, y: { b: 2, a: 1 } } })).toBe(
      unpackHash({ config: { y: { a: 1, b: 2 }, x: 1 }, image: 'a' }),
    );
  });
  it.each([
    ['image', { image: 'b' }],
    ['config', { image: 'a', config: { x: 2 } }],
    ['component', { image: 'a', component: 'c' }],
    ['paused', { image: 'a', paused: true }],
  ])('changes when %s changes', (_, other) => {
    expect(unpackHash({ image: 'a', config: { x: 1 } })).not.toBe(unpackHash(other));
  });
  it('writes arrays in order and drops undefined fields', () => {
    expect(stableJson({ a: [2, 1], b: undefined })).toBe('{"a":[2,1]}');
  });
});
