/**
 * `packsync sync` as CI runs it: a kubeconfig for the embedded API server (no manager running),
 * a local Git work tree as the repository, `--once` exit codes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient } from '../../src/kube/index.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { runCli } from '../helpers/cli-capture.js';
import { startGitServer, type GitServer } from '../helpers/git-server.js';
import { missingTools, warnSkip } from '../oci/registry-helper.js';

const missing = await missingTools(['git']);
warnSkip('packsync sync', missing);

describe.skipIf(missing.length > 0)('packsync sync', () => {
  let server: RunningServer;
  let git: GitServer;
  let client: KubeClient;
  let dir: string;
  let kubeconfig: string;
  let work: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'packsync-sync-cli-'));
    kubeconfig = join(dir, 'kubeconfig');
    server = await startServer();
    writeFileSync(kubeconfig, server.kubeconfig);
    client = await KubeClient.fromKubeConfigString(server.kubeconfig);
    git = await startGitServer();
    work = await git.createRepo('desired');
  }, 60_000);
  afterAll(async () => {
    client?.close();
    await server?.stop();
    await git?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const cm = (greeting: string) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: hello, namespace: ci}\ndata: {greeting: ${greeting}}\n`;
  const ns = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: ci}\n';
  const sync = (...extra: string[]) =>
    runCli(
      'sync',
      '--url',
      work,
      '--path',
      'deploy',
      '--kubeconfig',
      kubeconfig,
      '--once',
      ...extra,
    );

  it('says how to install the CRDs when they are missing', async () => {
    await git.commit('desired', { 'deploy/ns.yaml': ns, 'deploy/cm.yaml': cm('one') }, 'first');
    const r = await sync();
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      'Error: packsync CRDs are not installed in the cluster; run with --install-crds or `packsync crds | kubectl apply -f -`',
    );
  });

  it('exits 0 once the commit is Available, and 1 with the reason when it is refused', async () => {
    const ok = await sync('--install-crds', '--timeout', '60s');
    expect(ok.err).toContain('sync: installing');
    expect(ok.code, ok.err).toBe(0);
    expect(ok.err).toMatch(/sync: done: /);
    const live = await client.get({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      name: 'hello',
      namespace: 'ci',
    });
    expect(live?.data).toEqual({ greeting: 'one' });
    const gs = await client.get({
      apiVersion: 'packsync.dev/v1alpha1',
      kind: 'ClusterGitSync',
      name: 'desired-deploy',
    });
    expect((gs?.status as { revision?: number }).revision).toBe(1);

    // A second commit rolls out as revision 2.
    await git.commit('desired', { 'deploy/cm.yaml': cm('two') }, 'second');
    const two = await sync('--timeout', '60s');
    expect(two.code, two.err).toBe(0);
    expect(
      (await client.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'hello', namespace: 'ci' }))
        ?.data,
    ).toEqual({ greeting: 'two' });

    // Broken YAML: refused, the reason names the file.
    await git.commit('desired', { 'deploy/cm.yaml': 'kind: ConfigMap\nmetadata: [\n' }, 'broken');
    const bad = await sync('--timeout', '60s');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(
      /Error: syncing ClusterGitSync desired-deploy: ValidationFailed: commit [0-9a-f]{7} refused, the last good revision keeps running: loading deploy: Invalid YAML in cm\.yaml idx 0/,
    );
    expect(
      (await client.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'hello', namespace: 'ci' }))
        ?.data,
    ).toEqual({ greeting: 'two' });
  }, 120_000);

  it('reports a namespace that does not exist as a user error', async () => {
    const r = await sync('--namespace', 'no-such-team', '--timeout', '10s');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^Error: writing GitSync no-such-team\/desired-deploy: .*no-such-team/m);
  });

  it('fails with the rollout state when the revision does not become Available in time', async () => {
    const manifest = `apiVersion: manifests.package-operator.run/v1alpha1
kind: PackageManifest
metadata: {name: slow}
spec:
  scopes: [Cluster]
  phases: [{name: deploy}]
  availabilityProbes:
    - selector: {kind: {group: apps, kind: Deployment}}
      probes: [{condition: {type: Available, status: "True"}}]
`;
    const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: stuck
  namespace: default
  annotations: {package-operator.run/phase: deploy, simulator.packsync.dev/never-ready: "true"}
spec:
  selector: {matchLabels: {app: stuck}}
  template:
    metadata: {labels: {app: stuck}}
    spec: {containers: [{name: c, image: nginx}]}
`;
    await git.commit(
      'desired',
      { 'slow/manifest.yaml': manifest, 'slow/d.yaml': deployment },
      'slow',
    );
    const r = await runCli(
      'sync',
      '--url',
      work,
      '--path',
      'slow',
      '--name',
      'slow',
      '--kubeconfig',
      kubeconfig,
      '--once',
      '--timeout',
      '3s',
    );
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /Error: syncing ClusterGitSync slow: timed out after 3s waiting for commit [0-9a-f]{7}: Progressing: .*stuck/,
    );
  }, 60_000);
});
