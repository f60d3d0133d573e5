import { describe, expect, it } from 'vitest';
import { jsonMergePatch } from './index.js';

describe('jsonMergePatch (RFC 7386)', () => {
  // The behaviours of RFC 7386 appendix A, in our own cases.
  it.each([
    ['replaces a value', { a: 'b' }, { a: 'c' }, { a: 'c' }],
    ['adds a member', { a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    ['null deletes a member', { a: 'b' }, { a: null }, {}],
    ['null deletes only that member', { a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    ['a list replaces a scalar', { a: ['b'] }, { a: 'c' }, { a: 'c' }],
    ['a scalar replaces a list', { a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    ['nested objects merge', { a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    ['lists are replaced whole', { a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    ['a non-object patch replaces the target', ['a', 'b'], ['c', 'd'], ['c', 'd']],
    ['an object patch replaces a non-object target', { a: 'b' }, ['c'], ['c']],
    ['a null patch is the result', { a: 'foo' }, null, null],
    ['a string patch is the result', { a: 'foo' }, 'bar', 'bar'],
    ['existing nulls of the target stay', { e: null }, { a: 1 }, { e: null, a: 1 }],
    ['a patch into a non-object target starts empty', [1, 2], { a: 'b', c: null }, { a: 'b' }],
    ['deep nulls are removed on creation', {}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('%s', (_name, target, patch, want) => {
    expect(jsonMergePatch(target, patch)).toEqual(want);
  });

  it('does not modify its inputs', () => {
    const target = { metadata: { labels: { a: '1' } } };
    const patch = { metadata: { labels: { b: '2' } } };
    jsonMergePatch(target, patch);
    expect(target).toEqual({ metadata: { labels: { a: '1' } } });
    expect(patch).toEqual({ metadata: { labels: { b: '2' } } });
  });

  it('labels a ConfigMap as kubectl label does', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', labels: { a: '1' } } };
    const out = jsonMergePatch(cm, { metadata: { labels: { b: '2', a: null } } });
    expect(out).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x', labels: { b: '2' } },
    });
  });
});
