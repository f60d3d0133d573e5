// Benchmark of the controller runtime against the embedded API server (in a child process, so
// this process's memory is the client side alone): KubeClient create and SSA throughput,
// informer initial sync and event throughput, work queue + controller throughput.
// Run: npx tsx --expose-gc bench/runtime.ts [objects]   (prints figures; decides nothing)
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Controller } from '../src/controllers/runtime/index.js';
import { Informer, KubeClient, type KubeObject } from '../src/kube/index.js';
import { kubeconfigYaml } from '../src/server/index.js';

const N = Number(process.argv[2] ?? 5000);
const CONCURRENCY = 32;

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

async function pool<T>(items: readonly T[], f: (t: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await f(items[next++] as T);
    }),
  );
}

function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1e6;
}

async function waitFor(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setImmediate(r));
}

function rate(n: number, ms: number): string {
  return `${n} in ${ms.toFixed(0)} ms (${((n / ms) * 1000).toFixed(0)}/s)`;
}

const { proc, kubeconfig } = await startChild();
let requests = 0;
const client = await KubeClient.fromKubeConfigString(kubeconfig, { onResponse: () => requests++ });
try {
  const ns = 'bench';
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const names = Array.from({ length: N }, (_, i) => `cm-${i}`);
  const cm = (name: string, v: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: ns, labels: { 'package-operator.run/cache': 'True' } },
    data: { v, payload: 'x'.repeat(200) },
  });

  let t = performance.now();
  let cpu = process.cpuUsage();
  await pool(names, (n) => client.create(cm(n, '0')));
  let ms = performance.now() - t;
  const cpuMs = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1000;
  console.log(
    `create:            ${rate(N, ms)} (concurrency ${CONCURRENCY}; client CPU ${((cpuMs(process.cpuUsage(cpu)) / ms) * 100).toFixed(0)}%)`,
  );

  const ssaN = Math.min(N, 2000);
  t = performance.now();
  cpu = process.cpuUsage();
  await pool(names.slice(0, ssaN), (n) => client.apply(cm(n, '1'), { force: true }));
  ms = performance.now() - t;
  console.log(
    `server-side apply: ${rate(ssaN, ms)} (client CPU ${((cpuMs(process.cpuUsage(cpu)) / ms) * 100).toFixed(0)}%)`,
  );

  const heap0 = heapMb();
  const inf = new Informer(client, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    namespace: ns,
    labelSelector: 'package-operator.run/cache=True',
  });
  let updates = 0;
  inf.addHandler((ev) => {
    if (ev.type === 'update') updates++;
  });
  t = performance.now();
  inf.start();
  await inf.waitForSync();
  console.log(`informer sync:     ${rate(inf.size, performance.now() - t)}`);
  console.log(`informer heap:     ${(heapMb() - heap0).toFixed(1)} MB for ${inf.size} objects`);

  const patchN = Math.min(N, 2000);
  t = performance.now();
  await pool(names.slice(0, patchN), (n) =>
    client.patch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: n }, 'merge', {
      data: { v: '2' },
    }),
  );
  await waitFor(() => updates >= patchN);
  console.log(`patch -> event:    ${rate(patchN, performance.now() - t)} (all updates seen)`);
  await inf.stop();

  const keys = 100_000;
  let done = 0;
  const ctrl = new Controller({
    name: 'bench',
    workers: 4,
    reconcile: () => {
      done++;
      return Promise.resolve(undefined);
    },
  });
  ctrl.start();
  t = performance.now();
  for (let i = 0; i < keys; i++) ctrl.enqueue(`ns/k${i % 50_000}`);
  await waitFor(() => done >= 50_000 && ctrl.queue.length === 0 && ctrl.queue.inProcess === 0);
  console.log(
    `workqueue:         ${keys} adds of 50000 keys -> ${done} reconciles in ${(performance.now() - t).toFixed(0)} ms`,
  );
  await ctrl.stop();

  console.log(`API requests:      ${requests}`);
  console.log(`client RSS:        ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
} finally {
  client.close();
  proc.send('stop');
}
