// ObjectDeployment end to end on the embedded server: revisions from template hashes, hash
// collisions, archival, history limit, pause and steady state (PKO's objectdeployment_test.go).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseObject } from '../../src/apis/index.js';
import { templateHash } from '../../src/controllers/object-deployment/hash.js';
import type { KubeObject } from '../../src/kube/index.js';
import {
  PKO,
  cm,
  conditionOf,
  eventually,
  freshNamespace,
  resync,
  settled,
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

const notReadyProbe = [
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

function deployment(
  ns: string,
  name: string,
  objects: KubeObject[],
  extra: Record<string, unknown> = {},
  probes?: unknown[],
): KubeObject {
  return {
    apiVersion: PKO,
    kind: 'ObjectDeployment',
    metadata: { name, namespace: ns },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          phases: [{ name: 'deploy', objects: objects.map((object) => ({ object })) }],
          ...(probes ? { availabilityProbes: probes } : {}),
        },
      },
      ...extra,
    },
  };
}

const odRef = (ns: string, name: string) => ({
  apiVersion: PKO,
  kind: 'ObjectDeployment',
  name,
  namespace: ns,
});
const osRef = (ns: string, name: string) => ({
  apiVersion: PKO,
  kind: 'ObjectSet',
  name,
  namespace: ns,
});

async function setTemplate(
  ns: string,
  name: string,
  objects: KubeObject[],
  probes?: unknown[],
): Promise<void> {
  await env.client.patch(odRef(ns, name), 'merge', {
    spec: {
      template: {
        spec: {
          phases: [{ name: 'deploy', objects: objects.map((object) => ({ object })) }],
          availabilityProbes: probes ?? null,
        },
      },
    },
  });
}

async function objectSets(ns: string): Promise<KubeObject[]> {
  const list = await env.client.list(PKO, 'ObjectSet', { namespace: ns });
  return list.items.sort(
    (a, b) =>
      Number((a.spec as { revision: number }).revision) -
      Number((b.spec as { revision: number }).revision),
  );
}

const lifecycle = (o: KubeObject) =>
  (o.spec as { lifecycleState?: string }).lifecycleState ?? 'Active';
const statusOf = (o: KubeObject | undefined) => (o?.status ?? {}) as Record<string, unknown>;

