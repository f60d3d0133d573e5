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

describe('unpackHash inputs beyond the spec', () => {
  const spec = { image: 'quay.io/a/b:1' };
  it('changes with the hash modifier', () => {
    expect(unpackHash(spec, { modifier: 'x' })).not.toBe(unpackHash(spec));
    expect(unpackHash(spec, { modifier: '' })).toBe(unpackHash(spec));
  });
  it('changes with image-prefix overrides only when there are some', () => {
    expect(unpackHash(spec, { imagePrefixOverrides: [] })).toBe(unpackHash(spec));
    const a = unpackHash(spec, { imagePrefixOverrides: [{ from: 'quay.io/', to: 'r.local/' }] });
    const b = unpackHash(spec, { imagePrefixOverrides: [{ from: 'quay.io/', to: 'm.local/' }] });
    expect(a).not.toBe(unpackHash(spec));
    expect(a).not.toBe(b);
  });
});
