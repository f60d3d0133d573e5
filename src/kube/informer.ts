import { Backoff, sleep } from './backoff.js';
import type { KubeClient } from './client.js';
import { errorMessage as errorMessageOf } from '../errors.js';
import { KubeApiError, isExpired, isNoKindMatch } from './errors.js';
import { objectKey } from './gvk.js';
import { matchesLabels, parseLabelSelector } from './label-selector.js';
import type { KubeObject } from './types.js';

/** The narrow logger the runtime writes to (pino's Logger fits). */
export interface RuntimeLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: RuntimeLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export type InformerEventType = 'add' | 'update' | 'delete';

export interface InformerEvent {
  type: InformerEventType;
  /** The object after the change (for delete: the last known state). */
  object: KubeObject;
  /** The previous state, for update. */
  old?: KubeObject | undefined;
}

export type InformerHandler = (ev: InformerEvent) => void;

export interface InformerOptions {
  apiVersion: string;
  kind: string;
  /** Watch one namespace only; all namespaces (or cluster-scoped) when omitted. */
  namespace?: string | undefined;
  labelSelector?: string | undefined;
  /** Asked of the server per watch request (default 300); the watch is then re-opened from the last RV. */
  watchTimeoutSeconds?: number | undefined;
  /**
   * A watch that delivers nothing (no event, no bookmark) for this long is considered dead and
   * re-opened (default: watchTimeoutSeconds + 30 s).
   */
  idleTimeoutMs?: number | undefined;
  /** Reconnect backoff after errors (default 200 ms doubling up to 30 s, with jitter). */
  backoffBaseMs?: number | undefined;
  backoffMaxMs?: number | undefined;
  /** Page size of the initial list and of relists (default 500). */
  listPageSize?: number | undefined;
  /**
   * Keep `metadata.managedFields` in the store (default false: they are dropped on the way in,
   * as controller-runtime users do with a transform; nothing reads them from a cache and they
   * are often the larger part of an object).
   */
  keepManagedFields?: boolean | undefined;
  logger?: RuntimeLogger | undefined;
}

export interface InformerHealth {
  apiVersion: string;
  kind: string;
  namespace: string | undefined;
  labelSelector: string | undefined;
  /** The first list finished; the store reflects the server (possibly lagging). */
  synced: boolean;
  /** A watch stream is open right now. */
  watching: boolean;
  objects: number;
  resourceVersion: string | undefined;
  /** Last successful list. */
  lastSyncTime: Date | undefined;
  /** Last time the server sent anything on the watch (event or bookmark), or a list finished. */
  lastHeardTime: Date | undefined;
  /** Error of the last failed attempt, cleared when a list or watch succeeds again. */
  lastError: string | undefined;
  /** Full relists after the first list (410 Expired, unknown RV). */
  relists: number;
  /** Watch re-opens after errors (not counting normal timeouts). */
  reconnects: number;
  /** Consecutive failures right now (0 when healthy). */
  consecutiveFailures: number;
}

/**
 * One list+watch cache of a kind (optionally filtered by namespace and label selector): lists,
 * then watches from the list's resourceVersion with bookmarks, relists on 410 Expired, and
 * re-opens the watch with exponential backoff after errors or when the stream goes quiet. It never
 * stops on its own; `health()` shows how current it is.
 */
export class Informer {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string | undefined;
  readonly labelSelector: string | undefined;
  private readonly store = new Map<string, KubeObject>();
  /** label key -> value -> store keys; built for a key the first time a list selects on it. */
  private readonly labelIndex = new Map<string, Map<string, Set<string>>>();
  private readonly keepManagedFields: boolean;
  private readonly handlers = new Set<InformerHandler>();
  private readonly backoff: Backoff;
  private readonly log: RuntimeLogger;
  private readonly watchTimeoutSeconds: number;
  private readonly idleTimeoutMs: number;
  private readonly pageSize: number;
  private abort: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private rv: string | undefined;
  private synced = false;
  private syncWaiters: { resolve: () => void; reject: (err: unknown) => void }[] = [];
  private st = {
    watching: false,
    lastSyncTime: undefined as Date | undefined,
    lastHeardTime: undefined as Date | undefined,
    lastError: undefined as string | undefined,
    lastErrorValue: undefined as unknown,
    relists: 0,
    reconnects: 0,
  };

