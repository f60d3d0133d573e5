// ObjectSet reconciliation end to end on the embedded server: phases, probes, conditions,
// collision protection, pause, teardown and steady state (PKO's objectset_test.go behaviours).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PKO,
  cm,
  conditionOf,
  eventually,
  freshNamespace,
  objectSet,
  startRevisionEnv,
  waitForCondition,
  writesSince,
  type RevisionEnv,
} from './revision-helpers.js';

let env: RevisionEnv;
beforeAll(async () => {
  env = await startRevisionEnv();
});
afterAll(async () => {
  await env.stop();
});

const osRef = (ns: string, name: string) => ({
  apiVersion: PKO,
  kind: 'ObjectSet',
  name,
  namespace: ns,
});
const cmRef = (ns: string, name: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  name,
  namespace: ns,
});

describe('ObjectSet', () => {
  it('applies phases in order, reports Available, Succeeded and controllerOf, then writes nothing on resync', async () => {
    const ns = await freshNamespace(env.client, 'os');
    await env.client.create(
      objectSet(ns, 'simple', [
        { name: 'one', objects: [{ object: cm('cm-1', { a: '1' }) }] },
        { name: 'two', objects: [{ object: cm('cm-2', { b: '2' }) }] },
      ]),
    );
    const os = await waitForCondition(
      env.client,
      osRef(ns, 'simple'),
      'Succeeded',
      'True',
      'RolloutSuccess',
    );
    expect(conditionOf(os, 'Available')).toMatchObject({
      status: 'True',
      reason: 'Available',
      message: 'Object is available and passes all probes.',
    });
    expect(conditionOf(os, 'InTransition')).toBeUndefined();
    expect((os.status as { controllerOf: unknown }).controllerOf).toEqual([
      { kind: 'ConfigMap', group: '', name: 'cm-1', namespace: ns },
      { kind: 'ConfigMap', group: '', name: 'cm-2', namespace: ns },
    ]);
    expect(os.metadata.finalizers).toContain('package-operator.run/cached');
    const live = await env.client.get(cmRef(ns, 'cm-1'));
    expect(live?.metadata.labels?.['package-operator.run/cache']).toBe('True');
    expect(live?.metadata.annotations?.['package-operator.run/revision']).toBe('1');
    expect(live?.metadata.ownerReferences).toEqual([
      expect.objectContaining({
        kind: 'ObjectSet',
        name: 'simple',
        controller: true,
        blockOwnerDeletion: true,
      }),
    ]);

    // Steady state: let things settle, then force a full resync of the set.
    await new Promise((r) => setTimeout(r, 300));
    const from = env.server.requests().length;
    const osCtrl = env.mgr.controllerNames;
    expect(osCtrl).toContain('ObjectSet');
    // another label on the object by someone else does not cause a write either
    await env.client.patch(cmRef(ns, 'cm-1'), 'merge', { metadata: { labels: { other: 'x' } } });
    const afterPatch = env.server.requests().length;
    await eventually(async () => {
      const o = await env.client.get(osRef(ns, 'simple'));
      return o !== undefined;
    }, 'read');
    await new Promise((r) => setTimeout(r, 300));
    expect(writesSince(env.server, afterPatch)).toEqual([]);
    expect(writesSince(env.server, from)).toHaveLength(1);
  });
});
