// ObjectSet reconciliation end to end on the embedded server: phases, probes, conditions,
// collision protection, pause, teardown and steady state (PKO's objectset_test.go behaviours).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/index.js';
import {
  PKO,
  cm,
  conditionOf,
  eventually,
  freshNamespace,
  objectSet,
  resync,
  settled,
  startRevisionEnv,
  waitForCondition,
  widgetCrd,
  writesSince,
  type RevisionEnv,
} from './revision-helpers.js';

const GROUP = 'probe.test';
let env: RevisionEnv;
beforeAll(async () => {
  env = await startRevisionEnv();
  await env.client.create(widgetCrd(GROUP));
  await eventually(
    async () => (await env.client.mapper.tryMapping(`${GROUP}/v1`, 'Widget')) !== undefined,
    'Widget served',
  );
});
afterAll(async () => {
  await env.stop();
});

const dataOf = (o: KubeObject | undefined): Record<string, string> =>
  (o?.data ?? {}) as Record<string, string>;
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
const widget = (name: string): KubeObject => ({
  apiVersion: `${GROUP}/v1`,
  kind: 'Widget',
  metadata: { name },
  spec: {},
});
const widgetReady = [
  {
    selector: { kind: { group: GROUP, kind: 'Widget' } },
    probes: [{ condition: { type: 'Ready', status: 'True' } }],
  },
];
const annotatedReady = [
  {
    selector: { kind: { group: '', kind: 'ConfigMap' } },
    probes: [
      {
        cel: {
          rule: "has(self.metadata.annotations) && 'ready' in self.metadata.annotations",
          message: 'not ready',
        },
      },
    ],
  },
];

async function setWidgetReady(ns: string, name: string, status: 'True' | 'False'): Promise<void> {
  await env.client.patch(
    { apiVersion: `${GROUP}/v1`, kind: 'Widget', name, namespace: ns },
    'merge',
    { status: { conditions: [{ type: 'Ready', status }] } },
    { subresource: 'status' },
  );
}

