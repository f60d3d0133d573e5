import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../kube/index.js';
import { coversFields, provablyUnchanged } from './unchanged.js';

const fields = {
  'f:metadata': { 'f:labels': { 'f:a': {} } },
  'f:spec': {
    'f:containers': {
      'k:{"name":"web"}': {
        '.': {},
        'f:ports': {
          'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} },
        },
      },
    },
    'f:finalizers': { 'v:"x"': {} },
  },
};

function obj(
  spec: Record<string, unknown>,
  labels: Record<string, string> = { a: '1' },
): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels }, spec };
}

const spec = { containers: [{ name: 'web', ports: [{ containerPort: 80 }] }], finalizers: ['x'] };

describe('coversFields', () => {
  it('accepts a desired object that still sets every owned field (defaulted key fields absent)', () => {
    expect(coversFields(fields, obj(spec))).toBe(true);
  });

  it.each([
    ['a dropped label', obj(spec, {})],
    ['a dropped list item', obj({ ...spec, containers: [{ name: 'other' }] })],
    ['a dropped set value', obj({ ...spec, finalizers: [] })],
    [
      'a changed key',
      obj({ ...spec, containers: [{ name: 'web', ports: [{ containerPort: 81 }] }] }),
    ],
  ])('refuses %s', (_name, desired) => {
    expect(coversFields(fields, desired)).toBe(false);
  });
});

describe('provablyUnchanged', () => {
  const live: KubeObject = {
    ...obj({ ...spec, restartPolicy: 'Always' }),
    metadata: {
      name: 'p',
      labels: { a: '1' },
      managedFields: [{ manager: 'packsync', operation: 'Apply', fieldsV1: fields }],
    },
  };
  it('is true when live holds every value we set and we own nothing more', () => {
    expect(provablyUnchanged(obj(spec), live, 'packsync')).toBe(true);
  });
  it('is false when a value differs or an owned field is no longer set', () => {
    expect(provablyUnchanged(obj(spec, { a: '2' }), live, 'packsync')).toBe(false);
    expect(provablyUnchanged(obj(spec, {}), live, 'packsync')).toBe(false);
    // Another manager's fields are not ours to remove.
    expect(provablyUnchanged(obj(spec, {}), live, 'someone-else')).toBe(true);
  });
});
