/**
 * The webhook receiver: a signed POST from a Git host triggers an immediate sync of one GitSync.
 *
 *   POST /hooks/github/<namespace>/<name>    X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>
 *   POST /hooks/gitlab/<namespace>/<name>    X-Gitlab-Token: <secret>
 *   POST /hooks/generic/<namespace>/<name>   X-Signature: sha256=<hex HMAC-SHA256 of the body>
 *
 * A ClusterGitSync has no namespace: its hooks use `_` (`clusterScopeNamespace`) in its place, e.g.
 * `/hooks/github/_/platform`. The secret of each GitSync comes from `lookup`; signatures and tokens
 * are compared in constant time. Answers: 202 triggered, 200 for GitHub's `ping` (nothing
 * triggered), 401 bad or missing signature, 404 unknown route or GitSync, 405 not POST, 413 body over
 * the limit (1 MiB). Neither the secret nor the signature is ever logged.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { errorMessage } from '../errors.js';

/** Namespace segment of the hook URL of a cluster-scoped ClusterGitSync. */
export const clusterScopeNamespace = '_';

export const webhookProviders = ['github', 'gitlab', 'generic'] as const;
export type WebhookProvider = (typeof webhookProviders)[number];

export interface WebhookTriggerInfo {
  provider: WebhookProvider;
  /** The host's event name (`push`, `Push Hook`, ...) when it sends one. */
  event?: string;
  /** `ref` of a push payload (`refs/heads/main`), when the body is JSON and has one. */
  ref?: string;
  /** The pushed commit (`after` of GitHub/GitLab/Gitea push payloads), when present. */
  commit?: string;
}

export interface WebhookLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface WebhookHandlerOptions {
  /** The webhook secret of a (Cluster)GitSync, or undefined when there is none (404). */
  lookup(namespace: string, name: string): Promise<{ secret: string } | undefined>;
  /** Called once per accepted hook; it should only enqueue the sync. */
  trigger(namespace: string, name: string, info: WebhookTriggerInfo): void;
  logger?: WebhookLogger | undefined;
  /** Default 1 MiB. */
  maxBodyBytes?: number | undefined;
}

export type WebhookHandler = (req: IncomingMessage, res: ServerResponse) => void;

const defaultMaxBody = 1024 * 1024;
const segment = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** Provider, namespace and name of a hook path, or undefined when it is no hook route. */
export function parseHookPath(
  path: string,
): { provider: WebhookProvider; namespace: string; name: string } | undefined {
  const m = /^\/hooks\/([a-z]+)\/([^/]+)\/([^/]+)\/?$/.exec(path);
  if (!m) return undefined;
  const [, provider, namespace, name] = m as unknown as [string, string, string, string];
  if (!(webhookProviders as readonly string[]).includes(provider)) return undefined;
  if (namespace !== clusterScopeNamespace && !segment.test(namespace)) return undefined;
  if (!segment.test(name)) return undefined;
  return { provider: provider as WebhookProvider, namespace, name };
}

