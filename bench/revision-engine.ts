// Benchmark of the revision engine: N ObjectDeployments x 4 objects (ConfigMap, ServiceAccount,
// Service, Deployment) created at once on the embedded server, then a full resync with no changes,
// then `kubectl apply --server-side` of the same 4N objects (another namespace) against the same
// server. Three processes: the server (revision-server-child.ts, which times the milestones from
// its store events and keeps the request log), the manager alone (revision-manager-child.mjs, run
// from dist/ as `packsync manager` runs, so its peak RSS is the controllers' own) and this driver.
// Run: npx tsx bench/revision-engine.ts [count]   (prints figures; decides nothing)
// Env: BENCH_WORKERS (default 4, as `packsync manager`), BENCH_NO_BUILD=1 (use dist/ as is),
// BENCH_PROF=<dir> (CPU profiles of the server and the manager), BENCH_SERVER_ARGS (Node flags for
// the server, e.g. --max-semi-space-size=32).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { crds } from '../src/apis/index.js';
import { KubeClient, type KubeObject } from '../src/kube/index.js';
import {
  buildDist,
  cpuSeconds,
  managerIdle,
  rolloutObjects as objects,
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
const PKO = 'package-operator.run/v1alpha1';

buildDist();

/** CPU of this process's waited-for children (kubectl, once execFileSync has returned). */
function childCpuSeconds(): number {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[13]) + Number(f[14])) / 100;
}

const tmp = mkdtempSync(join(tmpdir(), 'packsync-bench-'));
const kubeconfigPath = join(tmp, 'kubeconfig');
const { server, kubeconfig } = await startServerChild(kubeconfigPath);

const client = await KubeClient.fromKubeConfigString(kubeconfig, { userAgent: 'bench' });
for (const crd of crds()) await client.create(crd as unknown as KubeObject);
for (;;) {
  if ((await client.mapper.tryMapping(PKO, 'ClusterObjectDeployment')) !== undefined) break;
  await new Promise((r) => setTimeout(r, 50));
}
for (const ns of ['bench', 'kubectl'])
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });

const workers = process.env.BENCH_WORKERS ?? '4';
const { manager, started } = await startManagerChild(kubeconfigPath, workers);

const mark = async () => (await server.ask<{ mark: number }>({ op: 'mark' })).mark;
await server.ask({ op: 'expect', ns: 'bench', n: N });
const serverGc = async () => (await server.ask<{ gcSeconds: number }>({ op: 'cpu' })).gcSeconds;
const serverGc0 = await serverGc();
const serverCpu0 = cpuSeconds(server.proc.pid);
const managerCpu0 = cpuSeconds(manager.proc.pid);
const fromRollout = await mark();
const t0 = Date.now();
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
const created = Date.now() - t0;
let at: Record<string, number> = {};
const deadline = Date.now() + 600_000;
while (at.allAvailable === undefined && Date.now() < deadline) {
  await new Promise((r) => setTimeout(r, 100));
  at = (await server.ask<{ at: Record<string, number> }>({ op: 'milestones' })).at;
}
const cpu = {
  serverGc: (await serverGc()) - serverGc0,
  server: cpuSeconds(server.proc.pid) - serverCpu0,
  manager: cpuSeconds(manager.proc.pid) - managerCpu0,
};
// Until the manager's queues are idle (status writes after Available included).
await managerIdle(manager);
const rolloutLog = await server.ask<Log>({ op: 'log', from: fromRollout });

const fromResync = await mark();
const tr = Date.now();
await manager.ask({ op: 'resync' });
const resyncMs = Date.now() - tr;
const resyncLog = await server.ask<Log>({ op: 'log', from: fromResync });

const mem = procStatus(manager.proc.pid);
const state = await manager.ask<{
  logged: [string, number][];
  peak: Memory;
  reconciles: Record<string, number>;
}>({ op: 'state' });
const afterGc = await manager.ask<{ memory: Memory; spaces: [string, number, number][] }>({
  op: 'gc',
});
await manager.ask({ op: 'stop' }).catch(() => undefined);

