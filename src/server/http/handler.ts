/**
 * The HTTP layer: maps Kubernetes REST requests onto ApiCore (routing, query parameters, content
 * negotiation, status codes, watch streaming) and records a request log. Knows no storage rules.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import type {
  ApiCore,
  DeleteOptions,
  ListQuery,
  PatchType,
  Propagation,
  WriteOptions,
} from '../api/core.js';
import {
  ApiError,
  badRequest,
  methodNotAllowed,
  notFound,
  unsupportedMediaType,
  type Status,
} from '../errors.js';
import { applyJsonPatch, jsonMergePatch, PatchError } from '../patch/index.js';
import { apiVersionOf, type ResourceType } from '../registry/types.js';
import { isRecord, type KubeObject } from '../types.js';
import { aggregated, apiGroup, apiGroupList, apiResourceList, apiVersions } from './discovery.js';
import { gvDocument, rootDocument } from './openapi.js';
import { decodeProtobufObject } from './protobuf.js';
import { table, tableRow, columnDefinitions } from './table.js';

export interface RequestRecord {
  time: string;
  method: string;
  path: string;
  query: string;
  status: number;
  userAgent: string;
  /** A request that changed (or, dry-run, would change) state: POST/PUT/PATCH/DELETE. */
  write: boolean;
  dryRun: boolean;
}

export interface HandlerOptions {
  core: ApiCore;
  token?: string | undefined;
  /** Watch timeout when the client sends none (seconds). */
  watchTimeoutSeconds: number;
  bookmarkIntervalMs: number;
  version: { major: string; minor: string; gitVersion: string };
  log: RequestRecord[];
  maxLog: number;
  onError: (err: unknown) => void;
}

const maxBody = 3 * 1024 * 1024;

/**
 * JSON of served API objects, by object. Stored objects are never changed in place, and a write
 * answers with the stored object its watch events carry: it is encoded once for both.
 */
const encoded = new WeakMap<object, string>();

function encodeObject(obj: KubeObject): string {
  let text = encoded.get(obj);
  if (text === undefined) {
    text = JSON.stringify(obj);
    encoded.set(obj, text);
  }
  return text;
}

/** A body already encoded (an API object, see `encodeObject`). */
class Encoded {
  constructor(readonly text: string) {}
}

function send(
  res: ServerResponse,
  code: number,
  body: unknown,
  contentType = 'application/json',
): void {
  const data = body instanceof Encoded ? body.text : JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(data),
    'Cache-Control': 'no-cache, private',
  });
  res.end(data);
}

function sendStatus(res: ServerResponse, err: ApiError): void {
  send(res, err.code, err.status());
}

function readBody(req: IncomingMessage): Promise<string> {
  return readRawBody(req).then((b) => b.toString('utf8'));
}

function readRawBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBody) {
        reject(
          new ApiError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728'),
        );
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

interface Accept {
  discovery: 'v2' | 'v2beta1' | undefined;
  table: 'v1' | 'v1beta1' | undefined;
}

function parseAccept(header: string | undefined): Accept {
  const out: Accept = { discovery: undefined, table: undefined };
  for (const entry of (header ?? '').split(',')) {
    const parts = entry.split(';').map((p) => p.trim());
    const params = new Map(parts.slice(1).map((p) => p.split('=') as [string, string]));
    const as = params.get('as');
    if (as === 'APIGroupDiscoveryList' && params.get('g') === 'apidiscovery.k8s.io') {
      const v = params.get('v');
      if (out.discovery === undefined && (v === 'v2' || v === 'v2beta1')) out.discovery = v;
    }
    if (as === 'Table' && params.get('g') === 'meta.k8s.io') {
      const v = params.get('v');
      if (out.table === undefined && (v === 'v1' || v === 'v1beta1')) out.table = v;
    }
    if (parts[0] === 'application/json' && as === undefined) break;
  }
  return out;
}

interface Target {
  t: ResourceType;
  ns: string | undefined;
  name: string | undefined;
  sub: string | undefined;
}

function resolve(
  core: ApiCore,
  group: string,
  version: string,
  segs: string[],
): Target | undefined {
  const reg = core.registry;
  if (segs[0] === 'namespaces' && segs.length >= 3) {
    const t = reg.find(group, version, segs[2] ?? '');
    if (t?.namespaced) return { t, ns: segs[1], name: segs[3], sub: segs[4] };
    if (segs.length > 3) return undefined;
  }
  const t = reg.find(group, version, segs[0] ?? '');
  if (!t) return undefined;
  if (t.namespaced && segs.length > 1) return undefined;
  return { t, ns: undefined, name: segs[1], sub: segs[2] };
}

function truthy(v: string | null): boolean {
  return v === 'true' || v === '1';
}

export class Handler {
  /** Open watch streams: each entry ends its stream and resolves once the end is flushed. */
  private readonly watches = new Set<() => Promise<void>>();

  constructor(private readonly o: HandlerOptions) {}

  /** Ends every open watch stream cleanly; resolves when their ends are written out. */
  async endWatches(): Promise<void> {
    await Promise.all([...this.watches].map((end) => end()));
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const q = url.searchParams;
    const write = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method);
    const rec: RequestRecord = {
      time: new Date().toISOString(),
      method,
      path: url.pathname,
      query: url.search,
      status: 0,
      userAgent: String(req.headers['user-agent'] ?? ''),
      write,
      dryRun: q.get('dryRun') === 'All',
    };
    res.on('finish', () => {
      rec.status = res.statusCode;
    });
    this.o.log.push(rec);
    // Trimmed by a tenth at a time: a full log does not shift every record on every request.
    if (this.o.log.length > this.o.maxLog)
      this.o.log.splice(0, this.o.log.length - this.o.maxLog + Math.ceil(this.o.maxLog / 10));
    try {
      if (this.o.token !== undefined && req.headers.authorization !== `Bearer ${this.o.token}`) {
        throw new ApiError(401, 'Unauthorized', 'Unauthorized');
      }
      await this.route(req, res, url, method);
    } catch (err) {
      if (res.headersSent) {
        res.end();
        return;
      }
      if (err instanceof ApiError) sendStatus(res, err);
      else {
        this.o.onError(err);
        sendStatus(
          res,
          new ApiError(
            500,
            'InternalError',
            `Internal error occurred: ${err instanceof Error ? err.message : String(err)}`,
          ),
        );
      }
    }
  }

  private async route(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    method: string,
  ): Promise<void> {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    let segs: string[];
    try {
      segs = path
        .split('/')
        .filter((s) => s !== '')
        .map(decodeURIComponent);
    } catch {
      throw badRequest(`malformed path: ${path}`);
    }
    const core = this.o.core;
    const reg = core.registry;
    const accept = parseAccept(req.headers.accept);
    if (path === '/version')
      return send(res, 200, {
        ...this.o.version,
        gitCommit: '0000000000000000000000000000000000000000',
        gitTreeState: 'clean',
        buildDate: '2026-01-01T00:00:00Z',
        goVersion: 'go1.23',
        compiler: 'gc',
        platform: 'linux/amd64',
      });
    if (path === '/healthz' || path === '/readyz' || path === '/livez') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
      return;
    }
    if (segs[0] === 'openapi') {
      if (segs[1] === 'v3') {
        if (segs.length === 2) return send(res, 200, rootDocument(reg));
        const doc =
          segs[2] === 'api'
            ? gvDocument(reg, '', segs[3] ?? '')
            : gvDocument(reg, segs[3] ?? '', segs[4] ?? '');
        if (doc) return send(res, 200, doc);
      }
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    }
    let group: string;
    let version: string;
    let rest: string[];
    if (segs[0] === 'api') {
      if (segs.length === 1) {
        if (accept.discovery)
          return send(
            res,
            200,
            aggregated(reg, true, accept.discovery),
            `application/json;g=apidiscovery.k8s.io;v=${accept.discovery};as=APIGroupDiscoveryList`,
          );
        return send(res, 200, apiVersions(req.headers.host ?? ''));
      }
      group = '';
      version = segs[1] ?? '';
      rest = segs.slice(2);
    } else if (segs[0] === 'apis') {
      if (segs.length === 1) {
        if (accept.discovery)
          return send(
            res,
            200,
            aggregated(reg, false, accept.discovery),
            `application/json;g=apidiscovery.k8s.io;v=${accept.discovery};as=APIGroupDiscoveryList`,
          );
        return send(res, 200, apiGroupList(reg));
      }
      if (segs.length === 2) {
        const g = apiGroup(reg, segs[1] ?? '');
        if (g) return send(res, 200, g);
        throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
      }
      group = segs[1] ?? '';
      version = segs[2] ?? '';
      rest = segs.slice(3);
    } else {
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    }
    if (rest.length === 0) {
      const doc = apiResourceList(reg, group, version);
      if (doc && method === 'GET') return send(res, 200, doc);
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    }
    const target = resolve(core, group, version, rest);
    if (!target)
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    await this.resource(req, res, url, method, target, accept);
  }

  private writeOptions(req: IncomingMessage, q: URLSearchParams, warnings: string[]): WriteOptions {
    const dry = q.getAll('dryRun');
    for (const d of dry)
      if (d !== 'All') throw badRequest(`Invalid dry run value "${d}": supported values: "All"`);
    const fv = q.get('fieldValidation') ?? 'Warn';
    if (fv !== 'Ignore' && fv !== 'Warn' && fv !== 'Strict') {
      throw badRequest(
        `Invalid fieldValidation value "${fv}": supported values: "Ignore", "Warn", "Strict"`,
      );
    }
    const fm = q.get('fieldManager') ?? undefined;
    if (fm !== undefined && fm.length > 128)
      throw badRequest('fieldManager: Too long: may not be more than 128 bytes');
    return {
      dryRun: dry.length > 0,
      fieldManager: fm,
      fieldValidation: fv,
      warnings,
      userAgent: req.headers['user-agent'],
      force: q.has('force') ? truthy(q.get('force')) : undefined,
    };
  }

  private async readObject(req: IncomingMessage): Promise<unknown> {
    const ct = (req.headers['content-type'] ?? 'application/json').split(';')[0]?.trim() ?? '';
    const body = await readRawBody(req);
    if (ct === 'application/vnd.kubernetes.protobuf') return decodeProtobufObject(body);
    return this.decodeObject(req, body.toString('utf8'));
  }

  private decodeObject(req: IncomingMessage, raw: string): unknown {
    const ct = (req.headers['content-type'] ?? 'application/json').split(';')[0]?.trim() ?? '';
    try {
      if (ct === 'application/json' || ct === '') return JSON.parse(raw);
      if (ct === 'application/yaml') return parseYaml(raw);
    } catch (err) {
      throw badRequest(
        `the object provided is unrecognized (${err instanceof Error ? err.message : String(err)})`,
      );
    }
    throw unsupportedMediaType(ct, [
      'application/json',
      'application/yaml',
      'application/vnd.kubernetes.protobuf',
    ]);
  }

  private async resource(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    method: string,
    tg: Target,
    accept: Accept,
  ): Promise<void> {
    const core = this.o.core;
    const q = url.searchParams;
    const { t } = tg;
    const ns = tg.ns ?? '';
    const warnings: string[] = [];
    const reply = async (code: number, body: unknown): Promise<void> => {
      await core.store.sync();
      if (warnings.length)
        res.setHeader(
          'Warning',
          warnings.map((w) => `299 - ${JSON.stringify(w)}`),
        );
      send(res, code, body);
    };
    const listQuery = (): ListQuery => ({
      labelSelector: q.get('labelSelector') ?? undefined,
      fieldSelector: q.get('fieldSelector') ?? undefined,
      limit: q.has('limit') ? Number(q.get('limit')) : undefined,
      continue: q.get('continue') ?? undefined,
      resourceVersion: q.get('resourceVersion') ?? undefined,
      resourceVersionMatch: q.get('resourceVersionMatch') ?? undefined,
    });
    const render = (obj: KubeObject): unknown =>
      accept.table
        ? table(t, [obj], { resourceVersion: obj.metadata.resourceVersion }, accept.table)
        : new Encoded(encodeObject(obj));

    if (tg.name === undefined) {
      // collection
      if (method === 'GET') {
        if (truthy(q.get('watch'))) return this.watch(req, res, q, tg, accept);
        const lq = listQuery();
        const l = core.list(t, tg.ns, lq);
        const meta: Record<string, unknown> = { resourceVersion: l.resourceVersion };
        if (l.continue) meta.continue = l.continue;
        if (l.remainingItemCount !== undefined) meta.remainingItemCount = l.remainingItemCount;
        if (accept.table) return send(res, 200, table(t, l.items, meta, accept.table));
        return send(res, 200, {
          kind: t.listKind,
          apiVersion: apiVersionOf(t),
          metadata: meta,
          items: l.items,
        });
      }
      if (method === 'POST') {
        if (t.namespaced && tg.ns === undefined)
          throw methodNotAllowed(`the server does not allow this method on the requested resource`);
        const body = await this.readObject(req);
        const obj = core.create(t, ns, body, {
          ...this.writeOptions(req, q, warnings),
          bodyOwned: true,
        });
        return reply(201, render(obj));
      }
      if (method === 'DELETE') {
        const del = this.deleteOptions(q, await readBody(req));
        const items = core.deleteCollection(t, tg.ns, listQuery(), del);
        return reply(200, {
          kind: t.listKind,
          apiVersion: apiVersionOf(t),
          metadata: { resourceVersion: String(core.store.revision) },
          items,
        });
      }
      throw methodNotAllowed('the server does not allow this method on the requested resource');
    }
    const name = tg.name;
    if (tg.sub !== undefined) return this.subresource(req, res, q, tg, name, warnings, reply);
    switch (method) {
      case 'GET':
        return send(res, 200, render(core.get(t, ns, name)));
      case 'PUT': {
        const body = await this.readObject(req);
        const r = core.update(t, ns, name, body, {
          ...this.writeOptions(req, q, warnings),
          bodyOwned: true,
        });
        return reply(r.created ? 201 : 200, render(r.obj));
      }
      case 'PATCH': {
        const type = patchType(req.headers['content-type']);
        const r = core.patch(
          t,
          ns,
          name,
          type,
          await readBody(req),
          this.writeOptions(req, q, warnings),
        );
        return reply(r.created ? 201 : 200, render(r.obj));
      }
      case 'DELETE': {
        const del = this.deleteOptions(q, await readBody(req));
        const r = core.delete(t, ns, name, del);
        if (r.gone) {
          return reply(200, {
            kind: 'Status',
            apiVersion: 'v1',
            metadata: {},
            status: 'Success',
            details: { name, group: t.group, kind: t.plural, uid: r.obj.metadata.uid },
          });
        }
        return reply(200, render(r.obj));
      }
      default:
        throw methodNotAllowed('the server does not allow this method on the requested resource');
    }
  }

  private async subresource(
    req: IncomingMessage,
    res: ServerResponse,
    q: URLSearchParams,
    tg: Target,
    name: string,
    warnings: string[],
    reply: (code: number, body: unknown) => Promise<void>,
  ): Promise<void> {
    const core = this.o.core;
    const { t } = tg;
    const ns = tg.ns ?? '';
    const method = req.method ?? 'GET';
    const sub = tg.sub ?? '';
    if (sub === 'status' && t.status) {
      if (method === 'GET') return send(res, 200, core.get(t, ns, name));
      const opts = { ...this.writeOptions(req, q, warnings), subresource: 'status' as const };
      if (method === 'PUT') {
        const r = core.update(t, ns, name, await this.readObject(req), {
          ...opts,
          bodyOwned: true,
        });
        return reply(200, new Encoded(encodeObject(r.obj)));
      }
      if (method === 'PATCH') {
        const r = core.patch(
          t,
          ns,
          name,
          patchType(req.headers['content-type']),
          await readBody(req),
          opts,
        );
        return reply(200, new Encoded(encodeObject(r.obj)));
      }
    }
    if (sub === 'finalize' && t.group === '' && t.kind === 'Namespace' && method === 'PUT') {
      const opts = this.writeOptions(req, q, warnings);
      return reply(200, core.finalizeNamespace(name, await this.readObject(req), opts));
    }
    if (sub === 'scale' && t.scale) {
      const obj = core.get(t, ns, name);
      const scale = toScale(obj);
      if (method === 'GET') return send(res, 200, scale);
      let next: unknown;
      const raw = await readBody(req);
      if (method === 'PUT') next = this.decodeObject(req, raw);
      else if (method === 'PATCH') {
        const type = patchType(req.headers['content-type']);
        try {
          const body: unknown = JSON.parse(raw);
          next = type === 'json' ? applyJsonPatch(scale, body) : jsonMergePatch(scale, body);
        } catch (err) {
          if (err instanceof PatchError) throw new ApiError(err.status, 'Invalid', err.message);
          throw badRequest(
            `error decoding patch: ${err instanceof Error ? err.message : String(err)}`,
          );
        }
      } else
        throw methodNotAllowed('the server does not allow this method on the requested resource');
      const s = isRecord(next) ? next : {};
      const spec = isRecord(s.spec) ? s.spec : {};
      const meta = isRecord(s.metadata) ? s.metadata : {};
      if (typeof spec.replicas !== 'number' || spec.replicas < 0) {
        throw new ApiError(
          422,
          'Invalid',
          `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(spec.replicas ?? null)}: must be greater than or equal to 0`,
        );
      }
      const updated = {
        ...obj,
        spec: { ...(isRecord(obj.spec) ? obj.spec : {}), replicas: spec.replicas },
      };
      updated.metadata = {
        ...obj.metadata,
        resourceVersion:
          typeof meta.resourceVersion === 'string' && meta.resourceVersion
            ? meta.resourceVersion
            : obj.metadata.resourceVersion,
      };
      const r = core.update(t, ns, name, updated, this.writeOptions(req, q, warnings));
      return reply(200, toScale(r.obj));
    }
    throw notFound(t.group, `${t.plural}/${sub}`, name);
  }

  private deleteOptions(q: URLSearchParams, raw: string): DeleteOptions {
    let body: Record<string, unknown> = {};
    if (raw.trim()) {
      try {
        const v: unknown = JSON.parse(raw);
        if (isRecord(v)) body = v;
      } catch {
        throw badRequest('the body of the request was in an unknown format');
      }
    }
    const pp = (q.get('propagationPolicy') ?? body.propagationPolicy) as string | undefined;
    let policy: Propagation | undefined;
    if (pp !== undefined) {
      if (pp !== 'Orphan' && pp !== 'Background' && pp !== 'Foreground') {
        throw badRequest(
          `propagationPolicy: Unsupported value: "${pp}": supported values: "Foreground", "Background", "Orphan"`,
        );
      }
      policy = pp;
    }
    const orphan =
      q.get('orphanDependents') ??
      (typeof body.orphanDependents === 'boolean' ? String(body.orphanDependents) : null);
    if (policy === undefined && orphan !== null)
      policy = orphan === 'true' ? 'Orphan' : 'Background';
    const dry = [
      ...q.getAll('dryRun'),
      ...(Array.isArray(body.dryRun) ? body.dryRun.map(String) : []),
    ];
    for (const d of dry)
      if (d !== 'All') throw badRequest(`Invalid dry run value "${d}": supported values: "All"`);
    const pre = isRecord(body.preconditions) ? body.preconditions : undefined;
    const out: DeleteOptions = { propagationPolicy: policy, dryRun: dry.length > 0 };
    if (pre) {
      const p: { uid?: string; resourceVersion?: string } = {};
      if (typeof pre.uid === 'string') p.uid = pre.uid;
      if (typeof pre.resourceVersion === 'string') p.resourceVersion = pre.resourceVersion;
      out.preconditions = p;
    }
    return out;
  }

  private watch(
    req: IncomingMessage,
    res: ServerResponse,
    q: URLSearchParams,
    tg: Target,
    accept: Accept,
  ): void {
    const core = this.o.core;
    const { t } = tg;
    const lq: ListQuery = {
      labelSelector: q.get('labelSelector') ?? undefined,
      fieldSelector: q.get('fieldSelector') ?? undefined,
      resourceVersion: q.get('resourceVersion') ?? undefined,
    };
    const sendInitial = truthy(q.get('sendInitialEvents'));
    if (sendInitial) lq.resourceVersion = undefined;
    const bookmarks = truthy(q.get('allowWatchBookmarks'));
    const timeoutRaw = q.get('timeoutSeconds');
    const timeout =
      timeoutRaw !== null ? Number(timeoutRaw) : this.o.watchTimeoutSeconds * (1 + Math.random());
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Transfer-Encoding': 'chunked',
      'Cache-Control': 'no-cache, private',
    });
    res.flushHeaders();
    let columnsSent = false;
    const write = (type: string, obj: unknown): void => {
      res.write(`${JSON.stringify({ type, object: obj })}\n`);
    };
    const writeObject = (type: string, obj: KubeObject): void => {
      res.write(`{"type":${JSON.stringify(type)},"object":${encodeObject(obj)}}\n`);
    };
    const sendEvent = (type: string, obj: KubeObject): void => {
      if (accept.table) {
        const tbl: Record<string, unknown> = {
          kind: 'Table',
          apiVersion: `meta.k8s.io/${accept.table}`,
          metadata: { resourceVersion: obj.metadata.resourceVersion },
          columnDefinitions: columnsSent ? [] : columnDefinitions(t),
          rows: [tableRow(t, obj)],
        };
        columnsSent = true;
        write(type, tbl);
      } else writeObject(type, obj);
    };
    const bookmark = (initialEnd = false): void => {
      const metadata: Record<string, unknown> = { resourceVersion: String(core.store.revision) };
      if (initialEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
      write('BOOKMARK', { kind: t.kind, apiVersion: apiVersionOf(t), metadata });
    };
    let cancel: (() => void) | undefined;
    const timers: NodeJS.Timeout[] = [];
    const finish = (): void => {
      this.watches.delete(end);
      cancel?.();
      cancel = undefined;
      for (const tm of timers) clearTimeout(tm);
      if (!res.writableEnded) res.end();
    };
    const end = (): Promise<void> => {
      const done = new Promise<void>((resolve) => {
        if (res.writableFinished || res.destroyed) resolve();
        res.once('finish', resolve);
        res.once('close', resolve);
      });
      finish();
      return done;
    };
    try {
      cancel = core.watch(t, tg.ns, lq, sendEvent);
    } catch (err) {
      if (err instanceof ApiError) {
        const st: Status = err.status();
        write('ERROR', st);
        res.end();
        return;
      }
      throw err;
    }
    this.watches.add(end);
    if (sendInitial && bookmarks) bookmark(true);
    res.on('close', finish);
    res.on('error', finish);
    if (Number.isFinite(timeout) && timeout > 0) {
      timers.push(
        setTimeout(() => {
          if (bookmarks) bookmark();
          finish();
        }, timeout * 1000),
      );
    }
    if (bookmarks) {
      const iv = setInterval(() => bookmark(), this.o.bookmarkIntervalMs);
      timers.push(iv);
    }
  }
}

function patchType(ct: string | undefined): PatchType {
  const base = (ct ?? '').split(';')[0]?.trim();
  switch (base) {
    case 'application/json-patch+json':
      return 'json';
    case 'application/merge-patch+json':
      return 'merge';
    case 'application/strategic-merge-patch+json':
      return 'strategic';
    case 'application/apply-patch+yaml':
    case 'application/apply-patch+cbor':
      return 'apply';
  }
  throw unsupportedMediaType(base ?? '', [
    'application/json-patch+json',
    'application/merge-patch+json',
    'application/apply-patch+yaml',
    'application/strategic-merge-patch+json',
  ]);
}

function toScale(obj: KubeObject): unknown {
  const spec = isRecord(obj.spec) ? obj.spec : {};
  const status = isRecord(obj.status) ? obj.status : {};
  const sel =
    isRecord(spec.selector) && isRecord(spec.selector.matchLabels) ? spec.selector.matchLabels : {};
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: { replicas: typeof spec.replicas === 'number' ? spec.replicas : 0 },
    status: {
      replicas: typeof status.replicas === 'number' ? status.replicas : 0,
      selector: Object.entries(sel)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(','),
    },
  };
}
