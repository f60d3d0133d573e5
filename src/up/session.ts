/**
 * One `packsync up` session in one process: the embedded API server (persisted in the data dir
 * unless ephemeral) -> packsync's CRDs applied and Established -> the local OCI registry -> the
 * manager with every controller, pulling `packsync.local/...` images from the local registry ->
 * `<data dir>/kubeconfig`. Sources (a folder today, a Git working directory later) then feed
 * objects in through `runSource`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { crds } from '../apis/index.js';
import { buildControllerSetups } from '../controllers/index.js';
import { startManager, type RunningManager } from '../controllers/runtime/index.js';
import { UserError, errorMessage } from '../errors.js';
import {
  KubeClient,
  waitForEstablished,
  type KubeObject,
  type RuntimeLogger,
} from '../kube/index.js';
import { RegistryClient } from '../oci/index.js';
import { startOciRegistry, type RunningOciRegistry } from '../server/oci-registry/index.js';
import { startServer, type RunningServer } from '../server/index.js';
import { localRegistryHost, type FoundProblem } from './discover.js';

export interface UpOptions {
  /** Where the kubeconfig is written and, unless `ephemeral`, all state is kept. */
  dataDir: string;
  /** Keep the API server's objects and the registry's images in memory only. */
  ephemeral?: boolean | undefined;
  /** API server port (0: a free one). */
  port?: number | undefined;
  /** Local registry port (0: a free one). */
  registryPort?: number | undefined;
  /** Parallel reconciles per controller. */
  workers?: number | undefined;
  logger: UpLogger;
}

/** A pino-like logger: the server and the manager each get a child. */
export interface UpLogger extends RuntimeLogger {
  child(bindings: Record<string, unknown>): UpLogger;
}

export interface UpSession {
  server: RunningServer;
  registry: RunningOciRegistry;
  manager: RunningManager;
  /** Client of the embedded server (writes as field manager `packsync`). */
  client: KubeClient;
  /** Pushes to the local registry (plain HTTP on loopback). */
  registryClient: RegistryClient;
  kubeconfigPath: string;
  /** Objects found in the data dir at start (0 when ephemeral or new). */
  recoveredObjects: number;
  stop(): Promise<void>;
}

/** Where a source reports what it did (the CLI prints these lines). */
export interface SourceReporter {
  info(line: string): void;
  problem(p: FoundProblem): void;
}

/**
 * A source of objects for the session: `packsync up DIR` uses `folderSource` (build the package
 * folders, apply the Package objects); a Git working directory (a ClusterGitSync plus a watch of
 * `.git`) plugs in the same way.
 */
export interface UpSource {
  /** What the user named, for messages (`examples/`). */
  readonly describe: string;
  /** Checks the source before anything starts (a missing folder fails at once). */
  check?(): Promise<void>;
  /** Feeds the session once; returns the objects applied (to wait for) and the problems. */
  sync(session: UpSession, report: SourceReporter): Promise<SourceResult>;
  /** Keeps feeding the session (e.g. on new commits) until the returned stop is called. */
  watch?(session: UpSession, report: SourceReporter): () => Promise<void>;
}

export interface SourceResult {
  applied: KubeObject[];
  problems: FoundProblem[];
}

/** Applies packsync's CRDs and waits until the server serves every one of them. */
async function installCrds(client: KubeClient, timeoutMs = 30_000): Promise<void> {
  const all = crds();
  for (const crd of all) {
    await client.apply(crd as unknown as KubeObject, { force: true, fieldManager: 'packsync' });
  }
  const late = await waitForEstablished(
    client,
    all.map((c) => c.metadata.name),
    { timeoutMs },
  );
  if (late !== undefined) throw new Error(`CRD ${late} not Established after ${timeoutMs} ms`);
}

/** Starts everything; on failure stops what was started and throws a UserError. */
export async function startUp(opts: UpOptions): Promise<UpSession> {
  const ephemeral = opts.ephemeral === true;
  try {
    mkdirSync(opts.dataDir, { recursive: true });
  } catch (err) {
    throw new UserError(`creating data dir ${opts.dataDir}: ${errorMessage(err)}`, { cause: err });
  }
  const kubeconfigPath = join(opts.dataDir, 'kubeconfig');
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async (): Promise<void> => {
    for (const s of stops.splice(0).reverse()) await s().catch(() => undefined);
  };
  try {
    const server = await startServer({
      dataDir: ephemeral ? undefined : opts.dataDir,
      port: opts.port ?? 0,
      kubeconfigOut: kubeconfigPath,
      logger: opts.logger.child({ component: 'server' }),
    }).catch((err: unknown) => {
      throw new UserError(`starting the API server: ${errorMessage(err)}`, { cause: err });
    });
    stops.push(() => server.stop());
    const registry = await startOciRegistry({
      dataDir: ephemeral ? undefined : join(opts.dataDir, 'registry'),
      port: opts.registryPort ?? 0,
      onError: (err) => opts.logger.warn({ err }, 'local registry: request failed'),
    });
    stops.push(() => registry.stop());
    const client = await KubeClient.fromKubeConfigString(server.kubeconfig);
    stops.push(() => Promise.resolve(client.close()));
    await installCrds(client);
    const setups = buildControllerSetups({
      package: {
        registryHostOverrides: { [localRegistryHost]: registry.host },
        insecureRegistries: [registry.host],
        ...(ephemeral ? {} : { cacheDir: join(opts.dataDir, 'cache') }),
      },
    });
    const manager = await startManager({
      kubeconfigYaml: server.kubeconfig,
      setups,
      workers: opts.workers ?? 4,
      metricsAddr: '0',
      healthAddr: '0',
      logger: opts.logger.child({ component: 'manager' }),
    });
    stops.push(() => manager.stop(10_000));
    const registryClient = new RegistryClient({ insecure: true });
    let stopping: Promise<void> | undefined;
    return {
      server,
      registry,
      manager,
      client,
      registryClient,
      kubeconfigPath,
      recoveredObjects: server.recovered.objects,
      stop: () => (stopping ??= stopAll()),
    };
  } catch (err) {
    await stopAll();
    if (err instanceof UserError) throw err;
    throw new UserError(`starting packsync up: ${errorMessage(err)}`, { cause: err });
  }
}
