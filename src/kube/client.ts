import type * as http from 'node:http';
import { StringDecoder } from 'node:string_decoder';
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeApiError } from './errors.js';
import { RestMapper, resourcePath, type ApiResourceList } from './rest-mapper.js';
import {
  credentialsFromFile,
  credentialsFromKubeConfig,
  credentialsFromYaml,
  type Credentials,
} from './kubeconfig.js';
import { errorFromResponse, transportFromCredentials, type Transport } from './transport.js';
import type {
  ApplyOptions,
  ApplyResult,
  DeleteOptions,
  KubeObject,
  KubeReader,
  KubeWriter,
  ListOptions,
  ObjectList,
  ObjectRef,
  PatchOptions,
  PatchType,
  ResourceMapping,
  WriteOptions,
} from './types.js';

export const DEFAULT_FIELD_MANAGER = 'packsync';

export interface KubeClientOptions {
  /** Field manager for writes when the call does not name one (default `packsync`). */
  fieldManager?: string | undefined;
  userAgent?: string | undefined;
  /** Called after every response (method, HTTP status): request metrics. */
  onResponse?: ((method: string, status: number) => void) | undefined;
  /** Discovery: re-ask for a missing kind after this long (default 1 s). */
  discoveryNegativeTtlMs?: number | undefined;
  /** A request (not a watch) whose connection stays silent this long fails (default 60 s). */
  requestTimeoutMs?: number | undefined;
}

export interface WatchQuery {
  namespace?: string | undefined;
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  resourceVersion?: string | undefined;
  allowWatchBookmarks?: boolean | undefined;
  timeoutSeconds?: number | undefined;
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: KubeObject;
}

const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
};

/**
 * KubeReader and KubeWriter over the REST API with raw JSON bodies. client-node's KubeConfig is
 * used only for kubeconfigs the light loader (kubeconfig.ts) does not read; its typed serializer
 * (which drops unknown fields) is never involved.
 */
export class KubeClient implements KubeReader, KubeWriter {
  readonly mapper: RestMapper;
  private readonly fieldManager: string;

  private constructor(
    private readonly transport: Transport,
    opts: KubeClientOptions,
  ) {
    this.fieldManager = opts.fieldManager ?? DEFAULT_FIELD_MANAGER;
    this.mapper = new RestMapper((av) => this.discover(av), {
      negativeTtlMs: opts.discoveryNegativeTtlMs,
    });
  }

  /** From client-node's KubeConfig (callers that already have one). */
  static async fromKubeConfig(kc: KubeConfig, opts: KubeClientOptions = {}): Promise<KubeClient> {
    return KubeClient.fromCredentials(await credentialsFromKubeConfig(kc), opts);
  }

  static fromCredentials(creds: Credentials, opts: KubeClientOptions = {}): KubeClient {
    const t = transportFromCredentials(creds, {
      userAgent: opts.userAgent,
      onResponse: opts.onResponse,
      requestTimeoutMs: opts.requestTimeoutMs,
    });
    return new KubeClient(t, opts);
  }

  /** From kubeconfig YAML text. */
  static async fromKubeConfigString(
    yaml: string,
    opts: KubeClientOptions = {},
  ): Promise<KubeClient> {
    return KubeClient.fromCredentials(await credentialsFromYaml(yaml), opts);
  }

  /** From a kubeconfig file, or the default lookup ($KUBECONFIG, ~/.kube/config, in-cluster). */
  static async fromKubeConfigFile(
    path?: string,
    opts: KubeClientOptions = {},
  ): Promise<KubeClient> {
    return KubeClient.fromCredentials(await credentialsFromFile(path), opts);
  }

  get server(): string {
    return this.transport.server;
  }

  close(): void {
    this.transport.close();
  }

  /** A raw JSON request; non-2xx answers throw KubeApiError. */
  async requestJson<T = unknown>(
    method: string,
    path: string,
    opts: {
      query?: Record<string, string | undefined>;
      body?: unknown;
      contentType?: string;
      signal?: AbortSignal;
    } = {},
  ): Promise<T> {
    const res = await this.transport.request({ method, path, ...opts });
    if (res.status < 200 || res.status >= 300) {
      throw errorFromResponse(method, path, res.status, res.body, res.headers);
    }
    return decodeJson<T>(method, path, res.status, res.body);
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    const m = await this.mapper.mapping(ref.apiVersion, ref.kind);
    const path = resourcePath(m, ref.namespace, ref.name);
    const res = await this.transport.request({ method: 'GET', path });
    if (res.status === 404) {
      const err = errorFromResponse('GET', path, res.status, res.body, res.headers);
      if (err.reason !== 'NotFound' && err.reason !== '') throw err;
      // No details.name: the resource type itself is gone (CRD removed); re-discover next time.
      if (err.details?.name === undefined) this.mapper.invalidate(ref.apiVersion);
      return undefined;
    }
    if (res.status < 200 || res.status >= 300) {
      throw errorFromResponse('GET', path, res.status, res.body, res.headers);
    }
    return withTypeMeta(JSON.parse(res.body.toString('utf8')) as KubeObject, ref);
  }

