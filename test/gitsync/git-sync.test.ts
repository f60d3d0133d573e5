/**
 * (Cluster)GitSync end to end: commits in a repository served by a real `git http-backend` become
 * revisions of the GitSync's ObjectDeployment, rolled out by the revision engine on the embedded
 * API server, with the Packages they hold pulled from a real registry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { warnSkip } from '../oci/registry-helper.js';
import { settled, writesSince } from '../integration/revision-helpers.js';
import { startGitServer } from '../helpers/git-server.js';
import {
  PKO,
  cgsRef,
  clusterGitSync,
  conditionOf,
  configMapData,
  eventually,
  missingGitSyncTools,
  namespaceYaml,
  packageYaml,
  startGitSyncEnv,
  statusOf,
  waitForSync,
  type GitSyncEnv,
} from './env.js';

const missing = await missingGitSyncTools();
warnSkip('GitSync integration', missing);

describe.skipIf(missing.length > 0)('GitSync', () => {
  let env: GitSyncEnv;

  beforeAll(async () => {
    env = await startGitSyncEnv();
  }, 60_000);
  afterAll(async () => {
    await env?.stopAll();
  });

  const cod = (name: string) => ({ apiVersion: PKO, kind: 'ClusterObjectDeployment', name });
  async function objectSets(name: string) {
    const list = await env.client.list(PKO, 'ClusterObjectSet', {
      labelSelector: `package-operator.run/object-deployment=${name}`,
    });
    return list.items.sort(
      (a, b) =>
        ((a.spec as { revision: number }).revision ?? 0) -
        ((b.spec as { revision: number }).revision ?? 0),
    );
  }
  const sync = (name: string) => env.triggers.triggerSync(undefined, name);

  it('rolls out each commit as a revision, archives the previous one and prunes what a commit deletes', async () => {
    await env.git.createRepo('fleet');
    const files = (greeting: string) => ({
      'namespaces/ns.yaml': namespaceYaml('shop'),
      'apps/front.yaml': packageYaml('front', 'shop', env.image, { greeting }),
      'apps/back.yaml': packageYaml('back', 'shop', env.image, { greeting: 'back' }),
    });
    const c1 = await env.git.commit('fleet', files('one'), 'first rollout');
    await env.client.create(
      clusterGitSync('fleet', { url: env.git.repoUrl('fleet'), revisionHistoryLimit: 5 }),
    );
    const synced = await waitForSync(env, cgsRef('fleet'), {
      reason: 'Synced',
      commit: c1,
      revision: 1,
    });
    expect(statusOf(synced)).toMatchObject({ lastAttemptedCommit: c1, observedGeneration: 1 });
    expect(statusOf(synced).lastSyncTime).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(conditionOf(synced, 'Ready')?.message).toMatch(
      new RegExp(`^commit ${c1.slice(0, 7)} \\(revision 1\\) is Available`),
    );
    expect(await configMapData(env, 'shop', 'front-greeting')).toEqual({ greeting: 'one' });
    const od = await env.client.get(cod('fleet'));
    expect(od?.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'ClusterGitSync',
      name: 'fleet',
      controller: true,
    });
    expect((od?.spec as { revisionHistoryLimit?: number }).revisionHistoryLimit).toBe(5);
    const [rev1] = await objectSets('fleet');
    expect(rev1?.metadata.annotations).toMatchObject({
      'packsync.dev/commit': c1,
      'packsync.dev/commit-message': 'first rollout',
      'kubernetes.io/change-cause': `commit ${c1.slice(0, 7)}: first rollout`,
    });
    expect(rev1?.metadata.annotations?.['packsync.dev/commit-author']).toMatch(/<.+@.+>$/);

    // A config change in Git: revision 2, revision 1 archived.
    const c2 = await env.git.commit('fleet', files('two'), 'front: say two');
    sync('fleet');
    await waitForSync(env, cgsRef('fleet'), { reason: 'Synced', commit: c2, revision: 2 });
    expect(await configMapData(env, 'shop', 'front-greeting')).toEqual({ greeting: 'two' });
    await eventually(async () => {
      const sets = await objectSets('fleet');
      return (
        sets.length === 2 &&
        (sets[0]?.spec as { lifecycleState?: string }).lifecycleState === 'Archived' &&
        sets[1]?.metadata.annotations?.['packsync.dev/commit'] === c2
      );
    }, 'revision 1 archived, revision 2 from the second commit');

    // A commit deleting a Package: it leaves with the archived revision, and its objects with it.
    const c3 = await env.git.commit('fleet', { 'apps/back.yaml': null }, 'drop back');
    sync('fleet');
    await waitForSync(env, cgsRef('fleet'), { reason: 'Synced', commit: c3, revision: 3 });
    await eventually(
      async () =>
        (await env.client.get({
          apiVersion: PKO,
          kind: 'Package',
          name: 'back',
          namespace: 'shop',
        })) === undefined && (await configMapData(env, 'shop', 'back-greeting')) === undefined,
      'Package back and its ConfigMap pruned',
    );
    expect(await configMapData(env, 'shop', 'front-greeting')).toEqual({ greeting: 'two' });
  }, 90_000);

  it('refuses broken commits: the previous revision stays Available and Ready says why', async () => {
    await env.git.createRepo('guarded');
    const good = await env.git.commit(
      'guarded',
      {
        'ns.yaml': namespaceYaml('guarded'),
        'apps/web.yaml': packageYaml('web', 'guarded', env.image, { greeting: 'stable' }),
      },
      'good',
    );
    await env.client.create(clusterGitSync('guarded', { url: env.git.repoUrl('guarded') }));
    await waitForSync(env, cgsRef('guarded'), { reason: 'Synced', commit: good, revision: 1 });
    const odBefore = await env.client.get(cod('guarded'));

    const refusals: [string, Record<string, string | null>, string, RegExp][] = [
      [
        'broken YAML',
        { 'apps/web.yaml': 'kind: Package\nmetadata: [name\n' },
        'ValidationFailed',
        /Invalid YAML in apps\/web\.yaml idx 0/,
      ],
      [
        'unknown phase',
        {
          'apps/web.yaml': packageYaml(
            'web',
            'guarded',
            env.image,
            { greeting: 'x' },
            {
              'package-operator.run/phase': 'later',
            },
          ),
        },
        'ValidationFailed',
        /Phase name not found in manifest in apps\/web\.yaml idx 0/,
      ],
      [
        'missing image',
        {
          'apps/web.yaml': packageYaml('web', 'guarded', env.image.replace(':v1', ':missing'), {
            greeting: 'x',
          }),
        },
        'ValidationFailed',
        /Package guarded\/web: spec\.image .*:missing/,
      ],
      [
        'no objects',
        { 'apps/web.yaml': null, 'ns.yaml': null, 'README.md': '# emptied by mistake\n' },
        'ValidationFailed',
        /the repository holds no objects/,
      ],
    ];
    for (const [what, change, reason, message] of refusals) {
      const bad = await env.git.commit('guarded', change, what);
      sync('guarded');
      const refused = await waitForSync(env, cgsRef('guarded'), { reason, commit: bad });
      const ready = conditionOf(refused, 'Ready');
      expect(ready?.status, what).toBe('False');
      expect(ready?.message, what).toMatch(message);
      expect(ready?.message, what).toContain(`commit ${bad.slice(0, 7)} refused`);
      expect(conditionOf(refused, 'Stalled')).toMatchObject({ status: 'True', reason });
      expect(statusOf(refused)).toMatchObject({ lastAppliedCommit: good, revision: 1 });
      const od = await env.client.get(cod('guarded'));
      expect(od?.metadata.generation, what).toBe(odBefore?.metadata.generation);
      expect(conditionOf(od, 'Available')?.status, what).toBe('True');
      expect(await configMapData(env, 'guarded', 'web-greeting'), what).toEqual({
        greeting: 'stable',
      });
    }

    // A good commit clears the refusal.
    const fixed = await env.git.commit(
      'guarded',
      {
        'ns.yaml': namespaceYaml('guarded'),
        'apps/web.yaml': packageYaml('web', 'guarded', env.image, { greeting: 'fixed' }),
      },
      'fix',
    );
    sync('guarded');
    const ok = await waitForSync(env, cgsRef('guarded'), {
      reason: 'Synced',
      commit: fixed,
      revision: 2,
    });
    expect(conditionOf(ok, 'Stalled')).toBeUndefined();
    expect(await configMapData(env, 'guarded', 'web-greeting')).toEqual({ greeting: 'fixed' });
  }, 90_000);

  it('orders packages by phase: applications wait until the infrastructure is Available', async () => {
    await env.git.createRepo('phased');
    const manifest = `apiVersion: manifests.package-operator.run/v1alpha1
kind: PackageManifest
metadata: {name: phased}
spec:
  scopes: [Cluster]
  phases: [{name: namespaces}, {name: infra}, {name: apps}]
  availabilityProbes:
    - selector: {kind: {group: package-operator.run, kind: ClusterPackage}}
      probes: [{condition: {type: Available, status: "True"}}]
    - selector: {kind: {group: package-operator.run, kind: Package}}
      probes: [{condition: {type: Available, status: "True"}}]
`;
    const infra = (neverReady: boolean) => `apiVersion: ${PKO}
kind: ClusterPackage
metadata:
  name: phased-infra
  annotations: {package-operator.run/phase: infra}
spec:
  image: ${env.image}
  config: {namespace: phased, neverReady: ${neverReady}}
`;
    const c1 = await env.git.commit(
      'phased',
      {
        'manifest.yaml': manifest,
        'ns.yaml': `apiVersion: v1
kind: Namespace
metadata: {name: phased, annotations: {package-operator.run/phase: namespaces}}
`,
        'infra.yaml': infra(true),
        'apps.yaml': packageYaml(
          'app',
          'phased',
          env.image,
          {},
          {
            'package-operator.run/phase': 'apps',
          },
        ),
      },
      'infra never gets ready',
    );
    await env.client.create(clusterGitSync('phased', { url: env.git.repoUrl('phased') }));
    const progressing = await waitForSync(env, cgsRef('phased'), {
      reason: 'Progressing',
      commit: c1,
    });
    expect(conditionOf(progressing, 'Reconciling')).toMatchObject({
      status: 'True',
      reason: 'Progressing',
    });
    // The infra ClusterPackage exists but is not Available; the revision stops at its phase.
    await eventually(async () => {
      const os = (await objectSets('phased'))[0];
      return /phased-infra/.test(conditionOf(os, 'Available')?.message ?? '');
    }, 'revision waiting on the infra ClusterPackage');
    const infraPkg = await env.client.get({
      apiVersion: PKO,
      kind: 'ClusterPackage',
      name: 'phased-infra',
    });
    expect(conditionOf(infraPkg, 'Available')?.status).not.toBe('True');
    expect(
      await env.client.get({ apiVersion: PKO, kind: 'Package', name: 'app', namespace: 'phased' }),
    ).toBeUndefined();

    // Infrastructure becomes ready: the applications follow.
    const c2 = await env.git.commit('phased', { 'infra.yaml': infra(false) }, 'infra ready');
    sync('phased');
    await waitForSync(env, cgsRef('phased'), { reason: 'Synced', commit: c2 }, 45_000);
    const app = await env.client.get({
      apiVersion: PKO,
      kind: 'Package',
      name: 'app',
      namespace: 'phased',
    });
    expect(conditionOf(app, 'Available')?.status).toBe('True');
  }, 90_000);

  it('rolls back when the branch is force-pushed to an older commit', async () => {
    await env.git.createRepo('rollback');
    const at = (greeting: string) => ({
      'ns.yaml': namespaceYaml('rollback'),
      'web.yaml': packageYaml('web', 'rollback', env.image, { greeting }),
    });
    const c1 = await env.git.commit('rollback', at('old'), 'old');
    await env.client.create(clusterGitSync('rollback', { url: env.git.repoUrl('rollback') }));
    await waitForSync(env, cgsRef('rollback'), { reason: 'Synced', commit: c1, revision: 1 });
    const c2 = await env.git.commit('rollback', at('new'), 'new');
    sync('rollback');
    await waitForSync(env, cgsRef('rollback'), { reason: 'Synced', commit: c2, revision: 2 });

    await env.git.git('rollback', 'push', '--force', 'origin', `${c1}:refs/heads/main`);
    sync('rollback');
    await waitForSync(env, cgsRef('rollback'), { reason: 'Synced', commit: c1, revision: 3 });
    expect(await configMapData(env, 'rollback', 'web-greeting')).toEqual({ greeting: 'old' });
  }, 60_000);

  it('follows the highest tag in a semver range', async () => {
    await env.git.createRepo('tags');
    const at = (greeting: string) => ({
      'ns.yaml': namespaceYaml('tags'),
      'web.yaml': packageYaml('web', 'tags', env.image, { greeting }),
    });
    await env.git.commit('tags', at('1.0'), 'v1.0.0', { tag: 'v1.0.0' });
    const v12 = await env.git.commit('tags', at('1.2'), 'v1.2.0', { tag: 'v1.2.0' });
    await env.git.commit('tags', at('2.0'), 'v2.0.0', { tag: 'v2.0.0' });
    await env.git.commit('tags', at('main'), 'untagged');
    await env.client.create(
      clusterGitSync('tags', { url: env.git.repoUrl('tags'), ref: { semver: '^1.0.0' } }),
    );
    await waitForSync(env, cgsRef('tags'), { reason: 'Synced', commit: v12 });
    expect(await configMapData(env, 'tags', 'web-greeting')).toEqual({ greeting: '1.2' });
  }, 60_000);

  it('does not fetch or write anything while the remote commit is unchanged', async () => {
    await env.git.createRepo('quiet');
    const c1 = await env.git.commit(
      'quiet',
      {
        'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: quiet, namespace: default}\n',
      },
      'quiet',
    );
    await env.client.create(
      clusterGitSync('quiet', { url: env.git.repoUrl('quiet'), interval: '200ms' }),
    );
    await waitForSync(env, cgsRef('quiet'), { reason: 'Synced', commit: c1 });
    env.git.clearRequests();
    const from = env.server.requests().length;
    const fetches = env.source.stats().fetches;
    const quietRequests = () => env.git.requests().filter((r) => r.path.startsWith('/quiet.git/'));
    // Several polls at the 200ms interval, counted where they land: the Git server's log (the
    // source's resolve counter goes up before its request reaches the server).
    await eventually(() => quietRequests().length >= 4, 'four more polls', 10_000);
    const requests = quietRequests();
    expect(env.source.stats().fetches).toBe(fetches);
    expect(requests.every((r) => r.path === '/quiet.git/info/refs')).toBe(true);
    const writes = writesSince(env.server, from).filter(
      (w) => w.path.includes('/quiet') && !w.path.includes('/events'),
    );
    expect(writes).toEqual([]);
  }, 30_000);

  it('stops fetching while suspended and catches up when resumed', async () => {
    await env.git.createRepo('paused');
    const at = (greeting: string) => ({
      'ns.yaml': namespaceYaml('paused'),
      'web.yaml': packageYaml('web', 'paused', env.image, { greeting }),
    });
    const c1 = await env.git.commit('paused', at('before'), 'before');
    await env.client.create(clusterGitSync('paused', { url: env.git.repoUrl('paused') }));
    await waitForSync(env, cgsRef('paused'), { reason: 'Synced', commit: c1 });
    await env.client.patch(cgsRef('paused'), 'merge', { spec: { suspend: true } });
    const c2 = await env.git.commit('paused', at('after'), 'after');
    env.git.clearRequests();
    sync('paused');
    await settled(env);
    expect(env.git.requests().filter((r) => r.path.startsWith('/paused.git/'))).toEqual([]);
    const suspended = await env.client.get(cgsRef('paused'));
    expect(statusOf(suspended).lastAttemptedCommit).toBe(c1);
    expect(await configMapData(env, 'paused', 'web-greeting')).toEqual({ greeting: 'before' });

    await env.client.patch(cgsRef('paused'), 'merge', { spec: { suspend: false } });
    await waitForSync(env, cgsRef('paused'), { reason: 'Synced', commit: c2, revision: 2 });
    expect(await configMapData(env, 'paused', 'web-greeting')).toEqual({ greeting: 'after' });
  }, 60_000);

  it('reads credentials from spec.secretRef, and stalls with FetchFailed without them', async () => {
    const secured = await startGitServer({ auth: { username: 'ci', password: 'git-s3cret' } });
    try {
      await secured.createRepo('private');
      const c1 = await secured.commit(
        'private',
        {
          'cm.yaml':
            'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: private, namespace: default}\n',
        },
        'private',
      );
      await env.client.create({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'git-auth', namespace: 'default' },
        stringData: { username: 'ci', password: 'git-s3cret' },
      });
      const url = secured.repoUrl('private');
      await env.client.create(
        clusterGitSync('private', { url, secretRef: { name: 'git-auth', namespace: 'default' } }),
      );
      await env.client.create(clusterGitSync('anonymous', { url }));
      await waitForSync(env, cgsRef('private'), { reason: 'Synced', commit: c1 });
      const denied = await eventually(async () => {
        const gs = await env.client.get(cgsRef('anonymous'));
        return conditionOf(gs, 'Stalled')?.reason === 'FetchFailed' && gs;
      }, 'anonymous GitSync stalled');
      expect(conditionOf(denied, 'Ready')).toMatchObject({
        status: 'False',
        reason: 'FetchFailed',
      });
      expect(JSON.stringify(denied.status)).not.toContain('git-s3cret');
      expect(statusOf(denied).lastAttemptedCommit).toBeUndefined();
      expect(await env.client.get(cod('anonymous'))).toBeUndefined();
    } finally {
      await secured.stop();
    }
  }, 60_000);

  it('keeps a namespaced GitSync inside its namespace', async () => {
    await env.git.createRepo('team');
    const ns = 'team-a';
    await env.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const c1 = await env.git.commit(
      'team',
      { 'web.yaml': packageYaml('web', ns, env.image, { greeting: 'team' }) },
      'team app',
    );
    const ref = {
      apiVersion: 'packsync.dev/v1alpha1',
      kind: 'GitSync',
      name: 'team',
      namespace: ns,
    };
    await env.client.create({
      apiVersion: ref.apiVersion,
      kind: 'GitSync',
      metadata: { name: 'team', namespace: ns },
      spec: { url: env.git.repoUrl('team'), interval: '1h' },
    });
    await waitForSync(env, ref, { reason: 'Synced', commit: c1, revision: 1 });
    expect(await configMapData(env, ns, 'web-greeting')).toEqual({ greeting: 'team' });

    const c2 = await env.git.commit('team', { 'ns.yaml': namespaceYaml('elsewhere') }, 'escape');
    env.triggers.triggerSync(ns, 'team');
    const refused = await waitForSync(env, ref, { reason: 'ValidationFailed', commit: c2 });
    expect(conditionOf(refused, 'Ready')?.message).toContain(
      'Cluster-scoped object in a namespaced package in ns.yaml idx 0',
    );
  }, 60_000);
});
