// The embedded API server for bench/revision-engine.ts and bench/package-controller.ts, in its own
// process: it reports, over IPC, when the rollout reaches its milestones (from store events, so the bench never polls the API)
// and summarises its request log by kind of request. The server is the compiled one in dist/ (as
// `packsync server` and `packsync up` run it), not the TypeScript source through tsx, whose
// keep-names wrapping of every closure costs the server about 5% of its CPU.
import { PerformanceObserver } from 'node:perf_hooks';
import type { KubeObject } from '../src/kube/index.js';
import type * as ServerModule from '../src/server/index.js';

const compiled = '../dist/server/index.js';
const { startServer } = (await import(compiled)) as typeof ServerModule;

const s = await startServer();
// Main-thread GC pauses (ms), for the `cpu` answer.
let gcMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMs += e.duration;
}).observe({ entryTypes: ['gc'] });
const managed = new Set(['/configmaps', '/serviceaccounts', '/services', 'apps/deployments']);
const available = (o: KubeObject): boolean =>
  (
    (o.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []
  ).some((c) => c.type === 'Available' && c.status === 'True');

interface Watch {
  ns: string;
  n: number;
  objects: Set<string>;
  sets: Set<string>;
  deployments: Set<string>;
  written: Set<string>;
  packages: Set<string>;
  at: Record<string, number>;
}
let watch: Watch | undefined;
s.core.store.onEvent((e) => {
  const w = watch;
  if (w === undefined || e.ns !== w.ns) return;
  const stamp = (k: string, set: Set<string>, need: number) => {
    if (set.size >= need && w.at[k] === undefined) w.at[k] = Date.now();
  };
  if (managed.has(e.rk) && e.type !== 'DELETED') {
    w.objects.add(`${e.rk}/${e.name}`);
    stamp('objectsApplied', w.objects, 4 * w.n);
  } else if (e.rk === 'package-operator.run/objectsets') {
    if (available(e.obj)) w.sets.add(e.name);
    else w.sets.delete(e.name);
    stamp('setsAvailable', w.sets, w.n);
  } else if (e.rk === 'package-operator.run/objectdeployments') {
    if (e.type !== 'DELETED') w.written.add(e.name);
    stamp('deploymentsWritten', w.written, w.n);
    if (available(e.obj)) w.deployments.add(e.name);
    else w.deployments.delete(e.name);
    stamp('halfAvailable', w.deployments, Math.ceil(w.n / 2));
    stamp('ninetyAvailable', w.deployments, Math.ceil(w.n * 0.9));
    stamp('allAvailable', w.deployments, w.n);
  } else if (e.rk === 'package-operator.run/packages') {
    if (available(e.obj)) w.packages.add(e.name);
    else w.packages.delete(e.name);
    stamp('packagesAvailable', w.packages, w.n);
  }
});

/** `GET configmaps`, `PATCH apps/deployments (dry-run)`, `PUT objectsets/status`, ... */
function kindOf(r: { method: string; path: string; query: string; dryRun: boolean }): string {
  const p = r.path.split('/').filter((x) => x !== '');
  // /api/v1/... or /apis/<group>/<version>/...
  let rest = p[0] === 'api' ? p.slice(2) : p.slice(3);
  const group = p[0] === 'apis' && p.length > 3 ? `${p[1]}/` : '';
  if (rest[0] === 'namespaces' && rest.length > 2) rest = rest.slice(2);
  let what: string;
  if (rest.length === 0) what = `discovery ${p.slice(0, 3).join('/')}`;
  else {
    const res = `${group}${rest[0]}`.replace('package-operator.run/', '');
    what = rest.length > 2 ? `${res}/${rest[2]}` : res;
  }
  const watching = r.query.includes('watch=true') ? ' (watch)' : '';
  return `${r.method} ${what}${r.dryRun ? ' (dry-run)' : ''}${watching}`;
}

process.on('message', (m: { op: string; from?: number; ns?: string; n?: number }) => {
  const reply = (v: unknown) => process.send?.(v);
  switch (m.op) {
    case 'mark':
      reply({ mark: s.requests().length });
      break;
    case 'expect':
      watch = {
        ns: m.ns ?? '',
        n: m.n ?? 0,
        objects: new Set(),
        sets: new Set(),
        deployments: new Set(),
        written: new Set(),
        packages: new Set(),
        at: {},
      };
      reply({ ok: true });
      break;
    case 'milestones':
      reply({ at: watch?.at ?? {} });
      break;
    case 'log': {
      const byAgent: Record<string, Record<string, number>> = {};
      let last: Record<string, string> = {};
      for (const r of s.requests().slice(m.from ?? 0)) {
        const agent = r.userAgent.split('/')[0] ?? '';
        const k = `${kindOf(r)} ${r.status}`;
        const t = (byAgent[agent] ??= {});
        t[k] = (t[k] ?? 0) + 1;
        last = { ...last, [agent]: r.time };
      }
      reply({ byAgent, last });
      break;
    }
    case 'cpu': {
      const u = process.cpuUsage();
      reply({ cpuSeconds: (u.user + u.system) / 1e6, gcSeconds: gcMs / 1000 });
      break;
    }
    case 'stop':
      void s.stop().then(() => process.exit(0));
      break;
  }
});
process.send?.({ kubeconfig: s.kubeconfig });
