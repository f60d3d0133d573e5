/**
 * A fault-injecting HTTP proxy in front of the real test registry: it can answer with 5xx/429 a
 * number of times, demand a Bearer token from its own token endpoint (checking Basic credentials),
 * corrupt or truncate blob bodies, or hang. Everything else is forwarded unchanged, Host included, so
 * the registry's upload locations point back at the proxy.
 */
import { request } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxyBehaviour {
  /** Answer the next `count` requests whose path matches with `status` (and Retry-After: 0). */
  fail?: { count: number; status: number; path?: RegExp; onFailure?: () => void };
  /** Require `Authorization: Bearer <token>`; the token is issued for these Basic credentials. */
  bearer?: { username: string; password: string; refreshToken?: string };
  /** Flip a byte of (`corrupt`) or cut in half (`truncate`) blob GET bodies. */
  blobs?: 'corrupt' | 'truncate';
  /** Never answer requests whose path matches. */
  hang?: RegExp;
  /** Answer blob GETs with a 307 to the same path on this host (like a registry's storage CDN). */
  redirectBlobsTo?: string;
}

export interface FaultProxy {
  host: string;
  behaviour: ProxyBehaviour;
  /** Requests answered by injected faults, and token requests served. */
  stats: {
    failed: number;
    tokens: number;
    scopes: string[];
    authorizations: (string | undefined)[];
  };
  stop(): Promise<void>;
}

const token = 'test-token-123';

export async function startFaultProxy(
  upstream: string,
  behaviour: ProxyBehaviour = {},
): Promise<FaultProxy> {
  const stats = {
    failed: 0,
    tokens: 0,
    scopes: [] as string[],
    authorizations: [] as (string | undefined)[],
  };
  const hanging: ServerResponse[] = [];
  const state: { behaviour: ProxyBehaviour } = { behaviour };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const b = state.behaviour;
    const url = new URL(req.url ?? '/', 'http://proxy');
    stats.authorizations.push(req.headers.authorization);
    if (url.pathname === '/token') {
      stats.tokens += 1;
      if (req.method === 'POST') {
        // OAuth2 refresh-token grant (docker config `identitytoken`).
        const parts: Buffer[] = [];
        req.on('data', (c: Buffer) => parts.push(c));
        req.on('end', () => {
          const form = new URLSearchParams(Buffer.concat(parts).toString('utf8'));
          stats.scopes.push(form.get('scope') ?? '');
          const ok =
            b.bearer?.refreshToken !== undefined &&
            form.get('grant_type') === 'refresh_token' &&
            form.get('refresh_token') === b.bearer.refreshToken;
          res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
          res.end(
            ok
              ? JSON.stringify({ access_token: token })
              : '{"errors":[{"code":"UNAUTHORIZED","message":"bad refresh token"}]}',
          );
        });
        return;
      }
      stats.scopes.push(url.searchParams.get('scope') ?? '');
      const expected = b.bearer
        ? `Basic ${Buffer.from(`${b.bearer.username}:${b.bearer.password}`).toString('base64')}`
        : '';
      if (req.headers.authorization !== expected) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end('{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ token }));
      return;
    }
    if (b.hang?.test(url.pathname)) {
      hanging.push(res);
      return;
    }
    if (b.fail && b.fail.count > 0 && (!b.fail.path || b.fail.path.test(url.pathname))) {
      b.fail.count -= 1;
      stats.failed += 1;
      b.fail.onFailure?.();
      req.resume();
      res.writeHead(b.fail.status, { 'retry-after': '0' });
      res.end('injected failure');
      return;
    }
    if (b.bearer && req.headers.authorization !== `Bearer ${token}`) {
      req.resume();
      res.writeHead(401, {
        'www-authenticate': `Bearer realm="http://${req.headers.host}/token",service="fault-proxy",scope="repository:x:pull"`,
        'content-type': 'application/json',
      });
      res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
      return;
    }
    if (b.redirectBlobsTo && req.method === 'GET' && /\/blobs\/sha256:/.test(url.pathname)) {
      req.resume();
      res.writeHead(307, { location: `http://${b.redirectBlobsTo}${url.pathname}` });
      res.end();
      return;
    }
    const headers = { ...req.headers };
    delete headers.authorization;
    const up = request(
      {
        host: upstream.split(':')[0],
        port: Number(upstream.split(':')[1]),
        method: req.method,
        path: req.url,
        headers,
      },
      (upRes) => {
        const isBlobGet = req.method === 'GET' && /\/blobs\/sha256:/.test(url.pathname);
        if (isBlobGet && b.blobs && upRes.statusCode === 200) {
          const parts: Buffer[] = [];
          upRes.on('data', (c: Buffer) => parts.push(c));
          upRes.on('end', () => {
            let body = Buffer.concat(parts);
            if (b.blobs === 'corrupt') {
              body = Buffer.from(body);
              body[body.length - 1] = (body[body.length - 1] ?? 0) ^ 0xff;
            } else {
              body = body.subarray(0, Math.floor(body.length / 2));
            }
            const h = { ...upRes.headers, 'content-length': String(body.length) };
            res.writeHead(upRes.statusCode ?? 502, h);
            res.end(body);
          });
          return;
        }
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      },
    );
    up.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    get behaviour() {
      return state.behaviour;
    },
    set behaviour(v: ProxyBehaviour) {
      state.behaviour = v;
    },
    stats,
    async stop() {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
