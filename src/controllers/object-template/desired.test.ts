import { describe, expect, it } from 'vitest';
import { CACHE_LABEL, type KubeObject } from '../../kube/index.js';
import { desiredObject, otherController, updateFor } from './desired.js';

const owner = (ns?: string): KubeObject => ({
  apiVersion: 'package-operator.run/v1alpha1',
  kind: ns === undefined ? 'ClusterObjectTemplate' : 'ObjectTemplate',
  metadata: { name: 't', uid: 'u1', ...(ns !== undefined ? { namespace: ns } : {}) },
});
const cm = (meta: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'c', ...meta },
  data: { a: '1' },
});

describe('desiredObject', () => {
  it('forces the namespace of a namespaced template and adds label and owner', () => {
    const r = desiredObject(cm({ namespace: 'elsewhere' }), owner('ns'), true);
    expect(r).toEqual({
      ok: true,
      object: {
        ...cm(),
        metadata: {
          name: 'c',
          namespace: 'ns',
          labels: { [CACHE_LABEL]: 'True' },
          ownerReferences: [
            {
              apiVersion: 'package-operator.run/v1alpha1',
              kind: 'ObjectTemplate',
              name: 't',
              uid: 'u1',
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
      },
    });
  });
  it('refuses cluster-scoped objects from a namespaced template', () => {
    expect(desiredObject(cm(), owner('ns'), false).ok).toBe(false);
  });
  it('needs a namespace for namespaced objects of a cluster template', () => {
    expect(desiredObject(cm(), owner(), true).ok).toBe(false);
    expect(desiredObject(cm({ namespace: 'x' }), owner(), true)).toMatchObject({
      ok: true,
      object: { metadata: { namespace: 'x' } },
    });
  });
});

describe('updateFor', () => {
  const want = (desiredObject(cm(), owner('ns'), true) as { object: KubeObject }).object;
  const live = (
    extra: Partial<KubeObject> = {},
    meta: Record<string, unknown> = {},
  ): KubeObject => ({
    ...structuredClone(want),
    ...extra,
    metadata: { ...structuredClone(want.metadata), resourceVersion: '7', uid: 'x', ...meta },
  });

  it('is undefined when nothing changed', () => {
    expect(updateFor(live(), want)).toBeUndefined();
  });
  it('ignores fields the server added (defaults, other managers)', () => {
    const existing = live(
      { data: { ...(want.data as Record<string, string>), added: 'by-someone' }, immutable: false },
      { labels: { ...want.metadata.labels, other: 'y' }, generation: 3 },
    );
    expect(updateFor(existing, want)).toBeUndefined();
  });
  it('replaces content and keeps foreign refs, finalizers, labels', () => {
    const foreign = { apiVersion: 'v1', kind: 'Secret', name: 's', uid: 'u2' };
    const existing = live(
      { data: { a: 'old', gone: 'x' } },
      {
        finalizers: ['f'],
        labels: { other: 'y' },
        ownerReferences: [foreign],
      },
    );
    const u = updateFor(existing, want);
    expect(u?.data).toEqual({ a: '1' });
    expect(u?.metadata.resourceVersion).toBe('7');
    expect(u?.metadata.finalizers).toEqual(['f']);
    expect(u?.metadata.labels).toEqual({ other: 'y', [CACHE_LABEL]: 'True' });
    expect(u?.metadata.ownerReferences).toEqual([foreign, want.metadata.ownerReferences?.[0]]);
  });
});

describe('otherController', () => {
  it('finds a controller that is not us', () => {
    const o = cm({
      ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: 'u9', controller: true }],
    });
    expect(otherController(o, 'u1')?.uid).toBe('u9');
    expect(otherController(o, 'u9')).toBeUndefined();
  });
});
