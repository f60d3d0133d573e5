/**
 * `packsync diff` against the embedded API server populated by a real sync: `packsync sync --once`
 * rolls a commit of a desired-state work tree out (GitSync controller, revision engine, Package
 * controller pulling from a real registry). Then the work tree changes and `diff` must report
 * exactly what the next sync would change.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crds } from '../../src/apis/index.js';
import { KubeClient, type KubeObject, waitForEstablished } from '../../src/kube/index.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { runCli } from '../helpers/cli-capture.js';
import {
  missingTools,
  startRegistry,
  warnSkip,
  type RunningRegistry,
} from '../oci/registry-helper.js';
import {
  configMapYaml,
  git,
  gitRepo,
  namespaceYaml,
  packageYaml,
  pushWebapp,
  secretYaml,
  tempDir,
  writeTree,
} from './helpers.js';

const missing = await missingTools(['docker-registry', 'git']);
warnSkip('diff', missing);

interface JsonReport {
  counts: Record<string, number>;
  objects: {
    action: string;
    id: { kind: string; namespace: string; name: string };
    package: string;
    changes: { path: string; old?: unknown; new?: unknown }[];
  }[];
}

describe.skipIf(missing.length > 0)('packsync diff', () => {
  let registry: RunningRegistry;
  let server: RunningServer;
  let client: KubeClient;
  let images: { v1: string; v2: string };
  let kubeconfig: string;
  const dirs: string[] = [];

  beforeAll(async () => {
    registry = await startRegistry();
    images = await pushWebapp(registry.host);
    server = await startServer();
    client = await KubeClient.fromKubeConfigString(server.kubeconfig);
    const dir = tempDir('kube');
    dirs.push(dir);
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, server.kubeconfig);
    for (const crd of crds()) await client.create(crd as unknown as KubeObject);
    const names = crds().map((c) => c.metadata.name);
    const late = await waitForEstablished(client, names, { timeoutMs: 10_000 });
    if (late !== undefined) throw new Error(`CRD ${late} not established`);
  }, 90_000);
  afterAll(async () => {
    client?.close();
    await server?.stop();
    await registry?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  function repoFiles(ns: string): Record<string, string> {
    return {
      'namespaces.yaml': namespaceYaml(ns),
      'packages.yaml': [
        packageYaml(ns, 'web', images.v1, { replicas: 1 }),
        packageYaml(ns, 'api', images.v1, { greeting: 'hi' }),
      ].join('---\n'),
      'settings.yaml': configMapYaml(ns, 'fleet-settings', { mode: 'blue' }),
      'secrets.yaml': secretYaml(ns, 'registry-token', { token: 'hunter2' }),
    };
  }

  /** Commits the work tree and runs `packsync sync --once` for it as ClusterGitSync `name`. */
  async function sync(name: string, dir: string): Promise<void> {
    await git(dir, 'add', '-A');
    await git(dir, 'commit', '-q', '--allow-empty', '-m', 'sync');
    const res = await runCli(
      'sync',
      '--url',
      dir,
      '--path',
      'fleet',
      '--name',
      name,
      '--kubeconfig',
      kubeconfig,
      '--once',
      '--timeout',
      '90s',
    );
    expect(res.code, res.err).toBe(0);
  }

  /** A repository synced as `name`, its desired state in namespace `ns`. */
  async function deployed(name: string, ns: string): Promise<string> {
    const dir = await gitRepo(repoFiles(ns));
    dirs.push(dir);
    await sync(name, dir);
    return dir;
  }

  const fleet = (dir: string) => join(dir, 'fleet');

  const diff = (dir: string, name: string, ...extra: string[]) =>
    runCli(
      'diff',
      dir,
      '--path',
      'fleet',
      '--kubeconfig',
      kubeconfig,
      '--name',
      name,
      '--insecure',
      ...extra,
    );

  const json = async (dir: string, name: string) => {
    const res = await diff(dir, name, '-o', 'json');
    expect(res.err).toBe('');
    return { code: res.code, report: JSON.parse(res.out) as JsonReport };
  };

  it('reports no changes (exit 0) right after a sync, server defaults included', async () => {
    const dir = await deployed('steady', 'steady');
    const res = await diff(dir, 'steady');
    expect(res.err).toBe('');
    expect(res.out).toBe('no changes (13 unchanged)\n');
    expect(res.code).toBe(0);
    // The server defaulted fields the package never set; they are not changes.
    const deploy = await client.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'web',
      namespace: 'steady',
    });
    expect((deploy?.spec as { progressDeadlineSeconds?: number }).progressDeadlineSeconds).toBe(
      600,
    );
    const svc = await client.get({
      apiVersion: 'v1',
      kind: 'Service',
      name: 'web',
      namespace: 'steady',
    });
    expect((svc?.spec as { sessionAffinity?: string }).sessionAffinity).toBe('None');
  });

  it('reports exactly the changed fields of a config change (exit 1)', async () => {
    const dir = await deployed('cfg', 'cfg');
    writeTree(fleet(dir), {
      ...repoFiles('cfg'),
      'packages.yaml': [
        packageYaml('cfg', 'web', images.v1, { replicas: 3 }),
        packageYaml('cfg', 'api', images.v1, { greeting: 'hi' }),
      ].join('---\n'),
      'settings.yaml': configMapYaml('cfg', 'fleet-settings', { mode: 'green' }),
    });
    const { code, report } = await json(dir, 'cfg');
    expect(code).toBe(1);
    expect(report.counts).toMatchObject({ create: 0, change: 3, delete: 0, errors: 0 });
    const changed = report.objects
      .filter((o) => o.action === 'change')
      .map((o) => ({ object: `${o.id.kind}/${o.id.name}`, changes: o.changes }));
    expect(changed).toEqual([
      { object: 'Package/web', changes: [{ path: 'spec.config.replicas', old: 1, new: 3 }] },
      { object: 'Deployment/web', changes: [{ path: 'spec.replicas', old: 1, new: 3 }] },
      {
        object: 'ConfigMap/fleet-settings',
        changes: [{ path: 'data.mode', old: 'blue', new: 'green' }],
      },
    ]);
    // The committed state is what was synced: reading the ref, not the work tree, shows nothing.
    const committed = await diff(dir, 'cfg', '--git-ref', 'HEAD');
    expect(committed.out).toBe('no changes (13 unchanged)\n');
    expect(committed.code).toBe(0);
    const text = await diff(dir, 'cfg');
    expect(text.out.split('\n')[0]).toBe('0 to create, 3 to change, 0 to delete');
    expect(text.out).toContain('-  replicas: 1\n    +  replicas: 3');
  });

  it('reports a field dropped from the repository as removed (the apply would remove it)', async () => {
    const dir = await gitRepo({
      ...repoFiles('drop'),
      'settings.yaml': configMapYaml('drop', 'fleet-settings', { mode: 'blue', legacy: 'yes' }),
    });
    dirs.push(dir);
    await sync('drop', dir);
    writeTree(fleet(dir), repoFiles('drop'));
    const { code, report } = await json(dir, 'drop');
    expect(code).toBe(1);
    expect(report.objects.filter((o) => o.action === 'change')).toEqual([
      expect.objectContaining({
        id: expect.objectContaining({ kind: 'ConfigMap', name: 'fleet-settings' }) as unknown,
        changes: [{ path: 'data.legacy', old: 'yes' }],
      }),
    ]);
  });

  it('lists everything as created for a repository never synced, in a namespace it creates', async () => {
    const dir = await gitRepo(repoFiles('fresh'));
    dirs.push(dir);
    const { code, report } = await json(dir, 'fresh');
    expect(code).toBe(1);
    expect(report.counts).toMatchObject({ create: 13, change: 0, delete: 0, errors: 0 });
    expect(report.objects.map((o) => `${o.package}: ${o.id.kind}/${o.id.name}`)).toEqual([
      'repository: Namespace/fresh',
      'repository: Package/api',
      'repository: Package/web',
      'Package fresh/web: ConfigMap/web-settings',
      'Package fresh/web: Secret/web-credentials',
      'Package fresh/web: Deployment/web',
      'Package fresh/web: Service/web',
      'Package fresh/api: ConfigMap/api-settings',
      'Package fresh/api: Secret/api-credentials',
      'Package fresh/api: Deployment/api',
      'Package fresh/api: Service/api',
      'repository: ConfigMap/fleet-settings',
      'repository: Secret/registry-token',
    ]);
  });

  it('lists the objects of a removed Package as deleted', async () => {
    const dir = await deployed('rm', 'rm');
    writeTree(fleet(dir), {
      ...repoFiles('rm'),
      'packages.yaml': packageYaml('rm', 'web', images.v1, { replicas: 1 }),
    });
    const { code, report } = await json(dir, 'rm');
    expect(code).toBe(1);
    const deleted = report.objects
      .filter((o) => o.action === 'delete')
      .map((o) => `${o.package}: ${o.id.kind}/${o.id.namespace}/${o.id.name}`);
    expect(deleted).toEqual([
      'repository: Package/rm/api',
      'Package rm/api: ConfigMap/rm/api-settings',
      'Package rm/api: Secret/rm/api-credentials',
      'Package rm/api: Deployment/rm/api',
      'Package rm/api: Service/rm/api',
    ]);
    expect(report.counts).toMatchObject({ create: 0, change: 0, delete: 5 });
  });

  it('shows a Secret change by key and hash, never the value', async () => {
    const dir = await deployed('sec', 'sec');
    writeTree(fleet(dir), {
      ...repoFiles('sec'),
      'secrets.yaml': secretYaml('sec', 'registry-token', { token: 'correct-horse', extra: 'x1' }),
    });
    const res = await diff(dir, 'sec');
    expect(res.code).toBe(1);
    expect(res.out.split('\n')[0]).toBe('0 to create, 1 to change, 0 to delete');
    for (const value of ['hunter2', 'correct-horse', 'x1', 'aHVudGVyMg', 'Y29ycmVjdC1ob3JzZ'])
      expect(res.out).not.toContain(value);
    expect(res.out).toMatch(/data\.token: "<hash [0-9a-f]{12}…>" -> "<hash [0-9a-f]{12}…>"/);
    expect(res.out).toMatch(/data\.extra: added "<hash [0-9a-f]{12}…>"/);
  });

  it('exits 2 with the reason when the cluster cannot be reached or the repository is broken', async () => {
    const dir = await deployed('err', 'err');
    const bad = join(dirs[0] ?? '', 'nowhere');
    writeFileSync(
      bad,
      server.kubeconfig.replace(/server: https:\/\/[^\n]+/, 'server: https://127.0.0.1:1'),
    );
    const unreachable = await runCli(
      'diff',
      dir,
      '--path',
      'fleet',
      '--kubeconfig',
      bad,
      '--name',
      'err',
    );
    expect(unreachable.code).toBe(2);
    expect(unreachable.err).toMatch(/^Error: /);

    writeTree(fleet(dir), { ...repoFiles('err'), 'settings.yaml': 'kind: [' });
    const broken = await diff(dir, 'err');
    expect(broken.code).toBe(2);
    expect(broken.out).toContain('repository: Invalid YAML in settings.yaml');
  });
});
