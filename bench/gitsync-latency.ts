// Benchmark of commit-to-Available latency through a webhook: a desired-state repository served by
// `git http-backend` holds one Package (the test `web` package from a local docker-registry); each
// round commits a config change, POSTs a signed GitHub push hook to the GitSync webhook receiver and
// waits until the ClusterGitSync is Ready for that commit and the package's ConfigMap shows it. The
// embedded API server, the revision engine, the Package and GitSync controllers all run in this
// process. Goal (issue 9): < 2 s on the embedded server.
// Run: npx tsx bench/gitsync-latency.ts [rounds]   (prints figures; decides nothing)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crds } from '../src/apis/index.js';
import {
  buildControllerSetups,
  GitSyncTriggers,
  startGitSyncWebhookReceiver,
} from '../src/controllers/index.js';
import { Manager } from '../src/controllers/runtime/index.js';
import { signBody } from '../src/git/index.js';
import { KubeClient, type KubeObject } from '../src/kube/index.js';
import { buildPackageImage, RegistryClient } from '../src/oci/index.js';
import { importFolder } from '../src/packages/index.js';
import { startServer } from '../src/server/index.js';
import { startGitServer } from '../test/helpers/git-server.js';
import { startRegistry } from '../test/oci/registry-helper.js';
import { latencySummary, ms, syncedTo, until } from './latency.js';

const rounds = Number(process.argv[2] ?? 10);
const PKO = 'package-operator.run/v1alpha1';

const registry = await startRegistry();
const git = await startGitServer();
const server = await startServer();
const cacheDir = mkdtempSync(join(tmpdir(), 'packsync-bench-git-'));
const client = await KubeClient.fromKubeConfigString(server.kubeconfig);
for (const crd of crds()) await client.create(crd as unknown as KubeObject);
await until('CRDs established', async () => {
  const list = await client.list('apiextensions.k8s.io/v1', 'CustomResourceDefinition');
  return (
    list.items.filter((c) =>
      (c.status as { conditions?: { type: string; status: string }[] }).conditions?.some(
        (x) => x.type === 'Established' && x.status === 'True',
      ),
    ).length >= crds().length
  );
});

const image = `${registry.host}/packages/web:v1`;
const pkg = await importFolder(join(import.meta.dirname, '../test/gitsync/fixtures/web'));
await new RegistryClient({ insecure: true }).pushImage(image, await buildPackageImage(pkg.files));

const triggers = new GitSyncTriggers();
const mgr = new Manager({ client });
for (const s of buildControllerSetups({ gitSync: { cacheDir, triggers } })) {
  mgr.add(await s.setup(mgr, { workers: 2 }));
}
await mgr.start();
const receiver = await startGitSyncWebhookReceiver({ port: 0, host: '127.0.0.1', triggers });

const secret = 'bench-secret';
const files = (greeting: string) => ({
  'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: bench}\n',
  'web.yaml': `apiVersion: ${PKO}\nkind: Package\nmetadata: {name: web, namespace: bench}\nspec:\n  image: ${image}\n  config: {greeting: "${greeting}"}\n`,
});
await git.createRepo('bench');
let sha = await git.commit('bench', files('g0'), 'g0');
await client.create({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'bench-hook', namespace: 'default' },
  stringData: { webhookSecret: secret },
});
await client.create({
  apiVersion: 'packsync.dev/v1alpha1',
  kind: 'ClusterGitSync',
  metadata: { name: 'bench' },
  spec: {
    url: git.repoUrl('bench'),
    interval: '1h',
    secretRef: { name: 'bench-hook', namespace: 'default' },
  },
});

const t0 = performance.now();
const synced = (commit: string, greeting: string): Promise<boolean> =>
  syncedTo(client, 'bench', { name: 'web-greeting', namespace: 'bench' }, commit, greeting);
await until('first sync', () => synced(sha, 'g0'));
const first = performance.now() - t0;

const latencies: number[] = [];
for (let i = 1; i <= rounds; i++) {
  sha = await git.commit('bench', files(`g${i}`), `g${i}`);
  const body = JSON.stringify({ ref: 'refs/heads/main', after: sha });
  const start = performance.now();
  const res = await fetch(`${receiver.url}/hooks/github/_/bench`, {
    method: 'POST',
    headers: { 'x-github-event': 'push', 'x-hub-signature-256': signBody(secret, body) },
    body,
  });
  if (res.status !== 202) throw new Error(`webhook answered ${res.status}`);
  await until(`round ${i}`, () => synced(sha, `g${i}`));
  latencies.push(performance.now() - start);
}

console.log(`first sync (create ClusterGitSync -> Package Available): ${ms(first)}`);
console.log(
  `webhook -> revision Available, one-package config change, ${rounds} rounds: ` +
    latencySummary(latencies, 2000),
);
console.log(`peak RSS of this process: ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);

await receiver.stop();
await mgr.stop(2_000);
client.close();
await server.stop();
await git.stop();
await registry.stop();
rmSync(cacheDir, { recursive: true, force: true });
