/**
 * Assembles and runs the server: data dir (write-ahead log, TLS material, token) -> store ->
 * registry -> API core -> controllers (CRDs, GC, namespaces) -> HTTP(S) listener; writes a
 * kubeconfig for clients.
 */
import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { UserError } from '../errors.js';
import { ApiCore } from './api/core.js';
import { CrdController } from './controllers/crd.js';
import { GarbageCollector } from './controllers/gc.js';
import { NamespaceController } from './controllers/namespace.js';
import { Handler, type RequestRecord } from './http/handler.js';
import { NonStructuralController } from './schema/index.js';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from './simulator/index.js';
import { Registry } from './registry/registry.js';
import { Store } from './store/store.js';
import { lockDataDir } from './store/lock.js';
import { Wal, type Recovered } from './store/wal.js';
import { generateCa, generateServerCert } from './tls.js';

export interface ServerLogger {
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

export interface ServerOptions {
  /** Persist state here (write-ahead log, snapshot, TLS material, token); memory only without it. */
  dataDir?: string | undefined;
  /** 0 (default) picks a free port. */
  port?: number | undefined;
  host?: string | undefined;
  /** Serve plain HTTP instead of HTTPS. */
  insecureHttp?: boolean | undefined;
  /** Write a kubeconfig for the server to this file. */
  kubeconfigOut?: string | undefined;
  /** Bearer token clients must send; generated (and kept in the data dir) when absent. */
  token?: string | undefined;
  /** Events kept for watches and paginated lists from an older revision (default 10000). */
  historySize?: number | undefined;
  /** Watch timeout when the client sends no `timeoutSeconds` (default 1800, randomised up to 2x). */
  watchTimeoutSeconds?: number | undefined;
  bookmarkIntervalMs?: number | undefined;
  /** Extra DNS names or IPs for the server certificate. */
  tlsNames?: readonly string[] | undefined;
  logger?: ServerLogger | undefined;
  /**
   * Simulated controllers: workload status (Deployments, StatefulSets, DaemonSets, ReplicaSets,
   * Jobs) after `delayMs`, CRDs Established after `crdEstablishDelayMs`. `false` turns the
   * workload simulator off (default: on, no delays).
   */
  simulator?: boolean | SimulatorOptions | undefined;
}

export interface RunningServer {
  /** `https://127.0.0.1:<port>` */
  url: string;
  port: number;
  token: string;
  /** PEM of the CA that signed the server certificate (undefined over plain HTTP). */
  caCert: string | undefined;
  /** Kubeconfig YAML (cluster, token user, context `packsync`, namespace `default`). */
  kubeconfig: string;
  kubeconfigPath: string | undefined;
  /** What was found in the data dir at start. */
  recovered: Omit<Recovered, 'objects'> & { objects: number };
  /** The API semantics without HTTP (in-process callers, controllers, tests). */
  core: ApiCore;
  /** Requests served so far (bounded), oldest first. */
  requests(): readonly RequestRecord[];
  clearRequests(): void;
  stop(): Promise<void>;
}

/** How long stop() lets open watches flush their clean end before cutting every connection. */
const stopGraceMs = 2_000;
const silent: ServerLogger = { warn: () => undefined, error: () => undefined };
const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

function tlsFiles(
  dir: string | undefined,
  names: readonly string[],
): { caCert: string; cert: string; key: string } {
  let ca: { caCert: string; caKey: string } | undefined;
  if (dir) {
    const tdir = join(dir, 'tls');
    mkdirSync(tdir, { recursive: true });
    const cf = join(tdir, 'ca.crt');
    const kf = join(tdir, 'ca.key');
    if (existsSync(cf) && existsSync(kf))
      ca = { caCert: readFileSync(cf, 'utf8'), caKey: readFileSync(kf, 'utf8') };
    else {
      ca = generateCa();
      writeFileSync(kf, ca.caKey, { mode: 0o600 });
      writeFileSync(cf, ca.caCert);
    }
  } else ca = generateCa();
  const priv = createPrivateKey(ca.caKey);
  const m = generateServerCert(ca, createPublicKey(priv), priv, names);
  return { caCert: m.caCert, cert: m.cert, key: m.key };
}

function loadToken(dir: string | undefined, given: string | undefined): string {
  if (given) return given;
  if (dir) {
    const f = join(dir, 'token');
    if (existsSync(f)) return readFileSync(f, 'utf8').trim();
    const t = randomBytes(24).toString('base64url');
    writeFileSync(f, `${t}\n`, { mode: 0o600 });
    return t;
  }
  return randomBytes(24).toString('base64url');
}

export function kubeconfigYaml(url: string, token: string, caCert: string | undefined): string {
  const cluster: Record<string, unknown> = { server: url };
  if (caCert) cluster['certificate-authority-data'] = Buffer.from(caCert).toString('base64');
  else cluster['insecure-skip-tls-verify'] = true;
  return toYaml({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'packsync', cluster }],
    users: [{ name: 'packsync', user: { token } }],
    contexts: [
      {
        name: 'packsync',
        context: { cluster: 'packsync', user: 'packsync', namespace: 'default' },
      },
    ],
    'current-context': 'packsync',
    preferences: {},
  });
}

