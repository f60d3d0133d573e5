import { describe, expect, it } from 'vitest';
import { clone } from './types.js';

describe('clone', () => {
  it('deep-copies JSON values, own __proto__ keys and undefined members included', () => {
    const v = JSON.parse('{"__proto__":{"x":1},"a":[1,{"b":null}],"s":"t"}') as Record<
      string,
      unknown
    >;
    v.u = undefined;
    const c = clone(v);
    expect(c).toStrictEqual(v);
    expect(Object.getPrototypeOf(c)).toBe(Object.prototype);
    expect(Object.keys(c)).toEqual(['__proto__', 'a', 's', 'u']);
    (c.a as unknown[]).push(2);
    expect(v.a).toEqual([1, { b: null }]);
  });

  it('copies other objects as structuredClone does', () => {
    const d = new Date(0);
    const c = clone({ d });
    expect(c.d).not.toBe(d);
    expect(c.d.getTime()).toBe(0);
  });
});
