/**
 * Registry client for the distribution API: ping, the WWW-Authenticate Bearer token flow and Basic
 * auth, HEAD/GET/PUT of manifests and blobs, monolithic and chunked uploads, retries with backoff on
 * 5xx/429, a timeout per request, size limits, and digest verification of everything it reads.
 * HTTPS with verification unless `insecure` is set (then HTTPS without verification, falling back to
 * plain HTTP). With a `cache`, a pull resolves the reference to a digest (one HEAD) and takes
 * manifests and blobs from the cache, fetching and storing only what it lacks.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import type { Action } from './auth.js';
import type { BlobCache } from './blob-cache.js';
import { parseWwwAuthenticate, repositoryScope } from './auth.js';
import type { Credential, CredentialStore } from './credentials.js';
import { credentialFor } from './credentials.js';
import { sha256Digest, verifyBlob } from './digest.js';
import { OciError, RegistryError } from './errors.js';
import type { FetchLike, TlsOptions } from './http.js';
import { createNodeFetch, globalFetch, isRetryableStatus, readBody, retryDelay } from './http.js';
import type { FileMap, Image, ReadOptions } from './image.js';
import { assembleImage, readPackageImage } from './image.js';
import type { Descriptor, Platform } from './manifest.js';
import { defaultPlatform, parseManifestDocument, selectManifest } from './manifest.js';
import { manifestAccept } from './media-types.js';
import type { ImageReference } from './reference.js';
import {
  apiHost,
  formatReference,
  manifestIdentifier,
  parseReference,
  repositoryName,
} from './reference.js';

export interface RegistryClientOptions {
  /** Credentials by registry host (see `loadDockerConfig`, `parsePullSecret`). */
  credentials?: CredentialStore;
  /** Allow plain HTTP and skip TLS verification. */
  insecure?: boolean;
  /** Extra trusted CA certificates (PEM). */
  ca?: TlsOptions['ca'];
  /** Timeout of each HTTP request, including reading its body. Default 60 s. */
  timeoutMs?: number;
  /** Retries on network errors, 5xx and 429. Default 3. */
  retries?: number;
  /** First backoff delay; doubles per retry. Default 250 ms. */
  backoffMs?: number;
  /** Largest manifest accepted. Default 4 MiB. */
  maxManifestSize?: number;
  /** Largest blob accepted. Default 512 MiB. */
  maxBlobSize?: number;
  /** Upload blobs in PATCH chunks of this many bytes instead of one PUT. */
  chunkSize?: number;
  /** Limits for unpacking package layers. */
  unpack?: ReadOptions;
  /** Transport; defaults to global fetch (or node:https when `ca`/`insecure` need it). */
  fetch?: FetchLike;
  userAgent?: string;
  /** Cancels every request of this client. */
  signal?: AbortSignal;
  /** On-disk content-addressed cache for pulls (manifests by digest, blobs). */
  cache?: BlobCache;
}

interface Endpoint {
  base: string;
}

interface RequestSpec {
  ref: ImageReference;
  action: Action;
  method: string;
  /** Path under the registry (`/v2/...`) or an absolute URL (upload locations). */
  url: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
  /** Statuses returned to the caller instead of thrown. */
  accept: readonly number[];
  what: string;
}

export interface ManifestResult {
  digest: string;
  mediaType: string;
  bytes: Buffer;
}

export interface PullResult {
  /** Digest the reference resolves to (an index digest for multi-platform images). */
  digest: string;
  image: Image;
  files: FileMap;
}

function basicHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

function registryErrorText(body: string): string {
  try {
    const json = JSON.parse(body) as { errors?: { code?: string; message?: string }[] };
    const errs = json.errors ?? [];
    if (errs.length > 0) {
      return errs.map((e) => [e.code, e.message].filter(Boolean).join(': ')).join('; ');
    }
  } catch {
    // not JSON: use the text as is
  }
  return body.trim().slice(0, 200);
}

/**
 * Global fetch for plain HTTP and for HTTPS with default verification; node:https where a custom CA
 * or skipped verification (`insecure`) is needed.
 */
function transportFor(options: RegistryClientOptions): FetchLike {
  if (options.ca === undefined && !options.insecure) return globalFetch;
  const tls = createNodeFetch({
    ...(options.ca !== undefined ? { ca: options.ca } : {}),
    insecureSkipVerify: options.insecure ?? false,
  });
  return (url, init) => (url.startsWith('https:') ? tls(url, init) : globalFetch(url, init));
}

