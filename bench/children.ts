// Shared by the benches that run the embedded server and the manager in child processes
// (revision-engine.ts, package-controller.ts): the IPC wrapper, /proc readings, a bounded pool,
// the two children's start-up and the summary of a request log.
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeObject } from '../src/kube/index.js';

export const root = join(import.meta.dirname, '..');

/**
 * The 4 objects of rollout `i` (ConfigMap, ServiceAccount, Service, Deployment) in `ns`: the
 * revision benches' workload, and what `kubectl apply --server-side` gets for comparison.
 */
export function rolloutObjects(ns: string, i: number): KubeObject[] {
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

/** A child process answering one message at a time. */
export class Child {
  private waiting: { resolve: (m: unknown) => void; reject: (e: Error) => void }[] = [];
  constructor(readonly proc: ChildProcess) {
    proc.on('message', (m) => this.waiting.shift()?.resolve(m));
    proc.on('exit', (code) => {
      for (const w of this.waiting.splice(0)) w.reject(new Error(`child exited with ${code}`));
    });
  }
  next<T>(): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ resolve: (m) => resolve(m as T), reject });
    });
  }
  ask<T>(msg: object): Promise<T> {
    const p = this.next<T>();
    this.proc.send(msg);
    return p;
  }
}

export function procStatus(pid: number | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of readFileSync(`/proc/${pid ?? 0}/status`, 'utf8').split('\n')) {
    const m = /^(Vm\w+):\s+(\d+) kB/.exec(line);
    if (m) out[m[1]!] = Number(m[2]) * 1024;
  }
  return out;
}

export function cpuSeconds(pid: number | undefined): number {
  const f = readFileSync(`/proc/${pid ?? 0}/stat`, 'utf8')
    .split(') ')[1]!
    .split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

export async function pool<T>(
  items: T[],
  width: number,
  fn: (t: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/** Compiles src/ to dist/ for the manager child, unless BENCH_NO_BUILD is set. */
export function buildDist(): void {
  if (!process.env.BENCH_NO_BUILD) {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  }
}

/** BENCH_PROF=<dir> writes CPU profiles of both children there. */
const prof = (name: string) =>
  process.env.BENCH_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${join(process.env.BENCH_PROF, name)}`]
    : [];

/** The embedded server (revision-server-child.ts); its kubeconfig is written to `kubeconfigPath`. */
export async function startServerChild(
  kubeconfigPath: string,
): Promise<{ server: Child; kubeconfig: string }> {
  const server = new Child(
    fork(join(import.meta.dirname, 'revision-server-child.ts'), [], {
      execArgv: [
        '--import',
        'tsx',
        ...(process.env.BENCH_SERVER_ARGS ?? '').split(' ').filter(Boolean),
        ...prof('server'),
      ],
    }),
  );
  const { kubeconfig } = await server.next<{ kubeconfig: string }>();
  writeFileSync(kubeconfigPath, kubeconfig);
  return { server, kubeconfig };
}

/** Options of the manager child beyond the default workers (JSON-encoded on its command line). */
export interface ManagerChildOptions {
  /** `buildControllerSetups(controllers)`. */
  controllers?: { package?: { cacheDir?: string } };
  /** Parallel reconciles of named controllers, as `packsync manager` sets for Packages. */
  workersByController?: Record<string, number>;
}

export type Memory = { rss: number; heapTotal: number; heapUsed: number; external: number };

/** The manager alone, from dist/ (revision-manager-child.mjs). */
export async function startManagerChild(
  kubeconfigPath: string,
  workers: string,
  opts: ManagerChildOptions = {},
): Promise<{ manager: Child; started: { memory: Memory } }> {
  const manager = new Child(
    fork(
      join(import.meta.dirname, 'revision-manager-child.mjs'),
      [kubeconfigPath, workers, JSON.stringify(opts)],
      { execArgv: ['--expose-gc', ...prof('manager')] },
    ),
  );
  const started = await manager.next<{ memory: Memory }>();
  return { manager, started };
}

/** Waits until the manager's queues stayed empty for half a second. */
export async function managerIdle(manager: Child): Promise<void> {
  for (let quiet = 0; quiet < 5;) {
    const st = await manager.ask<{ busy: boolean }>({ op: 'state' });
    quiet = st.busy ? 0 : quiet + 1;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The server's request log since a mark, counted by user agent and kind of request. */
export type Log = { byAgent: Record<string, Record<string, number>>; last: Record<string, string> };

export const seconds = (ms: number | undefined) =>
  ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(2)} s`;
export const mb = (b: number | undefined) => `${((b ?? 0) / 1024 / 1024).toFixed(0)} MB`;
export const total = (t: Record<string, number> = {}) =>
  Object.values(t).reduce((a, b) => a + b, 0);
export const writes = (t: Record<string, number> = {}) =>
  Object.entries(t)
    .filter(([k]) => !k.startsWith('GET ') && !k.includes('(dry-run)'))
    .reduce((a, [, v]) => a + v, 0);
export const table = (t: Record<string, number> = {}) =>
  Object.entries(t)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `    ${String(v).padStart(6)}  ${k}`)
    .join('\n');
