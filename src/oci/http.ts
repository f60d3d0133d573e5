/**
 * The HTTP edge of the registry client: a fetch-shaped transport (global fetch, or one over
 * node:https when a custom CA or skipped TLS verification is asked for), body reading with a size
 * limit, and retry timing. The client above only sees `FetchLike`.
 */
import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';

import { OciError } from './errors.js';

export interface FetchInit {
  method: string;
  headers: Record<string, string>;
  body?: Uint8Array;
  signal?: AbortSignal;
}

/** What the client needs of `fetch`; redirects are never followed by the transport. */
export type FetchLike = (url: string, init: FetchInit) => Promise<Response>;

export interface TlsOptions {
  /** Extra trusted CA certificates (PEM), added to Node's default roots. */
  ca?: string | Buffer | readonly (string | Buffer)[];
  /** Skip certificate verification (only for `insecure`). */
  insecureSkipVerify?: boolean;
}

/** Global fetch with redirects left to the caller. */
export const globalFetch: FetchLike = (url, init) =>
  fetch(url, {
    method: init.method,
    headers: init.headers,
    ...(init.body ? { body: init.body } : {}),
    ...(init.signal ? { signal: init.signal } : {}),
    redirect: 'manual',
  });

let defaultCaCache: string[] | undefined;
async function defaultCas(): Promise<string[]> {
  if (!defaultCaCache) {
    const tls = await import('node:tls');
    defaultCaCache = [...tls.rootCertificates];
  }
  return defaultCaCache;
}

/**
 * A fetch-shaped transport over node:http/https that honours a custom CA bundle (added to the
 * default roots) and, when asked, skips certificate verification.
 */
export function createNodeFetch(tls: TlsOptions): FetchLike {
  return async (url, init) => {
    const u = new URL(url);
    const extra = tls.ca === undefined ? [] : Array.isArray(tls.ca) ? tls.ca : [tls.ca];
    const ca = extra.length > 0 ? [...(await defaultCas()), ...extra.map(String)] : undefined;
    return new Promise<Response>((resolve, reject) => {
      const options = {
        method: init.method,
        headers: init.headers,
        ...(init.signal ? { signal: init.signal } : {}),
      };
      const onResponse = (res: IncomingMessage): void => {
        const headers = new Headers();
        for (const [k, v] of Object.entries(res.headers)) {
          if (Array.isArray(v)) for (const x of v) headers.append(k, x);
          else if (v !== undefined) headers.set(k, v);
        }
        const status = res.statusCode ?? 0;
        const noBody = init.method === 'HEAD' || status === 204 || status === 304 || status < 200;
        if (noBody) res.resume();
        resolve(
          new Response(noBody ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), {
            status,
            headers,
          }),
        );
      };
      const req =
        u.protocol === 'https:'
          ? httpsRequest(
              u,
              {
                ...options,
                ...(ca ? { ca } : {}),
                rejectUnauthorized: !(tls.insecureSkipVerify ?? false),
              },
              onResponse,
            )
          : httpRequest(u, options, onResponse);
      req.on('error', reject);
      if (init.body) req.end(Buffer.from(init.body));
      else req.end();
    });
  };
}

/**
 * Reads a response body into memory, failing as soon as it passes `limit` bytes (checked against
 * Content-Length first, then while streaming).
 */
export async function readBody(res: Response, limit: number, what: string): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) {
    await res.body?.cancel();
    throw new OciError(
      'limit-exceeded',
      `${what}: ${declared} bytes exceeds the limit of ${limit} bytes`,
    );
  }
  if (!res.body) return Buffer.alloc(0);
  const parts: Uint8Array[] = [];
  let total = 0;
  try {
    // Leaving the loop early cancels the stream.
    for await (const value of res.body as unknown as AsyncIterable<Uint8Array>) {
      total += value.byteLength;
      if (total > limit) {
        throw new OciError('limit-exceeded', `${what}: body exceeds the limit of ${limit} bytes`);
      }
      parts.push(value);
    }
  } catch (err) {
    if (err instanceof OciError) throw err;
    const name = (err as { name?: string }).name;
    const reason =
      name === 'TimeoutError' || name === 'AbortError'
        ? 'timed out or cancelled'
        : (err as Error).message;
    throw new OciError('network', `${what}: reading response: ${reason}`, { cause: err });
  }
  return Buffer.concat(parts);
}

/** Delay before retry `attempt` (0-based): exponential from `baseMs`, or the server's Retry-After. */
export function retryDelay(attempt: number, baseMs: number, retryAfter: string | null): number {
  if (retryAfter !== null) {
    const secs = Number(retryAfter);
    if (Number.isFinite(secs) && secs >= 0) return Math.min(secs * 1000, 30_000);
    const when = Date.parse(retryAfter);
    if (Number.isFinite(when)) return Math.min(Math.max(0, when - Date.now()), 30_000);
  }
  return baseMs * 2 ** attempt;
}

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}