export class RegistryClient {
  private readonly opts: RegistryClientOptions;
  private readonly fetchFn: FetchLike;
  private readonly endpoints = new Map<string, Promise<Endpoint>>();
  /** Authorization header values by `registry scope`. */
  private readonly auth = new Map<string, string>();
  /** The URL each accepted response came from, to resolve relative upload locations. */
  private readonly responseUrls = new WeakMap<Response, string>();

  constructor(options: RegistryClientOptions = {}) {
    this.opts = options;
    this.fetchFn = options.fetch ?? transportFor(options);
  }

  private get timeoutMs(): number {
    return this.opts.timeoutMs ?? 60_000;
  }

  /** One HTTP exchange with retries on network errors, 5xx and 429. */
  private async send(
    url: string,
    init: { method: string; headers: Record<string, string>; body?: Uint8Array },
    what: string,
    retries = this.opts.retries ?? 3,
  ): Promise<Response> {
    const base = this.opts.backoffMs ?? 250;
    const headers = { 'user-agent': this.opts.userAgent ?? 'packsync', ...init.headers };
    for (let attempt = 0; ; attempt += 1) {
      let res: Response;
      const timeout = AbortSignal.timeout(this.timeoutMs);
      const signal = this.opts.signal ? AbortSignal.any([timeout, this.opts.signal]) : timeout;
      try {
        res = await this.fetchFn(url, { ...init, headers, signal });
      } catch (err) {
        if (this.opts.signal?.aborted) {
          throw new OciError('network', `${what}: cancelled`, { cause: err });
        }
        const timedOut = timeout.aborted;
        if (attempt < retries && init.method !== 'PATCH') {
          await this.pause(retryDelay(attempt, base, null), what);
          continue;
        }
        const reason = timedOut
          ? `timed out after ${this.timeoutMs} ms`
          : ((err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message);
        throw new OciError('network', `${what}: ${init.method} ${url}: ${reason}`, { cause: err });
      }
      if (isRetryableStatus(res.status) && attempt < retries && init.method !== 'PATCH') {
        await res.body?.cancel();
        await this.pause(retryDelay(attempt, base, res.headers.get('retry-after')), what);
        continue;
      }
      return res;
    }
  }

  /** Waits before a retry; the client's signal cuts the wait short. */
  private async pause(ms: number, what: string): Promise<void> {
    try {
      await sleep(ms, undefined, this.opts.signal ? { signal: this.opts.signal } : {});
    } catch (err) {
      throw new OciError('network', `${what}: cancelled`, { cause: err });
    }
  }

  /** Finds the scheme of a registry by pinging `/v2/` (HTTPS; plain HTTP only when insecure). */
  private endpoint(registry: string): Promise<Endpoint> {
    let e = this.endpoints.get(registry);
    if (!e) {
      e = this.probe(registry);
      this.endpoints.set(registry, e);
      e.catch(() => this.endpoints.delete(registry));
    }
    return e;
  }

  private async probe(registry: string): Promise<Endpoint> {
    const host = apiHost(registry);
    const schemes = this.opts.insecure ? ['https', 'http'] : ['https'];
    let lastError: unknown;
    for (const scheme of schemes) {
      const base = `${scheme}://${host}`;
      try {
        // With a plain-HTTP fallback to try, a failing HTTPS attempt is not retried.
        const fallback = scheme === 'https' && schemes.length > 1;
        const res = await this.send(
          `${base}/v2/`,
          { method: 'GET', headers: {} },
          `pinging registry ${registry}`,
          fallback ? 0 : undefined,
        );
        await res.body?.cancel();
        if (res.status === 200 || res.status === 401) return { base };
        lastError = new RegistryError(
          'registry',
          res.status,
          `pinging registry ${registry}: ${base}/v2/ answered ${res.status}; not a registry?`,
        );
      } catch (err) {
        lastError = err;
      }
    }
    throw lastError instanceof Error
      ? lastError
      : new OciError('network', `pinging registry ${registry}: failed`);
  }

  private authKey(ref: ImageReference, action: Action): string {
    return `${ref.registry} ${repositoryScope(ref.repository, action)}`;
  }

  /** Answers a 401 challenge: fetches a token (Bearer) or uses the credential (Basic). */
  private async authenticate(
    ref: ImageReference,
    action: Action,
    challengeHeader: string | null,
    what: string,
  ): Promise<string> {
    const cred: Credential | undefined = this.opts.credentials
      ? credentialFor(this.opts.credentials, ref.registry)
      : undefined;
    const challenges = parseWwwAuthenticate(challengeHeader ?? '');
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    const unauthorized = (detail: string): RegistryError =>
      new RegistryError(
        'unauthorized',
        401,
        `${what}: unauthorized: ${detail}${cred ? '' : ` (no credentials for registry ${ref.registry})`}`,
      );
    if (bearer) {
      if (cred?.kind === 'registry-token') return `Bearer ${cred.token}`;
      const realm = bearer.params.realm;
      if (!realm) throw unauthorized('bearer challenge without realm');
      const url = new URL(realm);
      const scope = repositoryScope(ref.repository, action);
      const service = bearer.params.service;
      let res: Response;
      if (cred?.kind === 'identity-token') {
        const form = new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: cred.token,
          client_id: 'packsync',
          scope,
          ...(service ? { service } : {}),
        });
        res = await this.send(
          url.toString(),
          {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: Buffer.from(form.toString()),
          },
          `${what}: fetching token`,
        );
      } else {
        if (service) url.searchParams.set('service', service);
        url.searchParams.set('scope', scope);
        const headers: Record<string, string> = {};
        if (cred?.kind === 'basic')
          headers.authorization = basicHeader(cred.username, cred.password);
        res = await this.send(
          url.toString(),
          { method: 'GET', headers },
          `${what}: fetching token`,
        );
      }
      const body = (await readBody(res, 1024 * 1024, `${what}: token response`)).toString('utf8');
      if (res.status === 401 || res.status === 403) {
        throw unauthorized(`token server refused: ${registryErrorText(body)}`);
      }
      if (res.status !== 200) {
        throw new RegistryError(
          'registry',
          res.status,
          `${what}: token server answered ${res.status}: ${registryErrorText(body)}`,
        );
      }
      let token: unknown;
      try {
        const json = JSON.parse(body) as { token?: unknown; access_token?: unknown };
        token = json.token ?? json.access_token;
      } catch {
        token = undefined;
      }
      if (typeof token !== 'string' || token === '') {
        throw new RegistryError('registry', res.status, `${what}: token response has no token`);
      }
      return `Bearer ${token}`;
    }
    if (challenges.some((c) => c.scheme === 'basic') || challenges.length === 0) {
      if (cred?.kind === 'basic') return basicHeader(cred.username, cred.password);
      if (cred?.kind === 'identity-token' && cred.username) {
        return basicHeader(cred.username, cred.token);
      }
      throw unauthorized('authentication required');
    }
    throw unauthorized(`unsupported challenge "${challengeHeader ?? ''}"`);
  }

  /** A registry request with auth, retries and redirects; throws on statuses not in `accept`. */
  private async request(spec: RequestSpec): Promise<Response> {
    const { base } = await this.endpoint(spec.ref.registry);
    const key = this.authKey(spec.ref, spec.action);
    let url = spec.url.startsWith('/') ? `${base}${spec.url}` : spec.url;
    const origin = new URL(base).origin;
    let authRetried = false;
    for (let redirects = 0; ;) {
      const headers: Record<string, string> = { ...spec.headers };
      const authValue = this.auth.get(key);
      if (authValue && new URL(url).origin === origin) headers.authorization = authValue;
      const res = await this.send(
        url,
        { method: spec.method, headers, ...(spec.body ? { body: spec.body } : {}) },
        spec.what,
      );
      if (res.status === 401 && !authRetried && new URL(url).origin === origin) {
        authRetried = true;
        const challenge = res.headers.get('www-authenticate');
        await res.body?.cancel();
        this.auth.set(key, await this.authenticate(spec.ref, spec.action, challenge, spec.what));
        continue;
      }
      if ([301, 302, 303, 307, 308].includes(res.status) && res.headers.get('location')) {
        await res.body?.cancel();
        redirects += 1;
        if (redirects > 5) {
          throw new RegistryError('registry', res.status, `${spec.what}: too many redirects`);
        }
        url = new URL(res.headers.get('location') ?? '', url).toString();
        continue;
      }
      if (spec.accept.includes(res.status)) {
        this.responseUrls.set(res, url);
        return res;
      }
      const text =
        spec.method === 'HEAD'
          ? ''
          : (await readBody(res, 64 * 1024, spec.what).catch(() => Buffer.alloc(0))).toString(
              'utf8',
            );
      const detail = registryErrorText(text);
      const suffix = detail ? `: ${detail}` : '';
      if (res.status === 401 || res.status === 403) {
        const cred = this.opts.credentials
          ? credentialFor(this.opts.credentials, spec.ref.registry)
          : undefined;
        throw new RegistryError(
          'unauthorized',
          res.status,
          `${spec.what}: ${res.status === 401 ? 'unauthorized' : 'forbidden'}${suffix}${cred ? '' : ` (no credentials for registry ${spec.ref.registry})`}`,
        );
      }
      if (res.status === 404) {
        throw new RegistryError('not-found', 404, `${spec.what}: not found${suffix}`);
      }
      throw new RegistryError(
        'registry',
        res.status,
        `${spec.what}: registry answered ${res.status}${suffix}`,
      );
    }
  }

  private manifestUrl(ref: ImageReference, id = manifestIdentifier(ref)): string {
    return `/v2/${ref.repository}/manifests/${id}`;
  }

  /** Checks that the registry answers (and that its credentials work for `ref`, if given). */
  async ping(registryOrRef: string): Promise<void> {
    const registry = registryOrRef.includes('/')
      ? parseReference(registryOrRef).registry
      : registryOrRef;
    await this.endpoint(registry);
  }

  /** The digest a reference points to (HEAD, falling back to GET and hashing). */
  async resolveDigest(reference: ImageReference | string): Promise<string> {
    const ref = typeof reference === 'string' ? parseReference(reference) : reference;
    const what = `resolving ${formatReference(ref)}`;
    const res = await this.request({
      ref,
      action: 'pull',
      method: 'HEAD',
      url: this.manifestUrl(ref),
      headers: { accept: manifestAccept },
      accept: [200],
      what,
    });
    const header = res.headers.get('docker-content-digest');
    if (header && /^sha256:[0-9a-f]{64}$/.test(header)) {
      if (ref.digest && header !== ref.digest) {
        throw new OciError('digest-mismatch', `${what}: registry reports ${header}`);
      }
      return header;
    }
    return (await this.getManifest(ref)).digest;
  }

  /** Fetches a manifest or index, verifying its digest against the reference or the registry header. */
  async getManifest(reference: ImageReference | string): Promise<ManifestResult> {
    const ref = typeof reference === 'string' ? parseReference(reference) : reference;
    const what = `manifest ${formatReference(ref)}`;
    const res = await this.request({
      ref,
      action: 'pull',
      method: 'GET',
      url: this.manifestUrl(ref),
      headers: { accept: manifestAccept },
      accept: [200],
      what: `fetching ${what}`,
    });
    const bytes = await readBody(res, this.opts.maxManifestSize ?? 4 * 1024 * 1024, what);
    const expected = ref.digest ?? res.headers.get('docker-content-digest') ?? undefined;
    if (expected) verifyBlob(what, bytes, { digest: expected });
    const doc = parseManifestDocument(bytes, res.headers.get('content-type') ?? undefined, what);
    return { digest: sha256Digest(bytes), mediaType: doc.mediaType, bytes };
  }

  /** Fetches a blob, verifying size and digest against its descriptor. */
  async getBlob(
    reference: ImageReference | string,
    desc: Pick<Descriptor, 'digest' | 'size'>,
  ): Promise<Buffer> {
    const ref = typeof reference === 'string' ? parseReference(reference) : reference;
    const what = `blob ${desc.digest} of ${repositoryName(ref)}`;
    const limit = this.opts.maxBlobSize ?? 512 * 1024 * 1024;
    if (desc.size > limit) {
      throw new OciError(
        'limit-exceeded',
        `${what}: ${desc.size} bytes exceeds the limit of ${limit} bytes`,
      );
    }
    const res = await this.request({
      ref,
      action: 'pull',
      method: 'GET',
      url: `/v2/${ref.repository}/blobs/${desc.digest}`,
      accept: [200],
      what: `fetching ${what}`,
    });
    const data = await readBody(res, Math.min(limit, desc.size), what).catch((err: unknown) => {
      if (err instanceof OciError && err.code === 'limit-exceeded') {
        throw new OciError(
          'size-mismatch',
          `${what}: larger than its descriptor size ${desc.size}`,
        );
      }
      throw err;
    });
    verifyBlob(what, data, desc);
    return data;
  }

  async blobExists(
    reference: ImageReference | string,
    digest: string,
    action: Action = 'pull',
  ): Promise<boolean> {
    const ref = typeof reference === 'string' ? parseReference(reference) : reference;
    const res = await this.request({
      ref,
      action,
      method: 'HEAD',
      url: `/v2/${ref.repository}/blobs/${digest}`,
      accept: [200, 404],
      what: `checking blob ${digest} in ${repositoryName(ref)}`,
    });
    return res.status === 200;
  }

  /**
   * Uploads a blob unless the registry has it; monolithic (POST + PUT) or, with `chunkSize`, in
   * PATCH chunks. Returns its digest.
   */
  async putBlob(
    reference: ImageReference | string,
    data: Uint8Array,
    options: { chunkSize?: number } = {},
  ): Promise<string> {
    const ref = typeof reference === 'string' ? parseReference(reference) : reference;
    const digest = sha256Digest(data);
    if (await this.blobExists(ref, digest, 'push')) return digest;
    const what = `uploading blob ${digest} to ${repositoryName(ref)}`;
    const start = await this.request({
      ref,
      action: 'push',
      method: 'POST',
      url: `/v2/${ref.repository}/blobs/uploads/`,
      headers: { 'content-length': '0' },
      accept: [202],
      what,
    });
    await start.body?.cancel();
    let location = this.location(start, what);
    const chunkSize = options.chunkSize ?? this.opts.chunkSize;
    let finalBody: Uint8Array = data;
    if (chunkSize !== undefined && chunkSize > 0) {
      for (let off = 0; off < data.byteLength; off += chunkSize) {
        const chunk = data.subarray(off, Math.min(off + chunkSize, data.byteLength));
        const res = await this.request({
          ref,
          action: 'push',
          method: 'PATCH',
          url: location,
          headers: {
            'content-type': 'application/octet-stream',
            'content-range': `${off}-${off + chunk.byteLength - 1}`,
            'content-length': String(chunk.byteLength),
          },
          body: chunk,
          accept: [202],
          what: `${what}: chunk at ${off}`,
        });
        await res.body?.cancel();
        location = this.location(res, what);
      }
      finalBody = new Uint8Array(0);
    }
    const url = new URL(location);
    url.searchParams.set('digest', digest);
    const done = await this.request({
      ref,
      action: 'push',
      method: 'PUT',
      url: url.toString(),
      headers: {
        'content-type': 'application/octet-stream',
        'content-length': String(finalBody.byteLength),
      },
      body: finalBody,
      accept: [201],
      what,
    });
    await done.body?.cancel();
    const reported = done.headers.get('docker-content-digest');
    if (reported && reported !== digest) {
      throw new OciError('digest-mismatch', `${what}: registry stored ${reported}`);
    }
    return digest;
  }

  private location(res: Response, what: string): string {
    const loc = res.headers.get('location');
    if (!loc)
      throw new RegistryError('registry', res.status, `${what}: upload response has no Location`);
    return new URL(loc, this.responseUrls.get(res) ?? res.url).toString();
  }

  /** Uploads a manifest under the reference's tag (or digest); returns its digest. */
  async putManifest(
    reference: ImageReference | string,
    bytes: Uint8Array,
    mediaType: string,
  ): Promise<string> {
    const ref = typeof reference === 'string' ? parseReference(reference) : reference;
    const digest = sha256Digest(bytes);
    if (ref.digest && ref.digest !== digest) {
      throw new OciError(
        'digest-mismatch',
        `pushing manifest to ${formatReference(ref)}: manifest has digest ${digest}`,
      );
    }
    const what = `pushing manifest to ${formatReference(ref)}`;
    const res = await this.request({
      ref,
      action: 'push',
      method: 'PUT',
      url: this.manifestUrl(ref, ref.tag ?? digest),
      headers: { 'content-type': mediaType },
      body: bytes,
      accept: [201, 200],
      what,
    });
    await res.body?.cancel();
    const reported = res.headers.get('docker-content-digest');
    if (reported && reported !== digest) {
      throw new OciError(
        'digest-mismatch',
        `${what}: registry stored ${reported}, we sent ${digest}`,
      );
    }
    return digest;
  }

  /** A manifest by digest from the cache (a tag is resolved with one HEAD), else fetched and stored. */
  private async cachedManifest(ref: ImageReference): Promise<ManifestResult> {
    const cache = this.opts.cache;
    if (cache === undefined) return this.getManifest(ref);
    const digest = ref.digest ?? (await this.resolveDigest(ref));
    const bytes = await cache.get(digest);
    if (bytes !== undefined) {
      try {
        const doc = parseManifestDocument(bytes, undefined, `cached manifest ${digest}`);
        return { digest, mediaType: doc.mediaType, bytes };
      } catch {
        // not usable without the registry's content type: fetch it
      }
    }
    const fetched = await this.getManifest({
      registry: ref.registry,
      repository: ref.repository,
      digest,
    });
    await cache.put(fetched.digest, fetched.bytes);
    return fetched;
  }

  /** A blob from the cache, else fetched (verified) and stored. */
  private async cachedBlob(
    ref: ImageReference,
    desc: Pick<Descriptor, 'digest' | 'size'>,
  ): Promise<Buffer> {
    const cache = this.opts.cache;
    const hit = await cache?.get(desc.digest);
    if (hit !== undefined && hit.byteLength === desc.size) return hit;
    const data = await this.getBlob(ref, desc);
    await cache?.put(desc.digest, data);
    return data;
  }

  /** Pulls an image (choosing `platform`, linux/amd64 by default, from an index) without unpacking it. */
  async fetchImage(
    reference: ImageReference | string,
    platform: Platform = defaultPlatform,
  ): Promise<{ digest: string; image: Image }> {
    const ref = typeof reference === 'string' ? parseReference(reference) : reference;
    const top = await this.cachedManifest(ref);
    let manifest = top;
    const doc = parseManifestDocument(top.bytes, top.mediaType);
    if (doc.kind === 'index') {
      const chosen = selectManifest(doc.index, platform);
      manifest = await this.cachedManifest({
        registry: ref.registry,
        repository: ref.repository,
        digest: chosen.digest,
      });
    }
    const parsed = parseManifestDocument(manifest.bytes, manifest.mediaType);
    if (parsed.kind !== 'manifest') {
      throw new OciError('invalid-image', `${formatReference(ref)}: index points to another index`);
    }
    const blobs = new Map<string, Buffer>();
    const descs = [parsed.manifest.config, ...parsed.manifest.layers];
    for (const d of descs) {
      if (!blobs.has(d.digest)) blobs.set(d.digest, await this.cachedBlob(ref, d));
    }
    const image = assembleImage(
      manifest.bytes,
      (d) => blobs.get(d.digest) ?? Buffer.alloc(0),
      manifest.mediaType,
    );
    return { digest: top.digest, image };
  }

  /** Pulls a package image and unpacks its files in memory. */
  async pullImage(
    reference: ImageReference | string,
    platform: Platform = defaultPlatform,
  ): Promise<PullResult> {
    const { digest, image } = await this.fetchImage(reference, platform);
    const files = await readPackageImage(image, this.opts.unpack ?? {});
    return { digest, image, files };
  }

  /** Pushes an image's blobs (skipping those present) and its manifest; returns the manifest digest. */
  async pushImage(
    reference: ImageReference | string,
    image: Image,
    options: { chunkSize?: number } = {},
  ): Promise<{ digest: string; reference: string }> {
    const ref = typeof reference === 'string' ? parseReference(reference) : reference;
    const descs = [image.manifest.config, ...image.manifest.layers];
    const blobs = [image.config, ...image.layers];
    for (const [i, d] of descs.entries()) {
      const data = blobs[i];
      if (!data)
        throw new OciError(
          'invalid-image',
          `pushing ${formatReference(ref)}: blob ${d.digest} missing`,
        );
      verifyBlob(`blob ${d.digest}`, data, d);
      await this.putBlob(ref, data, options);
    }
    const digest = await this.putManifest(ref, image.manifestBytes, image.mediaType);
    return { digest, reference: `${repositoryName(ref)}@${digest}` };
  }
}
