// `packsync up` as a user runs it: `node bin/packsync.js up examples/` in a fresh directory,
// checked from its output, from the API through the kubeconfig it writes, and with kubectl.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient, type KubeObject } from '../../src/kube/index.js';
import { hasKubectl, warnIfNoKubectl } from '../server/kubectl-helpers.js';
import { ensureBuilt, repo, runUp } from './up-run.js';

const examples = join(repo, 'examples');
const PKO = 'package-operator.run/v1alpha1';

const conditionOf = (o: KubeObject, type: string) =>
  (
    (o.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []
  ).find((c) => c.type === type);

warnIfNoKubectl('kubectl against the kubeconfig of packsync up');

describe('packsync up', () => {
  const dirs: string[] = [];
  const fresh = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'packsync-up-'));
    dirs.push(d);
    return d;
  };
  beforeAll(() => ensureBuilt(), 120_000);
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('rolls out every example until Ctrl-C; the API and kubectl see it through .packsync/kubeconfig', async () => {
    const cwd = fresh();
    const run = runUp(cwd, [examples, '--ephemeral']);
    try {
      await run.waitFor(/all \d+ packages Available/);
      const out = run.stdout();
      expect(out).toMatch(/local registry 127\.0\.0\.1:\d+/);
      expect(out).toContain('kubectl --kubeconfig .packsync/kubeconfig get packages -A');
      for (const folder of ['app', 'operator', 'multi-component', 'cel-conditions']) {
        expect(out).toMatch(new RegExp(`built .*${folder} -> packsync\\.local/${folder}@sha256:`));
      }
      expect(out).toContain('Package demo/webapp: Available (revision 1)');
      expect(out).toContain('ClusterPackage podinfo-operator: Available (revision 1)');

      const kubeconfig = join(cwd, '.packsync/kubeconfig');
      const client = await KubeClient.fromKubeConfigFile(kubeconfig);
      try {
        const pkgs = (await client.list(PKO, 'Package')).items;
        const names = pkgs.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).sort();
        expect(names).toEqual(
          expect.arrayContaining([
            'demo/feature-flags',
            'demo/shop',
            'demo/shop-backend',
            'demo/shop-frontend',
            'demo/webapp',
          ]),
        );
        for (const p of pkgs)
          expect(conditionOf(p, 'Available')?.status, p.metadata.name).toBe('True');
        const webapp = pkgs.find((p) => p.metadata.name === 'webapp');
        expect((webapp?.spec as { image: string }).image).toMatch(
          /^packsync\.local\/app:latest@sha256:[0-9a-f]{64}$/,
        );
        const cp = await client.get({
          apiVersion: PKO,
          kind: 'ClusterPackage',
          name: 'podinfo-operator',
        });
        expect(cp && conditionOf(cp, 'Available')?.status).toBe('True');
        // The objects behind them: config rendered, CEL filter applied, operator phases done.
        const deploy = await client.get({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          namespace: 'demo',
          name: 'webapp',
        });
        expect((deploy?.spec as { replicas: number }).replicas).toBe(3);
        const crd = await client.get({
          apiVersion: 'apiextensions.k8s.io/v1',
          kind: 'CustomResourceDefinition',
          name: 'podinfos.examples.packsync.dev',
        });
        expect(crd).toBeDefined();
        const cms = (await client.list('v1', 'ConfigMap', { namespace: 'demo' })).items.map(
          (c) => c.metadata.name,
        );
        expect(cms.some((n) => n?.includes('debug'))).toBe(false);
      } finally {
        client.close();
      }

      if (hasKubectl) {
        const home = fresh();
        const k = spawnSync(
          'kubectl',
          ['--kubeconfig', '.packsync/kubeconfig', 'get', 'packages', '-A'],
          {
            cwd,
            encoding: 'utf8',
            env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home },
          },
        );
        expect(k.stderr).toBe('');
        expect(k.status).toBe(0);
        expect(k.stdout).toMatch(/demo\s+webapp\s/);
        expect(k.stdout).toMatch(/Available/);
        const kc = spawnSync(
          'kubectl',
          ['--kubeconfig', '.packsync/kubeconfig', 'get', 'clusterpackages'],
          {
            cwd,
            encoding: 'utf8',
            env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home },
          },
        );
        expect(kc.stdout).toMatch(/podinfo-operator/);
      }
    } finally {
      run.proc.kill('SIGINT');
    }
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toContain('stopping');
  });

  it('--wait exits 0 once all are Available, and a restart on the persisted .packsync keeps the state', async () => {
    const cwd = fresh();
    cpSync(examples, join(cwd, 'examples'), { recursive: true });
    const first = runUp(cwd, ['examples', '--wait', '--timeout', '90s']);
    expect(await first.exited, first.stderr()).toBe(0);
    expect(first.stdout()).toMatch(/all \d+ packages Available/);
    expect(first.stdout()).toContain('0 objects recovered');

    const second = runUp(cwd, ['examples', '--wait', '--timeout', '90s']);
    expect(await second.exited, second.stderr()).toBe(0);
    const out = second.stdout();
    const recovered = Number(/state in \.packsync: (\d+) objects recovered/.exec(out)?.[1] ?? 0);
    expect(recovered).toBeGreaterThan(0);
    // Same package contents, same digests: nothing re-rolls out.
    expect(out).toContain('Package demo/webapp: Available (revision 1)');
    expect(out).not.toMatch(/revision 2/);

    // An edited package rolls out as revision 2 on the next run.
    const cm = join(cwd, 'examples/app/configmap.yaml.gotmpl');
    writeFileSync(cm, `${readFileSync(cm, 'utf8')}  edited: "yes"\n`);
    const third = runUp(cwd, ['examples', '--wait', '--timeout', '90s']);
    expect(await third.exited, third.stderr()).toBe(0);
    expect(third.stdout()).toContain('Package demo/webapp: Available (revision 2)');
  });

  it('names the missing folder and starts nothing', async () => {
    const cwd = fresh();
    const run = runUp(cwd, ['no-such-dir', '--ephemeral', '--wait']);
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toContain('Error: no-such-dir: no such directory');
    expect(run.stdout()).toBe('');
  });

  it('reports a broken package by its file and still rolls out the others', async () => {
    const cwd = fresh();
    cpSync(examples, join(cwd, 'examples'), { recursive: true });
    mkdirSync(join(cwd, 'examples/broken'));
    writeFileSync(
      join(cwd, 'examples/broken/manifest.yaml'),
      'apiVersion: manifests.package-operator.run/v1alpha1\nkind: PackageManifest\nmetadata:\n  name: broken\nspec:\n  phases:\n    - name: main\n',
    );
    writeFileSync(
      join(cwd, 'examples/broken.yaml'),
      `apiVersion: ${PKO}\nkind: Package\nmetadata:\n  name: broken\n  namespace: demo\nspec:\n  image: packsync.local/broken:latest\n---\nkind: [not, an, object\n`,
    );
    const run = runUp(cwd, ['examples', '--ephemeral', '--wait', '--timeout', '90s']);
    expect(await run.exited).toBe(1);
    const out = run.stdout();
    expect(out).toContain(
      'error: examples/broken: building package: PackageManifest invalid in manifest.yaml: spec.scopes: Required value',
    );
    expect(out).toMatch(/error: examples\/broken\.yaml: document 1: /);
    expect(out).toContain(
      'error: examples/broken.yaml (document 0, Package demo/broken): not applied: its package examples/broken failed to build',
    );
    for (const name of [
      'Package demo/webapp',
      'Package demo/shop',
      'Package demo/feature-flags',
      'ClusterPackage podinfo-operator',
    ]) {
      expect(out).toContain(`${name}: Available (revision 1)`);
    }
    expect(run.stderr()).toMatch(
      /^Error: 3 problems \(every applied package is Available\): examples\/broken/m,
    );
  });
});
