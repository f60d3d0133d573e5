/**
 * The distribution API over a RegistryStorage: routing, uploads (monolithic, chunked, cross-repo
 * mount), manifests by tag or digest, tag listing, the catalog, and the registry's error JSON.
 * Everything written is digest-verified and size-limited.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseManifestDocument, sha256Digest } from '../../oci/index.js';
import type { RegistryStorage, UploadSession } from './storage.js';

/** Error codes of the distribution spec (the subset this registry answers with). */
export type RegistryErrorCode =
  | 'BLOB_UNKNOWN'
  | 'BLOB_UPLOAD_INVALID'
  | 'BLOB_UPLOAD_UNKNOWN'
  | 'DIGEST_INVALID'
  | 'MANIFEST_BLOB_UNKNOWN'
  | 'MANIFEST_INVALID'
  | 'MANIFEST_UNKNOWN'
  | 'NAME_INVALID'
  | 'NAME_UNKNOWN'
  | 'SIZE_INVALID'
  | 'TAG_INVALID'
  | 'UNSUPPORTED';

export interface RegistryLimits {
  /** Largest manifest accepted (default 4 MiB). */
  maxManifestBytes: number;
  /** Largest blob accepted, over all chunks of an upload (default 512 MiB). */
  maxBlobBytes: number;
  /** Open upload sessions at once (default 256); older ones expire after `uploadTtlMs`. */
  maxUploads: number;
  uploadTtlMs: number;
}

export const defaultRegistryLimits: RegistryLimits = {
  maxManifestBytes: 4 * 1024 * 1024,
  maxBlobBytes: 512 * 1024 * 1024,
  maxUploads: 256,
  uploadTtlMs: 60 * 60 * 1000,
};

/** What has been served, for tests and benchmarks (e.g. "10 pulls, not 1,000"). */
export interface RegistryStats {
  /** GET of a manifest (by tag or digest), by `repository:reference`. */
  manifestGets: Map<string, number>;
  /** GET of a blob. */
  blobGets: number;
  /** Manifests stored by PUT. */
  manifestPuts: number;
  /** Blobs completed by uploads (mounts excluded). */
  blobPuts: number;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: RegistryErrorCode,
    message: string,
    readonly detail?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const pathComponent = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const namePattern = new RegExp(`^${pathComponent}(?:/${pathComponent})*$`);
const tagPattern = /^\w[\w.-]{0,127}$/;
const sha256Pattern = /^sha256:[0-9a-f]{64}$/;
const anyDigestPattern = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

const routes = {
  uploads: /^\/v2\/(.+)\/blobs\/uploads\/?([^/]*)$/,
  blobs: /^\/v2\/(.+)\/blobs\/([^/]+)$/,
  manifests: /^\/v2\/(.+)\/manifests\/([^/]+)$/,
  tags: /^\/v2\/(.+)\/tags\/list$/,
};

function checkName(name: string): string {
  if (name.length > 255 || !namePattern.test(name)) {
    throw new HttpError(400, 'NAME_INVALID', 'invalid repository name', { name });
  }
  return name;
}

function checkDigest(digest: string): string {
  if (sha256Pattern.test(digest)) return digest;
  if (anyDigestPattern.test(digest)) {
    throw new HttpError(400, 'DIGEST_INVALID', 'only sha256 digests are supported', { digest });
  }
  throw new HttpError(400, 'DIGEST_INVALID', 'invalid digest', { digest });
}

async function readBody(req: IncomingMessage, limit: number, what: string): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw new HttpError(413, 'SIZE_INVALID', `${what} exceeds the limit of ${limit} bytes`);
  }
  const parts: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.byteLength;
    if (total > limit) {
      req.resume();
      throw new HttpError(413, 'SIZE_INVALID', `${what} exceeds the limit of ${limit} bytes`);
    }
    parts.push(chunk);
  }
  return Buffer.concat(parts, total);
}

export class RegistryHandler {
  readonly stats: RegistryStats = {
    manifestGets: new Map(),
    blobGets: 0,
    manifestPuts: 0,
    blobPuts: 0,
  };

