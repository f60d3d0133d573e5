/**
 * End to end on the embedded API server (with its workload simulator) and a real registry: the
 * examples built as images and installed as Packages with every controller the manager runs
 * (revision engine, ObjectTemplate, Package), the config life cycle (revision 2, archival,
 * Invalid keeping the last good revision), a missing image that appears later, multi-component
 * and CEL-filtered packages, a Package rendered by an ObjectTemplate from a ConfigMap, and a
 * manager restart in the middle of a blocked rollout.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeClient, KubeObject } from '../../src/kube/index.js';
import {
  diskFixtureStore,
  importFolder,
  loadPackage,
  validatePackage,
  type FixtureStore,
} from '../../src/packages/index.js';
import { defaultRenderCapabilities } from '../../src/packages/engines.js';
import {
  missingTools,
  startRegistry,
  warnSkip,
  type RunningRegistry,
} from '../oci/registry-helper.js';
import {
  allSetups,
  packageObject,
  packageRef,
  pushPackage,
  startManager,
  startPackageEnv,
} from './package-helpers.js';
import {
  conditionOf,
  eventually,
  freshNamespace,
  PKO,
  resync,
  settled,
  waitForCondition,
  type RevisionEnv,
} from './revision-helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const examples = resolve(here, '../../examples');
const rolloutFixture = join(here, 'fixtures/package-rollout');
const greeterFixture = join(here, 'fixtures/package-app');
const missing = await missingTools(['docker-registry']);
warnSkip('package end-to-end', missing);

const fast = { pullBackoff: () => 100 };
const byName = (items: KubeObject[]) => items.map((o) => o.metadata.name).sort();

async function objectSets(client: KubeClient, ns: string, od: string) {
  const list = await client.list(PKO, 'ObjectSet', {
    namespace: ns,
    labelSelector: `package-operator.run/object-deployment=${od}`,
  });
  return list.items
    .map((o) => ({
      name: o.metadata.name ?? '',
      revision: (o.spec as { revision?: number }).revision,
      lifecycle: (o.spec as { lifecycleState?: string }).lifecycleState ?? 'Active',
    }))
    .sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0));
}

async function get(client: KubeClient, kind: string, ns: string, name: string) {
  const apiVersion =
    kind === 'Deployment'
      ? 'apps/v1'
      : kind === 'PodDisruptionBudget'
        ? 'policy/v1'
        : ['Package', 'ObjectDeployment'].includes(kind)
          ? PKO
          : 'v1';
  return client.get({ apiVersion, kind, name, namespace: ns });
}

describe('examples validate with their committed template-test fixtures', () => {
  const readOnly: FixtureStore = {
    list: (dir) => diskFixtureStore.list(dir),
    read: (path) => diskFixtureStore.read(path),
    write: (dir) => Promise.reject(new Error(`fixture folder ${dir} is missing`)),
  };
  it.each(['app', 'operator', 'multi-component', 'cel-conditions'])('%s', async (name) => {
    const folder = join(examples, name);
    const pkg = loadPackage(await importFolder(folder));
    await expect(
      validatePackage(pkg, defaultRenderCapabilities(), { fixtures: { folder, store: readOnly } }),
    ).resolves.not.toThrow();
  });
});

describe.skipIf(missing.length > 0)('Package end to end', () => {
  let registry: RunningRegistry;
  let env: RevisionEnv;
  const image = (name: string) => `${registry.host}/examples/${name}:v1`;

  beforeAll(async () => {
    registry = await startRegistry();
    for (const name of ['app', 'multi-component', 'cel-conditions']) {
      await pushPackage(join(examples, name), image(name));
    }
    await pushPackage(greeterFixture, image('greeter'));
    env = await startPackageEnv(
      fast,
      allSetups(fast).filter((s) => s.name.endsWith('Template')),
    );
  }, 60_000);
  afterAll(async () => {
    await env?.stop();
    await registry?.stop();
  });

  it('installs examples/app, rolls a config change out as revision 2 and keeps it through a bad config', async () => {
    const ns = await freshNamespace(env.client, 'e2e-app');
    await env.client.create(packageObject(ns, 'shop', { image: image('app') }));
    const ready = await waitForCondition(
      env.client,
      packageRef(ns, 'shop'),
      'Available',
      'True',
      undefined,
      30_000,
    );
    expect(ready.status).toMatchObject({ revision: 1 });
    expect((await get(env.client, 'Deployment', ns, 'shop'))?.spec).toMatchObject({ replicas: 2 });

    await env.client.patch(packageRef(ns, 'shop'), 'merge', { spec: { config: { replicas: 3 } } });
    await eventually(
      async () => {
        const p = await env.client.get(packageRef(ns, 'shop'));
        return (
          (p?.status as { revision?: number }).revision === 2 &&
          conditionOf(p, 'Available')?.status === 'True'
        );
      },
      'revision 2 available',
      30_000,
    );
    expect((await get(env.client, 'Deployment', ns, 'shop'))?.spec).toMatchObject({ replicas: 3 });
    await eventually(
      async () =>
        JSON.stringify((await objectSets(env.client, ns, 'shop')).map((s) => s.lifecycle)) ===
        JSON.stringify(['Archived', 'Active']),
      'revision 1 archived, revision 2 active',
      30_000,
    );

    // replicas: 0 breaks the schema's minimum: Invalid, and revision 2 keeps running.
    await env.client.patch(packageRef(ns, 'shop'), 'merge', { spec: { config: { replicas: 0 } } });
    const invalid = await waitForCondition(
      env.client,
      packageRef(ns, 'shop'),
      'Invalid',
      'True',
      'LoadError',
      30_000,
    );
    expect(conditionOf(invalid, 'Invalid')?.message).toContain('replicas');
    expect(invalid.status).toMatchObject({ revision: 2 });
    expect(conditionOf(invalid, 'Available')?.status).toBe('True');
    await resync(env);
    expect((await objectSets(env.client, ns, 'shop')).map((s) => s.revision)).toEqual([1, 2]);
    expect((await get(env.client, 'Deployment', ns, 'shop'))?.spec).toMatchObject({ replicas: 3 });
  }, 120_000);

  it('reports a missing image as ImagePullBackOff and recovers once it is pushed', async () => {
    const ns = await freshNamespace(env.client, 'e2e-late');
    const late = `${registry.host}/examples/late:v1`;
    await env.client.create(packageObject(ns, 'late', { image: late }));
    const backoff = await waitForCondition(
      env.client,
      packageRef(ns, 'late'),
      'Unpacked',
      'False',
      'ImagePullBackOff',
      30_000,
    );
    expect(conditionOf(backoff, 'Unpacked')?.message).toContain('examples/late');
    expect(await get(env.client, 'ObjectDeployment', ns, 'late')).toBeUndefined();

    await pushPackage(greeterFixture, late);
    const ready = await waitForCondition(
      env.client,
      packageRef(ns, 'late'),
      'Available',
      'True',
      undefined,
      30_000,
    );
    expect(conditionOf(ready, 'Unpacked')).toMatchObject({
      status: 'True',
      reason: 'UnpackSuccess',
    });
  }, 60_000);

  it('installs the multi-component example: the root Package installs one Package per component', async () => {
    const ns = await freshNamespace(env.client, 'e2e-multi');
    await env.client.create(packageObject(ns, 'shop', { image: image('multi-component') }));
    await waitForCondition(
      env.client,
      packageRef(ns, 'shop'),
      'Available',
      'True',
      undefined,
      60_000,
    );
    for (const component of ['backend', 'frontend']) {
      const p = await get(env.client, 'Package', ns, `shop-${component}`);
      expect(p?.spec).toMatchObject({ image: image('multi-component'), component });
      expect(conditionOf(p, 'Available')?.status).toBe('True');
      expect(await get(env.client, 'Deployment', ns, `shop-${component}`)).toBeDefined();
    }
    expect((await get(env.client, 'ConfigMap', ns, 'shop-frontend-settings'))?.data).toEqual({
      BACKEND_URL: `http://shop-backend.${ns}.svc`,
    });
  }, 90_000);

  it('leaves CEL-filtered objects out of the cluster', async () => {
    const ns = await freshNamespace(env.client, 'e2e-cel');
    await env.client.create(
      packageObject(ns, 'flags', { image: image('cel-conditions'), config: { replicas: 2 } }),
    );
    await waitForCondition(
      env.client,
      packageRef(ns, 'flags'),
      'Available',
      'True',
      undefined,
      30_000,
    );
    // highAvailability (replicas > 1) is true; monitoring and debug are false.
    expect(await get(env.client, 'PodDisruptionBudget', ns, 'flags')).toBeDefined();
    expect(await get(env.client, 'Service', ns, 'flags-metrics')).toBeUndefined();
    expect(await get(env.client, 'ConfigMap', ns, 'flags-debug')).toBeUndefined();
    expect((await get(env.client, 'ConfigMap', ns, 'flags-settings'))?.data).toEqual({
      LOG_LEVEL: 'info',
      METRICS_ENABLED: 'false',
    });
    const cms = await env.client.list('v1', 'ConfigMap', { namespace: ns });
    expect(byName(cms.items).filter((n) => n?.startsWith('flags'))).toEqual(['flags-settings']);
  }, 60_000);

  it('installs a Package rendered by an ObjectTemplate from a ConfigMap and follows its changes', async () => {
    const ns = await freshNamespace(env.client, 'e2e-ot');
    await env.client.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'greeter-values', namespace: ns },
      data: { greeting: 'from a configmap' },
    });
    await env.client.create({
      apiVersion: PKO,
      kind: 'ObjectTemplate',
      metadata: { name: 'greeter', namespace: ns },
      spec: {
        template: [
          `apiVersion: ${PKO}`,
          'kind: Package',
          'metadata:',
          '  name: greeter',
          'spec:',
          `  image: ${image('greeter')}`,
          '  config:',
          '    greeting: {{ .config.greeting | quote }}',
          '',
        ].join('\n'),
        sources: [
          {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            name: 'greeter-values',
            items: [{ key: '.data.greeting', destination: '.greeting' }],
          },
        ],
      },
    });
    await waitForCondition(
      env.client,
      packageRef(ns, 'greeter'),
      'Available',
      'True',
      undefined,
      30_000,
    );
    const greeting = async () =>
      (
        (await get(env.client, 'ConfigMap', ns, 'greeter-greeting'))?.data as
          Record<string, string> | undefined
      )?.greeting;
    expect(await greeting()).toBe('from a configmap');

    await env.client.patch(
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'greeter-values', namespace: ns },
      'merge',
      { data: { greeting: 'changed at the source' } },
    );
    await eventually(
      async () => (await greeting()) === 'changed at the source',
      'new greeting',
      30_000,
    );
    await eventually(
      async () =>
        (
          (await env.client.get(packageRef(ns, 'greeter')))?.status as
            { revision?: number } | undefined
        )?.revision === 2,
      'package at revision 2',
      30_000,
    );
  }, 60_000);
});

describe.skipIf(missing.length > 0)('Package end to end: manager restart', () => {
  let registry: RunningRegistry;
  let env: RevisionEnv;

  beforeAll(async () => {
    registry = await startRegistry();
    await pushPackage(rolloutFixture, `${registry.host}/fixtures/rollout:v1`);
    env = await startPackageEnv(fast);
  }, 60_000);
  afterAll(async () => {
    await env?.stop();
    await registry?.stop();
  });

  it('converges after a restart in the middle of a blocked rollout without duplicate revisions', async () => {
    const client = env.client;
    const ns = await freshNamespace(client, 'e2e-restart');
    const image = `${registry.host}/fixtures/rollout:v1`;
    await client.create(packageObject(ns, 'roll', { image, config: { version: '1' } }));
    await waitForCondition(client, packageRef(ns, 'roll'), 'Available', 'True', undefined, 30_000);

    // Revision 2 blocks in its deploy phase: its Deployment never becomes Available.
    await client.patch(packageRef(ns, 'roll'), 'merge', {
      spec: { config: { version: '2', block: true } },
    });
    await eventually(
      async () => {
        const sets = await objectSets(client, ns, 'roll');
        const dep = await get(client, 'Deployment', ns, 'roll');
        return (
          sets.length === 2 &&
          (dep?.metadata.annotations ?? {})['simulator.packsync.dev/never-ready'] === 'true'
        );
      },
      'revision 2 created and blocked on its Deployment',
      30_000,
    );
    await settled(env);
    const before = await objectSets(client, ns, 'roll');
    expect(before.map((s) => s.revision)).toEqual([1, 2]);
    await env.mgr.stop(2_000);

    const restarted = await startManager(env.server, allSetups(fast));
    try {
      const idle = { ...env, controllers: restarted.controllers };
      await settled(idle, 300);
      // The new manager adopts the rollout as it stands: no new revision, no duplicate.
      expect(await objectSets(client, ns, 'roll')).toEqual(before);
      expect(conditionOf(await client.get(packageRef(ns, 'roll')), 'Progressing')?.status).toBe(
        'True',
      );

      // Unblocked by revision 3, the rollout completes; each revision exists exactly once.
      await client.patch(packageRef(ns, 'roll'), 'merge', {
        spec: { config: { version: '3', block: false } },
      });
      await eventually(
        async () => {
          const p = await client.get(packageRef(ns, 'roll'));
          return (
            (p?.status as { revision?: number }).revision === 3 &&
            conditionOf(p, 'Available')?.status === 'True'
          );
        },
        'revision 3 available',
        30_000,
      );
      await eventually(
        async () =>
          JSON.stringify((await objectSets(client, ns, 'roll')).map((s) => s.lifecycle)) ===
          JSON.stringify(['Archived', 'Archived', 'Active']),
        'revisions 1 and 2 archived',
        30_000,
      );
      expect((await objectSets(client, ns, 'roll')).map((s) => s.revision)).toEqual([1, 2, 3]);
      expect((await get(client, 'ConfigMap', ns, 'roll-version'))?.data).toEqual({ version: '3' });
    } finally {
      await restarted.stop();
    }
  }, 120_000);
});