  constructor(
    private readonly client: KubeClient,
    opts: InformerOptions,
  ) {
    this.apiVersion = opts.apiVersion;
    this.kind = opts.kind;
    this.namespace = opts.namespace;
    this.labelSelector = opts.labelSelector;
    this.backoff = new Backoff(opts.backoffBaseMs ?? 200, opts.backoffMaxMs ?? 30_000);
    this.log = opts.logger ?? silentLogger;
    this.watchTimeoutSeconds = opts.watchTimeoutSeconds ?? 300;
    this.idleTimeoutMs = opts.idleTimeoutMs ?? (this.watchTimeoutSeconds + 30) * 1000;
    this.pageSize = opts.listPageSize ?? 500;
    this.keepManagedFields = opts.keepManagedFields === true;
  }

  /** Starts listing and watching in the background (idempotent). */
  start(): void {
    if (this.loop !== undefined) return;
    this.abort = new AbortController();
    const signal = this.abort.signal;
    this.loop = this.run(signal).catch((err: unknown) => {
      this.log.error({ err, kind: this.kind }, 'informer loop failed');
    });
  }

  /** Stops the watch; pending waitForSync calls reject. The store is kept but no longer updated. */
  async stop(): Promise<void> {
    this.abort?.abort();
    const loop = this.loop;
    this.loop = undefined;
    for (const w of this.syncWaiters.splice(0))
      w.reject(new Error(`informer for ${this.kind} stopped`));
    await loop;
  }

  get running(): boolean {
    return this.loop !== undefined;
  }

  get hasSynced(): boolean {
    return this.synced;
  }