describe('ObjectSet', () => {
  it('applies phases in order, reports Available, Succeeded and controllerOf, and writes nothing on resync', async () => {
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
    expect((os.status as { revision: unknown }).revision).toBe(1);
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

    // Someone else adds a label: not ours to manage, no write. Then a full resync: no write.
    await settled(env);
    await env.client.patch(cmRef(ns, 'cm-1'), 'merge', { metadata: { labels: { other: 'x' } } });
    const from = env.server.requests().length;
    await settled(env);
    await resync(env);
    expect(writesSince(env.server, from)).toEqual([]);

    // Drift of a field we manage is corrected.
    await env.client.patch(cmRef(ns, 'cm-2'), 'merge', { data: { b: 'changed' } });
    await eventually(
      async () => dataOf(await env.client.get(cmRef(ns, 'cm-2'))).b === '2',
      'drift corrected',
    );
  });

  it('stops at a phase whose probes fail: later phases stay unapplied until it passes', async () => {
    const ns = await freshNamespace(env.client, 'os');
    await env.client.create(
      objectSet(
        ns,
        'gated',
        [
          { name: 'gate', objects: [{ object: widget('w1') }] },
          { name: 'after', objects: [{ object: cm('after') }] },
        ],
        { availabilityProbes: widgetReady },
      ),
    );
    const os = await waitForCondition(
      env.client,
      osRef(ns, 'gated'),
      'Available',
      'False',
      'ProbeFailure',
    );
    expect(conditionOf(os, 'Available')?.message).toMatch(
      new RegExp(`^Phase "gate" failed: ${GROUP} Widget ${ns}/w1: `),
    );
    expect(conditionOf(os, 'InTransition')).toMatchObject({
      status: 'True',
      reason: 'InTransition',
    });
    await settled(env);
    expect(await env.client.get(cmRef(ns, 'after'))).toBeUndefined();

    await setWidgetReady(ns, 'w1', 'False');
    const failing = await eventually(async () => {
      const o = await env.client.get(osRef(ns, 'gated'));
      const m = conditionOf(o, 'Available')?.message ?? '';
      return m.includes('"Ready"') && m;
    }, 'probe message names the condition');
    expect(failing).toContain(`${GROUP} Widget ${ns}/w1`);
    expect(await env.client.get(cmRef(ns, 'after'))).toBeUndefined();

    await setWidgetReady(ns, 'w1', 'True');
    await waitForCondition(env.client, osRef(ns, 'gated'), 'Available', 'True', 'Available');
    expect(await env.client.get(cmRef(ns, 'after'))).toBeDefined();
  });

  describe('collision protection', () => {
    const cases: {
      name: string;
      protection: string;
      owned: boolean;
      status: string;
      reason: string;
    }[] = [
      {
        name: 'prevent-unowned',
        protection: 'Prevent',
        owned: false,
        status: 'False',
        reason: 'CollisionDetected',
      },
      {
        name: 'prevent-owned',
        protection: 'Prevent',
        owned: true,
        status: 'False',
        reason: 'CollisionDetected',
      },
      {
        name: 'ifnc-owned',
        protection: 'IfNoController',
        owned: true,
        status: 'False',
        reason: 'CollisionDetected',
      },
      {
        name: 'ifnc-unowned',
        protection: 'IfNoController',
        owned: false,
        status: 'True',
        reason: 'Available',
      },
      { name: 'none-owned', protection: 'None', owned: true, status: 'True', reason: 'Available' },
      {
        name: 'none-unowned',
        protection: 'None',
        owned: false,
        status: 'True',
        reason: 'Available',
      },
    ];
    for (const c of cases) {
      it(`${c.protection} with an ${c.owned ? 'owned' : 'unowned'} object: Available=${c.status} (${c.reason})`, async () => {
        const ns = await freshNamespace(env.client, 'col');
        const owner = await env.client.create({
          ...cm('owner'),
          metadata: { name: 'owner', namespace: ns },
        });
        await env.client.create({
          ...cm('taken', { mine: 'yes' }),
          metadata: {
            name: 'taken',
            namespace: ns,
            ...(c.owned
              ? {
                  ownerReferences: [
                    {
                      apiVersion: 'v1',
                      kind: 'ConfigMap',
                      name: 'owner',
                      uid: owner.metadata.uid!,
                      controller: true,
                    },
                  ],
                }
              : {}),
          },
        });
        await env.client.create(
          objectSet(ns, c.name, [
            {
              name: 'p',
              objects: [{ object: cm('taken', { mine: 'no' }), collisionProtection: c.protection }],
            },
          ]),
        );
        const os = await waitForCondition(
          env.client,
          osRef(ns, c.name),
          'Available',
          c.status,
          c.reason,
        );
        const live = await env.client.get(cmRef(ns, 'taken'));
        if (c.status === 'True') {
          expect(live?.data).toEqual({ mine: 'no' });
          expect((os.status as { controllerOf: unknown }).controllerOf).toEqual([
            { kind: 'ConfigMap', group: '', name: 'taken', namespace: ns },
          ]);
          const refs = live?.metadata.ownerReferences ?? [];
          expect(refs.filter((r) => r.controller === true).map((r) => r.name)).toEqual([c.name]);
        } else {
          expect(conditionOf(os, 'Available')?.message).toBe(
            `refusing adoption, object /v1, Kind=ConfigMap ${ns}/taken not owned by previous revision`,
          );
          expect(live?.data).toEqual({ mine: 'yes' });
        }
      });
    }

    it('rejects objects with ownerReferences in the spec (PreflightError)', async () => {
      const ns = await freshNamespace(env.client, 'col');
      const bad = cm(
        'bad',
        {},
        {
          ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'x', uid: '123' }],
        },
      );
      await env.client.create(
        objectSet(ns, 'invalid', [{ name: 'p', objects: [{ object: bad }] }]),
      );
      const os = await waitForCondition(
        env.client,
        osRef(ns, 'invalid'),
        'Available',
        'False',
        'PreflightError',
      );
      expect(conditionOf(os, 'Available')?.message).toContain('owner references must not be set');
      expect(await env.client.get(cmRef(ns, 'bad'))).toBeUndefined();
    });
  });

  it('pauses (observe only), resumes, then tears everything down on delete', async () => {
    const ns = await freshNamespace(env.client, 'pause');
    await env.client.create(
      objectSet(ns, 'p', [{ name: 'p', objects: [{ object: cm('c', { k: 'v' }) }] }]),
    );
    await waitForCondition(env.client, osRef(ns, 'p'), 'Available', 'True');
    await env.client.patch(osRef(ns, 'p'), 'merge', { spec: { lifecycleState: 'Paused' } });
    const paused = await waitForCondition(env.client, osRef(ns, 'p'), 'Paused', 'True', 'Paused');
    expect(conditionOf(paused, 'Paused')?.message).toBe('Lifecycle state set to paused.');
    await env.client.patch(cmRef(ns, 'c'), 'merge', { data: { k: 'edited' } });
    await settled(env);
    await resync(env);
    expect((await env.client.get(cmRef(ns, 'c')))?.data).toEqual({ k: 'edited' });

    await env.client.patch(osRef(ns, 'p'), 'merge', { spec: { lifecycleState: 'Active' } });
    await eventually(
      async () => dataOf(await env.client.get(cmRef(ns, 'c'))).k === 'v',
      'restored',
    );
    expect(conditionOf(await env.client.get(osRef(ns, 'p')), 'Paused')).toBeUndefined();

    await env.client.delete(osRef(ns, 'p'));
    await eventually(
      async () => (await env.client.get(osRef(ns, 'p'))) === undefined,
      'ObjectSet gone',
    );
    expect(await env.client.get(cmRef(ns, 'c'))).toBeUndefined();
  });

  it('hands an object over from revision 1 to revision 2, which reports ProbeFailure until it passes', async () => {
    const ns = await freshNamespace(env.client, 'hand');
    await env.client.create(
      objectSet(ns, 'rev1', [
        {
          name: 'p',
          objects: [{ object: cm('cm-1', { v: '1' }) }, { object: cm('cm-2', { v: '1' }) }],
        },
      ]),
    );
    await waitForCondition(env.client, osRef(ns, 'rev1'), 'Available', 'True');
    await env.client.create(
      objectSet(
        ns,
        'rev2',
        [
          {
            name: 'p',
            objects: [{ object: cm('cm-1', { v: '2' }) }, { object: cm('cm-3', { v: '2' }) }],
          },
        ],
        { revision: 2, previous: [{ name: 'rev1' }], availabilityProbes: annotatedReady },
      ),
    );
    const rev2 = await waitForCondition(
      env.client,
      osRef(ns, 'rev2'),
      'Available',
      'False',
      'ProbeFailure',
    );
    expect(conditionOf(rev2, 'Available')?.message).toBe(
      // PKO prints `<group> <Kind>`: the core group leaves a double space.
      `Phase "p" failed:  ConfigMap ${ns}/cm-1: not ready,  ConfigMap ${ns}/cm-3: not ready`,
    );
    const cm1 = await env.client.get(cmRef(ns, 'cm-1'));
    expect(cm1?.data).toEqual({ v: '2' });
    expect(cm1?.metadata.annotations?.['package-operator.run/revision']).toBe('2');
    expect(cm1?.metadata.ownerReferences?.find((r) => r.controller === true)?.name).toBe('rev2');
    const rev1 = await waitForCondition(env.client, osRef(ns, 'rev1'), 'InTransition', 'True');
    await eventually(async () => {
      const o = await env.client.get(osRef(ns, 'rev1'));
      const of = (o?.status as { controllerOf?: { name: string }[] }).controllerOf ?? [];
      return of.length === 1 && of[0]?.name === 'cm-2';
    }, 'rev1 controls cm-2 only');
    expect(rev1).toBeDefined();

    for (const n of ['cm-1', 'cm-3']) {
      await env.client.patch(cmRef(ns, n), 'merge', {
        metadata: { annotations: { ready: 'yes' } },
      });
    }
    await waitForCondition(env.client, osRef(ns, 'rev2'), 'Available', 'True');
  });

  it('keeps the objects when deleted with the orphan cascade', async () => {
    const ns = await freshNamespace(env.client, 'orphan');
    await env.client.create(objectSet(ns, 'o', [{ name: 'p', objects: [{ object: cm('keep') }] }]));
    await waitForCondition(env.client, osRef(ns, 'o'), 'Available', 'True');
    await env.client.delete(osRef(ns, 'o'), { propagationPolicy: 'Orphan' });
    await eventually(
      async () => (await env.client.get(osRef(ns, 'o'))) === undefined,
      'ObjectSet gone',
    );
    const kept = await eventually(async () => {
      const o = await env.client.get(cmRef(ns, 'keep'));
      return o !== undefined && (o.metadata.ownerReferences ?? []).length === 0 && o;
    }, 'orphaned ConfigMap without owner');
    expect(kept.metadata.name).toBe('keep');
  });

  it('releases an object it no longer controls on teardown instead of deleting it', async () => {
    const ns = await freshNamespace(env.client, 'rel');
    await env.client.create(
      objectSet(ns, 'r', [{ name: 'p', objects: [{ object: cm('shared') }] }]),
    );
    await waitForCondition(env.client, osRef(ns, 'r'), 'Available', 'True');
    const live = (await env.client.get(cmRef(ns, 'shared')))!;
    await env.client.patch(cmRef(ns, 'shared'), 'merge', {
      metadata: {
        ownerReferences: (live.metadata.ownerReferences ?? []).map((r) => ({
          ...r,
          controller: false,
        })),
      },
    });
    await env.client.delete(osRef(ns, 'r'));
    await eventually(
      async () => (await env.client.get(osRef(ns, 'r'))) === undefined,
      'ObjectSet gone',
    );
    const kept = await env.client.get(cmRef(ns, 'shared'));
    expect(kept).toBeDefined();
    expect(kept?.metadata.ownerReferences ?? []).toEqual([]);
  });

  it('ignores a previous revision that does not exist', async () => {
    const ns = await freshNamespace(env.client, 'prev');
    await env.client.create(
      objectSet(ns, 'x', [{ name: 'p', objects: [{ object: cm('c') }] }], {
        revision: 3,
        previous: [{ name: 'does-not-exist' }],
      }),
    );
    await waitForCondition(env.client, osRef(ns, 'x'), 'Available', 'True');
  });

  it('turns Succeeded after successDelaySeconds without any other event', async () => {
    const ns = await freshNamespace(env.client, 'delay');
    await env.client.create(
      objectSet(ns, 'd', [{ name: 'p', objects: [{ object: cm('c') }] }], {
        successDelaySeconds: 2,
      }),
    );
    const avail = await waitForCondition(env.client, osRef(ns, 'd'), 'Available', 'True');
    expect(conditionOf(avail, 'Succeeded')).toBeUndefined();
    const done = await waitForCondition(
      env.client,
      osRef(ns, 'd'),
      'Succeeded',
      'True',
      'RolloutSuccess',
      8_000,
    );
    const t = (type: string) =>
      Date.parse(
        (
          done.status as { conditions: { type: string; lastTransitionTime: string }[] }
        ).conditions.find((c) => c.type === type)!.lastTransitionTime,
      );
    expect(t('Succeeded') - t('Available')).toBeGreaterThanOrEqual(2_000);
  });

  it('delegates a phase of class default to an ObjectSetPhase', async () => {
    const ns = await freshNamespace(env.client, 'osp');
    await env.client.create(
      objectSet(ns, 'remote', [
        { name: 'local', objects: [{ object: cm('local') }] },
        { name: 'deploy', class: 'default', objects: [{ object: cm('remote-cm', { r: '1' }) }] },
      ]),
    );
    const os = await waitForCondition(env.client, osRef(ns, 'remote'), 'Available', 'True');
    const phase = await env.client.get({
      apiVersion: PKO,
      kind: 'ObjectSetPhase',
      name: 'remote-deploy',
      namespace: ns,
    });
    expect(phase?.metadata.labels?.['package-operator.run/phase-class']).toBe('default');
    expect(conditionOf(phase, 'Available')?.status).toBe('True');
    const remote = await env.client.get(cmRef(ns, 'remote-cm'));
    expect(remote?.metadata.ownerReferences?.find((r) => r.controller === true)?.kind).toBe(
      'ObjectSetPhase',
    );
    expect((os.status as { remotePhases: unknown }).remotePhases).toEqual([
      { name: 'remote-deploy', uid: phase?.metadata.uid },
    ]);
    expect(conditionOf(os, 'InTransition')).toBeUndefined();
  });

  it('ClusterObjectSet manages cluster-scoped and namespaced objects and leaves InTransition', async () => {
    const name = `cos-${Math.random().toString(36).slice(2, 7)}`;
    const nsObj: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
    await env.client.create(
      objectSet(undefined, name, [
        { name: 'ns', objects: [{ object: nsObj }] },
        { name: 'cm', objects: [{ object: cm('in-ns', {}, { namespace: name }) }] },
      ]),
    );
    const ref = { apiVersion: PKO, kind: 'ClusterObjectSet', name };
    const os = await waitForCondition(env.client, ref, 'Succeeded', 'True');
    expect(conditionOf(os, 'InTransition')).toBeUndefined();
    expect(await env.client.get(cmRef(name, 'in-ns'))).toBeDefined();
    await env.client.patch(ref, 'merge', { spec: { lifecycleState: 'Archived' } });
    await waitForCondition(env.client, ref, 'Archived', 'True', 'Archived');
    expect(await env.client.get(cmRef(name, 'in-ns'))).toBeUndefined();
  });

  it('inlines objects from ObjectSlices and becomes their (non-controller) owner', async () => {
    const ns = await freshNamespace(env.client, 'slice');
    await env.client.create({
      apiVersion: PKO,
      kind: 'ObjectSlice',
      metadata: { name: 'slice-1', namespace: ns },
      objects: [{ object: cm('from-slice', { s: '1' }) }],
    });
    await env.client.create({
      apiVersion: PKO,
      kind: 'ObjectSet',
      metadata: { name: 'sliced', namespace: ns },
      spec: {
        revision: 1,
        phases: [{ name: 'p', objects: [{ object: cm('inline') }], slices: ['slice-1'] }],
      },
    });
    const os = await waitForCondition(env.client, osRef(ns, 'sliced'), 'Available', 'True');
    expect(dataOf(await env.client.get(cmRef(ns, 'from-slice')))).toEqual({ s: '1' });
    const slice = await env.client.get({
      apiVersion: PKO,
      kind: 'ObjectSlice',
      name: 'slice-1',
      namespace: ns,
    });
    expect(slice?.metadata.ownerReferences).toEqual([
      expect.objectContaining({
        kind: 'ObjectSet',
        name: 'sliced',
        uid: os.metadata.uid,
        controller: false,
      }),
    ]);
  });

  it('reports preflight errors: unknown API and namespace escalation', async () => {
    const ns = await freshNamespace(env.client, 'pre');
    const unknown: KubeObject = {
      apiVersion: 'nope.test/v1',
      kind: 'Nothing',
      metadata: { name: 'n' },
    };
    await env.client.create(
      objectSet(ns, 'unknown', [
        { name: 'p', objects: [{ object: unknown }, { object: cm('c') }] },
      ]),
    );
    const a = await waitForCondition(
      env.client,
      osRef(ns, 'unknown'),
      'Available',
      'False',
      'PreflightError',
    );
    expect(conditionOf(a, 'Available')?.message).toContain(
      'no matches for kind "Nothing" in version "nope.test/v1"',
    );
    await env.client.create(
      objectSet(ns, 'escalate', [
        { name: 'p', objects: [{ object: cm('c', {}, { namespace: 'default' }) }] },
      ]),
    );
    const b = await waitForCondition(
      env.client,
      osRef(ns, 'escalate'),
      'Available',
      'False',
      'PreflightError',
    );
    expect(conditionOf(b, 'Available')?.message).toContain(`must stay within namespace "${ns}"`);
    await settled(env);
    expect(await env.client.get(cmRef(ns, 'c'))).toBeUndefined();
    expect(await env.client.get(cmRef('default', 'c'))).toBeUndefined();
  });

  it('a never-ready Deployment (simulator override) blocks later phases; a normal one passes', async () => {
    const ns = await freshNamespace(env.client, 'deploy');
    const deployment = (name: string, annotations: Record<string, string> = {}): KubeObject => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, annotations },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { containers: [{ name: 'c', image: 'nginx' }] },
        },
      },
    });
    const probes = [
      {
        selector: { kind: { group: 'apps', kind: 'Deployment' } },
        probes: [
          { condition: { type: 'Available', status: 'True' } },
          { fieldsEqual: { fieldA: '.status.updatedReplicas', fieldB: '.status.replicas' } },
        ],
      },
    ];
    await env.client.create(
      objectSet(
        ns,
        'stuck',
        [
          {
            name: 'deploy',
            objects: [
              { object: deployment('web', { 'simulator.packsync.dev/never-ready': 'true' }) },
            ],
          },
          { name: 'after', objects: [{ object: cm('after') }] },
        ],
        { availabilityProbes: probes },
      ),
    );
    await env.client.create(
      objectSet(
        ns,
        'fine',
        [
          { name: 'deploy', objects: [{ object: deployment('ok') }] },
          { name: 'after', objects: [{ object: cm('after-ok') }] },
        ],
        {
          availabilityProbes: probes,
        },
      ),
    );
    await waitForCondition(env.client, osRef(ns, 'fine'), 'Available', 'True');
    expect(await env.client.get(cmRef(ns, 'after-ok'))).toBeDefined();
    const stuck = await waitForCondition(
      env.client,
      osRef(ns, 'stuck'),
      'Available',
      'False',
      'ProbeFailure',
    );
    expect(conditionOf(stuck, 'Available')?.message).toMatch(
      new RegExp(`^Phase "deploy" failed: apps Deployment ${ns}/web: `),
    );
    await settled(env);
    expect(await env.client.get(cmRef(ns, 'after'))).toBeUndefined();
  });
});