  async list(apiVersion: string, kind: string, opts: ListOptions = {}): Promise<ObjectList> {
    const m = await this.mapper.mapping(apiVersion, kind);
    const path = resourcePath(m, opts.namespace);
    const items: KubeObject[] = [];
    let cont: string | undefined;
    let rv = '';
    do {
      const page = await this.requestJson<{
        metadata?: { resourceVersion?: string; continue?: string };
        items?: KubeObject[] | null;
      }>('GET', path, {
        query: {
          labelSelector: opts.labelSelector,
          fieldSelector: opts.fieldSelector,
          limit: opts.limit === undefined ? undefined : String(opts.limit),
          continue: cont,
        },
      });
      for (const it of page.items ?? []) items.push(withTypeMeta(it, { apiVersion, kind }));
      rv = page.metadata?.resourceVersion ?? rv;
      cont = page.metadata?.continue;
    } while (cont !== undefined && cont !== '');
    return { items, resourceVersion: rv };
  }

  async create(obj: KubeObject, opts: WriteOptions = {}): Promise<KubeObject> {
    const m = await this.mapper.mapping(obj.apiVersion, obj.kind);
    const path = resourcePath(m, obj.metadata.namespace);
    return this.write('POST', path, obj, this.writeQuery(opts), 'application/json', obj);
  }

  update(obj: KubeObject, opts: WriteOptions = {}): Promise<KubeObject> {
    return this.put(obj, undefined, opts);
  }

  updateStatus(obj: KubeObject, opts: WriteOptions = {}): Promise<KubeObject> {
    return this.put(obj, 'status', opts);
  }

  async apply(obj: KubeObject, opts: ApplyOptions = {}): Promise<KubeObject> {
    return (await this.applyWithResult(obj, opts)).object;
  }

  async applyWithResult(obj: KubeObject, opts: ApplyOptions = {}): Promise<ApplyResult> {
    const m = await this.mapper.mapping(obj.apiVersion, obj.kind);
    const name = requireName(obj);
    const path = resourcePath(m, obj.metadata.namespace, name, opts.subresource);
    const query = { ...this.writeQuery(opts), force: opts.force === true ? 'true' : undefined };
    const res = await this.transport.request({
      method: 'PATCH',
      path,
      query,
      body: obj,
      contentType: 'application/apply-patch+yaml',
    });
    if (res.status < 200 || res.status >= 300) {
      throw errorFromResponse('PATCH', path, res.status, res.body, res.headers);
    }
    let object: KubeObject | undefined;
    return {
      get object(): KubeObject {
        object ??= withTypeMeta(decodeJson<KubeObject>('PATCH', path, res.status, res.body), obj);
        return object;
      },
      created: res.status === 201,
    };
  }

  async patch(
    ref: ObjectRef,
    type: PatchType,
    patch: unknown,
    opts: PatchOptions = {},
  ): Promise<KubeObject> {
    const m = await this.mapper.mapping(ref.apiVersion, ref.kind);
    const path = resourcePath(m, ref.namespace, ref.name, opts.subresource);
    return this.write('PATCH', path, patch, this.writeQuery(opts), PATCH_CONTENT_TYPES[type], ref);
  }

  async delete(ref: ObjectRef, opts: DeleteOptions = {}): Promise<KubeObject | undefined> {
    const m = await this.mapper.mapping(ref.apiVersion, ref.kind);
    const path = resourcePath(m, ref.namespace, ref.name);
    const body: Record<string, unknown> = { apiVersion: 'v1', kind: 'DeleteOptions' };
    if (opts.preconditions !== undefined) body.preconditions = opts.preconditions;
    if (opts.propagationPolicy !== undefined) body.propagationPolicy = opts.propagationPolicy;
    if (opts.dryRun === true) body.dryRun = ['All'];
    const res = await this.transport.request({ method: 'DELETE', path, body });
    if (res.status === 404) {
      const err = errorFromResponse('DELETE', path, res.status, res.body, res.headers);
      if (err.reason === 'NotFound') return undefined;
      throw err;
    }
    if (res.status < 200 || res.status >= 300) {
      throw errorFromResponse('DELETE', path, res.status, res.body, res.headers);
    }
    const out = JSON.parse(res.body.toString('utf8')) as KubeObject;
    // A Status answer means the object is gone already; an object answer means it is terminating.
    if ((out.kind as string | undefined) === 'Status') return undefined;
    return withTypeMeta(out, ref);
  }

