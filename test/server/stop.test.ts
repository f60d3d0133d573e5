// Shutdown: stop() ends open watches cleanly and returns promptly even while a client is stuck in
// the middle of a TLS handshake (a socket the HTTP layer does not know about yet).
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { request } from 'node:https';
import { connect as netConnect, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.js';

/** A TLS ClientHello as Node's client sends it (captured from a client over a fake transport). */
async function clientHello(): Promise<Buffer> {
  let client: ReturnType<typeof tlsConnect> | undefined;
  const hello = new Promise<Buffer>((resolve) => {
    const transport = new Duplex({
      read: () => undefined,
      write: (chunk: Buffer, _enc, cb) => {
        resolve(chunk);
        cb();
      },
    });
    client = tlsConnect({ socket: transport, servername: 'localhost', rejectUnauthorized: false });
    client.on('error', () => undefined);
  });
  const bytes = await hello;
  client?.destroy();
  return bytes;
}

/** A TCP socket whose TLS handshake the server has started (it answered) but that never finishes. */
async function stalledHandshake(port: number): Promise<Socket> {
  const hello = await clientHello();
  const sock = netConnect(port, '127.0.0.1');
  sock.on('error', () => undefined);
  await once(sock, 'connect');
  sock.write(hello);
  await once(sock, 'data');
  return sock;
}

/** Opens a watch over HTTPS; resolves once the server has sent the response headers. */
async function openWatch(
  server: RunningServer,
): Promise<{ res: IncomingMessage; ended: Promise<string> }> {
  const req = request(new URL('/api/v1/namespaces/default/configmaps?watch=1', server.url), {
    ca: server.caCert,
    headers: { authorization: `Bearer ${server.token}` },
  });
  req.on('error', () => undefined);
  req.end();
  const [res] = (await once(req, 'response')) as [IncomingMessage];
  const ended = new Promise<string>((resolve) => {
    res.on('end', () => resolve('end'));
    res.on('aborted', () => resolve('aborted'));
    res.on('error', (err) => resolve(`error: ${err.message}`));
    res.resume();
  });
  return { res, ended };
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

describe('stop', () => {
  it('returns promptly with a client stuck mid-TLS-handshake and ends open watches cleanly', async () => {
    const server = await startServer({ simulator: false });
    let stalled: Socket | undefined;
    try {
      const watch = await openWatch(server);
      expect(watch.res.statusCode).toBe(200);
      stalled = await stalledHandshake(server.port);
      const stalledClosed = once(stalled, 'close');
      await within(server.stop(), 10_000, 'stop() with a stalled TLS handshake and an open watch');
      expect(await within(watch.ended, 5_000, 'the watch stream')).toBe('end');
      await within(stalledClosed, 5_000, 'closing the stalled socket');
    } finally {
      stalled?.destroy();
      await server.stop();
    }
  });

  it('cuts a watch whose client stopped reading after the grace period instead of waiting for it', async () => {
    const server = await startServer({ simulator: false });
    let watch: Awaited<ReturnType<typeof openWatch>> | undefined;
    try {
      watch = await openWatch(server);
      watch.res.pause();
      // Far more event data than the socket buffers hold, so the watch's end cannot be flushed.
      const cm = server.core.registry.find('', 'v1', 'configmaps');
      if (!cm) throw new Error('configmaps are not registered');
      const big = 'x'.repeat(900_000);
      for (let i = 0; i < 40; i++)
        server.core.create(cm, 'default', { metadata: { name: `big-${i}` }, data: { big } });
      await within(server.stop(), 10_000, 'stop() with a watch client that does not read');
      // What was already sent still arrives, but the stream was cut, not ended.
      watch.res.resume();
      expect(await within(watch.ended, 10_000, 'the watch stream')).toBe('aborted');
    } finally {
      watch?.res.destroy();
      await server.stop();
    }
  });
});
