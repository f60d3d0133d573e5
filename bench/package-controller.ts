// Benchmark of the Package controller: N Packages (default 1,000) from 10 distinct package images
// (examples/app renamed per image, plus a ServiceAccount and a Service: 4 objects each) created at
// once. Three processes as in revision-engine.ts: the embedded server (revision-server-child.ts,
// milestones from its store events, request log by kind), the manager alone from dist/
// (revision-manager-child.mjs: every controller, Package workers as `packsync manager`, an
// on-disk pull cache; peak RSS from /proc VmHWM) and this driver with a real docker-registry
// behind a counting proxy: pulls must be per image, not per Package.
// Run: npx tsx bench/package-controller.ts [count]   (prints figures; decides nothing)
// Env: BENCH_PACKAGE_WORKERS (default 5, as `packsync manager`), BENCH_WORKERS (other controllers,
// default 4), BENCH_NO_BUILD=1 (use dist/ as is), BENCH_PROF=<dir> (CPU profiles of both children).
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { crds } from '../src/apis/index.js';
import { KubeClient, type KubeObject } from '../src/kube/index.js';
import { buildPackageImage, RegistryClient } from '../src/oci/index.js';
import { importFolder } from '../src/packages/index.js';
import { startCountingProxy } from '../test/integration/package-helpers.js';
import { missingTools, startRegistry } from '../test/oci/registry-helper.js';
import {
  buildDist,
  cpuSeconds,
  managerIdle,
  mb,
  pool,
  procStatus,
  seconds as s,
  startManagerChild,
  startServerChild,
  table,
  total,
  writes,
  type Log,
  type Memory,
} from './children.js';

const N = Number(process.argv[2] ?? 1000);
const IMAGES = 10;
const PKO = 'package-operator.run/v1alpha1';

if ((await missingTools(['docker-registry'])).length > 0) {
  console.log(
    'docker-registry is not installed (apt-get install docker-registry); nothing measured',
  );
  process.exit(0);
}
buildDist();
const load0 = loadavg();

// Ten distinct images: examples/app with the package name changed, plus a ServiceAccount and a
// Service, so each Package renders 4 objects (ConfigMap; ServiceAccount, Service, Deployment).
const extra: Record<string, string> = {
  'serviceaccount.yaml.gotmpl': `apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ .package.metadata.name }}
  annotations:
    package-operator.run/phase: config
`,
  'service.yaml.gotmpl': `apiVersion: v1
kind: Service
metadata:
  name: {{ .package.metadata.name }}
  annotations:
    package-operator.run/phase: deploy
spec:
  selector:
    app.kubernetes.io/instance: {{ .package.metadata.name }}
  ports:
    - port: 80
      targetPort: 80
`,
};
const registry = await startRegistry();
const proxy = await startCountingProxy(registry.host);
const app = await importFolder(join(import.meta.dirname, '../examples/app'));
const pusher = new RegistryClient({ insecure: true });
for (let i = 0; i < IMAGES; i++) {
  const files = new Map(app.files);
  const manifest = Buffer.from(files.get('manifest.yaml') ?? new Uint8Array()).toString('utf8');
  files.set('manifest.yaml', Buffer.from(manifest.replace('name: webapp', `name: webapp-${i}`)));
  for (const [name, text] of Object.entries(extra)) files.set(name, Buffer.from(text));
  await pusher.pushImage(`${registry.host}/bench/webapp-${i}:v1`, await buildPackageImage(files));
}

const tmp = mkdtempSync(join(tmpdir(), 'packsync-bench-'));
const kubeconfigPath = join(tmp, 'kubeconfig');
const { server, kubeconfig } = await startServerChild(kubeconfigPath);
const client = await KubeClient.fromKubeConfigString(kubeconfig, { userAgent: 'bench' });
for (const crd of crds()) await client.create(crd as unknown as KubeObject);
for (;;) {
  if ((await client.mapper.tryMapping(PKO, 'Package')) !== undefined) break;
  await new Promise((r) => setTimeout(r, 50));
}
await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } });

const workers = process.env.BENCH_WORKERS ?? '4';
const packageWorkers = Number(process.env.BENCH_PACKAGE_WORKERS ?? 5);
const { manager, started } = await startManagerChild(kubeconfigPath, workers, {
  controllers: { package: { cacheDir: join(tmp, 'pull-cache') } },
  workersByController: { Package: packageWorkers, ClusterPackage: packageWorkers },
});

