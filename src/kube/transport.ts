import * as http from 'node:http';
import * as https from 'node:https';
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
  const agent = isHttp
    ? new http.Agent({ keepAlive: true, maxSockets: 64 })
    : new https.Agent(agentOpts);
  // Watches hold their connection for minutes: their own pool, unbounded, so that many informers
  // never starve ordinary requests of sockets (or each other).
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

  const open = async (
    req: TransportRequest,
    via: http.Agent = agent,
    timeoutMs = requestTimeoutMs,
  ): Promise<http.IncomingMessage> => {
    const url = new URL(server + req.path);
    for (const [k, v] of Object.entries(req.query ?? {})) {
      if (v !== undefined) url.searchParams.set(k, v);
    }
    const headers: Record<string, string> = {
      ...(await authHeaders()),
      Accept: 'application/json',
      'User-Agent': userAgent,
    };
    let payload: Buffer | undefined;
    if (req.body !== undefined) {
      payload = Buffer.from(JSON.stringify(req.body));
      headers['Content-Type'] = req.contentType ?? 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    const mod = isHttp ? http : https;
    return new Promise<http.IncomingMessage>((resolve, reject) => {
      const r = mod.request(
        url,
        { method: req.method, headers, agent: via, ...(req.signal ? { signal: req.signal } : {}) },
        resolve,
      );
      r.on('error', (err: Error) =>
        reject(
          new KubeApiError(`${req.method} ${req.path}: ${err.message}`, { status: 0, cause: err }),
        ),
      );
      if (timeoutMs > 0) {
        r.setTimeout(timeoutMs, () => {
          r.destroy(new Error(`no answer for ${timeoutMs} ms`));
        });
      }
      r.end(payload);
    });
  };

  return {
    server,
    async request(req) {
      const res = await open(req);
      const chunks: Buffer[] = [];
      try {
        for await (const c of res) chunks.push(c as Buffer);
      } catch (err) {
        throw new KubeApiError(`${req.method} ${req.path}: reading response: ${String(err)}`, {
          status: 0,
          cause: err,
        });
      }
      const status = res.statusCode ?? 0;
      opts.onResponse?.(req.method, status);
      return { status, headers: res.headers, body: Buffer.concat(chunks) };
    },
    async stream(req) {
      // No inactivity timeout: the informer's idle watchdog decides when a watch is dead.
      const res = await open(req, streamAgent, 0);
      opts.onResponse?.(req.method, res.statusCode ?? 0);
      return res;
    },
    close() {
      agent.destroy();
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
