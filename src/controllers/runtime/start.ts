import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { KubeClient, isNoKindMatch, type RuntimeLogger } from '../../kube/index.js';
import { RuntimeMetrics, createRegistry, type Registry } from '../../metrics/index.js';
import type { Controller } from './controller.js';
import { errorMessage } from '../../errors.js';
import { startWebhookServer, type RunningWebhook } from '../../webhook/index.js';
import { LeaderElector } from './leader-election.js';
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
  /** Parallel reconciles of named controllers (e.g. `{ Package: 5 }`); others get `workers`. */
  workersByController?: Readonly<Record<string, number>> | undefined;
  /**
   * Run the controllers only while this replica holds the Lease (default: off, the controllers
   * start at once). Metrics and probes serve either way; a standby replica is ready.
   */
  leaderElection?: LeaderElectionConfig | undefined;
  /**
   * Serve the validating webhook (immutability rules) over HTTPS on every replica, leader or
   * not (default: off).
   */
  webhook?: { port: number; host?: string | undefined; certDir: string } | undefined;
  /** Grace for in-flight reconciles when the manager stops by itself (lost lease); default 30 s. */
  graceMs?: number | undefined;
}

export interface LeaderElectionConfig {
  /** Namespace of the Lease (it must exist). */
  namespace: string;
  /** Lease name (default `packsync-manager-lock`). */
  name?: string | undefined;
  /** This replica's identity (default `<hostname>_<uuid>`). */
  identity?: string | undefined;
  /** Defaults: Package Operator's 137 s / 107 s / 26 s. */
  leaseDurationMs?: number | undefined;
  renewDeadlineMs?: number | undefined;
  retryPeriodMs?: number | undefined;
  /** Clear the holder on stop so a successor takes over at once (default true). */
  releaseOnCancel?: boolean | undefined;
}

export interface RunningManager {
  manager: Manager;
  registry: Registry;
  /** `http://host:port` of the metrics endpoint, when enabled. */
  metricsUrl: string | undefined;
  /** `http://host:port` of the probe endpoint, when enabled. */
  healthUrl: string | undefined;
  /** `https://host:port` of the webhook, when enabled. */
  webhookUrl: string | undefined;
  /** The election, when `leaderElection` was given. */
  elector: LeaderElector | undefined;
  /**
   * Resolves with the reason when the manager stopped by itself: it lost the Lease (the process
   * should exit non-zero so a fresh replica joins the election), or it could not start its
   * controllers after acquiring it. Never resolves otherwise.
   */
  failed: Promise<Error>;
  /** Stops controllers (waiting for in-flight reconciles), releases the Lease, closes endpoints. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Connects to the cluster, builds every controller, serves metrics and probes, and starts
 * the manager. The probe endpoint is up before the caches sync (readyz fails until then).
 * With `leaderElection`, the manager (informers and controllers) starts once this replica holds
 * the Lease, and stops when it loses it (`failed` resolves).
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
  let webhook: RunningWebhook | undefined;
  const stopServers = async (): Promise<void> => {
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    for (const s of servers) s.closeAllConnections();
    await webhook?.stop();
  };
  let elector: LeaderElector | undefined;
  let stopping = false;
  let fail!: (e: Error) => void;
  const failed = new Promise<Error>((r) => (fail = r));
  try {
    const workers = opts.workers ?? 2;
    for (const s of opts.setups) {
      const w = opts.workersByController?.[s.name] ?? workers;
      manager.add(await s.setup(manager, { workers: w }));
    }
    if (opts.leaderElection !== undefined) {
      const le = opts.leaderElection;
      elector = new LeaderElector({
        client,
        namespace: le.namespace,
        name: le.name,
        identity: le.identity ?? `${hostname()}_${randomUUID()}`,
        leaseDurationMs: le.leaseDurationMs,
        renewDeadlineMs: le.renewDeadlineMs,
        retryPeriodMs: le.retryPeriodMs,
        releaseOnCancel: le.releaseOnCancel,
        logger: opts.logger,
        registry,
      });
    }
    const standby = (): string | undefined =>
      elector !== undefined && elector.state === 'standby'
        ? `ok (standby: lease ${elector.namespace}/${elector.name} held by ${elector.holder ?? 'nobody'})\n`
        : undefined;
    const healthUrl = await serve(servers, opts.healthAddr ?? ':8081', (path) => {
      const waiting = standby();
      if ((path === '/healthz' || path === '/livez' || path === '/readyz') && waiting)
        return Promise.resolve({ status: 200, type: 'text/plain; charset=utf-8', body: waiting });
      if (path === '/healthz' || path === '/livez')
        return Promise.resolve(probe(manager.healthz()));
      if (path === '/readyz') return Promise.resolve(probe(manager.readyz()));
      return Promise.resolve(undefined);
    });
    const metricsUrl = await serve(servers, opts.metricsAddr ?? ':8080', async (path) => {
      if (path !== '/metrics') return undefined;
      return { status: 200, type: registry.contentType, body: await registry.metrics() };
    });
    if (opts.webhook !== undefined) {
      webhook = await startWebhookServer({ ...opts.webhook, logger: opts.logger });
    }
    if (elector === undefined) {
      await manager.start();
    } else {
      const el = elector;
      await el.start();
      if (el.state === 'leading') await manager.start();
      else {
        opts.logger.info(
          { lease: `${el.namespace}/${el.name}`, holder: el.holder },
          'leader election: standby until the lease is ours',
        );
        void el.leading.then(async () => {
          if (stopping) return;
          try {
            await manager.start();
          } catch (err) {
            // Give the lease back at once: a replica that cannot run its controllers must not
            // hold it.
            const e = new Error(
              `starting the controllers after acquiring the lease: ${errorMessage(err)}`,
              { cause: err },
            );
            opts.logger.error({ err: e.message }, 'manager');
            await manager.stop(0).catch(() => undefined);
            await el.stop().catch(() => undefined);
            fail(e);
          }
        });
      }
      void el.lost.then(async (reason) => {
        await manager.stop(opts.graceMs).catch(() => undefined);
        fail(reason);
      });
    }
    return {
      manager,
      registry,
      metricsUrl,
      healthUrl,
      webhookUrl: webhook?.url,
      elector,
      failed,
      stop: async (graceMs) => {
        stopping = true;
        await manager.stop(graceMs);
        await elector?.stop();
        await stopServers();
        client.close();
      },
    };
  } catch (err) {
    stopping = true;
    await manager.stop().catch(() => undefined);
    await elector?.stop().catch(() => undefined);
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
