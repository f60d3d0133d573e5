/**
 * Local OCI registry (the distribution API, enough for pull and push by our client, skopeo and
 * friends), plain HTTP on loopback only.
 *
 *   HTTP request -> handler (route, verify digest and size, error JSON) -> storage (blobs by
 *   digest; per repository tags, manifests, linked blobs) -> memory or a directory
 *
 * It lives beside the embedded API server because `packsync up` runs both in one process; it
 * shares nothing with `src/server/registry/` (the API server's resource types).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { UserError } from '../../errors.js';
import {
  defaultRegistryLimits,
  RegistryHandler,
  type RegistryLimits,
  type RegistryStats,
} from './handler.js';
import { RegistryStorage } from './storage.js';

export type { RegistryErrorCode, RegistryLimits, RegistryStats } from './handler.js';

export interface OciRegistryOptions {
  /** Persist blobs and repositories here; memory only without it. */
  dataDir?: string | undefined;
  /** 0 (default) picks a free port. */
  port?: number | undefined;
  /** A loopback address (default 127.0.0.1); anything else is refused. */
  host?: '127.0.0.1' | '::1' | undefined;
  limits?: Partial<RegistryLimits> | undefined;
  /** Called with errors the handler did not expect (its answer is then a 500). */
  onError?: ((err: unknown) => void) | undefined;
}

export interface RunningOciRegistry {
  /** `127.0.0.1:<port>`: the registry part of image references. */
  host: string;
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Counters of what was served since start. */
  stats(): RegistryStats;
  stop(): Promise<void>;
}

const loopback = new Set(['127.0.0.1', '::1']);

/** Starts the registry; resolves once it listens. */
export async function startOciRegistry(opts: OciRegistryOptions = {}): Promise<RunningOciRegistry> {
  const host = opts.host ?? '127.0.0.1';
  if (!loopback.has(host)) {
    throw new UserError(`local registry: refusing to listen on ${host}: loopback only`);
  }
  const storage = new RegistryStorage(opts.dataDir);
  const handler = new RegistryHandler(storage, { ...defaultRegistryLimits, ...opts.limits });
  const server: Server = createServer((req, res) => {
    handler.handle(req, res).catch((err: unknown) => {
      opts.onError?.(err);
      res.destroy();
    });
  });
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    throw new UserError(
      `local registry: listening on ${host}:${opts.port ?? 0}: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
  const port = (server.address() as AddressInfo).port;
  const shown = host === '::1' ? '[::1]' : host;
  let stopping: Promise<void> | undefined;
  return {
    host: `${shown}:${port}`,
    url: `http://${shown}:${port}`,
    port,
    stats: () => handler.stats,
    stop: () =>
      (stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const s of sockets) s.destroy();
      })),
  };
}