  constructor(
    private readonly storage: RegistryStorage,
    private readonly limits: RegistryLimits = defaultRegistryLimits,
    private readonly now: () => number = Date.now,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('Docker-Distribution-API-Version', 'registry/2.0');
    try {
      await this.route(req, res);
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const e =
        err instanceof HttpError
          ? err
          : new HttpError(500, 'UNSUPPORTED', err instanceof Error ? err.message : String(err));
      const body = JSON.stringify({
        errors: [
          {
            code: e.code,
            message: e.message,
            ...(e.detail !== undefined ? { detail: e.detail } : {}),
          },
        ],
      });
      res.writeHead(e.status, {
        ...e.headers,
        'Content-Type': 'application/json',
        'Content-Length': String(Buffer.byteLength(body)),
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://registry');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (path === '/v2/' || path === '/v2') {
      return this.reply(res, method, 200, {}, JSON.stringify({}), 'application/json');
    }
    if (path === '/v2/_catalog') {
      if (method !== 'GET') throw unsupported(method, path);
      const names = this.storage.repositoryNames();
      const page = paginate(names, url.searchParams);
      if (page.next !== undefined) res.setHeader('Link', page.link(`/v2/_catalog`));
      return this.reply(
        res,
        method,
        200,
        {},
        JSON.stringify({ repositories: page.items }),
        'application/json',
      );
    }
    let m = routes.uploads.exec(path);
    if (m !== null) return this.uploads(req, res, url, checkName(m[1] ?? ''), m[2] ?? '');
    m = routes.blobs.exec(path);
    if (m !== null) return this.blob(req, res, checkName(m[1] ?? ''), m[2] ?? '');
    m = routes.manifests.exec(path);
    if (m !== null) return this.manifest(req, res, checkName(m[1] ?? ''), m[2] ?? '');
    m = routes.tags.exec(path);
    if (m !== null) {
      if (method !== 'GET') throw unsupported(method, path);
      const name = checkName(m[1] ?? '');
      const repo = this.storage.repository(name);
      if (repo === undefined) throw nameUnknown(name);
      const page = paginate([...repo.tags.keys()].sort(), url.searchParams);
      if (page.next !== undefined) res.setHeader('Link', page.link(`/v2/${name}/tags/list`));
      return this.reply(
        res,
        method,
        200,
        {},
        JSON.stringify({ name, tags: page.items }),
        'application/json',
      );
    }
    throw new HttpError(404, 'UNSUPPORTED', `no route for ${method} ${path}`);
  }

  private reply(
    res: ServerResponse,
    method: string,
    status: number,
    headers: Record<string, string>,
    body: string | Buffer | undefined,
    contentType?: string,
  ): void {
    const h: Record<string, string> = { ...headers };
    if (contentType !== undefined) h['Content-Type'] = contentType;
    h['Content-Length'] = String(body === undefined ? 0 : Buffer.byteLength(body));
    res.writeHead(status, h);
    res.end(method === 'HEAD' ? undefined : body);
  }

  // ---- blobs ----

  private blob(req: IncomingMessage, res: ServerResponse, name: string, digestArg: string): void {
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') throw unsupported(method, req.url ?? '');
    const digest = checkDigest(digestArg);
    if (this.storage.repository(name) === undefined) throw nameUnknown(name);
    const data = this.storage.hasBlob(name, digest) ? this.storage.readContent(digest) : undefined;
    if (data === undefined) {
      throw new HttpError(404, 'BLOB_UNKNOWN', 'blob unknown to registry', { digest });
    }
    if (method === 'GET') this.stats.blobGets += 1;
    this.reply(
      res,
      method,
      200,
      { 'Docker-Content-Digest': digest, ETag: `"${digest}"` },
      data,
      'application/octet-stream',
    );
  }

  // ---- uploads ----

  private async uploads(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    name: string,
    id: string,
  ): Promise<void> {
    const method = req.method ?? 'GET';
    if (id === '') {
      if (method !== 'POST') throw unsupported(method, url.pathname);
      return this.startUpload(req, res, url, name);
    }
    const session = this.storage.upload(id);
    if (session === undefined || session.repository !== name) {
      req.resume();
      throw new HttpError(404, 'BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry', { id });
    }
    switch (method) {
      case 'GET':
        return this.reply(res, method, 204, this.sessionHeaders(session), undefined);
      case 'PATCH':
        await this.appendChunk(req, session);
        return this.reply(res, method, 202, this.sessionHeaders(session), undefined);
      case 'PUT': {
        const digest = checkDigest(url.searchParams.get('digest') ?? '');
        await this.appendChunk(req, session);
        return this.finishUpload(res, method, session, digest);
      }
      case 'DELETE':
        this.storage.endUpload(session.id);
        return this.reply(res, method, 204, {}, undefined);
      default:
        throw unsupported(method, url.pathname);
    }
  }

  private async startUpload(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    name: string,
  ): Promise<void> {
    const mount = url.searchParams.get('mount');
    const from = url.searchParams.get('from');
    if (mount !== null && from !== null) {
      const digest = checkDigest(mount);
      req.resume();
      if (this.storage.hasBlob(checkName(from), digest)) {
        this.storage.linkBlob(name, digest);
        return this.reply(
          res,
          'POST',
          201,
          { Location: `/v2/${name}/blobs/${digest}`, 'Docker-Content-Digest': digest },
          undefined,
        );
      }
      // Not mountable: fall through to a normal upload session (202), as the spec allows.
    }
    this.storage.expireUploads(this.now() - this.limits.uploadTtlMs);
    if (this.storage.uploadCount >= this.limits.maxUploads) {
      req.resume();
      throw new HttpError(429, 'UNSUPPORTED', 'too many open uploads', undefined, {
        'Retry-After': '1',
      });
    }
    const session = this.storage.startUpload(name, this.now());
    const digestArg = url.searchParams.get('digest');
    if (digestArg !== null && mount === null) {
      // Monolithic upload in one POST.
      try {
        const digest = checkDigest(digestArg);
        await this.appendChunk(req, session);
        return this.finishUpload(res, 'POST', session, digest);
      } catch (err) {
        this.storage.endUpload(session.id);
        throw err;
      }
    }
    req.resume();
    this.reply(res, 'POST', 202, this.sessionHeaders(session), undefined);
  }

  private sessionHeaders(s: UploadSession): Record<string, string> {
    return {
      Location: `/v2/${s.repository}/blobs/uploads/${s.id}`,
      Range: `0-${Math.max(0, s.size - 1)}`,
      'Docker-Upload-UUID': s.id,
    };
  }

  private async appendChunk(req: IncomingMessage, s: UploadSession): Promise<void> {
    const range = req.headers['content-range'];
    if (typeof range === 'string' && range !== '') {
      const m = /^(?:bytes[ =])?(\d+)-(\d+)(?:\/\d+|\/\*)?$/.exec(range.trim());
      if (m === null || Number(m[1]) !== s.size) {
        req.resume();
        throw new HttpError(
          416,
          'BLOB_UPLOAD_INVALID',
          `content range ${range} does not continue the upload at byte ${s.size}`,
          undefined,
          this.sessionHeaders(s),
        );
      }
    }
    const room = this.limits.maxBlobBytes - s.size;
    const chunk = await readBody(req, room, 'blob');
    if (chunk.byteLength > 0) {
      s.chunks.push(chunk);
      s.size += chunk.byteLength;
    }
  }

  private finishUpload(
    res: ServerResponse,
    method: string,
    s: UploadSession,
    digest: string,
  ): void {
    const data = Buffer.concat(s.chunks, s.size);
    const actual = sha256Digest(data);
    this.storage.endUpload(s.id);
    if (actual !== digest) {
      throw new HttpError(400, 'DIGEST_INVALID', 'provided digest did not match uploaded content', {
        expected: digest,
        actual,
      });
    }
    this.storage.putBlob(s.repository, digest, data);
    this.stats.blobPuts += 1;
    this.reply(
      res,
      method,
      201,
      { Location: `/v2/${s.repository}/blobs/${digest}`, 'Docker-Content-Digest': digest },
      undefined,
    );
  }

  // ---- manifests ----

  private async manifest(
    req: IncomingMessage,
    res: ServerResponse,
    name: string,
    reference: string,
  ): Promise<void> {
    const method = req.method ?? 'GET';
    const byDigest = reference.includes(':');
    if (byDigest) checkDigest(reference);
    else if (!tagPattern.test(reference)) {
      req.resume();
      throw new HttpError(400, 'TAG_INVALID', 'invalid tag', { tag: reference });
    }
    if (method === 'PUT') return this.putManifest(req, res, name, reference, byDigest);
    const repo = this.storage.repository(name);
    if (repo === undefined) throw nameUnknown(name);
    const digest = byDigest ? reference : repo.tags.get(reference);
    const mediaType = digest === undefined ? undefined : repo.manifests.get(digest);
    const data =
      digest === undefined || mediaType === undefined
        ? undefined
        : this.storage.readContent(digest);
    if (digest === undefined || mediaType === undefined || data === undefined) {
      throw new HttpError(404, 'MANIFEST_UNKNOWN', 'manifest unknown', { name, reference });
    }
    if (method === 'DELETE') {
      if (byDigest) this.storage.deleteManifest(name, digest);
      else this.storage.deleteTag(name, reference);
      return this.reply(res, method, 202, {}, undefined);
    }
    if (method !== 'GET' && method !== 'HEAD') throw unsupported(method, req.url ?? '');
    if (method === 'GET') {
      const key = `${name}:${reference}`;
      this.stats.manifestGets.set(key, (this.stats.manifestGets.get(key) ?? 0) + 1);
    }
    this.reply(
      res,
      method,
      200,
      { 'Docker-Content-Digest': digest, ETag: `"${digest}"` },
      data,
      mediaType,
    );
  }

  private async putManifest(
    req: IncomingMessage,
    res: ServerResponse,
    name: string,
    reference: string,
    byDigest: boolean,
  ): Promise<void> {
    const data = await readBody(req, this.limits.maxManifestBytes, 'manifest');
    const digest = sha256Digest(data);
    if (byDigest && digest !== reference) {
      throw new HttpError(400, 'DIGEST_INVALID', 'manifest digest did not match the reference', {
        expected: reference,
        actual: digest,
      });
    }
    const contentType = req.headers['content-type'];
    let doc;
    try {
      doc = parseManifestDocument(data, contentType, 'manifest');
    } catch (err) {
      throw new HttpError(400, 'MANIFEST_INVALID', err instanceof Error ? err.message : 'invalid');
    }
    const repo = this.storage.repository(name);
    if (doc.kind === 'manifest') {
      for (const d of [doc.manifest.config, ...doc.manifest.layers]) {
        if (!this.storage.hasBlob(name, d.digest)) {
          throw new HttpError(400, 'MANIFEST_BLOB_UNKNOWN', 'blob unknown to registry', {
            digest: d.digest,
          });
        }
      }
    } else {
      for (const d of doc.index.manifests) {
        if (repo?.manifests.has(d.digest) !== true) {
          throw new HttpError(400, 'MANIFEST_UNKNOWN', 'manifest of the index unknown', {
            digest: d.digest,
          });
        }
      }
    }
    this.storage.putManifest(name, digest, doc.mediaType, data, byDigest ? undefined : reference);
    this.stats.manifestPuts += 1;
    this.reply(
      res,
      'PUT',
      201,
      { Location: `/v2/${name}/manifests/${digest}`, 'Docker-Content-Digest': digest },
      undefined,
    );
  }
}

function unsupported(method: string, path: string): HttpError {
  return new HttpError(405, 'UNSUPPORTED', `${method} is not supported on ${path}`);
}

function nameUnknown(name: string): HttpError {
  return new HttpError(404, 'NAME_UNKNOWN', 'repository name not known to registry', { name });
}

/** `?n=&last=` pagination of sorted names, with the RFC 5988 Link of the next page. */
function paginate(
  sorted: readonly string[],
  q: URLSearchParams,
): { items: string[]; next: string | undefined; link(path: string): string } {
  const last = q.get('last');
  const nRaw = q.get('n');
  const n = nRaw === null ? undefined : Number(nRaw);
  let items = last === null ? [...sorted] : sorted.filter((s) => s > last);
  let next: string | undefined;
  if (n !== undefined && Number.isInteger(n) && n >= 0 && items.length > n) {
    items = items.slice(0, n);
    next = items[items.length - 1];
  }
  return {
    items,
    next,
    link: (path) => `<${path}?n=${n ?? ''}&last=${encodeURIComponent(next ?? '')}>; rel="next"`,
  };
}
