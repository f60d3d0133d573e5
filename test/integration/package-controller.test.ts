/**
 * The (Cluster)Package controller end to end: the embedded API server, the revision engine and the
 * Package controller in one Manager, pulling package images from a real registry on loopback.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageScopes } from '../../src/controllers/package/scope.js';
import { setupPackage } from '../../src/controllers/package/setup.js';
import type { KubeObject } from '../../src/kube/index.js';
import { buildPackageImage, RegistryClient } from '../../src/oci/index.js';
import { importFolder, pullPackage } from '../../src/packages/index.js';
import {
  missingTools,
  startRegistry,
  warnSkip,
  type RunningRegistry,
} from '../oci/registry-helper.js';
import {
  resync,
  conditionOf,
  eventually,
  freshNamespace,
  PKO,
  startRevisionEnv,
  waitForCondition,
  type RevisionEnv,
} from './revision-helpers.js';

const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures/package-app');
const missing = await missingTools(['docker-registry']);
warnSkip('package controller integration', missing);

describe.skipIf(missing.length > 0)('Package controller', () => {
  let env: RevisionEnv;
  let registry: RunningRegistry;
  let image: string;
  const pulls: string[] = [];
  const calmImage = () => `${registry.host}/packages/greeter:calm`;

  beforeAll(async () => {
    registry = await startRegistry();
    image = `${registry.host}/packages/greeter:v1`;
    const raw = await importFolder(fixture);
    const built = await buildPackageImage(raw.files);
    const client = new RegistryClient({ insecure: true });
    await client.pushImage(image, built);
    // Its own tag, so other tests' packages (an Invalid one is pulled on every resync) do not
    // show up in its pull count.
    await client.pushImage(calmImage(), built);
    env = await startRevisionEnv({
      extra: packageScopes.map((scope) =>
        setupPackage(scope, {
          pull: (ref) => {
            pulls.push(ref);
            return pullPackage(ref, { insecure: true });
          },
        }),
      ),
    });
  }, 60_000);
  afterAll(async () => {
    await env?.stop();
    await registry?.stop();
  });

  function pkg(ns: string, name: string, spec: Record<string, unknown>): KubeObject {
    return { apiVersion: PKO, kind: 'Package', metadata: { name, namespace: ns }, spec };
  }
  const pkgRef = (ns: string, name: string) => ({
    apiVersion: PKO,
    kind: 'Package',
    name,
    namespace: ns,
  });
  const cmRef = (ns: string, name: string) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    name: `${name}-greeting`,
    namespace: ns,
  });

  it('deploys a package image, re-renders on a config change and keeps the last good revision on a bad config', async () => {
    const ns = await freshNamespace(env.client, 'pkg');
    await env.client.create(pkg(ns, 'hi', { image, config: { greeting: 'hello world' } }));

    const ready = await waitForCondition(
      env.client,
      pkgRef(ns, 'hi'),
      'Available',
      'True',
      undefined,
      30_000,
    );
    expect(conditionOf(ready, 'Unpacked')).toMatchObject({
      status: 'True',
      reason: 'UnpackSuccess',
      message: 'Unpack job succeeded',
    });
    expect(ready.status).toMatchObject({ revision: 1, phase: 'Available' });

    const od = await env.client.get({
      apiVersion: PKO,
      kind: 'ObjectDeployment',
      name: 'hi',
      namespace: ns,
    });
    expect(od?.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'Package',
      name: 'hi',
      controller: true,
    });
    expect(od?.metadata.labels).toMatchObject({
      'package-operator.run/package': 'greeter',
      'package-operator.run/instance': 'hi',
    });
    expect(od?.metadata.annotations?.['package-operator.run/package-source-image']).toBe(image);
    expect(
      JSON.parse(od?.metadata.annotations?.['package-operator.run/package-config'] ?? '{}'),
    ).toEqual({
      greeting: 'hello world',
    });
    expect(od?.metadata.annotations?.['kubernetes.io/change-cause']).toContain(image);
    const cm = await env.client.get(cmRef(ns, 'hi'));
    expect(cm?.data).toEqual({ greeting: 'hello world' });

    // A config change renders revision 2.
    await env.client.patch(pkgRef(ns, 'hi'), 'merge', {
      spec: { config: { greeting: 'bonjour' } },
    });
    await eventually(
      async () =>
        ((await env.client.get(cmRef(ns, 'hi')))?.data as Record<string, string> | undefined)
          ?.greeting === 'bonjour',
      'configmap updated',
      30_000,
    );
    await eventually(
      async () => {
        const p = await env.client.get(pkgRef(ns, 'hi'));
        return (
          (p?.status as { revision?: number } | undefined)?.revision === 2 &&
          conditionOf(p, 'Available')?.status === 'True'
        );
      },
      'package at revision 2 and available',
      30_000,
    );

    // A config the schema rejects sets Invalid; revision 2 keeps running unchanged.
    const odBefore = await env.client.get({
      apiVersion: PKO,
      kind: 'ObjectDeployment',
      name: 'hi',
      namespace: ns,
    });
    await env.client.patch(pkgRef(ns, 'hi'), 'merge', { spec: { config: { greeting: 42 } } });
    const invalid = await waitForCondition(
      env.client,
      pkgRef(ns, 'hi'),
      'Invalid',
      'True',
      'LoadError',
      30_000,
    );
    expect(conditionOf(invalid, 'Invalid')?.message).toContain('spec.config.greeting');
    expect(invalid.status).toMatchObject({ revision: 2, phase: 'Invalid' });
    const odAfter = await env.client.get({
      apiVersion: PKO,
      kind: 'ObjectDeployment',
      name: 'hi',
      namespace: ns,
    });
    expect(odAfter?.metadata.generation).toBe(odBefore?.metadata.generation);
    expect((await env.client.get(cmRef(ns, 'hi')))?.data).toEqual({ greeting: 'bonjour' });
  }, 120_000);

  it('does not pull an unchanged package again and propagates spec.paused to the ObjectDeployment', async () => {
    const ns = await freshNamespace(env.client, 'pkg');
    await env.client.create(pkg(ns, 'calm', { image: calmImage() }));
    const ready = await waitForCondition(
      env.client,
      pkgRef(ns, 'calm'),
      'Available',
      'True',
      undefined,
      30_000,
    );
    expect((ready.status as { unpackedHash?: string }).unpackedHash).toMatch(/^[0-9a-f]{64}$/);
    const calmPulls = () => pulls.filter((p) => p === calmImage()).length;
    const before = calmPulls();
    await resync(env);
    expect(calmPulls()).toBe(before);

    const odRef = { apiVersion: PKO, kind: 'ObjectDeployment', name: 'calm', namespace: ns };
    await env.client.patch(pkgRef(ns, 'calm'), 'merge', { spec: { paused: true } });
    await eventually(
      async () => ((await env.client.get(odRef))?.spec as { paused?: boolean }).paused === true,
      'OD paused',
      30_000,
    );
    await waitForCondition(env.client, pkgRef(ns, 'calm'), 'Paused', 'True', undefined, 30_000);
    await env.client.patch(pkgRef(ns, 'calm'), 'merge', { spec: { paused: null } });
    await eventually(
      async () =>
        ((await env.client.get(odRef))?.spec as { paused?: boolean }).paused === undefined,
      'OD unpaused',
      30_000,
    );
    await eventually(
      async () => conditionOf(await env.client.get(pkgRef(ns, 'calm')), 'Paused') === undefined,
      'Paused condition gone',
      30_000,
    );
  }, 60_000);

  it('reports a missing image as Unpacked=False/ImagePullBackOff', async () => {
    const ns = await freshNamespace(env.client, 'pkg');
    const ref = `${registry.host}/packages/absent:v1`;
    await env.client.create(pkg(ns, 'gone', { image: ref }));
    const p = await waitForCondition(
      env.client,
      pkgRef(ns, 'gone'),
      'Unpacked',
      'False',
      'ImagePullBackOff',
      30_000,
    );
    expect(conditionOf(p, 'Unpacked')?.message).toContain('absent');
    expect(
      await env.client.get({
        apiVersion: PKO,
        kind: 'ObjectDeployment',
        name: 'gone',
        namespace: ns,
      }),
    ).toBeUndefined();
  }, 60_000);
});
