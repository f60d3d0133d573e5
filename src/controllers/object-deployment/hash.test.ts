import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalJson, fnv32a, revisionName, safeEncode, templateHash } from './hash.js';

describe('templateHash', () => {
  const t = { metadata: { labels: { a: '1' } }, spec: { phases: [{ name: 'p', objects: [] }] } };

  it('is the same for the same content in any key order', () => {
    const reordered = {
      spec: { phases: [{ objects: [], name: 'p' }] },
      metadata: { labels: { a: '1' } },
    };
    expect(templateHash(reordered, 0)).toBe(templateHash(t, 0));
  });

  it('changes with the content and with the collision count', () => {
    const other = { ...t, metadata: { labels: { a: '2' } } };
    expect(templateHash(other, 0)).not.toBe(templateHash(t, 0));
    expect(templateHash(t, 1)).not.toBe(templateHash(t, 0));
  });

  it('is a short name-safe string', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(1000), (v, n) => {
        expect(templateHash(v, n)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
      }),
    );
  });

  it('fnv32a matches the reference vectors', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(fnv32a(enc(''))).toBe(0x811c9dc5);
    expect(fnv32a(enc('a'))).toBe(0xe40c292c);
    expect(fnv32a(enc('foobar'))).toBe(0xbf9cf968);
  });

  it('helpers', () => {
    expect(canonicalJson({ b: 1, a: [1, { d: 2, c: undefined }] })).toBe('{"a":[1,{"d":2}],"b":1}');
    expect(safeEncode('0123')).toBe('4567');
    expect(revisionName('app', 'x7z')).toBe('app-x7z');
  });
});
