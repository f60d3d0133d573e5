/**
 * A TCP proxy in front of the API server that can cut every connection and refuse new ones
 * (a network partition), then heal. TLS passes through untouched.
 */
import { createConnection, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpProxy {
  port: number;
  /** Connections accepted so far. */
  connections: number;
  /** Destroys open connections; new ones are reset until `heal`. */
  cut(): void;
  heal(): void;
  stop(): Promise<void>;
}

export async function startTcpProxy(upstreamPort: number): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let partitioned = false;
  const state = { connections: 0 };
  const server = createServer((client) => {
    if (partitioned) {
      client.resetAndDestroy();
      return;
    }
    state.connections++;
    const upstream = createConnection({ host: '127.0.0.1', port: upstreamPort });
    open.add(client);
    open.add(upstream);
    const close = (): void => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    get connections() {
      return state.connections;
    },
    cut() {
      partitioned = true;
      for (const s of open) s.destroy();
      open.clear();
    },
    heal() {
      partitioned = false;
    },
    async stop() {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
