/**
 * Shared setup for the Package controller suites: package images built from folders and pushed
 * to a real registry, a counting HTTP proxy in front of it (its request log shows what a pull
 * fetched), a TCP forwarder on a non-loopback address, and the revision engine plus the Package
 * controllers on the embedded API server.
 */
import { createServer as createHttpServer, request } from 'node:http';
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { packageScopes } from '../../src/controllers/package/scope.js';
import { setupPackage, type PackageSetupOptions } from '../../src/controllers/package/setup.js';
import { buildControllerSetups } from '../../src/controllers/index.js';
import {
  Manager,
  type Controller,
  type ControllerSetup,
} from '../../src/controllers/runtime/index.js';
import { KubeClient, type KubeObject } from '../../src/kube/index.js';
import type { RunningServer } from '../../src/server/index.js';
import { buildPackageImage, RegistryClient } from '../../src/oci/index.js';
import { importFolder } from '../../src/packages/index.js';
import { PKO, startRevisionEnv, type RevisionEnv } from './revision-helpers.js';

/** Builds the package folder `dir` and pushes it as `reference` (plain HTTP on loopback). */
export async function pushPackage(dir: string, reference: string): Promise<string> {
  const raw = await importFolder(dir);
  const image = await buildPackageImage(raw.files);
  const { digest } = await new RegistryClient({ insecure: true }).pushImage(reference, image);
  return digest;
}

export interface CountingProxy {
  host: string;
  requests: { method: string; path: string }[];
  stop(): Promise<void>;
}

/** An HTTP proxy to `upstream` (`host:port`) that logs each request's method and path. */
export async function startCountingProxy(upstream: string): Promise<CountingProxy> {
  const [upHost, upPort] = upstream.split(':');
  const requests: { method: string; path: string }[] = [];
  const server = createHttpServer((req, res) => {
    requests.push({ method: req.method ?? '', path: req.url ?? '' });
    const up = request(
      {
        host: upHost,
        port: Number(upPort),
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** The first non-internal IPv4 address of this machine, if any. */
export function externalIPv4(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

/** Forwards TCP from `address`:<free port> to 127.0.0.1:`upstreamPort` (TLS passes through). */
export async function startForwarder(
  address: string,
  upstreamPort: number,
): Promise<{ host: string; stop(): Promise<void> }> {
  const open = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: upstreamPort });
    open.add(client).add(upstream);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, address, r));
  const port = (server.address() as AddressInfo).port;
  return {
    host: `${address}:${port}`,
    stop: () =>
      new Promise<void>((r) => {
        for (const s of open) s.destroy();
        server.close(() => r());
      }),
  };
}

/** The revision engine plus (Cluster)Package controllers configured with `options`, and `extra`. */
export function startPackageEnv(
  options: PackageSetupOptions = {},
  extra: readonly ControllerSetup[] = [],
): Promise<RevisionEnv> {
  return startRevisionEnv({
    extra: [...packageScopes.map((s) => setupPackage(s, options)), ...extra],
  });
}

/** Every controller the manager runs (revision engine, ObjectTemplate, Package). */
export function allSetups(options: PackageSetupOptions): readonly ControllerSetup[] {
  return buildControllerSetups({ package: options, objectTemplate: { sourceRetryMs: 200 } });
}

/** A new Manager running `setups` against an existing API server (a manager restart). */
export async function startManager(
  server: RunningServer,
  setups: readonly ControllerSetup[],
): Promise<{ client: KubeClient; mgr: Manager; controllers: Controller[]; stop(): Promise<void> }> {
  const client = await KubeClient.fromKubeConfigString(server.kubeconfig);
  const mgr = new Manager({ client, informer: { backoffBaseMs: 20 } });
  const controllers: Controller[] = [];
  for (const s of setups) controllers.push(await s.setup(mgr, { workers: 2 }));
  for (const c of controllers) mgr.add(c);
  await mgr.start();
  return {
    client,
    mgr,
    controllers,
    stop: async () => {
      await mgr.stop(2_000);
      client.close();
    },
  };
}

export function packageObject(
  namespace: string | undefined,
  name: string,
  spec: Record<string, unknown>,
  metadata: Partial<KubeObject['metadata']> = {},
): KubeObject {
  return {
    apiVersion: PKO,
    kind: namespace === undefined ? 'ClusterPackage' : 'Package',
    metadata: { name, ...(namespace !== undefined ? { namespace } : {}), ...metadata },
    spec,
  };
}

export function packageRef(namespace: string | undefined, name: string) {
  return {
    apiVersion: PKO,
    kind: namespace === undefined ? 'ClusterPackage' : 'Package',
    name,
    ...(namespace !== undefined ? { namespace } : {}),
  };
}
