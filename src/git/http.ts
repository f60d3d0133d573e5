/**
 * isomorphic-git's HTTP plugin, written over node:http/https so that we control what the library's
 * own client (simple-get) does not expose: a custom CA added to Node's roots (TLS verification is
 * always on), credentials sent only to the repository's origin, an abort signal on every request,
 * a byte budget for packs, and counters. One `GitHttp` serves one operation (resolve or fetch).
 */
import { request as httpRequest } from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';

import type { GitHttpRequest, GitHttpResponse, HttpClient } from 'isomorphic-git';

export interface GitHttpOptions {
  /** Headers added to requests to the repository's origin (the Authorization header). */
  authHeaders: Record<string, string>;
  /** Origin (`https://host:port`) the auth headers may be sent to. */
  origin: string;
  /** Extra trusted CA certificates (PEM), in addition to Node's default roots. */
  caPem?: string | undefined;
  signal: AbortSignal;
  /** Budget for the bytes of upload-pack responses (the pack); exceeding it aborts the request. */
  maxPackBytes: number;
  /** Idle time on a socket after which the request fails. */
  idleTimeoutMs: number;
}

/** What the plugin saw, read by the source to map isomorphic-git's errors to reasons. */
export interface GitHttpTrace {
  requests: number;
  bytes: number;
  packBytes: number;
  /** Set when the pack passed `maxPackBytes`. */
  tooLarge: boolean;
  /** HTTP status of the last response. */
  lastStatus: number;
}

const maxRedirects = 5;

async function collectBody(body: GitHttpRequest['body']): Promise<Buffer | undefined> {
  if (!body) return undefined;
  const parts: Uint8Array[] = [];
  for await (const part of body) parts.push(part);
  return Buffer.concat(parts);
}

/**
 * Adds `thin-pack` to the capabilities of an upload-pack request (its first pkt-line, `want <oid>
 * <caps>`). isomorphic-git leaves it out because canonical git cannot read thin packs it stores,
 * but its own object store resolves their external bases, and without it a server that walks a
 * shallow history (`deepen 1`) cannot tell which objects we already have: every incremental fetch
 * would download the whole tree again.
 */
export function askThinPack(body: Buffer): Buffer {
  const len = Number.parseInt(body.subarray(0, 4).toString('latin1'), 16);
  if (!Number.isFinite(len) || len < 4 || len > body.length) return body;
  const line = body.subarray(4, len).toString('latin1');
  if (!line.startsWith('want ') || / thin-pack\b/.test(line) || !line.includes(' ', 45))
    return body;
  const nl = line.endsWith('\n') ? '\n' : '';
  const updated = `${line.slice(0, line.length - nl.length)} thin-pack${nl}`;
  const pkt = (updated.length + 4).toString(16).padStart(4, '0') + updated;
  return Buffer.concat([Buffer.from(pkt, 'latin1'), body.subarray(len)]);
}

export class GitHttp implements HttpClient {
  readonly trace: GitHttpTrace = {
    requests: 0,
    bytes: 0,
    packBytes: 0,
    tooLarge: false,
    lastStatus: 0,
  };
  private readonly ca: string[] | undefined;
  /** Whether the server's refs advertisement offered `thin-pack`. */
  private serverThinPack = false;

  constructor(private readonly opts: GitHttpOptions) {
    this.ca = opts.caPem ? [...rootCertificates, opts.caPem] : undefined;
  }

  request = async (req: GitHttpRequest): Promise<GitHttpResponse> => {
    let body = await collectBody(req.body);
    if (body && this.serverThinPack && req.url.endsWith('/git-upload-pack'))
      body = askThinPack(body);
    let url = new URL(req.url);
    for (let hop = 0; ; hop++) {
      const res = await this.send(url, req.method ?? 'GET', req.headers ?? {}, body);
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (status >= 300 && status < 400 && location && hop < maxRedirects) {
        res.resume();
        const next = new URL(location, url);
        if (url.protocol === 'https:' && next.protocol !== 'https:') {
          throw new Error(`refusing a redirect from https to ${next.protocol}`);
        }
        url = next;
        continue;
      }
      return this.wrap(url, req.method ?? 'GET', res);
    }
  };

  private send(
    url: URL,
    method: string,
    headers: Record<string, string>,
    body: Buffer | undefined,
  ): Promise<IncomingMessage> {
    const all: OutgoingHttpHeaders = { ...headers };
    // Credentials only go to the repository's own origin, never to a redirect target elsewhere.
    if (url.origin === this.opts.origin) Object.assign(all, this.opts.authHeaders);
    else for (const k of Object.keys(all)) if (k.toLowerCase() === 'authorization') delete all[k];
    if (body) all['content-length'] = body.byteLength;
    this.trace.requests++;
    return new Promise((resolve, reject) => {
      const options = { method, headers: all, signal: this.opts.signal };
      const r =
        url.protocol === 'https:'
          ? httpsRequest(
              url,
              { ...options, ...(this.ca ? { ca: this.ca } : {}), rejectUnauthorized: true },
              resolve,
            )
          : httpRequest(url, options, resolve);
      r.setTimeout(this.opts.idleTimeoutMs, () =>
        r.destroy(new Error(`no data from the server for ${this.opts.idleTimeoutMs} ms`)),
      );
      r.on('error', reject);
      r.end(body);
    });
  }

  private wrap(url: URL, method: string, res: IncomingMessage): GitHttpResponse {
    const status = res.statusCode ?? 0;
    this.trace.lastStatus = status;
    const isPack = method === 'POST' && url.pathname.endsWith('/git-upload-pack');
    const declared = Number(res.headers['content-length'] ?? Number.NaN);
    const trace = this.trace;
    const limit = this.opts.maxPackBytes;
    const isAdvertisement = method === 'GET' && url.pathname.endsWith('/info/refs');
    let head = isAdvertisement ? '' : undefined;
    const sawThinPack = (): void => {
      this.serverThinPack = true;
    };
    if (isPack && Number.isFinite(declared) && declared > limit) {
      trace.tooLarge = true;
      res.destroy(new Error(`pack of ${declared} bytes exceeds the limit of ${limit} bytes`));
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) {
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    }
    async function* counted(): AsyncGenerator<Uint8Array> {
      for await (const chunk of res as AsyncIterable<Buffer>) {
        trace.bytes += chunk.byteLength;
        if (isPack) {
          trace.packBytes += chunk.byteLength;
          if (trace.packBytes > limit) {
            trace.tooLarge = true;
            res.destroy();
            throw new Error(`pack exceeds the limit of ${limit} bytes`);
          }
        }
        if (head !== undefined && head.length < 8192) {
          head += chunk.toString('latin1');
          if (/[ \0]thin-pack[ \n]/.test(head)) sawThinPack();
        }
        yield new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      }
    }
    return {
      url: url.toString(),
      method,
      statusCode: status,
      statusMessage: res.statusMessage ?? '',
      headers,
      body: counted(),
    };
  }
}
