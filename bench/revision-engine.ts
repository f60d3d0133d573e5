// Benchmark of the revision engine: N ObjectDeployments x 4 objects (ConfigMap, ServiceAccount,
// Service, Deployment) created at once on the embedded server (in a child process), time until
// all are Available, API requests, peak RSS of this process (the controllers), then a full
// resync with no changes (writes must be 0), and `kubectl apply --server-side` of the same
// objects against the same server for comparison.
// Run: npx tsx bench/revision-engine.ts [count]   (prints figures; decides nothing)
import { execFileSync } from 'node:child_process';
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { stringify } from 'yaml';
import { crds } from '../src/apis/index.js';
import { controllerSetups } from '../src/controllers/index.js';
import { Manager, type Controller } from '../src/controllers/runtime/index.js';
import { KubeClient, objectKey, type KubeObject } from '../src/kube/index.js';
import { kubeconfigYaml, startServer } from '../src/server/index.js';

const N = Number(process.argv[2] ?? 1000);
const PKO = 'package-operator.run/v1alpha1';

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

function objects(ns: string, i: number): KubeObject[] {
  const app = `app-${i}`;
  return [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `${app}-config`, namespace: ns },
      data: { index: String(i) },
    },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: app, namespace: ns } },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: app, namespace: ns },
      spec: { selector: { app }, ports: [{ port: 80, targetPort: 8080 }] },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: app, namespace: ns },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app } },
        template: {
          metadata: { labels: { app } },
          spec: { serviceAccountName: app, containers: [{ name: 'web', image: 'nginx:1.27' }] },
        },
      },
    },
  ];
}

async function pool<T>(items: T[], width: number, fn: (t: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

// BENCH_INPROC=1 runs the server in this process (RSS then includes it).
const inproc = process.env.BENCH_INPROC ? await startServer() : undefined;
const { proc, kubeconfig } = inproc
  ? { proc: undefined, kubeconfig: inproc.kubeconfig }
  : await startChild();
const requests = { total: 0, writes: 0 };
const byStatus = new Map<string, number>();
const client = await KubeClient.fromKubeConfigString(kubeconfig, {
  onResponse: (method, status) => {
    const k = `${method} ${status}`;
    byStatus.set(k, (byStatus.get(k) ?? 0) + 1);
    requests.total++;
    if (method !== 'GET') requests.writes++;
  },
});
for (const crd of crds()) await client.create(crd as unknown as KubeObject);
for (;;) {
  if ((await client.mapper.tryMapping(PKO, 'ClusterObjectDeployment')) !== undefined) break;
  await new Promise((r) => setTimeout(r, 50));
}
for (const ns of ['bench', 'kubectl'])
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });

const logged = new Map<string, number>();
const count = (level: string) => (obj: object, msg?: string) => {
  const k = `${level}: ${msg ?? ''} ${JSON.stringify((obj as { err?: unknown }).err ?? '').slice(0, 80)}`;
  logged.set(k, (logged.get(k) ?? 0) + 1);
};
const logger = {
  debug: count('debug'),
  info: () => undefined,
  warn: count('warn'),
  error: count('error'),
};
const mgr = new Manager({ client, logger });
const controllers: Controller[] = [];
for (const s of controllerSetups) {
  const c = await s.setup(mgr, { workers: Number(process.env.BENCH_WORKERS ?? 4) });
  controllers.push(c);
  mgr.add(c);
}
await mgr.start();

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);