  /**
   * Opens a watch stream; yields events until the server closes it or `signal` aborts. An ERROR
   * event is yielded as is (its object is a Status); the caller decides what to do with it.
   */
  async *watch(
    apiVersion: string,
    kind: string,
    q: WatchQuery,
    signal?: AbortSignal,
  ): AsyncGenerator<WatchEvent> {
    yield* await this.openWatch(apiVersion, kind, q, signal);
  }

  /**
   * Like `watch`, but resolves only once the server has answered (a non-2xx answer rejects with
   * KubeApiError), so the caller knows the watch is established.
   */
  async openWatch(
    apiVersion: string,
    kind: string,
    q: WatchQuery,
    signal?: AbortSignal,
  ): Promise<AsyncGenerator<WatchEvent>> {
    const m = await this.mapper.mapping(apiVersion, kind);
    const path = resourcePath(m, q.namespace);
    const res = await this.transport.stream({
      method: 'GET',
      path,
      query: {
        watch: 'true',
        labelSelector: q.labelSelector,
        fieldSelector: q.fieldSelector,
        resourceVersion: q.resourceVersion,
        allowWatchBookmarks: q.allowWatchBookmarks === false ? undefined : 'true',
        timeoutSeconds: q.timeoutSeconds === undefined ? undefined : String(q.timeoutSeconds),
      },
      signal,
    });
    const status = res.statusCode ?? 0;
    if (status < 200 || status >= 300) {
      try {
        throw errorFromResponse('GET', path, status, await readAll(res), res.headers);
      } finally {
        res.destroy();
      }
    }
    return watchEvents(res, { apiVersion, kind });
  }

  /** The mapping of a kind, or undefined when the server does not serve it. */
  resourceFor(apiVersion: string, kind: string): Promise<ResourceMapping | undefined> {
    return this.mapper.tryMapping(apiVersion, kind);
  }

  private async put(
    obj: KubeObject,
    sub: string | undefined,
    opts: WriteOptions,
  ): Promise<KubeObject> {
    const m = await this.mapper.mapping(obj.apiVersion, obj.kind);
    const path = resourcePath(m, obj.metadata.namespace, requireName(obj), sub);
    return this.write('PUT', path, obj, this.writeQuery(opts), 'application/json', obj);
  }

  private writeQuery(opts: WriteOptions): Record<string, string | undefined> {
    return {
      fieldManager: opts.fieldManager ?? this.fieldManager,
      dryRun: opts.dryRun === true ? 'All' : undefined,
    };
  }

  private async write(
    method: string,
    path: string,
    body: unknown,
    query: Record<string, string | undefined>,
    contentType: string,
    type: { apiVersion: string; kind: string },
  ): Promise<KubeObject> {
    const out = await this.requestJson<KubeObject>(method, path, { query, body, contentType });
    return withTypeMeta(out, type);
  }

  private async discover(apiVersion: string): Promise<ApiResourceList | undefined> {
    const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const res = await this.transport.request({ method: 'GET', path });
    if (res.status === 404) return undefined;
    if (res.status < 200 || res.status >= 300) {
      throw errorFromResponse('GET', path, res.status, res.body, res.headers);
    }
    return JSON.parse(res.body.toString('utf8')) as ApiResourceList;
  }
}

function decodeJson<T>(method: string, path: string, status: number, body: Buffer): T {
  if (body.length === 0) return undefined as T;
  try {
    return JSON.parse(body.toString('utf8')) as T;
  } catch (err) {
    throw new KubeApiError(`${method} ${path}: decoding response: ${String(err)}`, {
      status,
      cause: err,
    });
  }
}

function requireName(obj: KubeObject): string {
  const name = obj.metadata.name;
  if (name === undefined || name === '') {
    throw new Error(`${obj.kind}: metadata.name is required`);
  }
  return name;
}

/** Lists and some servers leave apiVersion/kind out of items; fill them in. */
function withTypeMeta(obj: KubeObject, type: { apiVersion: string; kind: string }): KubeObject {
  if ((obj.apiVersion as string | undefined) === undefined || obj.apiVersion === '')
    obj.apiVersion = type.apiVersion;
  if ((obj.kind as string | undefined) === undefined || obj.kind === '') obj.kind = type.kind;
  return obj;
}

/** Newline-delimited watch events of a response (destroyed when the consumer stops). */
async function* watchEvents(
  res: http.IncomingMessage,
  type: { apiVersion: string; kind: string },
): AsyncGenerator<WatchEvent> {
  const decoder = new StringDecoder('utf8');
  try {
    let buf = '';
    for await (const chunk of res) {
      buf += decoder.write(chunk as Buffer);
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line === '') continue;
        const ev = JSON.parse(line) as WatchEvent;
        if (ev.type !== 'ERROR' && ev.type !== 'BOOKMARK') withTypeMeta(ev.object, type);
        yield ev;
      }
    }
  } finally {
    res.destroy();
  }
}

async function readAll(res: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
