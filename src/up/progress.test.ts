import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../kube/index.js';
import { formatRow, packageRow, plainLine, revisionMessage } from './progress.js';

const PKO = 'package-operator.run/v1alpha1';

function pkg(generation: number, status?: Record<string, unknown>): KubeObject {
  return {
    apiVersion: PKO,
    kind: 'Package',
    metadata: { name: 'web', namespace: 'demo', generation },
    spec: { image: 'packsync.local/app:latest' },
    ...(status ? { status } : {}),
  };
}

const cond = (type: string, status: string, observedGeneration: number, message = '') => ({
  type,
  status,
  reason: 'R',
  message,
  observedGeneration,
});

describe('packageRow', () => {
  it('is Pending and unsettled before the controller wrote a status', () => {
    expect(packageRow(pkg(1))).toMatchObject({
      key: 'Package/demo/web',
      phase: 'Pending',
      revision: undefined,
      settled: undefined,
    });
  });

  it('is settled Available only for the current generation', () => {
    const status = (gen: number) => ({
      phase: 'Available',
      revision: 1,
      conditions: [cond('Unpacked', 'True', gen), cond('Available', 'True', gen)],
    });
    expect(packageRow(pkg(1, status(1)))).toMatchObject({ settled: 'available', revision: 1 });
    // The spec changed (generation 2) but the status still describes generation 1.
    expect(packageRow(pkg(2, status(1))).settled).toBeUndefined();
  });

  it('says why: the Invalid message, a pull error, or the Available message', () => {
    const invalid = packageRow(
      pkg(3, {
        phase: 'Invalid',
        conditions: [cond('Invalid', 'True', 3, 'config: replicas must be >= 1')],
      }),
    );
    expect(invalid).toMatchObject({ settled: 'invalid', message: 'config: replicas must be >= 1' });
    const pull = packageRow(
      pkg(1, {
        phase: 'Unpacking',
        conditions: [cond('Unpacked', 'False', 1, 'pulling: not found')],
      }),
    );
    expect(pull.message).toBe('pulling: not found');
    const blocked = packageRow(
      pkg(1, {
        phase: 'NotReady',
        conditions: [
          cond('Unpacked', 'True', 1),
          cond('Available', 'False', 1, 'Phase "deploy" failed'),
        ],
      }),
    );
    expect(blocked).toMatchObject({ settled: undefined, message: 'Phase "deploy" failed' });
  });
});

describe('revisionMessage', () => {
  it('maps an ObjectSet of a package deployment to its package and failing probe', () => {
    const os: KubeObject = {
      apiVersion: PKO,
      kind: 'ObjectSet',
      metadata: {
        name: 'web-abc',
        namespace: 'demo',
        ownerReferences: [
          { apiVersion: PKO, kind: 'ObjectDeployment', name: 'web', uid: 'u', controller: true },
        ],
      },
      spec: { revision: 2 },
      status: { conditions: [cond('Available', 'False', 1, 'Phase "main" failed: probe')] },
    };
    expect(revisionMessage(os)).toEqual({
      packageKey: 'Package/demo/web',
      name: 'web-abc',
      revision: 2,
      message: 'Phase "main" failed: probe',
    });
    const archived = { ...os, spec: { revision: 1, lifecycleState: 'Archived' } };
    expect(revisionMessage(archived)).toBeUndefined();
    expect(revisionMessage({ ...os, metadata: { name: 'x' } })).toBeUndefined();
  });
});

describe('formatRow', () => {
  const row = packageRow(
    pkg(1, {
      phase: 'Progressing',
      revision: 1,
      conditions: [cond('Unpacked', 'True', 1), cond('Available', 'False', 1, 'a\nlong message')],
    }),
  );

  it('shows marker, name, phase, revision and the message on one line', () => {
    expect(formatRow(row, { color: false, nameWidth: 20 })).toBe(
      '- Package demo/web      Progressing  revision 1   a long message',
    );
    expect(plainLine(row)).toBe('Package demo/web: Progressing (revision 1): a long message');
  });

  it('cuts to the terminal width with an ellipsis and colours only with color on', () => {
    const cut = formatRow(row, { color: false, nameWidth: 16, maxWidth: 40, frame: 0 });
    expect(cut).toHaveLength(40);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut).not.toContain('\x1b[');
    const colored = formatRow(row, { color: true, nameWidth: 16, maxWidth: 200, frame: 3 });
    expect(colored).toContain('\x1b[33mProgressing\x1b[0m');
    expect(colored.startsWith('\x1b[33m⠸\x1b[0m ')).toBe(true);
  });
});
