/**
 * The webhook's HTTPS endpoint: serving certificate `tls.crt`/`tls.key` from a directory
 * (reloaded when the files change, as cert-manager or a mounted Secret rotate them), POST bodies
 * up to 16 MiB, one `review` per request.
 */
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { silentLogger, type RuntimeLogger } from '../kube/index.js';
import { review, webhookPaths } from './review.js';

const MAX_BODY = 16 * 1024 * 1024;

export interface WebhookServerOptions {
  /** 0 picks a free port (tests). */
  port: number;
  /** Bind address (default all interfaces). */
  host?: string | undefined;
  /** Holds `tls.crt` and `tls.key`. */
  certDir: string;
  logger?: RuntimeLogger | undefined;
}

export interface RunningWebhook {
  /** `https://host:port`. */
  url: string;
  /** Paths served, e.g. `/validate-objectset`. */
  paths: string[];
  stop(): Promise<void>;
}

async function readPair(dir: string): Promise<{ cert: Buffer; key: Buffer }> {
  const read = async (f: string): Promise<Buffer> => {
    try {
      return await readFile(join(dir, f));
    } catch (err) {
      throw new Error(`webhook certificate: reading ${join(dir, f)}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  };
  return { cert: await read('tls.crt'), key: await read('tls.key') };
}

export async function startWebhookServer(opts: WebhookServerOptions): Promise<RunningWebhook> {
  const logger = opts.logger ?? silentLogger;
  const server: Server = createServer(await readPair(opts.certDir), (req, res) => {
    const path = new URL(req.url ?? '/', 'https://x').pathname;
    if (req.method !== 'POST') {
      res.writeHead(405, { 'Content-Type': 'text/plain', Allow: 'POST' }).end('POST only\n');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        res.writeHead(413, { 'Content-Type': 'text/plain' }).end('request body too large\n');
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (res.headersSent) return;
      const reply = review(path, Buffer.concat(chunks).toString('utf8'));
      if ('json' in reply) {
        const r = reply.json.response;
        if (!r.allowed) logger.info({ path, uid: r.uid, message: r.status?.message }, 'denied');
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(reply.json));
      } else {
        res.writeHead(reply.status, { 'Content-Type': 'text/plain' }).end(reply.text);
      }
    });
  });
  let watcher: FSWatcher | undefined;
  let reload: NodeJS.Timeout | undefined;
  try {
    watcher = watch(opts.certDir, () => {
      clearTimeout(reload);
      reload = setTimeout(() => {
        readPair(opts.certDir)
          .then((pair) => {
            // A key and certificate that do not match (one written, not yet the other) throw
            // here; the next change event retries.
            server.setSecureContext(pair);
            logger.info({ certDir: opts.certDir }, 'webhook certificate reloaded');
          })
          .catch((err: unknown) => logger.warn({ err: String(err) }, 'webhook certificate reload'));
      }, 200);
    });
  } catch (err) {
    logger.warn({ err: String(err) }, 'webhook certificate: not watching for rotation');
  }
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, opts.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    watcher?.close();
    throw err;
  }
  const a = server.address() as AddressInfo;
  const host =
    a.family === 'IPv6'
      ? `[${a.address === '::' ? '::1' : a.address}]`
      : a.address === '0.0.0.0'
        ? '127.0.0.1'
        : a.address;
  return {
    url: `https://${host}:${a.port}`,
    paths: [...webhookPaths().keys()],
    stop: async () => {
      watcher?.close();
      clearTimeout(reload);
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
    },
  };
}
