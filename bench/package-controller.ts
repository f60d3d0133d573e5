// Benchmark of the Package controller: N Packages (default 1,000) from 10 distinct package images
// (examples/app renamed per image) on the embedded server (in a child process) with a real
// docker-registry behind a counting proxy, every controller of the manager in this process with
// an on-disk pull cache: time until all Packages are Available, peak RSS of this process (the
// manager), and the registry requests (pulls must be per image, not per Package).
// Run: npx tsx bench/package-controller.ts [count]   (prints figures; decides nothing)
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crds } from '../src/apis/index.js';
import { buildControllerSetups } from '../src/controllers/index.js';
import { Manager, type Controller } from '../src/controllers/runtime/index.js';
import { KubeClient, type KubeObject } from '../src/kube/index.js';
import { buildPackageImage, RegistryClient } from '../src/oci/index.js';
import { importFolder } from '../src/packages/index.js';
import { kubeconfigYaml } from '../src/server/index.js';
import { startCountingProxy } from '../test/integration/package-helpers.js';
import { missingTools, startRegistry } from '../test/oci/registry-helper.js';

const N = Number(process.argv[2] ?? 1000);
const IMAGES = 10;
const PKO = 'package-operator.run/v1alpha1';

if ((await missingTools(['docker-registry'])).length > 0) {
  console.log(
    'docker-registry is not installed (apt-get install docker-registry); nothing measured',
  );
  process.exit(0);
}

function startChild(): Promise<{ proc: ChildProcess; kubeconfig: string }> {
  const proc = fork(join(import.meta.dirname, 'server-child.ts'), [''], {
    execArgv: ['--expose-gc', '--import', 'tsx'],
  });
  return new Promise((resolve, reject) => {
    proc.once('message', (m) => {
      const ep = m as { url: string; caCert: string | undefined; token: string };
      resolve({ proc, kubeconfig: kubeconfigYaml(ep.url, ep.token, ep.caCert) });
    });
    proc.once('exit', (code) => reject(new Error(`server child exited with ${String(code)}`)));
  });
}

async function pool<T>(items: T[], width: number, fn: (t: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

// Ten distinct images: examples/app with the package name changed.
const registry = await startRegistry();
const proxy = await startCountingProxy(registry.host);
const app = await importFolder(join(import.meta.dirname, '../examples/app'));
const pusher = new RegistryClient({ insecure: true });
for (let i = 0; i < IMAGES; i++) {
  const files = new Map(app.files);
  const manifest = Buffer.from(files.get('manifest.yaml') ?? new Uint8Array()).toString('utf8');
  files.set('manifest.yaml', Buffer.from(manifest.replace('name: webapp', `name: webapp-${i}`)));
  await pusher.pushImage(`${registry.host}/bench/webapp-${i}:v1`, await buildPackageImage(files));
}

const { proc, kubeconfig } = await startChild();
const client = await KubeClient.fromKubeConfigString(kubeconfig);
for (const crd of crds()) await client.create(crd as unknown as KubeObject);
for (;;) {
  if ((await client.mapper.tryMapping(PKO, 'Package')) !== undefined) break;
  await new Promise((r) => setTimeout(r, 50));
}
await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } });

const cacheDir = mkdtempSync(join(tmpdir(), 'packsync-bench-cache-'));
const quiet = () => undefined;
const mgr = new Manager({
  client,
  logger: { debug: quiet, info: quiet, warn: quiet, error: console.error },
});
const controllers: Controller[] = [];
for (const s of buildControllerSetups({ package: { cacheDir } })) {
  const workers = s.name.endsWith('Package')
    ? Number(process.env.BENCH_PACKAGE_WORKERS ?? 5)
    : Number(process.env.BENCH_WORKERS ?? 4);
  const c = await s.setup(mgr, { workers });
  controllers.push(c);
  mgr.add(c);
}
await mgr.start();

const startRss = process.memoryUsage().rss;
let peakRss = startRss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);
const t0 = performance.now();
const trace = setInterval(() => {
  if (process.env.BENCH_TRACE)
    console.log(
      `${((performance.now() - t0) / 1000).toFixed(1)}s ` +
        controllers.map((c) => `${c.name}:${c.queue.length}/${c.queue.inProcess}`).join(' '),
    );
}, 1000);
const fromRequest = proxy.requests.length;
await pool([...Array(N).keys()], 32, (i) =>
  client.create({
    apiVersion: PKO,
    kind: 'Package',
    metadata: { name: `app-${i}`, namespace: 'bench' },
    spec: { image: `${proxy.host}/bench/webapp-${i % IMAGES}:v1`, config: { replicas: 1 } },
  }),
);
const created = performance.now();
let deploymentsWritten: number | undefined;
for (;;) {
  if (deploymentsWritten === undefined) {
    const ods = await client.list(PKO, 'ObjectDeployment', { namespace: 'bench' });
    if (ods.items.length === N) deploymentsWritten = performance.now();
  }
  const list = await client.list(PKO, 'Package', { namespace: 'bench' });
  const ready = list.items.filter((o) =>
    (
      (o.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ??
      []
    ).some((c) => c.type === 'Available' && c.status === 'True'),
  ).length;
  if (ready === N) break;
  await new Promise((r) => setTimeout(r, 250));
}
const allAvailable = performance.now();
clearInterval(sampler);
clearInterval(trace);

const reqs = proxy.requests.slice(fromRequest);
const count = (f: (r: { method: string; path: string }) => boolean) => reqs.filter(f).length;
const manifestGets = count((r) => r.method === 'GET' && r.path.includes('/manifests/'));
const manifestHeads = count((r) => r.method === 'HEAD' && r.path.includes('/manifests/'));
const blobGets = count((r) => r.method === 'GET' && r.path.includes('/blobs/'));
const pings = count((r) => r.path === '/v2/');

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
console.log(
  `Packages:                      ${N} from ${IMAGES} images (examples/app, 2 objects each)`,
);
console.log(`creating the Packages:         ${s(created - t0)}`);
console.log(
  `all ObjectDeployments written: ${s((deploymentsWritten ?? allAvailable) - t0)}   (pull + render + write: the Package controller's part)`,
);
console.log(`until all Available:           ${s(allAvailable - t0)}   (goal < 90 s)`);
console.log(
  `manager peak RSS:              ${(peakRss / 1024 / 1024).toFixed(0)} MB   (goal < 300 MB; ${(startRss / 1024 / 1024).toFixed(0)} MB before the first Package; server in its own process)`,
);
console.log(
  `registry: manifest GETs ${manifestGets}, blob GETs ${blobGets} (= ${IMAGES} images x manifest+config+layer when ${IMAGES}/${2 * IMAGES})`,
);
console.log(
  `          manifest HEADs ${manifestHeads} (tag -> digest checks of cached pulls), /v2/ pings ${pings}`,
);

await mgr.stop(5_000);
client.close();
proc.send('stop');
await new Promise((r) => proc.once('exit', r));
await proxy.stop();
await registry.stop();
rmSync(cacheDir, { recursive: true, force: true });
