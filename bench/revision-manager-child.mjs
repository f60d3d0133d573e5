// The manager for bench/revision-engine.ts, alone in its own process and run from the compiled
// dist/ (as `packsync manager` runs), so that its RSS is the controllers' and nothing else's.
// argv: <kubeconfig file> <workers> [JSON options: { controllers, workersByController }] (see
// ManagerChildOptions in children.ts). IPC: 'state' (queues, memory), 'resync' (every key of every
// controller again; answers when the queues are idle), 'gc', 'stop'.
import { readFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';
import { buildControllerSetups } from '../dist/controllers/index.js';
import { startManager } from '../dist/controllers/runtime/index.js';

const [kubeconfig, workers, optionsJson] = process.argv.slice(2);
const childOpts = JSON.parse(optionsJson ?? '{}');
const logged = new Map();
const count = (level) => (obj, msg) => {
  const err = obj?.err === undefined ? '' : String(obj.err).slice(0, 100);
  const k = `${level}: ${msg ?? ''} ${err}`;
  logged.set(k, (logged.get(k) ?? 0) + 1);
};
const logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: count('warn'),
  error: count('error'),
  child: () => logger,
};

const controllers = [];
const setups = buildControllerSetups(childOpts.controllers).map((s) => ({
  name: s.name,
  setup: async (mgr, opts) => {
    const c = await s.setup(mgr, opts);
    controllers.push(c);
    return c;
  },
}));
const running = await startManager({
  kubeconfigYaml: readFileSync(kubeconfig, 'utf8'),
  setups,
  workers: Number(workers ?? 4),
  workersByController: childOpts.workersByController,
  metricsAddr: '0',
  healthAddr: '0',
  logger,
});
const mgr = running.manager;

const busy = () =>
  mgr.events.pending > 0 || controllers.some((c) => c.queue.length > 0 || c.queue.inProcess > 0);
const memory = () => {
  const m = process.memoryUsage();
  return { rss: m.rss, heapTotal: m.heapTotal, heapUsed: m.heapUsed, external: m.external };
};
// Peak of each figure, sampled every 250 ms (RSS peak comes from /proc, VmHWM).
const peak = { rss: 0, heapTotal: 0, heapUsed: 0, external: 0 };
setInterval(() => {
  const m = memory();
  for (const k of Object.keys(peak)) peak[k] = Math.max(peak[k], m[k]);
}, 250).unref();
const idle = async () => {
  let quiet = 0;
  while (quiet < 5) {
    quiet = busy() ? 0 : quiet + 1;
    await new Promise((r) => setTimeout(r, 100));
  }
};

process.on('message', async (m) => {
  switch (m.op) {
    case 'state': {
      // Reconciles per controller so far (packsync_reconcile_total, summed over results).
      const metric = await mgr.metrics?.registry.getSingleMetric('packsync_reconcile_total')?.get();
      const reconciles = {};
      for (const v of metric?.values ?? [])
        reconciles[v.labels.controller] = (reconciles[v.labels.controller] ?? 0) + v.value;
      process.send({ busy: busy(), memory: memory(), peak, logged: [...logged], reconciles });
      break;
    }
    case 'gc':
      global.gc?.();
      process.send({
        memory: memory(),
        spaces: getHeapSpaceStatistics().map((x) => [
          x.space_name,
          Math.round(x.space_size / 1048576),
          Math.round(x.space_used_size / 1048576),
        ]),
      });
      break;
    case 'resync': {
      // Keys from the manager's own caches: the resync itself reads nothing from the server.
      for (const c of controllers) {
        const inf = mgr.watches.informerFor('package-operator.run/v1alpha1', c.name);
        for (const o of inf?.list() ?? []) {
          const ns = o.metadata.namespace;
          c.enqueue(ns ? `${ns}/${o.metadata.name}` : o.metadata.name);
        }
      }
      await idle();
      process.send({ done: true });
      break;
    }
    case 'stop':
      await running.stop(2_000);
      process.exit(0);
  }
});
process.send({ ready: true, memory: memory() });