const mark = async () => (await server.ask<{ mark: number }>({ op: 'mark' })).mark;
await server.ask({ op: 'expect', ns: 'bench', n: N });
const serverCpu0 = cpuSeconds(server.proc.pid);
const managerCpu0 = cpuSeconds(manager.proc.pid);
const fromRequest = await mark();
const fromPull = proxy.requests.length;
const t0 = Date.now();
await pool([...Array(N).keys()], 32, (i) =>
  client.create({
    apiVersion: PKO,
    kind: 'Package',
    metadata: { name: `app-${i}`, namespace: 'bench' },
    spec: { image: `${proxy.host}/bench/webapp-${i % IMAGES}:v1`, config: { replicas: 1 } },
  }),
);
const created = Date.now() - t0;
let at: Record<string, number> = {};
const deadline = Date.now() + 900_000;
while (at.packagesAvailable === undefined && Date.now() < deadline) {
  await new Promise((r) => setTimeout(r, 100));
  at = (await server.ask<{ at: Record<string, number> }>({ op: 'milestones' })).at;
}
const cpu = {
  server: cpuSeconds(server.proc.pid) - serverCpu0,
  manager: cpuSeconds(manager.proc.pid) - managerCpu0,
};
const load1 = loadavg();
await managerIdle(manager);
const log = await server.ask<Log>({ op: 'log', from: fromRequest });
const mem = procStatus(manager.proc.pid);
const state = await manager.ask<{ logged: [string, number][]; peak: Memory }>({ op: 'state' });
const afterGc = await manager.ask<{ memory: Memory }>({ op: 'gc' });
await manager.ask({ op: 'stop' }).catch(() => undefined);

const reqs = proxy.requests.slice(fromPull);
const count = (f: (r: { method: string; path: string }) => boolean) => reqs.filter(f).length;
const manifestGets = count((r) => r.method === 'GET' && r.path.includes('/manifests/'));
const manifestHeads = count((r) => r.method === 'HEAD' && r.path.includes('/manifests/'));
const blobGets = count((r) => r.method === 'GET' && r.path.includes('/blobs/'));
const pings = count((r) => r.path === '/v2/');
const since = (k: string) => (at[k] === undefined ? undefined : at[k] - t0);
const mgrReq = log.byAgent.packsync ?? {};
const la = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');

console.log(
  `Packages:                        ${N} from ${IMAGES} images x 4 objects, Package workers ${packageWorkers}, others ${workers}`,
);
console.log(`load average:                    ${la(load0)} before, ${la(load1)} at the end`);
console.log(`creating the Packages:           ${s(created)}`);
console.log(
  `all ObjectDeployments written:   ${s(since('deploymentsWritten'))}   (pull + render + write: the Package controller's part)`,
);
console.log(`until all ${4 * N} objects applied:  ${s(since('objectsApplied'))}`);
console.log(`until all ObjectDeployments Av.: ${s(since('allAvailable'))}`);
console.log(`until all Packages Available:    ${s(since('packagesAvailable'))}   (goal < 90 s)`);
console.log(
  `CPU until Available:             server ${cpu.server.toFixed(1)} s, manager ${cpu.manager.toFixed(1)} s`,
);
console.log(
  `manager RSS:                     peak ${mb(mem.VmHWM)} (goal < 300 MB; idle after start ${mb(started.memory.rss)}, ` +
    `at the end ${mb(mem.VmRSS)}, after gc ${mb(afterGc.memory.rss)}, heap after gc ${mb(afterGc.memory.heapUsed)})`,
);
console.log(
  `manager memory peaks (sampled):  heap total ${mb(state.peak.heapTotal)}, heap used ${mb(state.peak.heapUsed)}, external ${mb(state.peak.external)}`,
);
console.log(
  `registry:                        manifest GETs ${manifestGets}, blob GETs ${blobGets} ` +
    `(${IMAGES} images: ${IMAGES} manifests, ${2 * IMAGES} blobs), manifest HEADs ${manifestHeads}, /v2/ pings ${pings}`,
);
console.log(
  `manager API requests:            ${total(mgrReq)} (${writes(mgrReq)} writes), by kind:\n${table(mgrReq)}`,
);
for (const [k, v] of state.logged) console.log(`manager log x${v}: ${k}`);

client.close();
server.proc.send({ op: 'stop' });
await new Promise((r) => server.proc.once('exit', r));
await proxy.stop();
await registry.stop();
rmSync(tmp, { recursive: true, force: true });
