import type { KubeClient } from './client.js';
import { cloneJson } from './clone.js';
import { gvkKey, gvkOf } from './gvk.js';
import {
  Informer,
  silentLogger,
  type InformerEvent,
  type InformerHealth,
  type InformerOptions,
  type RuntimeLogger,
} from './informer.js';
import type { KubeObject, KubeReader, ListOptions, ObjectList, ObjectRef } from './types.js';

/** The label PKO puts on every object it manages; the managed cache only sees labelled objects. */
export const CACHE_LABEL = 'package-operator.run/cache';
export const CACHE_LABEL_SELECTOR = `${CACHE_LABEL}=True`;

export interface KindRef {
  apiVersion: string;
  kind: string;
}

export type CacheEvent = InformerEvent & { apiVersion: string; kind: string };
export type CacheHandler = (ev: CacheEvent) => void;

export interface InformerCacheOptions {
  /** Selector every informer of this cache uses (e.g. CACHE_LABEL_SELECTOR); none by default. */
  labelSelector?: string | undefined;
  /** Informer tuning (watch timeout, backoff, page size). */
  informer?: Omit<InformerOptions, 'apiVersion' | 'kind' | 'labelSelector' | 'logger'> | undefined;
  /** How long `ensure` waits for a new informer's first list (default 60 s). */
  syncTimeoutMs?: number | undefined;
  logger?: RuntimeLogger | undefined;
}

interface Slot {
  informer: Informer;
  users: Set<string>;
  unsubscribe: () => void;
}

/**
 * Informers per kind, started on demand and shared by *users* (an ObjectSet, a controller): a
 * user declares the kinds it needs, and an informer stops when its last user frees it (PKO's
 * managed cache). Reads are served from the informers' stores; a kind without an informer is
 * read from the API server directly. With a label selector, objects without the label are
 * invisible here: read them through the client.
 */
export class InformerCache implements KubeReader {
  private readonly slots = new Map<string, Slot>();
  private readonly userKinds = new Map<string, Set<string>>();
  private readonly handlers = new Set<CacheHandler>();
  private readonly log: RuntimeLogger;
  private readonly syncTimeoutMs: number;
  private stopped = false;

  constructor(
    readonly client: KubeClient,
    private readonly opts: InformerCacheOptions = {},
  ) {
    this.log = opts.logger ?? silentLogger;
    this.syncTimeoutMs = opts.syncTimeoutMs ?? 60_000;
  }

  get labelSelector(): string | undefined {
    return this.opts.labelSelector;
  }

  /**
   * Adds kinds to a user's set, starting informers that are missing, and waits until all of
   * them have synced (rejects with NoKindMatchError when a kind is not served).
   */
  async ensure(user: string, kinds: readonly KindRef[]): Promise<void> {
    if (this.stopped) throw new Error('informer cache stopped');
    let set = this.userKinds.get(user);
    if (set === undefined) {
      set = new Set();
      this.userKinds.set(user, set);
    }
    const informers: Informer[] = [];
    for (const k of kinds) {
      const key = gvkKey(gvkOf(k.apiVersion, k.kind));
      set.add(key);
      informers.push(this.acquire(key, k, user));
    }
    await Promise.all(informers.map((i) => i.waitForSync(this.syncTimeoutMs)));
  }

  /** Replaces a user's set of kinds: informers no longer needed by anyone stop. */
  async setKinds(user: string, kinds: readonly KindRef[]): Promise<void> {
    const want = new Set(kinds.map((k) => gvkKey(gvkOf(k.apiVersion, k.kind))));
    for (const key of [...(this.userKinds.get(user) ?? [])]) {
      if (!want.has(key)) await this.release(key, user);
    }
    await this.ensure(user, kinds);
  }

  /** Drops every kind of a user. */
  async free(user: string): Promise<void> {
    const set = this.userKinds.get(user);
    this.userKinds.delete(user);
    for (const key of set ?? []) await this.release(key, user);
  }

  /** Receives events of every informer of this cache, current and future. */
  addHandler(h: CacheHandler): () => void {
    this.handlers.add(h);
    for (const slot of this.slots.values()) {
      const { apiVersion, kind } = slot.informer;
      for (const object of slot.informer.list()) h({ type: 'add', object, apiVersion, kind });
    }
    return () => {
      this.handlers.delete(h);
    };
  }

  /** The informer of a kind when one runs. */
  informerFor(apiVersion: string, kind: string): Informer | undefined {
    return this.slots.get(gvkKey(gvkOf(apiVersion, kind)))?.informer;
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    const inf = this.informerFor(ref.apiVersion, ref.kind);
    if (inf === undefined || !inf.hasSynced) return this.client.get(ref);
    // A copy: like the client's answers, the caller owns what it gets (the store stays intact).
    const obj = inf.get(ref.namespace, ref.name);
    return obj === undefined ? undefined : cloneJson(obj);
  }

  async list(apiVersion: string, kind: string, opts: ListOptions = {}): Promise<ObjectList> {
    const inf = this.informerFor(apiVersion, kind);
    if (inf === undefined || !inf.hasSynced || opts.fieldSelector !== undefined) {
      return this.client.list(apiVersion, kind, opts);
    }
    return {
      items: inf
        .list({ namespace: opts.namespace, labelSelector: opts.labelSelector })
        .map((o) => cloneJson(o)),
      resourceVersion: inf.health().resourceVersion ?? '',
    };
  }

  health(): InformerHealth[] {
    return [...this.slots.values()].map((s) => s.informer.health());
  }

  /** Users per informer, for debugging and tests. */
  users(apiVersion: string, kind: string): string[] {
    return [...(this.slots.get(gvkKey(gvkOf(apiVersion, kind)))?.users ?? [])];
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const slots = [...this.slots.values()];
    this.slots.clear();
    this.userKinds.clear();
    await Promise.all(
      slots.map(async (s) => {
        s.unsubscribe();
        await s.informer.stop();
      }),
    );
  }

  private acquire(key: string, k: KindRef, user: string): Informer {
    let slot = this.slots.get(key);
    if (slot === undefined) {
      const informer = new Informer(this.client, {
        ...this.opts.informer,
        apiVersion: k.apiVersion,
        kind: k.kind,
        labelSelector: this.opts.labelSelector,
        logger: this.log,
      });
      const unsubscribe = informer.addHandler((ev) => {
        for (const h of this.handlers) {
          try {
            h({ ...ev, apiVersion: k.apiVersion, kind: k.kind });
          } catch (err) {
            this.log.error({ err, kind: k.kind }, 'cache event handler failed');
          }
        }
      });
      slot = { informer, users: new Set(), unsubscribe };
      this.slots.set(key, slot);
      informer.start();
      this.log.debug({ kind: k.kind, apiVersion: k.apiVersion }, 'informer started');
    }
    slot.users.add(user);
    return slot.informer;
  }

  private async release(key: string, user: string): Promise<void> {
    this.userKinds.get(user)?.delete(key);
    const slot = this.slots.get(key);
    if (slot === undefined) return;
    slot.users.delete(user);
    if (slot.users.size > 0) return;
    this.slots.delete(key);
    slot.unsubscribe();
    await slot.informer.stop();
    this.log.debug({ kind: slot.informer.kind }, 'informer stopped (no users left)');
  }
}
