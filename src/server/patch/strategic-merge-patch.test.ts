import { describe, expect, it } from 'vitest';
import { PatchError, builtinTypeSchema, strategicMergePatch } from './index.js';

const deploymentSchema = builtinTypeSchema('apps/v1', 'Deployment');
const podSchema = builtinTypeSchema('v1', 'Pod');

function deployment(spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec };
}

function withContainers(containers: unknown[], extra: Record<string, unknown> = {}): unknown {
  return deployment({ template: { spec: { containers, ...extra } } });
}

const smp = (original: unknown, patch: unknown): unknown =>
  strategicMergePatch(original, patch, deploymentSchema);

describe('strategicMergePatch', () => {
  it('merges containers by name and keeps the others', () => {
    const original = withContainers([
      { name: 'a', image: 'a:1' },
      { name: 'b', image: 'b:1', args: ['x'] },
    ]);
    const out = smp(original, withContainers([{ name: 'b', image: 'b:2' }]));
    expect(out).toEqual(
      withContainers([
        { name: 'a', image: 'a:1' },
        { name: 'b', image: 'b:2', args: ['x'] },
      ]),
    );
  });

  it('puts new list items before server-only ones, as the apiserver orders them', () => {
    const original = withContainers([{ name: 'a', image: 'a:1' }]);
    const out = smp(original, withContainers([{ name: 'c', image: 'c:1' }]));
    expect(out).toEqual(
      withContainers([
        { name: 'c', image: 'c:1' },
        { name: 'a', image: 'a:1' },
      ]),
    );
  });

  it('appends new items where $setElementOrder says (kubectl apply)', () => {
    const original = withContainers([{ name: 'a', image: 'a:1' }]);
    const patch = {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'a' }, { name: 'c' }],
            containers: [{ name: 'c', image: 'c:1' }],
          },
        },
      },
    };
    expect(smp(original, patch)).toEqual(
      withContainers([
        { name: 'a', image: 'a:1' },
        { name: 'c', image: 'c:1' },
      ]),
    );
  });

  it('interleaves server-only items by their live positions', () => {
    const original = withContainers([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
    const out = smp(
      original,
      withContainers([
        { name: 'c', image: 'x' },
        { name: 'a', image: 'y' },
      ]),
    );
    expect(out).toEqual(
      // b (live position 1) goes before c (live position 2); patch order is kept for c, a.
      withContainers([{ name: 'b' }, { name: 'c', image: 'x' }, { name: 'a', image: 'y' }]),
    );
  });

  it('merges env by name and ports by containerPort inside a container', () => {
    const original = withContainers([
      {
        name: 'a',
        env: [
          { name: 'X', value: '1' },
          { name: 'Y', value: '2' },
        ],
        ports: [{ containerPort: 80, protocol: 'TCP', name: 'http' }],
      },
    ]);
    const patch = withContainers([
      {
        name: 'a',
        env: [{ name: 'Y', value: '3' }],
        ports: [{ containerPort: 80, name: 'web' }, { containerPort: 443 }],
      },
    ]);
    expect(smp(original, patch)).toEqual(
      withContainers([
        {
          name: 'a',
          env: [
            { name: 'X', value: '1' },
            { name: 'Y', value: '3' },
          ],
          ports: [{ containerPort: 80, protocol: 'TCP', name: 'web' }, { containerPort: 443 }],
        },
      ]),
    );
  });

  it('$patch: delete removes the list item with that key', () => {
    const original = withContainers([{ name: 'a' }, { name: 'b' }]);
    const out = smp(original, withContainers([{ name: 'a', $patch: 'delete' }]));
    expect(out).toEqual(withContainers([{ name: 'b' }]));
  });

  it('$patch: replace in a list replaces the whole list', () => {
    const original = withContainers([{ name: 'a', image: 'a' }, { name: 'b' }]);
    const out = smp(original, withContainers([{ $patch: 'replace' }, { name: 'c', image: 'c' }]));
    expect(out).toEqual(withContainers([{ name: 'c', image: 'c' }]));
  });

  it('$patch: replace on a map replaces the map', () => {
    const original = deployment({ template: { metadata: { labels: { a: '1', b: '2' } } } });
    const out = smp(
      original,
      deployment({ template: { metadata: { labels: { $patch: 'replace', c: '3' } } } }),
    );
    expect(out).toEqual(deployment({ template: { metadata: { labels: { c: '3' } } } }));
  });

  it('$patch: delete on a map empties it, null removes a field', () => {
    const original = deployment({ replicas: 2, strategy: { type: 'Recreate' }, paused: true });
    const out = smp(original, { spec: { strategy: { $patch: 'delete' }, paused: null } });
    expect(out).toEqual(deployment({ replicas: 2, strategy: {} }));
  });

  it('$retainKeys clears the fields it does not name (deployment strategy)', () => {
    const original = deployment({
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
    });
    const out = smp(original, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } });
    expect(out).toEqual(deployment({ strategy: { type: 'Recreate' } }));
  });

  it('$setElementOrder orders the merged list', () => {
    const original = withContainers([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
    const patch = {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }, { name: 'b' }],
            containers: [{ name: 'a', image: 'new' }],
          },
        },
      },
    };
    expect(smp(original, patch)).toEqual(
      withContainers([{ name: 'c' }, { name: 'a', image: 'new' }, { name: 'b' }]),
    );
  });

  it('finalizers merge as a set and $deleteFromPrimitiveList removes values', () => {
    const original = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', finalizers: ['a', 'b'] },
    };
    const added = strategicMergePatch(
      original,
      { metadata: { finalizers: ['b', 'c'] } },
      podSchema,
    );
    expect(added).toEqual({ ...original, metadata: { name: 'p', finalizers: ['a', 'b', 'c'] } });
    const removed = strategicMergePatch(
      added,
      { metadata: { '$deleteFromPrimitiveList/finalizers': ['a', 'c'] } },
      podSchema,
    );
    expect(removed).toEqual({ ...original, metadata: { name: 'p', finalizers: ['b'] } });
  });

  it('lists without a merge strategy are replaced (tolerations, args)', () => {
    const original = deployment({
      template: {
        spec: {
          tolerations: [{ key: 'a' }, { key: 'b' }],
          containers: [{ name: 'x', args: ['1', '2'] }],
        },
      },
    });
    const patch = deployment({
      template: { spec: { tolerations: [{ key: 'c' }], containers: [{ name: 'x', args: ['3'] }] } },
    });
    expect(smp(original, patch)).toEqual(
      deployment({
        template: {
          spec: { tolerations: [{ key: 'c' }], containers: [{ name: 'x', args: ['3'] }] },
        },
      }),
    );
  });

  it('merges volumes by name', () => {
    const original = withContainers([], {
      volumes: [
        { name: 'a', configMap: { name: 'cm' } },
        { name: 'b', emptyDir: {} },
      ],
    });
    const patch = {
      spec: { template: { spec: { volumes: [{ name: 'a', configMap: { name: 'cm2' } }] } } },
    };
    expect(smp(original, patch)).toEqual(
      withContainers([], {
        volumes: [
          { name: 'a', configMap: { name: 'cm2' } },
          { name: 'b', emptyDir: {} },
        ],
      }),
    );
  });

  it('directives are removed from values the original lacks', () => {
    const out = smp(
      deployment({}),
      withContainers([{ name: 'a', env: [{ name: 'X', $patch: 'merge' }] }]),
    );
    expect(out).toEqual(withContainers([{ name: 'a', env: [{ name: 'X' }] }]));
  });

  it('refuses an unknown $patch directive and a missing merge key', () => {
    expect(() => smp(deployment({}), { spec: { $patch: 'explode' } })).toThrow(PatchError);
    expect(() => smp(withContainers([{ name: 'a' }]), withContainers([{ image: 'x' }]))).toThrow(
      /does not contain declared merge key: name/,
    );
  });

  it('is merge patch where the schema knows nothing (custom fields)', () => {
    const original = { spec: { custom: [1, 2], nested: { a: 1 } } };
    expect(smp(original, { spec: { custom: [3], nested: { b: 2 } } })).toEqual({
      spec: { custom: [3], nested: { a: 1, b: 2 } },
    });
  });
});
