/**
 * The Package controller's registry access on the embedded API server with real registries: the
 * on-disk pull cache across a manager restart, verified TLS by default, pull secrets from the
 * manager's ServiceAccount, image-prefix and registry-host overrides, the detected environment in
 * templates, and garbage collection of unreferenced ObjectSlices.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvironmentProbe } from '../../src/controllers/package/environment.js';
import { unpackHash } from '../../src/controllers/package/hash.js';
import type { KubeObject } from '../../src/kube/index.js';
import { registryPull } from '../../src/controllers/package/registry-access.js';
import { buildPackageImage, RegistryClient } from '../../src/oci/index.js';
import { chunkingStrategyAnnotation, importFolder } from '../../src/packages/index.js';
import {
  missingTools,
  startRegistry,
  warnSkip,
  type RunningRegistry,
} from '../oci/registry-helper.js';
import {
  externalIPv4,
  packageObject,
  packageRef,
  pushPackage,
  startCountingProxy,
  startForwarder,
  startPackageEnv,
  type CountingProxy,
} from './package-helpers.js';
import {
  conditionOf,
  eventually,
  freshNamespace,
  PKO,
  waitForCondition,
  type RevisionEnv,
} from './revision-helpers.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const greeter = join(fixtures, 'package-app');
const missing = await missingTools(['docker-registry', 'htpasswd', 'openssl']);
warnSkip('package controller registry access', missing);

const saNamespace = 'packsync-system';
const fastBackoff = () => 100;

describe.skipIf(missing.length > 0)('Package controller registry access', () => {
  let registry: RunningRegistry;
  let proxy: CountingProxy;
  let cacheDir: string;
  let env: RevisionEnv;
  const prefixOverrides = [{ from: 'mirror.invalid/team/', to: 'corp.invalid/packages/' }];

  beforeAll(async () => {
    registry = await startRegistry();
    proxy = await startCountingProxy(registry.host);
    cacheDir = mkdtempSync(join(tmpdir(), 'packsync-pullcache-'));
    await pushPackage(greeter, `${registry.host}/packages/greeter:v1`);
    await pushPackage(join(fixtures, 'package-env'), `${registry.host}/packages/env:v1`);
    env = await startPackageEnv({
      cacheDir,
      pullSecretsFrom: { namespace: saNamespace, serviceAccountName: 'packsync' },
      imagePrefixOverrides: prefixOverrides,
      registryHostOverrides: { 'corp.invalid': proxy.host },
      pullBackoff: fastBackoff,
    });
    await env.client.create({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: saNamespace },
    });
    await env.client.create({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'packsync', namespace: saNamespace },
      imagePullSecrets: [{ name: 'regcred' }],
    });
  }, 60_000);
  afterAll(async () => {
    await env?.stop();
    await proxy?.stop();
    await registry?.stop();
    if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
  });

  const greeterImage = () => `${proxy.host}/packages/greeter:v1`;
  it('pulls through image-prefix then registry-host overrides and hashes the overrides', async () => {
    const ns = await freshNamespace(env.client, 'ovr');
    const spec = { image: 'mirror.invalid/team/greeter:v1' };
    await env.client.create(packageObject(ns, 'mirrored', spec));
    const ready = await waitForCondition(
      env.client,
      packageRef(ns, 'mirrored'),
      'Available',
      'True',
      undefined,
      30_000,
    );
    expect((ready.status as { unpackedHash?: string }).unpackedHash).toBe(
      unpackHash(spec, { imagePrefixOverrides: prefixOverrides }),
    );
    expect((ready.status as { unpackedHash?: string }).unpackedHash).not.toBe(unpackHash(spec));
    expect(proxy.requests.some((r) => r.path.startsWith('/v2/packages/greeter/manifests/'))).toBe(
      true,
    );
  }, 60_000);

  it('keeps pulled blobs on disk: a new manager resolves the tag and fetches no blob', async () => {
    const ns = await freshNamespace(env.client, 'cache');
    await env.client.create(packageObject(ns, 'first', { image: greeterImage() }));
    await waitForCondition(
      env.client,
      packageRef(ns, 'first'),
      'Available',
      'True',
      undefined,
      30_000,
    );
    expect(readdirSync(join(cacheDir, 'sha256')).length).toBeGreaterThanOrEqual(3);

    // A second manager (new server, new controller, same cache directory): a restart.
    const restarted = await startPackageEnv({ cacheDir, pullBackoff: fastBackoff });
    try {
      const from = proxy.requests.length;
      const ns2 = await freshNamespace(restarted.client, 'cache');
      await restarted.client.create(packageObject(ns2, 'again', { image: greeterImage() }));
      await waitForCondition(
        restarted.client,
        packageRef(ns2, 'again'),
        'Available',
        'True',
        undefined,
        30_000,
      );
      const registryRequests = proxy.requests.slice(from).filter((r) => r.path !== '/v2/');
      expect(registryRequests.length).toBeGreaterThan(0);
      expect(registryRequests.every((r) => r.path.includes('/manifests/'))).toBe(true);
      expect(registryRequests.every((r) => r.method === 'HEAD')).toBe(true);
    } finally {
      await restarted.stop();
    }

    // A corrupted cache entry is fetched again (and only that one), by the next manager.
    const manifest = await new RegistryClient({ insecure: true }).getManifest(greeterImage());
    const layer = (JSON.parse(manifest.bytes.toString('utf8')) as { layers: { digest: string }[] })
      .layers[0]?.digest;
    const victim = layer?.slice('sha256:'.length) ?? '';
    expect(readdirSync(join(cacheDir, 'sha256'))).toContain(victim);
    writeFileSync(join(cacheDir, 'sha256', victim), 'garbage');
    const third = await startPackageEnv({ cacheDir, pullBackoff: fastBackoff });
    try {
      const from = proxy.requests.length;
      const ns3 = await freshNamespace(third.client, 'cache');
      await third.client.create(packageObject(ns3, 'third', { image: greeterImage() }));
      await waitForCondition(
        third.client,
        packageRef(ns3, 'third'),
        'Available',
        'True',
        undefined,
        30_000,
      );
      const fetched = proxy.requests
        .slice(from)
        .filter((r) => r.method === 'GET')
        .map((r) => r.path)
        .filter((p) => p !== '/v2/');
      expect(fetched).toEqual([expect.stringMatching(new RegExp(`sha256:${victim}$`))]);
    } finally {
      await third.stop();
    }
  }, 90_000);

  it('renders the detected environment: the API server version', async () => {
    const ns = await freshNamespace(env.client, 'env');
    await env.client.create(packageObject(ns, 'envy', { image: `${proxy.host}/packages/env:v1` }));
    await waitForCondition(
      env.client,
      packageRef(ns, 'envy'),
      'Available',
      'True',
      undefined,
      30_000,
    );
    const version = await env.client.requestJson<{ gitVersion: string }>('GET', '/version');
    const cm = await env.client.get({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      name: 'envy-environment',
      namespace: ns,
    });
    expect(version.gitVersion).not.toBe('');
    // No OpenShift config API on the embedded server: no `.environment.openShift`.
    expect(cm?.data).toEqual({ kubernetesVersion: version.gitVersion, openShift: 'false' });
  }, 60_000);

  it('detects OpenShift and its proxy only once their APIs exist, probing at most once a minute', async () => {
    let clock = 0;
    const probe = new EnvironmentProbe(env.client, { now: () => clock });
    const version = (await env.client.requestJson<{ gitVersion: string }>('GET', '/version'))
      .gitVersion;
    expect(await probe.current()).toEqual({ kubernetes: { version } });

    const crd = (kind: string, plural: string): KubeObject => ({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `${plural}.config.openshift.io` },
      spec: {
        group: 'config.openshift.io',
        scope: 'Cluster',
        names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            },
          },
        ],
      },
    });
    await env.client.create(crd('ClusterVersion', 'clusterversions'));
    await env.client.create(crd('Proxy', 'proxies'));
    await eventually(
      async () => (await env.client.resourceFor('config.openshift.io/v1', 'Proxy')) !== undefined,
      'OpenShift config API served',
    );
    await env.client.create({
      apiVersion: 'config.openshift.io/v1',
      kind: 'ClusterVersion',
      metadata: { name: 'version' },
      status: {
        history: [
          { state: 'Partial', version: '4.17.0' },
          { state: 'Completed', version: '4.16.9' },
        ],
      },
    });
    await env.client.create({
      apiVersion: 'config.openshift.io/v1',
      kind: 'Proxy',
      metadata: { name: 'cluster' },
      status: { httpProxy: 'http://proxy.corp:3128', noProxy: '.cluster.local', httpsProxy: '' },
    });

    // Within the minute the last probe stands; after it the new APIs are seen.
    clock += 59_000;
    expect(await probe.current()).toEqual({ kubernetes: { version } });
    clock += 2_000;
    expect(await probe.current()).toEqual({
      kubernetes: { version },
      openShift: { version: '4.16.9' },
      proxy: { httpProxy: 'http://proxy.corp:3128', noProxy: '.cluster.local' },
    });
  }, 60_000);

  it('deletes ObjectSlices that neither the ObjectDeployment nor its ObjectSets reference', async () => {
    const ns = await freshNamespace(env.client, 'gc');
    await env.client.create(
      packageObject(
        ns,
        'sliced',
        { image: greeterImage() },
        { annotations: { [chunkingStrategyAnnotation]: 'EachObject' } },
      ),
    );
    await waitForCondition(
      env.client,
      packageRef(ns, 'sliced'),
      'Available',
      'True',
      undefined,
      30_000,
    );
    const sliceNames = async () =>
      (
        await env.client.list(PKO, 'ObjectSlice', {
          namespace: ns,
          labelSelector: 'slices.package-operator.run/owner=sliced',
        })
      ).items
        .map((s) => s.metadata.name ?? '')
        .sort();
    const live = await sliceNames();
    expect(live).toHaveLength(1);
    await env.client.create({
      apiVersion: PKO,
      kind: 'ObjectSlice',
      metadata: {
        name: 'sliced-stray',
        namespace: ns,
        labels: { 'slices.package-operator.run/owner': 'sliced' },
      },
      objects: [{ object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'stray' } } }],
    });
    // A config change deploys again: revision 2 gets a new slice, revision 1 keeps its own.
    await env.client.patch(packageRef(ns, 'sliced'), 'merge', {
      spec: { config: { greeting: 'changed' } },
    });
    await eventually(
      async () => !(await sliceNames()).includes('sliced-stray'),
      'stray slice deleted',
      30_000,
    );
    await eventually(
      async () => (await sliceNames()).length === 2,
      'slices of revisions 1 and 2 kept',
      30_000,
    );
    expect(await sliceNames()).toEqual(expect.arrayContaining(live));
  }, 60_000);

  it('authenticates with the pull secrets of the manager ServiceAccount, read at pull time', async () => {
    const creds = { username: 'robot', password: 's3cret' };
    const authed = await startRegistry({ htpasswd: creds });
    try {
      const image = `${authed.host}/private/greeter:v1`;
      await new RegistryClient({
        insecure: true,
        credentials: new Map([[authed.host, { kind: 'basic', ...creds }]]),
      }).pushImage(image, await buildPackageImage((await importFolder(greeter)).files));

      const ns = await freshNamespace(env.client, 'auth');
      await env.client.create(packageObject(ns, 'private', { image }));
      const denied = await waitForCondition(
        env.client,
        packageRef(ns, 'private'),
        'Unpacked',
        'False',
        'ImagePullBackOff',
        30_000,
      );
      expect(conditionOf(denied, 'Unpacked')?.message).toContain('unauthorized');

      const auth = Buffer.from(`${creds.username}:${creds.password}`).toString('base64');
      await env.client.create({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'regcred', namespace: saNamespace },
        type: 'kubernetes.io/dockerconfigjson',
        data: {
          '.dockerconfigjson': Buffer.from(
            JSON.stringify({ auths: { [authed.host]: { auth } } }),
          ).toString('base64'),
        },
      });
      await waitForCondition(
        env.client,
        packageRef(ns, 'private'),
        'Available',
        'True',
        undefined,
        30_000,
      );
    } finally {
      await authed.stop();
    }
  }, 60_000);

  const external = externalIPv4();
  it.skipIf(external === undefined)(
    'verifies TLS unless the registry is listed as insecure',
    async () => {
      const tlsRegistry = await startRegistry({ tls: true });
      const forwarder = await startForwarder(
        external ?? '',
        Number(tlsRegistry.host.split(':')[1]),
      );
      try {
        await new RegistryClient({ insecure: true }).pushImage(
          `${tlsRegistry.host}/packages/greeter:v1`,
          await buildPackageImage((await importFolder(greeter)).files),
        );
        const image = `${forwarder.host}/packages/greeter:v1`;
        // The default controller refuses the self-signed certificate.
        const ns = await freshNamespace(env.client, 'tls');
        await env.client.create(packageObject(ns, 'selfsigned', { image }));
        const refused = await waitForCondition(
          env.client,
          packageRef(ns, 'selfsigned'),
          'Unpacked',
          'False',
          'ImagePullBackOff',
          30_000,
        );
        expect(conditionOf(refused, 'Unpacked')?.message).toMatch(/certificate/i);
        // Listed as insecure, the same registry is pulled from.
        const pull = registryPull(env.client, { insecureRegistries: [forwarder.host] });
        const pulled = await pull(image);
        expect(pulled.raw.files.has('manifest.yaml')).toBe(true);
      } finally {
        await forwarder.stop();
        await tlsRegistry.stop();
      }
    },
    60_000,
  );
  if (external === undefined) {
    process.stderr.write(
      '\n*** SKIPPING the TLS verification test: no non-loopback IPv4 address ***\n\n',
    );
  }
});
