import { describe, expect, it } from 'vitest';
import { cloneJson } from './clone.js';

describe('cloneJson', () => {
  it('copies nested objects and arrays so that changing the copy leaves the original intact', () => {
    const orig = { a: { b: [1, { c: 'x' }], n: null, t: true }, s: 's' };
    const copy = cloneJson(orig);
    expect(copy).toEqual(orig);
    (copy.a.b[1] as { c: string }).c = 'y';
    copy.a.b.push(2);
    expect(orig).toEqual({ a: { b: [1, { c: 'x' }], n: null, t: true }, s: 's' });
  });

  it('keeps a `__proto__` key of parsed JSON as an own key, not as the prototype', () => {
    const orig = JSON.parse('{"a":{"__proto__":{"x":1}}}') as { a: Record<string, unknown> };
    const copy = cloneJson(orig);
    expect(Object.getPrototypeOf(copy.a)).toBe(Object.prototype);
    expect(JSON.stringify(copy)).toBe('{"a":{"__proto__":{"x":1}}}');
  });
});
