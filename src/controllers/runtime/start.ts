import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeClient, isNoKindMatch, type RuntimeLogger } from '../../kube/index.js';
import { RuntimeMetrics, createRegistry, type Registry } from '../../metrics/index.js';
import type { Controller } from './controller.js';
import { Manager } from './manager.js';

/** How a controller joins the manager (the list lives in src/controllers/index.ts). */
export interface ControllerSetup {
  /** Controller name (metrics label, logs). */
  name: string;
  /** Builds the controller and registers its watches on the manager; the caller adds it. */
  setup(mgr: Manager, opts: ControllerSetupOptions): Controller | Promise<Controller>;
}

export interface ControllerSetupOptions {
  /** Parallel reconciles per controller. */
  workers: number;
}

export interface StartManagerOptions {
  /** Kubeconfig file; the default lookup ($KUBECONFIG, ~/.kube/config, in-cluster) when absent. */
  kubeconfig?: string | undefined;
  /** Kubeconfig YAML text (takes precedence over `kubeconfig`). */
  kubeconfigYaml?: string | undefined;
  setups: readonly ControllerSetup[];
  workers?: number | undefined;
  /** `host:port` or `:port` for `/metrics`; `0` disables. */
  metricsAddr?: string | undefined;
  /** `host:port` or `:port` for `/healthz` and `/readyz`; `0` disables. */
  healthAddr?: string | undefined;
  logger: RuntimeLogger & { child(b: Record<string, unknown>): RuntimeLogger };
  /** Tests pass a registry without process metrics; default: a fresh one with them. */
  registry?: Registry | undefined;
  /** Informer tuning. */
  informer?: ConstructorParameters<typeof Manager>[0]['informer'];
}

export interface RunningManager {
  manager: Manager;
  registry: Registry;
  /** `http://host:port` of the metrics endpoint, when enabled. */
  metricsUrl: string | undefined;
  /** `http://host:port` of the probe endpoint, when enabled. */
  healthUrl: string | undefined;
  /** Stops controllers (waiting for in-flight reconciles), informers and endpoints. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Connects to the cluster, builds every controller, serves metrics and probes, and starts
 * the manager. The probe endpoint is up before the caches sync (readyz fails until then).
 */
export async function startManager(opts: StartManagerOptions): Promise<RunningManager> {
  const registry = opts.registry ?? createRegistry();
  const metrics = new RuntimeMetrics(registry);
  const client =
    opts.kubeconfigYaml !== undefined
      ? await KubeClient.fromKubeConfigString(opts.kubeconfigYaml, {
          onResponse: metrics.onApiResponse,
        })
      : await KubeClient.fromKubeConfigFile(opts.kubeconfig, { onResponse: metrics.onApiResponse });
  const manager = new Manager({
    client,
    logger: opts.logger,
    metrics,
    informer: opts.informer,
  });
  const servers: Server[] = [];
  const stopServers = async (): Promise<void> => {
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    for (const s of servers) s.closeAllConnections();
  };
  try {
    const workers = opts.workers ?? 2;
    for (const s of opts.setups) {
      manager.add(await s.setup(manager, { workers }));
    }
    const healthUrl = await serve(servers, opts.healthAddr ?? ':8081', (path) => {
      if (path === '/healthz' || path === '/livez')
        return Promise.resolve(probe(manager.healthz()));
      if (path === '/readyz') return Promise.resolve(probe(manager.readyz()));
      return Promise.resolve(undefined);
    });
    const metricsUrl = await serve(servers, opts.metricsAddr ?? ':8080', async (path) => {
      if (path !== '/metrics') return undefined;
      return { status: 200, type: registry.contentType, body: await registry.metrics() };
    });
    await manager.start();
    return {
      manager,
      registry,
      metricsUrl,
      healthUrl,
      stop: async (graceMs) => {
        await manager.stop(graceMs);
        await stopServers();
        client.close();
      },
    };
  } catch (err) {
    await manager.stop().catch(() => undefined);
    await stopServers();
    client.close();
    if (isNoKindMatch(err)) {
      throw new Error(
        `${err.message} (are the CRDs installed? packsync crds | kubectl apply --server-side -f -)`,
        { cause: err },
      );
    }
    throw err;
  }
}

interface Reply {
  status: number;
  type: string;
  body: string;
}

function probe(r: { ok: boolean; problems: string[] }): Reply {
  return {
    status: r.ok ? 200 : 503,
    type: 'text/plain; charset=utf-8',
    body: r.ok ? 'ok\n' : `${r.problems.join('\n')}\n`,
  };
}

/** Parses `:8080`, `127.0.0.1:8080`, `[::1]:8080`; undefined for `0` (disabled). */
export function parseBindAddress(
  addr: string,
): { host: string | undefined; port: number } | undefined {
  if (addr === '0' || addr === '') return undefined;
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(addr);
  if (m === null)
    throw new Error(`invalid bind address ${JSON.stringify(addr)}: want host:port or :port`);
  const port = Number(m[3]);
  if (port > 65535)
    throw new Error(`invalid bind address ${JSON.stringify(addr)}: port out of range`);
  const host = m[1] ?? m[2];
  return { host: host === '' ? undefined : host, port };
}

async function serve(
  servers: Server[],
  addr: string,
  route: (path: string) => Promise<Reply | undefined>,
): Promise<string | undefined> {
  const bind = parseBindAddress(addr);
  if (bind === undefined) return undefined;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    route(path).then(
      (r) => {
        const reply = r ?? { status: 404, type: 'text/plain', body: 'not found\n' };
        res.writeHead(reply.status, { 'Content-Type': reply.type });
        res.end(req.method === 'HEAD' ? undefined : reply.body);
      },
      (err: unknown) => {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(`${err instanceof Error ? err.message : String(err)}\n`);
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(bind.port, bind.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  servers.push(server);
  const a = server.address() as AddressInfo;
  const host =
    a.family === 'IPv6'
      ? `[${a.address === '::' ? '::1' : a.address}]`
      : a.address === '0.0.0.0'
        ? '127.0.0.1'
        : a.address;
  return `http://${host}:${a.port}`;
}