export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  const logger = opts.logger ?? silent;
  let wal: Wal | undefined;
  let recovered: Recovered = { revision: 0, objects: new Map(), records: 0, compacted: false };
  let unlock: (() => void) | undefined;
  if (opts.dataDir) {
    mkdirSync(opts.dataDir, { recursive: true });
    unlock = lockDataDir(opts.dataDir);
    const r = await Wal.openDir(join(opts.dataDir, 'store')).catch((err: unknown) => {
      unlock?.();
      throw err;
    });
    wal = r.wal;
    recovered = r.recovered;
    if (recovered.tornTail) {
      logger.warn(
        { dataDir: opts.dataDir, ...recovered.tornTail },
        'write-ahead log ended in a torn record (a write that was never acknowledged); it was cut off',
      );
    }
  }
  const store = new Store({ historySize: opts.historySize, wal, initial: recovered });
  const registry = new Registry();
  const core = new ApiCore(store, registry);
  const onError = (what: string, err: unknown): void => logger.warn({ err }, what);
  const simOpts = typeof opts.simulator === 'object' ? opts.simulator : {};
  const crd = new CrdController(
    core,
    onError,
    opts.simulator === false ? 0 : (simOpts.crdEstablishDelayMs ?? 0),
  );
  const nonStructural = new NonStructuralController(core, onError);
  const gc = new GarbageCollector(core, onError);
  const nsc = new NamespaceController(core, onError);
  crd.resync();
  nonStructural.resync();
  gc.resync();
  nsc.resync();
  const unsubscribe = store.onEvent((e) => {
    crd.onEvent(e);
    nonStructural.onEvent(e);
    gc.onEvent(e);
    nsc.onEvent(e);
  });
  const nsType = registry.find('', 'v1', 'namespaces');
  for (const ns of systemNamespaces) {
    if (nsType && !core.tryGet(nsType, '', ns))
      core.create(nsType, '', { metadata: { name: ns } }, { fieldManager: 'kube-apiserver' });
  }
  await store.sync();

  const token = loadToken(opts.dataDir, opts.token);
  const log: RequestRecord[] = [];
  const handler = new Handler({
    core,
    token,
    watchTimeoutSeconds: opts.watchTimeoutSeconds ?? 1800,
    bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 60_000,
    version: { major: '1', minor: '32', gitVersion: 'v1.32.0-packsync' },
    log,
    maxLog: 100_000,
    onError: (err) => logger.error({ err }, 'internal error while serving a request'),
  });
  const listener = (
    req: Parameters<Handler['handle']>[0],
    res: Parameters<Handler['handle']>[1],
  ): void => {
    void handler.handle(req, res);
  };
  let server: Server;
  let caCert: string | undefined;
  if (opts.insecureHttp) server = createHttpServer(listener);
  else {
    const m = tlsFiles(opts.dataDir, opts.tlsNames ?? []);
    caCert = m.caCert;
    server = createHttpsServer({ cert: m.cert, key: m.key }, listener);
  }
  const simulator: RunningSimulator = startSimulator(core, {
    workloads: opts.simulator === false ? false : simOpts,
    caCert: caCert ?? '',
    onError,
  });
  server.keepAliveTimeout = 60_000;
  // Every accepted TCP socket, including ones still in the TLS handshake: the HTTP layer (and so
  // closeAllConnections) only knows a connection once its handshake is done, but server.close()
  // waits for all of them.
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  const host = opts.host ?? '127.0.0.1';
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, host, () => resolve());
    });
  } catch (err) {
    unsubscribe();
    simulator.stop();
    nonStructural.stop();
    crd.stop();
    gc.stop();
    nsc.stop();
    await wal?.close();
    unlock?.();
    throw new UserError(
      `listening on ${host}:${opts.port ?? 0}: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const url = `${opts.insecureHttp ? 'http' : 'https'}://${shownHost}:${port}`;
  const kubeconfig = kubeconfigYaml(url, token, caCert);
  if (opts.kubeconfigOut) writeFileSync(opts.kubeconfigOut, kubeconfig, { mode: 0o600 });
  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    unsubscribe();
    simulator.stop();
    nonStructural.stop();
    crd.stop();
    gc.stop();
    nsc.stop();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Watches get a clean end of stream; a client that does not read it gets stopGraceMs.
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([
      handler.endWatches(),
      new Promise<void>((resolve) => {
        grace = setTimeout(resolve, stopGraceMs);
      }),
    ]);
    clearTimeout(grace);
    server.closeAllConnections();
    for (const s of sockets) s.destroy();
    await closed;
    await wal?.close();
    unlock?.();
  };
  return {
    url,
    port,
    token,
    caCert,
    kubeconfig,
    kubeconfigPath: opts.kubeconfigOut,
    recovered: { ...recovered, objects: recovered.objects.size },
    core,
    requests: () => log,
    clearRequests: () => {
      log.length = 0;
    },
    stop: () => (stopping ??= stop()),
  };
}
