// `packsync up` on a desired state in a Git working directory, as a user runs it: a temporary
// repository holding examples/desired-state (as clusters/local) and the packages it names; `up`
// deploys the committed state through a ClusterGitSync, and a local commit rolls out the next
// revision through the watch of .git (the GitSync's interval is minutes, so nothing else could).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient, type KubeObject } from '../../src/kube/index.js';
import { eventually } from '../server/helpers.js';
import { ensureBuilt, repo, runUp } from './up-run.js';

const examples = join(repo, 'examples');
const PKO = 'package-operator.run/v1alpha1';
const hasGit = spawnSync('git', ['--version']).status === 0;
if (!hasGit)
  console.warn('\n*** SKIPPING packsync up on a Git directory: `git` is not installed ***\n');

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync(
    'git',
    [
      '-c',
      'user.name=Dev',
      '-c',
      'user.email=dev@example.com',
      '-c',
      'commit.gpgsign=false',
      ...args,
    ],
    { cwd, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

const condition = (o: KubeObject | undefined, type: string): string | undefined =>
  (
    (o?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []
  ).find((c) => c.type === type)?.status;

describe.skipIf(!hasGit)('packsync up on a desired state in a Git directory', () => {
  let root = '';
  beforeAll(() => {
    ensureBuilt();
    root = mkdtempSync(join(tmpdir(), 'packsync-up-git-'));
    const work = join(root, 'repo');
    // The desired state names packsync.local/examples/app and examples/operator: package folders
    // at those paths from the repository root.
    cpSync(join(examples, 'desired-state'), join(work, 'clusters/local'), { recursive: true });
    cpSync(join(examples, 'app'), join(work, 'examples/app'), { recursive: true });
    cpSync(join(examples, 'operator'), join(work, 'examples/operator'), { recursive: true });
    git(work, 'init', '-q', '-b', 'main');
    git(work, 'add', '.');
    git(work, 'commit', '-q', '-m', 'desired state');
  }, 120_000);
  afterAll(() => {
    if (root !== '') rmSync(root, { recursive: true, force: true });
  });

  it('deploys the committed state, and a local commit rolls out the next revision at once', async () => {
    const work = join(root, 'repo');
    const state = join(root, 'state');
    const first = git(work, 'rev-parse', 'HEAD');
    const run = runUp(work, ['clusters/local', '--ephemeral', '--data-dir', state]);
    const client = { current: undefined as KubeClient | undefined };
    try {
      await run.waitFor(
        /ClusterGitSync local: revision 1, commit \w{7} "desired state": Ready=True \(Synced\)/,
      );
      const out = run.stdout();
      expect(out).toContain(
        'applied ClusterGitSync local: follows branch main of the Git repository ., path clusters/local',
      );
      expect(out).toMatch(/built examples\/app -> packsync\.local\/examples\/app:latest,v1@/);
      expect(out).toMatch(/built examples\/operator -> packsync\.local\/examples\/operator:/);
      expect(out).toContain('Package shop/shop: Available (revision 1)');

      const c = (client.current = await KubeClient.fromKubeConfigFile(join(state, 'kubeconfig')));
      const gs = await c.get({
        apiVersion: 'packsync.dev/v1alpha1',
        kind: 'ClusterGitSync',
        name: 'local',
      });
      expect(gs?.spec).toMatchObject({
        url: work,
        ref: { branch: 'main' },
        path: 'clusters/local',
      });
      expect(gs?.status).toMatchObject({ lastAppliedCommit: first, revision: 1 });
      const settings = () =>
        c.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'shop-settings', namespace: 'shop' });
      expect((await settings())?.data).toMatchObject({ greeting: 'Hello from Git' });

      // A config change, committed: the watch of .git syncs it.
      const manifest = join(work, 'clusters/local/manifest.yaml');
      writeFileSync(
        manifest,
        readFileSync(manifest, 'utf8').replace(
          'default: Hello from Git',
          'default: Hello from commit 2',
        ),
      );
      git(work, 'commit', '-q', '-am', 'greet again');
      const committed = Date.now();
      const second = git(work, 'rev-parse', 'HEAD');
      const shop = await eventually(
        async () => {
          const p = await c.get({
            apiVersion: PKO,
            kind: 'Package',
            name: 'shop',
            namespace: 'shop',
          });
          const rev = (p?.status as { revision?: number } | undefined)?.revision;
          return rev === 2 && condition(p, 'Available') === 'True' && p;
        },
        'Package shop/shop Available with revision 2',
        30_000,
      );
      const latency = Date.now() - committed;
      console.log(`packsync up (Git mode): commit-to-Available ${latency} ms`);
      expect(shop.spec).toMatchObject({ config: { greeting: 'Hello from commit 2' } });
      expect((await settings())?.data).toMatchObject({ greeting: 'Hello from commit 2' });
      await run.waitFor(
        /ClusterGitSync local: revision 2, commit \w{7} "greet again": Ready=True \(Synced\)/,
        30_000,
      );
      const gs2 = await c.get({
        apiVersion: 'packsync.dev/v1alpha1',
        kind: 'ClusterGitSync',
        name: 'local',
      });
      expect(gs2?.status).toMatchObject({ lastAppliedCommit: second, revision: 2 });
      // Revision 1 of the desired state is archived.
      await eventually(
        async () => {
          const sets = await c.list(PKO, 'ClusterObjectSet', {
            labelSelector: 'package-operator.run/object-deployment=local',
          });
          const state = new Map(
            sets.items.map((s) => {
              const spec = s.spec as { revision?: number; lifecycleState?: string };
              return [spec.revision, spec.lifecycleState];
            }),
          );
          return state.get(1) === 'Archived' && state.get(2) === 'Active';
        },
        'revision 1 of the ClusterGitSync archived',
        60_000,
      );

      // A changed package, named with a new tag in the same commit: built again, then rolled out.
      writeFileSync(join(work, 'examples/app/NOTES.md'), 'Edition 2.\n');
      const shopFile = join(work, 'clusters/local/apps/shop.yaml.gotmpl');
      writeFileSync(
        shopFile,
        readFileSync(shopFile, 'utf8').replace('examples/app:v1', 'examples/app:v2'),
      );
      git(work, 'add', '.');
      git(work, 'commit', '-q', '-m', 'shop: app v2');
      // Same objects, so the package keeps revision 2; it has unpacked the v2 image.
      await eventually(
        async () => {
          const p = await c.get({
            apiVersion: PKO,
            kind: 'Package',
            name: 'shop',
            namespace: 'shop',
          });
          const image = (p?.spec as { image?: string } | undefined)?.image;
          const unpacked = (
            p?.status as {
              conditions?: { type: string; status: string; observedGeneration?: number }[];
            }
          )?.conditions?.find((x) => x.type === 'Unpacked');
          return (
            image === 'packsync.local/examples/app:v2' &&
            unpacked?.status === 'True' &&
            unpacked.observedGeneration === p?.metadata.generation &&
            condition(p, 'Available') === 'True'
          );
        },
        'Package shop/shop unpacked app:v2 and Available',
        30_000,
      );
      expect(run.stdout()).toMatch(
        /built examples\/app -> packsync\.local\/examples\/app:latest,v2@sha256:/,
      );
    } catch (err) {
      console.log(`packsync up output:\n${run.stdout()}`);
      throw err;
    } finally {
      client.current?.close();
      run.proc.kill('SIGINT');
    }
    expect(await run.exited).toBe(0);
  }, 240_000);
});
