import * as http from 'node:http';
import * as https from 'node:https';
import { Pool, type Dispatcher } from 'undici';
import { KubeApiError } from './errors.js';
import type { Credentials } from './kubeconfig.js';
import type { StatusDetails } from './types.js';

/**
 * HTTP(S) to one API server with the credentials of a kubeconfig (kubeconfig.ts supplies TLS
 * material and auth headers); requests and responses are raw JSON bytes.
 */
export interface Transport {
  readonly server: string;
  request(req: TransportRequest): Promise<TransportResponse>;
  /** Opens a streaming GET (watch); the caller consumes and destroys the response. */
  stream(req: TransportRequest): Promise<http.IncomingMessage>;
  close(): void;
}

export interface TransportRequest {
  method: string;
  path: string;
  query?: Record<string, string | undefined> | undefined;
  body?: unknown;
  contentType?: string | undefined;
  signal?: AbortSignal | undefined;
}

export interface TransportResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** Requests counted by method, for metrics and the steady-state "zero writes" checks. */
export interface RequestCounter {
  (method: string, status: number): void;
}

const AUTH_CACHE_MS = 30_000;

/** undici's errors for a connection that stayed silent past the request timeout. */
const silentCodes = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

export function transportFromCredentials(
  creds: Credentials,
  opts: {
    userAgent?: string | undefined;
    onResponse?: RequestCounter | undefined;
    /** A request (not a watch) whose connection stays silent this long fails (default 60 s). */
    requestTimeoutMs?: number | undefined;
  } = {},
): Transport {
  const requestTimeoutMs = opts.requestTimeoutMs ?? 60_000;
  const server = creds.server.replace(/\/+$/, '');
  const isHttp = server.startsWith('http:');
  if (isHttp && !creds.skipTLSVerify) {
    throw new Error('plain http server requires insecure-skip-tls-verify in the kubeconfig');
  }
  const agentOpts: https.AgentOptions = {
    keepAlive: true,
    maxSockets: 64,
    ca: creds.ca,
    cert: creds.cert,
    key: creds.key,
    ...(creds.skipTLSVerify ? { rejectUnauthorized: false } : {}),
    ...(creds.tlsServerName === undefined ? {} : { servername: creds.tlsServerName }),
  };
  // Requests go through undici: for the small JSON requests a controller makes by the thousand it
  // costs about half the client CPU of node:https, and its single write of headers and body saves
  // the server a read (bench/revision-engine.ts). 64 keep-alive connections, as the agent had.
  // undici stays on the major version Node bundles (6 in Node 20): loading the package installs
  // its Agent as the global dispatcher that the built-in fetch (the OCI client) uses too.
  // A server URL may carry a path (a proxy such as Rancher's `/k8s/clusters/<id>`): undici pools
  // by origin, so the path goes in front of every request path.
  const base = new URL(server);
  const prefix = base.pathname.replace(/\/+$/, '');
  const pool = new Pool(base.origin, {
    connections: 64,
    headersTimeout: requestTimeoutMs,
    bodyTimeout: requestTimeoutMs,
    connectTimeout: requestTimeoutMs,
    connect: isHttp
      ? {}
      : {
          ca: creds.ca,
          cert: creds.cert,
          key: creds.key,
          rejectUnauthorized: creds.skipTLSVerify !== true,
          ...(creds.tlsServerName === undefined ? {} : { servername: creds.tlsServerName }),
        },
  });
  // Watches hold their connection for minutes: node:https streams in their own pool, unbounded,
  // so that many informers never starve ordinary requests of sockets (or each other).
  const streamAgent = isHttp
    ? new http.Agent({ keepAlive: false })
    : new https.Agent({ ...agentOpts, keepAlive: false, maxSockets: Infinity });
  const userAgent = opts.userAgent ?? 'packsync';

  let auth: { headers: Record<string, string>; at: number } | undefined;
  const authHeaders = async (): Promise<Record<string, string>> => {
    if (auth !== undefined && Date.now() - auth.at < AUTH_CACHE_MS) return auth.headers;
    auth = { headers: await creds.headers(), at: Date.now() };
    return auth.headers;
  };

  const pathWithQuery = (req: TransportRequest): string => {
    let q = '';
    for (const [k, v] of Object.entries(req.query ?? {})) {
      if (v !== undefined)
        q += `${q === '' ? '?' : '&'}${encodeURIComponent(k)}=${encodeURIComponent(v)}`;
    }
    if (q !== '' && req.path.includes('?')) q = `&${q.slice(1)}`;
    return prefix + req.path + q;
  };
  const requestHeaders = async (
    req: TransportRequest,
  ): Promise<{ headers: Record<string, string>; payload: Buffer | undefined }> => {
    const headers: Record<string, string> = {
      ...(await authHeaders()),
      accept: 'application/json',
      'user-agent': userAgent,
    };
    let payload: Buffer | undefined;
    if (req.body !== undefined) {
      payload = Buffer.from(JSON.stringify(req.body));
      headers['content-type'] = req.contentType ?? 'application/json';
    }
    return { headers, payload };
  };
  const failed = (req: TransportRequest, err: unknown, what = ''): KubeApiError => {
    // undici rejects with the socket's own error (ECONNREFUSED, TLS) or one of its timeouts.
    const code = (err as { code?: unknown }).code;
    const message =
      typeof code === 'string' && silentCodes.has(code)
        ? `no answer for ${requestTimeoutMs} ms`
        : `${what}${err instanceof Error ? err.message : String(err)}`;
    return new KubeApiError(`${req.method} ${req.path}: ${message}`, { status: 0, cause: err });
  };

  return {
    server,
    async request(req) {
      const { headers, payload } = await requestHeaders(req);
      let res: Dispatcher.ResponseData;
      try {
        res = await pool.request({
          method: req.method as Dispatcher.HttpMethod,
          path: pathWithQuery(req),
          headers,
          body: payload,
          signal: req.signal,
        });
      } catch (err) {
        throw failed(req, err);
      }
      const chunks: Buffer[] = [];
      try {
        for await (const c of res.body) chunks.push(c as Buffer);
      } catch (err) {
        throw failed(req, err, 'reading response: ');
      }
      opts.onResponse?.(req.method, res.statusCode);
      return {
        status: res.statusCode,
        headers: res.headers,
        body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks),
      };
    },
    async stream(req) {
      // No inactivity timeout: the informer's idle watchdog decides when a watch is dead.
      const { headers, payload } = await requestHeaders(req);
      if (payload !== undefined) headers['content-length'] = String(payload.length);
      const mod = isHttp ? http : https;
      const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
        const r = mod.request(
          base.origin + pathWithQuery(req),
          {
            method: req.method,
            headers,
            agent: streamAgent,
            ...(req.signal ? { signal: req.signal } : {}),
          },
          resolve,
        );
        r.on('error', (err: Error) => reject(failed(req, err)));
        r.end(payload);
      });
      opts.onResponse?.(req.method, res.statusCode ?? 0);
      return res;
    },
    close() {
      void pool.destroy();
      streamAgent.destroy();
    },
  };
}

interface StatusBody {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: StatusDetails;
}

/** The error for a non-2xx answer, from its Status body when there is one. */
export function errorFromResponse(
  method: string,
  path: string,
  status: number,
  body: unknown,
  headers?: http.IncomingHttpHeaders,
): KubeApiError {
  let parsed: unknown = body;
  if (Buffer.isBuffer(body) || typeof body === 'string') {
    const text = body.toString();
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = { message: text.trim().slice(0, 500) };
    }
  }
  const st = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as StatusBody;
  const retryHeader = headers?.['retry-after'];
  const retryAfter =
    typeof retryHeader === 'string' && /^\d+$/.test(retryHeader) ? Number(retryHeader) : undefined;
  const message = st.message !== undefined && st.message !== '' ? st.message : `HTTP ${status}`;
  return new KubeApiError(`${method} ${path}: ${message}`, {
    status: st.code ?? status,
    reason: st.reason,
    details: st.details,
    retryAfterSeconds: retryAfter,
    statusMessage: message,
  });
}
