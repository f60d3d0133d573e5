import { describe, expect, it } from 'vitest';
import { collectItems, keyPath, readPath, setDestination, sourceRef } from './sources.js';

describe('keyPath', () => {
  it.each([
    ['a.b', ['a', 'b']],
    ['.a.b', ['a', 'b']],
    ['{a.b}', ['a', 'b']],
    ['{.a.b}', ['a', 'b']],
    ['{.}', []],
  ])('%s', (key, want) => {
    expect(keyPath(key)).toEqual(want);
  });
});

describe('readPath', () => {
  const obj = { data: { a: 'x' }, list: ['only'], many: [1, 2], items: [{ n: 'first' }] };
  it.each([
    [['data', 'a'], { found: true, value: 'x' }],
    [['list'], { found: true, value: 'only' }],
    [['many'], { found: true, value: [1, 2] }],
    [['items', '0', 'n'], { found: true, value: 'first' }],
    [['data', 'missing'], { found: false, value: undefined }],
    [['data', 'a', 'deeper'], { found: false, value: undefined }],
  ])('%j', (path, want) => {
    expect(readPath(obj, path)).toEqual(want);
  });
});

describe('setDestination', () => {
  it('creates nested maps', () => {
    const c: Record<string, unknown> = { keep: 1 };
    expect(setDestination(c, '.a.b', 'v')).toEqual({ ok: true });
    expect(c).toEqual({ keep: 1, a: { b: 'v' } });
  });
  it.each(['a.b', '.', '.a..b'])('rejects %s', (dest) => {
    expect(setDestination({}, dest, 1).ok).toBe(false);
  });
});

describe('sourceRef', () => {
  const src = { apiVersion: 'v1', kind: 'ConfigMap', name: 'c', items: [] };
  it('defaults to the template namespace', () => {
    expect(sourceRef(src, 'ns')).toEqual({
      ok: true,
      ref: { apiVersion: 'v1', kind: 'ConfigMap', name: 'c', namespace: 'ns' },
    });
  });
  it('forbids other namespaces for namespaced templates', () => {
    expect(sourceRef({ ...src, namespace: 'other' }, 'ns').ok).toBe(false);
  });
  it('lets cluster templates read any namespace or cluster-scoped objects', () => {
    expect(sourceRef({ ...src, namespace: 'other' }, undefined)).toMatchObject({
      ok: true,
      ref: { namespace: 'other' },
    });
    expect(sourceRef(src, undefined)).toMatchObject({ ok: true, ref: { namespace: undefined } });
  });
});

describe('collectItems', () => {
  it('copies every item and reports a missing key', () => {
    const config: Record<string, unknown> = {};
    const src = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      name: 'c',
      items: [{ key: '{.data.x}', destination: '.x' }],
    };
    expect(collectItems(src, { data: { x: '1' } }, config)).toEqual({ ok: true });
    expect(config).toEqual({ x: '1' });
    const missing = collectItems(src, { data: {} }, {});
    expect(missing).toEqual({ ok: false, message: 'source ConfigMap c: key {.data.x} not found' });
  });
});