describe('ObjectDeployment', () => {
  it('creates revision <name>-<hash>, becomes Available and Idle, and writes nothing on resync', async () => {
    const ns = await freshNamespace(env.client, 'od');
    const od = await env.client.create(deployment(ns, 'app', [cm('c1', { v: '1' })]));
    const done = await waitForCondition(
      env.client,
      odRef(ns, 'app'),
      'Progressing',
      'False',
      'Idle',
    );
    expect(conditionOf(done, 'Available')).toMatchObject({
      status: 'True',
      reason: 'Available',
      message: 'Latest Revision is Available.',
    });
    expect(conditionOf(done, 'Progressing')?.message).toBe('Update concluded.');
    const st = statusOf(done);
    const parsed = parseObject('ObjectDeployment', od);
    if (!parsed.ok) throw new Error(parsed.errors.join(', '));
    const hash = templateHash(parsed.value.spec.template, 0);
    expect(st.templateHash).toBe(hash);
    expect(st.revision).toBe(1);
    expect(st.phase).toBe('Available');
    expect(st.controllerOf).toEqual([
      { kind: 'ObjectSet', group: 'package-operator.run', name: `app-${hash}`, namespace: ns },
    ]);
    const os = (await env.client.get(osRef(ns, `app-${hash}`)))!;
    expect(os.metadata.labels).toEqual({
      app: 'app',
      'package-operator.run/object-deployment': 'app',
    });
    expect(os.metadata.annotations?.['package-operator.run/hash']).toBe(hash);
    expect(os.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'ObjectDeployment',
      name: 'app',
      controller: true,
    });
    expect((os.spec as { revision: number }).revision).toBe(1);

    await settled(env);
    const from = env.server.requests().length;
    await resync(env);
    expect(writesSince(env.server, from)).toEqual([]);
  });

  it('counts a hash collision with a pre-created ObjectSet and uses the next hash', async () => {
    const ns = await freshNamespace(env.client, 'odc');
    const od = deployment(ns, 'coll', [cm('c1')]);
    const parsed = parseObject('ObjectDeployment', od);
    if (!parsed.ok) throw new Error(parsed.errors.join(', '));
    const h0 = templateHash(parsed.value.spec.template, 0);
    const h1 = templateHash(parsed.value.spec.template, 1);
    await env.client.create({
      apiVersion: PKO,
      kind: 'ObjectSet',
      metadata: { name: `coll-${h0}`, namespace: ns },
      spec: { revision: 1, phases: [{ name: 'other', objects: [{ object: cm('someone-else') }] }] },
    });
    await env.client.create(od);
    const done = await waitForCondition(env.client, odRef(ns, 'coll'), 'Available', 'True');
    expect(statusOf(done).collisionCount).toBe(1);
    expect(statusOf(done).templateHash).toBe(h1);
    expect(await env.client.get(osRef(ns, `coll-${h1}`))).toBeDefined();
  });

  it('archives old revisions across 5 revisions, keeping the last available one while a broken revision rolls out', async () => {
    const ns = await freshNamespace(env.client, 'arch');
    await env.client.create(deployment(ns, 'web', [cm('a', { v: '1' })]));
    await waitForCondition(env.client, odRef(ns, 'web'), 'Progressing', 'False', 'Idle');
    await setTemplate(ns, 'web', [cm('a', { v: '2' })]);
    await eventually(
      async () => statusOf(await env.client.get(odRef(ns, 'web'))).revision === 2,
      'revision 2',
    );
    await waitForCondition(env.client, odRef(ns, 'web'), 'Progressing', 'False', 'Idle');

    // Revision 3 never becomes available: revision 2 stays, the deployment stays Available.
    await setTemplate(ns, 'web', [cm('a', { v: '3' }), cm('b', { v: '3' })], notReadyProbe);
    const broken = await waitForCondition(
      env.client,
      odRef(ns, 'web'),
      'Progressing',
      'True',
      'LatestRevisionPendingSuccess',
    );
    expect(conditionOf(broken, 'Progressing')?.message).toMatch(
      /^Latest Revision is Unavailable: Phase "deploy" failed: /,
    );
    const sets3 = await objectSets(ns);
    expect(sets3.map(lifecycle)).toEqual(['Archived', 'Active', 'Active']);
    expect(conditionOf(broken, 'Available')).toMatchObject({
      status: 'True',
      message: `Previous Revision '${sets3[1]!.metadata.name}' is still Available.`,
    });

    await setTemplate(ns, 'web', [cm('a', { v: '4' })]);
    await eventually(
      async () => statusOf(await env.client.get(odRef(ns, 'web'))).revision === 4,
      'revision 4',
    );
    await waitForCondition(env.client, odRef(ns, 'web'), 'Progressing', 'False', 'Idle');
    await setTemplate(ns, 'web', [cm('a', { v: '5' })]);
    await eventually(
      async () => statusOf(await env.client.get(odRef(ns, 'web'))).revision === 5,
      'revision 5',
    );
    await waitForCondition(env.client, odRef(ns, 'web'), 'Available', 'True', 'Available');

    const sets = await eventually(async () => {
      const s = await objectSets(ns);
      return s.slice(0, 4).every((o) => conditionOf(o, 'Archived')?.status === 'True') && s;
    }, 'revisions 1-4 archived');
    expect(sets.map((o) => (o.spec as { revision: number }).revision)).toEqual([1, 2, 3, 4, 5]);
    expect(sets.map(lifecycle)).toEqual(['Archived', 'Archived', 'Archived', 'Archived', 'Active']);
    expect(conditionOf(sets[4], 'Available')?.status).toBe('True');
    for (const o of sets.slice(0, 4)) expect(conditionOf(o, 'Available')).toBeUndefined();
    // The object dropped in revision 4 was torn down with revision 3; the kept one belongs to 5.
    expect(
      await env.client.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'b', namespace: ns }),
    ).toBeUndefined();
    const a = await env.client.get({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      name: 'a',
      namespace: ns,
    });
    expect(a?.data).toEqual({ v: '5' });
    expect(a?.metadata.ownerReferences?.map((r) => r.name)).toEqual([sets[4]!.metadata.name]);
  });

  it('deletes revisions beyond revisionHistoryLimit, oldest first', async () => {
    const ns = await freshNamespace(env.client, 'hist');
    await env.client.create(
      deployment(ns, 'h', [cm('a', { v: '1' })], { revisionHistoryLimit: 1 }),
    );
    for (const v of ['2', '3', '4']) {
      await waitForCondition(env.client, odRef(ns, 'h'), 'Progressing', 'False', 'Idle');
      await setTemplate(ns, 'h', [cm('a', { v })]);
      await eventually(
        async () => String(statusOf(await env.client.get(odRef(ns, 'h'))).revision) === v,
        `revision ${v}`,
      );
    }
    const sets = await eventually(async () => {
      const s = await objectSets(ns);
      return s.length === 2 && conditionOf(s[0], 'Archived')?.status === 'True' && s;
    }, 'one archived revision kept');
    expect(sets.map((o) => (o.spec as { revision: number }).revision)).toEqual([3, 4]);
  });

  it('propagates pause to its ObjectSets and reports Paused', async () => {
    const ns = await freshNamespace(env.client, 'odp');
    await env.client.create(deployment(ns, 'p', [cm('a')]));
    await waitForCondition(env.client, odRef(ns, 'p'), 'Available', 'True');
    await env.client.patch(odRef(ns, 'p'), 'merge', { spec: { paused: true } });
    const paused = await waitForCondition(env.client, odRef(ns, 'p'), 'Paused', 'True', 'Paused');
    expect(conditionOf(paused, 'Paused')?.message).toBe(
      'Latest revision is paused: Lifecycle state set to paused.',
    );
    expect(statusOf(paused).phase).toBe('Paused');
    const [os] = await objectSets(ns);
    expect(lifecycle(os!)).toBe('Paused');
    expect(os!.metadata.annotations?.['package-operator.run/paused-by-parent']).toBe('true');
    await env.client.patch(odRef(ns, 'p'), 'merge', { spec: { paused: false } });
    await eventually(
      async () => conditionOf(await env.client.get(odRef(ns, 'p')), 'Paused') === undefined,
      'unpaused',
    );
    const [active] = await objectSets(ns);
    expect(lifecycle(active!)).toBe('Active');
  });
});