/** `sha256=<hex>` of the HMAC-SHA256 of `body` under `secret`, as GitHub and the generic hook send. */
export function signBody(secret: string, body: Uint8Array | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Constant-time string equality (both sides hashed first, so lengths never leak either). */
function safeEqual(a: string, b: string): boolean {
  const x = createHmac('sha256', 'packsync-compare').update(a).digest();
  const y = createHmac('sha256', 'packsync-compare').update(b).digest();
  return timingSafeEqual(x, y);
}

/** Whether `header` is the `sha256=<hex>` HMAC of `body` under `secret`. */
export function verifySignature(
  secret: string,
  body: Uint8Array,
  header: string | undefined,
): boolean {
  return safeEqual(signBody(secret, body), (header ?? '').trim().toLowerCase());
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function pushInfo(body: Buffer): { ref?: string; commit?: string } {
  try {
    const payload = JSON.parse(body.toString('utf8')) as { ref?: unknown; after?: unknown };
    return {
      ...(typeof payload.ref === 'string' ? { ref: payload.ref } : {}),
      ...(typeof payload.after === 'string' ? { commit: payload.after } : {}),
    };
  } catch {
    return {};
  }
}

class BodyTooLarge extends Error {}

/**
 * The request body, failing as soon as it passes `limit`. The rest of an oversized body is drained
 * (not kept), so the 413 answer reaches the client on an intact connection.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      reject(new BodyTooLarge());
      return;
    }
    const parts: Buffer[] = [];
    let total = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      total += chunk.byteLength;
      if (total > limit) {
        tooLarge = true;
        parts.length = 0;
        reject(new BodyTooLarge());
        return;
      }
      parts.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: object, headers = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(`${JSON.stringify(body)}\n`);
}

export function createWebhookHandler(opts: WebhookHandlerOptions): WebhookHandler {
  const limit = opts.maxBodyBytes ?? defaultMaxBody;
  const log = opts.logger;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = parseHookPath(path);
    if (!route) {
      send(res, 404, { error: 'not found' });
      return;
    }
    const ctx = { provider: route.provider, namespace: route.namespace, name: route.name };
    if (req.method !== 'POST') {
      send(res, 405, { error: 'method not allowed' }, { allow: 'POST' });
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(req, limit);
    } catch (err) {
      if (err instanceof BodyTooLarge) {
        log?.warn({ ...ctx, limit }, 'webhook body too large');
        send(res, 413, { error: `body exceeds ${limit} bytes` });
        return;
      }
      throw err;
    }
    const target = await opts.lookup(route.namespace, route.name);
    // Unknown targets are checked against a throwaway secret, so both answers take as long.
    const secret = target?.secret ?? 'packsync-unknown-target';
    let valid: boolean;
    let event: string | undefined;
    if (route.provider === 'gitlab') {
      valid = safeEqual(secret, header(req, 'x-gitlab-token') ?? '');
      event = header(req, 'x-gitlab-event');
    } else if (route.provider === 'github') {
      valid = verifySignature(secret, body, header(req, 'x-hub-signature-256'));
      event = header(req, 'x-github-event');
    } else {
      valid = verifySignature(secret, body, header(req, 'x-signature'));
      event = header(req, 'x-event');
    }
    if (!target || target.secret === '') {
      log?.info({ ...ctx }, 'webhook for an unknown GitSync');
      send(res, 404, { error: 'not found' });
      return;
    }
    if (!valid) {
      log?.warn({ ...ctx, event }, 'webhook signature rejected');
      send(res, 401, { error: 'invalid signature' });
      return;
    }
    if (route.provider === 'github' && event === 'ping') {
      send(res, 200, { ok: true, event: 'ping' });
      return;
    }
    const info: WebhookTriggerInfo = {
      provider: route.provider,
      ...(event ? { event } : {}),
      ...pushInfo(body),
    };
    opts.trigger(route.namespace, route.name, info);
    log?.info({ ...ctx, event, ref: info.ref, commit: info.commit }, 'webhook triggered a sync');
    send(res, 202, { triggered: `${route.namespace}/${route.name}` });
  };
  return (req, res) => {
    handle(req, res).catch((err: unknown) => {
      log?.warn({ err: errorMessage(err) }, 'webhook handler failed');
      send(res, 500, { error: 'internal error' });
    });
  };
}

export interface WebhookReceiver {
  /** `http://<host>:<port>` (127.0.0.1 when listening on all interfaces). */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Serves `handler` over plain HTTP (put TLS in front, e.g. an ingress). Port 0 picks a free one. */
export async function startWebhookReceiver(opts: {
  port: number;
  host?: string | undefined;
  handler: WebhookHandler;
}): Promise<WebhookReceiver> {
  const server = createServer(opts.handler);
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const host = opts.host ?? '0.0.0.0';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return {
    url: `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
