import { describe, expect, it } from 'vitest';
import { fieldChanges, mergeMasks, project, removedMask } from './semantic.js';

describe('project', () => {
  it('keeps only the fields the mask sets, matching list items by name', () => {
    const live = {
      spec: {
        replicas: 2,
        progressDeadlineSeconds: 600,
        template: {
          spec: {
            containers: [
              { name: 'sidecar', image: 'envoy' },
              { name: 'web', image: 'nginx', terminationMessagePath: '/dev/termination-log' },
            ],
          },
        },
      },
    };
    const mask = {
      spec: { replicas: 1, template: { spec: { containers: [{ name: 'web', image: 'x' }] } } },
    };
    expect(project(live, mask)).toEqual({
      spec: { replicas: 2, template: { spec: { containers: [{ name: 'web', image: 'nginx' }] } } },
    });
  });

  it('takes scalar lists whole and keeps an empty object as presence only', () => {
    expect(
      project({ args: ['a', 'b'], emptyDir: { medium: '' } }, { args: ['a'], emptyDir: {} }),
    ).toEqual({
      args: ['a', 'b'],
      emptyDir: {},
    });
  });
});

describe('removedMask', () => {
  it('names the fields and list items the new object no longer has', () => {
    const before = {
      data: { a: '1', b: '2' },
      ports: [{ port: 80, protocol: 'TCP' }, { port: 443 }],
    };
    const after = { data: { a: '1' }, ports: [{ port: 80, protocol: 'TCP' }] };
    expect(removedMask(before, after)).toEqual({ data: { b: '2' }, ports: [{ port: 443 }] });
    expect(removedMask(after, after)).toBeUndefined();
  });
});

describe('mergeMasks', () => {
  it('merges objects and keyed list items', () => {
    expect(
      mergeMasks(
        { spec: { ports: [{ port: 80 }] } },
        { spec: { ports: [{ port: 80, name: 'x' }, { port: 443 }] }, data: {} },
      ),
    ).toEqual({ spec: { ports: [{ port: 80, name: 'x' }, { port: 443 }] }, data: {} });
  });
});

describe('fieldChanges', () => {
  it.each([
    ['equal values', { a: 1 }, { a: 1 }, []],
    ['a changed scalar', { a: 1 }, { a: 2 }, [{ path: 'a', old: 1, new: 2 }]],
    ['an added field', {}, { a: { b: 1 } }, [{ path: 'a', new: { b: 1 } }]],
    ['a removed field', { a: 1 }, {}, [{ path: 'a', old: 1 }]],
    [
      'a scalar list',
      { args: ['a'] },
      { args: ['a', 'b'] },
      [{ path: 'args', old: ['a'], new: ['a', 'b'] }],
    ],
    [
      'a keyed list item',
      { c: [{ name: 'web', image: 'a' }, { name: 'old' }] },
      { c: [{ name: 'web', image: 'b' }] },
      [
        { path: 'c[name=web].image', old: 'a', new: 'b' },
        { path: 'c[name=old]', old: { name: 'old' } },
      ],
    ],
    [
      'an odd key',
      { data: { 'a.b': '1' } },
      { data: { 'a.b': '2' } },
      [{ path: 'data["a.b"]', old: '1', new: '2' }],
    ],
  ])('%s', (_name, before, after, want) => {
    expect(fieldChanges(before, after)).toEqual(want);
  });
});