  /**
   * Resolves once the first list is in the store. Rejects when the informer stops, after
   * `timeoutMs` (with the last error), or at once when the kind is not served.
   */
  waitForSync(timeoutMs = 60_000): Promise<void> {
    if (this.synced) return Promise.resolve();
    const last = this.st.lastErrorValue;
    if (isNoKindMatch(last)) return Promise.reject(last);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        remove();
        reject(
          new Error(
            `informer for ${this.kind}: not synced after ${timeoutMs} ms` +
              (this.st.lastError ? `: ${this.st.lastError}` : ''),
          ),
        );
      }, timeoutMs);
      const w = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (err: unknown) => {
          clearTimeout(timer);
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      };
      const remove = (): void => {
        this.syncWaiters = this.syncWaiters.filter((x) => x !== w);
      };
      this.syncWaiters.push(w);
    });
  }

  /**
   * Adds an event handler; objects already in the store are replayed to it as `add` events.
   * Returns the function that removes it.
   */
  addHandler(h: InformerHandler): () => void {
    this.handlers.add(h);
    for (const obj of this.store.values()) this.call(h, { type: 'add', object: obj });
    return () => {
      this.handlers.delete(h);
    };
  }

  /** The cached object (do not mutate it). */
  get(namespace: string | undefined, name: string): KubeObject | undefined {
    return this.store.get(namespace ? `${namespace}/${name}` : name);
  }

  /** Cached objects, optionally filtered (do not mutate them). */
  list(
    filter: { namespace?: string | undefined; labelSelector?: string | undefined } = {},
  ): KubeObject[] {
    const reqs = filter.labelSelector ? parseLabelSelector(filter.labelSelector) : undefined;
    const out: KubeObject[] = [];
    // An equality requirement narrows the scan to the objects carrying that label value.
    const eq = reqs?.find((r) => r.op === 'in' && r.values.length === 1);
    let candidates: Iterable<KubeObject> = this.store.values();
    if (eq !== undefined && eq.op === 'in') {
      const keys = this.indexFor(eq.key).get(eq.values[0] ?? '') ?? new Set<string>();
      candidates = [...keys].flatMap((k) => this.store.get(k) ?? []);
    }
    for (const obj of candidates) {
      if (filter.namespace !== undefined && obj.metadata.namespace !== filter.namespace) continue;
      if (reqs && !matchesLabels(reqs, obj.metadata.labels)) continue;
      out.push(obj);
    }
    return out;
  }

  private indexFor(label: string): Map<string, Set<string>> {
    let idx = this.labelIndex.get(label);
    if (idx === undefined) {
      idx = new Map();
      this.labelIndex.set(label, idx);
      for (const [key, obj] of this.store) indexAdd(idx, label, key, obj);
    }
    return idx;
  }

  /** Puts an object in the store (and the label indexes); returns the previous one. */
  private put(key: string, obj: KubeObject): KubeObject | undefined {
    if (!this.keepManagedFields) delete obj.metadata.managedFields;
    const old = this.store.get(key);
    this.store.set(key, obj);
    for (const [label, idx] of this.labelIndex) {
      if (old !== undefined) indexRemove(idx, label, key, old);
      indexAdd(idx, label, key, obj);
    }
    return old;
  }

  private remove(key: string): void {
    const old = this.store.get(key);
    if (old === undefined) return;
    this.store.delete(key);
    for (const [label, idx] of this.labelIndex) indexRemove(idx, label, key, old);
  }

  get size(): number {
    return this.store.size;
  }

  health(): InformerHealth {
    return {
      apiVersion: this.apiVersion,
      kind: this.kind,
      namespace: this.namespace,
      labelSelector: this.labelSelector,
      synced: this.synced,
      watching: this.st.watching,
      objects: this.store.size,
      resourceVersion: this.rv,
      lastSyncTime: this.st.lastSyncTime,
      lastHeardTime: this.st.lastHeardTime,
      lastError: this.st.lastError,
      relists: this.st.relists,
      reconnects: this.st.reconnects,
      consecutiveFailures: this.backoff.failures,
    };
  }

  private async run(signal: AbortSignal): Promise<void> {
    let listed = false;
    while (!signal.aborted) {
      const relisting = this.rv === undefined;
      try {
        if (relisting) {
          if (listed) this.st.relists++;
          await this.relist(signal);
          listed = true;
          this.backoff.reset();
        }
        const started = Date.now();
        const got = await this.watchOnce(signal);
        if (got || Date.now() - started >= 1000) this.backoff.reset();
        else if (!signal.aborted) {
          // The server closed an empty watch at once: do not spin.
          await sleep(this.backoff.next(), signal);
        }
      } catch (err) {
        if (signal.aborted) break;
        this.st.watching = false;
        // A watch from a compacted resourceVersion: relist at once. (A list that itself expires,
        // e.g. a continue token, is retried with backoff like any other failure.)
        if (isExpired(err) && !relisting) {
          this.log.info({ kind: this.kind, rv: this.rv }, 'watch expired, relisting');
          this.rv = undefined;
          continue;
        }
        this.st.reconnects++;
        this.st.lastError = errorMessageOf(err);
        this.st.lastErrorValue = err;
        if (isNoKindMatch(err)) {
          for (const w of this.syncWaiters.splice(0)) w.reject(err);
        }
        const delay = this.backoff.next();
        this.log.warn(
          { kind: this.kind, err: this.st.lastError, retryInMs: delay },
          'informer list/watch failed, retrying',
        );
        await sleep(delay, signal);
      }
    }
    this.st.watching = false;
  }

  private async relist(signal: AbortSignal): Promise<void> {
    const list = await this.client.list(this.apiVersion, this.kind, {
      namespace: this.namespace,
      labelSelector: this.labelSelector,
      limit: this.pageSize,
    });
    if (signal.aborted) return;
    const seen = new Set<string>();
    for (const obj of list.items) {
      const key = objectKey(obj);
      seen.add(key);
      const old = this.put(key, obj);
      if (old === undefined) this.emit({ type: 'add', object: obj });
      else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) {
        this.emit({ type: 'update', object: obj, old });
      }
    }
    for (const [key, old] of [...this.store]) {
      if (!seen.has(key)) {
        this.remove(key);
        this.emit({ type: 'delete', object: old });
      }
    }
    this.rv = list.resourceVersion;
    const now = new Date();
    this.st.lastSyncTime = now;
    this.st.lastHeardTime = now;
    this.st.lastError = undefined;
    this.st.lastErrorValue = undefined;
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters.splice(0)) w.resolve();
    }
  }

  /** One watch request; returns whether anything arrived. Throws on errors (410 included). */
  private async watchOnce(outer: AbortSignal): Promise<boolean> {
    const ac = new AbortController();
    const onOuter = (): void => ac.abort();
    outer.addEventListener('abort', onOuter, { once: true });
    let idle = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(() => {
        idle = true;
        ac.abort();
      }, this.idleTimeoutMs);
    };
    let got = false;
    try {
      arm();
      const stream = await this.client.openWatch(
        this.apiVersion,
        this.kind,
        {
          namespace: this.namespace,
          labelSelector: this.labelSelector,
          resourceVersion: this.rv,
          allowWatchBookmarks: true,
          timeoutSeconds: this.watchTimeoutSeconds,
        },
        ac.signal,
      );
      this.st.watching = true;
      for await (const ev of stream) {
        arm();
        got = true;
        this.st.lastHeardTime = new Date();
        this.st.lastError = undefined;
        this.st.lastErrorValue = undefined;
        if (ev.type === 'ERROR') {
          const s = ev.object as unknown as { code?: number; reason?: string; message?: string };
          throw new KubeApiError(`watch ${this.kind}: ${s.message ?? 'error event'}`, {
            status: s.code ?? 500,
            reason: s.reason,
            statusMessage: s.message,
          });
        }
        const rv = ev.object.metadata.resourceVersion;
        if (rv !== undefined) this.rv = rv;
        if (ev.type === 'BOOKMARK') continue;
        const key = objectKey(ev.object);
        if (ev.type === 'DELETED') {
          this.remove(key);
          this.emit({ type: 'delete', object: ev.object });
        } else {
          const old = this.put(key, ev.object);
          if (old === undefined) this.emit({ type: 'add', object: ev.object });
          else this.emit({ type: 'update', object: ev.object, old });
        }
      }
      return got;
    } catch (err) {
      if (idle && !outer.aborted) {
        throw new Error(`watch ${this.kind}: nothing received for ${this.idleTimeoutMs} ms`, {
          cause: err,
        });
      }
      throw err;
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      outer.removeEventListener('abort', onOuter);
      this.st.watching = false;
    }
  }

  private emit(ev: InformerEvent): void {
    for (const h of this.handlers) this.call(h, ev);
  }

  private call(h: InformerHandler, ev: InformerEvent): void {
    try {
      h(ev);
    } catch (err) {
      this.log.error({ err, kind: this.kind }, 'informer event handler failed');
    }
  }
}

function indexAdd(
  idx: Map<string, Set<string>>,
  label: string,
  key: string,
  obj: KubeObject,
): void {
  const v = obj.metadata.labels?.[label];
  if (v === undefined) return;
  let keys = idx.get(v);
  if (keys === undefined) {
    keys = new Set();
    idx.set(v, keys);
  }
  keys.add(key);
}

function indexRemove(
  idx: Map<string, Set<string>>,
  label: string,
  key: string,
  obj: KubeObject,
): void {
  const v = obj.metadata.labels?.[label];
  if (v === undefined) return;
  const keys = idx.get(v);
  keys?.delete(key);
  if (keys?.size === 0) idx.delete(v);
}
