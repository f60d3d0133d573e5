import { describe, expect, it } from 'vitest';
import { PatchError, applyJsonPatch } from './index.js';

function fails(target: unknown, ops: unknown): PatchError {
  try {
    applyJsonPatch(target, ops);
  } catch (err) {
    if (err instanceof PatchError) return err;
    throw err;
  }
  throw new Error('patch applied but should have failed');
}

describe('applyJsonPatch (RFC 6902)', () => {
  it.each([
    ['add an object member', { a: 1 }, [{ op: 'add', path: '/b', value: 2 }], { a: 1, b: 2 }],
    [
      'add into a list',
      { l: ['a', 'c'] },
      [{ op: 'add', path: '/l/1', value: 'b' }],
      { l: ['a', 'b', 'c'] },
    ],
    ['add at the end with -', { l: [1] }, [{ op: 'add', path: '/l/-', value: 2 }], { l: [1, 2] }],
    ['add replaces an existing member', { a: 1 }, [{ op: 'add', path: '/a', value: 3 }], { a: 3 }],
    ['add a nested object', {}, [{ op: 'add', path: '/x', value: { y: [1] } }], { x: { y: [1] } }],
    ['remove a member', { a: 1, b: 2 }, [{ op: 'remove', path: '/a' }], { b: 2 }],
    ['remove a list item', { l: [1, 2, 3] }, [{ op: 'remove', path: '/l/1' }], { l: [1, 3] }],
    ['replace a value', { a: 1 }, [{ op: 'replace', path: '/a', value: 'x' }], { a: 'x' }],
    ['replace the document', { a: 1 }, [{ op: 'replace', path: '', value: [1] }], [1]],
    [
      'move a member',
      { a: { b: 1 }, c: {} },
      [{ op: 'move', from: '/a/b', path: '/c/d' }],
      { a: {}, c: { d: 1 } },
    ],
    [
      'move a list item',
      { l: [1, 2, 3, 4] },
      [{ op: 'move', from: '/l/1', path: '/l/3' }],
      { l: [1, 3, 4, 2] },
    ],
    [
      'copy a value',
      { a: { b: [1] } },
      [{ op: 'copy', from: '/a', path: '/c' }],
      { a: { b: [1] }, c: { b: [1] } },
    ],
    [
      'test then replace',
      { a: 'x' },
      [
        { op: 'test', path: '/a', value: 'x' },
        { op: 'replace', path: '/a', value: 'y' },
      ],
      { a: 'y' },
    ],
    [
      'test compares structurally',
      { a: { x: 1, y: [1, 2] } },
      [{ op: 'test', path: '/a', value: { y: [1, 2], x: 1 } }],
      { a: { x: 1, y: [1, 2] } },
    ],
    [
      '~1 escapes a slash',
      { metadata: { labels: {} } },
      [{ op: 'add', path: '/metadata/labels/app.kubernetes.io~1name', value: 'x' }],
      { metadata: { labels: { 'app.kubernetes.io/name': 'x' } } },
    ],
    ['~0 escapes a tilde', { 'a~b': 1 }, [{ op: 'remove', path: '/a~0b' }], {}],
    ['~01 is a literal ~1', { '~1': 1 }, [{ op: 'replace', path: '/~01', value: 2 }], { '~1': 2 }],
    ['the empty key', { '': 1 }, [{ op: 'replace', path: '/', value: 2 }], { '': 2 }],
  ])('%s', (_name, target, ops, want) => {
    expect(applyJsonPatch(target, ops)).toEqual(want);
  });

  it('accepts negative indexes counted from the end, as the apiserver does', () => {
    expect(applyJsonPatch({ l: [1, 2, 3] }, [{ op: 'remove', path: '/l/-1' }])).toEqual({
      l: [1, 2],
    });
    expect(applyJsonPatch({ l: [1, 2] }, [{ op: 'add', path: '/l/-1', value: 9 }])).toEqual({
      l: [1, 2, 9],
    });
    expect(
      applyJsonPatch({ l: [{ a: 1 }] }, [{ op: 'replace', path: '/l/-1/a', value: 2 }]),
    ).toEqual({
      l: [{ a: 2 }],
    });
    expect(fails({ l: [1] }, [{ op: 'remove', path: '/l/-2' }]).message).toBe(
      'Unable to access invalid index: -2: invalid index referenced',
    );
  });

  it('does not modify the target', () => {
    const target = { a: [1] };
    applyJsonPatch(target, [{ op: 'add', path: '/a/-', value: 2 }]);
    expect(target).toEqual({ a: [1] });
  });

  it('a failed test stops the whole patch with 422', () => {
    const err = fails({ spec: { replicas: 1 } }, [
      { op: 'replace', path: '/spec/replicas', value: 5 },
      { op: 'test', path: '/spec/replicas', value: 1 },
    ]);
    expect(err.status).toBe(422);
    expect(err.message).toBe('testing value /spec/replicas failed: test failed');
  });

  it.each([
    [
      'remove of a missing member',
      { a: 1 },
      [{ op: 'remove', path: '/b' }],
      'remove operation does not apply: doc is missing key: /b: missing value',
    ],
    [
      'replace of a missing member',
      { a: 1 },
      [{ op: 'replace', path: '/b', value: 1 }],
      'replace operation does not apply: doc is missing key: /b: missing value',
    ],
    [
      'add below a missing parent',
      {},
      [{ op: 'add', path: '/a/b', value: 1 }],
      'add operation does not apply: doc is missing path: "/a/b": missing value',
    ],
    [
      'move from a missing path',
      {},
      [{ op: 'move', from: '/x', path: '/y' }],
      'move operation does not apply: doc is missing from path: "/x": missing value',
    ],
    [
      'an index past the end',
      { l: [1] },
      [{ op: 'add', path: '/l/5', value: 1 }],
      'Unable to access invalid index: 5: invalid index referenced',
    ],
    ['an unknown operation', {}, [{ op: 'frobnicate', path: '/a' }], 'Unexpected kind: frobnicate'],
  ])('%s is refused', (_name, target, ops, message) => {
    const err = fails(target, ops);
    expect(err.status).toBe(422);
    expect(err.message).toBe(message);
  });

  it('test of a missing member passes only for null, and fails below a missing parent', () => {
    expect(applyJsonPatch({ a: 1 }, [{ op: 'test', path: '/b', value: null }])).toEqual({ a: 1 });
    expect(fails({ a: 1 }, [{ op: 'test', path: '/b', value: 1 }]).message).toBe(
      'testing value /b failed: test failed',
    );
    expect(fails({}, [{ op: 'test', path: '/x/y', value: 1 }]).message).toBe(
      'test operation does not apply: is missing path: /x/y: missing value',
    );
  });

  it('a body that is not a list is a bad request', () => {
    expect(fails({}, { op: 'add' }).status).toBe(400);
  });

  it('more than 10000 operations is too large', () => {
    const ops = Array.from({ length: 10001 }, () => ({ op: 'test', path: '', value: {} }));
    expect(fails({}, ops).status).toBe(413);
  });
});