// kubectl apply --server-side of the same objects (another namespace) against the same server.
let kubectlMs: number | undefined;
let kubectlLog: Log | undefined;
let kubectlCpu: { server: number; kubectl: number } | undefined;
try {
  const docs = [...Array(N).keys()].flatMap((i) => objects('kubectl', i));
  writeFileSync(join(tmp, 'objects.yaml'), docs.map((d) => stringify(d)).join('---\n'));
  const fromKubectl = await mark();
  const serverCpuK = cpuSeconds(server.proc.pid);
  const childCpuK = childCpuSeconds();
  const tk = Date.now();
  execFileSync(
    'kubectl',
    ['--kubeconfig', kubeconfigPath, 'apply', '--server-side', '-f', join(tmp, 'objects.yaml')],
    { stdio: 'ignore', maxBuffer: 64 * 1024 * 1024 },
  );
  kubectlMs = Date.now() - tk;
  kubectlCpu = {
    server: cpuSeconds(server.proc.pid) - serverCpuK,
    kubectl: childCpuSeconds() - childCpuK,
  };
  kubectlLog = await server.ask<Log>({ op: 'log', from: fromKubectl });
} catch (err) {
  console.log(`kubectl apply skipped: ${(err as Error).message.split('\n')[0]}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

const mgrReq = rolloutLog.byAgent.packsync ?? {};
const applied = at.objectsApplied === undefined ? undefined : at.objectsApplied - t0;
const available = at.allAvailable === undefined ? undefined : at.allAvailable - t0;

console.log(`ObjectDeployments:               ${N} x 4 objects, manager workers ${workers}`);
console.log(`creating the deployments:        ${s(created)}`);
console.log(`until all ${4 * N} objects applied:  ${s(applied)}`);
console.log(`until all ObjectSets Available:  ${s(at.setsAvailable && at.setsAvailable - t0)}`);
console.log(
  `until 50% / 90% Available:       ${s(at.halfAvailable && at.halfAvailable - t0)} / ${s(at.ninetyAvailable && at.ninetyAvailable - t0)}`,
);
console.log(`until all Available:             ${s(available)}`);
console.log(
  `CPU until Available:             server ${cpu.server.toFixed(1)} s (GC pauses ${cpu.serverGc.toFixed(2)} s), manager ${cpu.manager.toFixed(1)} s`,
);
console.log(
  `manager RSS:                     peak ${mb(mem.VmHWM)} (idle after start ${mb(started.memory.rss)}, ` +
    `after resync ${mb(mem.VmRSS)}, after gc ${mb(afterGc.memory.rss)}, heap after gc ${mb(afterGc.memory.heapUsed)})`,
);
console.log(
  `manager memory peaks (sampled): heap total ${mb(state.peak.heapTotal)}, heap used ${mb(state.peak.heapUsed)}, ` +
    `external ${mb(state.peak.external)}; V8 spaces after gc (MB size/used): ` +
    afterGc.spaces
      .map(([n, size, used]) => `${n.replace('_space', '')} ${size}/${used}`)
      .join(', '),
);
console.log(
  `manager requests, rollout:       ${total(mgrReq)} (${writes(mgrReq)} writes), by kind:\n${table(mgrReq)}`,
);
console.log(
  `reconciles (rollout + resync):   ${Object.entries(state.reconciles)
    .filter(([, n]) => n > 0)
    .map(([c, n]) => `${c} ${n}`)
    .join(', ')}`,
);
console.log(
  `full resync:                     ${s(resyncMs)}, ${total(resyncLog.byAgent.packsync)} requests, ` +
    `${writes(resyncLog.byAgent.packsync)} writes`,
);
if (kubectlMs !== undefined) {
  const k = kubectlLog?.byAgent.kubectl ?? {};
  console.log(
    `kubectl apply --server-side:     ${s(kubectlMs)} for ${4 * N} objects, ${total(k)} requests`,
  );
  if (kubectlCpu !== undefined)
    console.log(
      `CPU during kubectl apply:        server ${kubectlCpu.server.toFixed(1)} s, kubectl ${kubectlCpu.kubectl.toFixed(1)} s`,
    );
  if (applied !== undefined)
    console.log(
      `ratio packsync/kubectl, apply:     ${(applied / kubectlMs).toFixed(2)} (deployments created -> all ${4 * N} objects applied)`,
    );
  if (available !== undefined)
    console.log(
      `ratio packsync/kubectl, Available: ${(available / kubectlMs).toFixed(2)} (deployments created -> all Available)`,
    );
}
for (const [k, v] of state.logged) console.log(`manager log x${v}: ${k}`);
client.close();
server.proc.send({ op: 'stop' });