const lag = monitorEventLoopDelay({ resolution: 10 });
lag.enable();
const t0 = performance.now();
const depth = setInterval(() => {
  if (process.env.BENCH_TRACE)
    console.log(
      `${((performance.now() - t0) / 1000).toFixed(1)}s ` +
        controllers
          .map((c) => `${c.name}:${c.queue.length}/${c.queue.inProcess}/${c.queue.delayed}`)
          .join(' ') +
        ` req=${requests.total}`,
    );
}, 1000);
const before = { ...requests };
await pool([...Array(N).keys()], 32, (i) =>
  client.create({
    apiVersion: PKO,
    kind: 'ObjectDeployment',
    metadata: { name: `app-${i}`, namespace: 'bench' },
    spec: {
      selector: { matchLabels: { 'bench.app': `app-${i}` } },
      template: {
        metadata: { labels: { 'bench.app': `app-${i}` } },
        spec: {
          phases: [{ name: 'deploy', objects: objects('bench', i).map((object) => ({ object })) }],
        },
      },
    },
  }),
);
const created = performance.now();
const milestones = new Map<string, number>();
for (;;) {
  const sets = await client.list(PKO, 'ObjectSet', { namespace: 'bench' });
  const avail = sets.items.filter((o) =>
    (
      (o.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ??
      []
    ).some((c) => c.type === 'Available' && c.status === 'True'),
  ).length;
  if (sets.items.length === N && !milestones.has('sets'))
    milestones.set('sets', performance.now() - t0);
  if (avail === N && !milestones.has('setsAvailable'))
    milestones.set('setsAvailable', performance.now() - t0);
  const list = await client.list(PKO, 'ObjectDeployment', { namespace: 'bench' });
  const ready = list.items.filter((o) =>
    (
      (o.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ??
      []
    ).some((c) => c.type === 'Available' && c.status === 'True'),
  ).length;
  if (ready === N) break;
  await new Promise((r) => setTimeout(r, 200));
}
const allAvailable = performance.now();
clearInterval(depth);
const cpuSeconds = (pid: number | undefined): number => {
  const f = readFileSync(`/proc/${pid ?? 0}/stat`, 'utf8')
    .split(') ')[1]!
    .split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};
let serverCpu: string;
try {
  serverCpu = proc ? `${cpuSeconds(proc.pid).toFixed(1)} s` : 'in process';
} catch {
  serverCpu = 'unknown';
}
const ownCpu = process.cpuUsage();
const rollout = { total: requests.total - before.total, writes: requests.writes - before.writes };

// Let the queues drain, then a full resync of every object of every controller.
const idle = async () => {
  let quiet = 0;
  while (quiet < 5) {
    const busy = controllers.some((c) => c.queue.length > 0 || c.queue.inProcess > 0);
    quiet = busy ? 0 : quiet + 1;
    await new Promise((r) => setTimeout(r, 100));
  }
};
await idle();
const beforeResync = { ...requests };
const tr = performance.now();
for (const c of controllers) {
  const list = await client.list(PKO, c.name);
  for (const o of list.items) c.enqueue(objectKey(o));
}
await idle();
const resyncMs = performance.now() - tr;
const resync = {
  total: requests.total - beforeResync.total,
  writes: requests.writes - beforeResync.writes,
};
clearInterval(sampler);

// kubectl apply --server-side of the same objects (another namespace) against the same server.
const dir = mkdtempSync(join(tmpdir(), 'packsync-bench-'));
let kubectlMs: number | undefined;
try {
  writeFileSync(join(dir, 'kubeconfig'), kubeconfig);
  const docs = [...Array(N).keys()].flatMap((i) => objects('kubectl', i));
  writeFileSync(join(dir, 'objects.yaml'), docs.map((d) => stringify(d)).join('---\n'));
  const tk = performance.now();
  execFileSync(
    'kubectl',
    [
      '--kubeconfig',
      join(dir, 'kubeconfig'),
      'apply',
      '--server-side',
      '-f',
      join(dir, 'objects.yaml'),
    ],
    {
      stdio: 'ignore',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  kubectlMs = performance.now() - tk;
} catch (err) {
  console.log(`kubectl apply skipped: ${(err as Error).message.split('\n')[0]}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
console.log(`ObjectDeployments:             ${N} x 4 objects`);
console.log(`creating the deployments:      ${s(created - t0)}`);
console.log(`until all Available:           ${s(allAvailable - t0)}`);
console.log(
  `API requests during rollout:   ${rollout.total} (${rollout.writes} writes, incl. status and the ${N} creates)`,
);
console.log(
  `CPU until Available:           server ${serverCpu}, controllers ${((ownCpu.user + ownCpu.system) / 1e6).toFixed(1)} s`,
);
console.log(
  `event loop delay:              p50 ${(lag.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(lag.percentile(99) / 1e6).toFixed(1)} ms, max ${(lag.max / 1e6).toFixed(0)} ms`,
);
console.log(`peak RSS (controllers + test): ${(peakRss / 1024 / 1024).toFixed(0)} MB`);
console.log(
  `full resync:                   ${s(resyncMs)}, ${resync.total} requests, ${resync.writes} writes`,
);
if (kubectlMs !== undefined) {
  console.log(`kubectl apply --server-side:   ${s(kubectlMs)} for ${N * 4} objects`);
  console.log(
    `ratio (packsync all Available / kubectl apply): ${((allAvailable - t0) / kubectlMs).toFixed(2)}`,
  );
}

for (const [k, v] of logged) console.log(`log x${v}: ${k}`);
console.log(`milestones: ${[...milestones].map(([k, v]) => `${k} ${s(v)}`).join(', ')}`);
console.log(`responses: ${[...byStatus].map(([k, v]) => `${k}: ${v}`).join(', ')}`);
await mgr.stop(2_000);
client.close();
if (proc) proc.send('stop');
await inproc?.stop();
