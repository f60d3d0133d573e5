/**
 * The object store: one global revision (etcd/kine semantics), every write consumes one and stamps
 * the object's `resourceVersion`; a bounded history of events serves watches from a revision and
 * list snapshots at a past revision; optional write-ahead log for durability. It knows nothing of
 * HTTP or of Kubernetes rules beyond `resourceVersion`.
 */
import { expired } from '../errors.js';
import type { KubeObject } from '../types.js';
import type { Wal } from './wal.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  rev: number;
  type: EventType;
  /** `<group>/<plural>` */
  rk: string;
  ns: string;
  name: string;
  obj: KubeObject;
  prev: KubeObject | undefined;
}

export interface WatchOptions {
  rk: string;
  namespace?: string | undefined;
  /** Replay changes after this revision; undefined starts with ADDED for the current state. */
  fromRev?: number | undefined;
  match: (obj: KubeObject) => boolean;
  send: (type: EventType, obj: KubeObject) => void;
}

interface Watcher {
  opts: WatchOptions;
}

export function objectKey(rk: string, ns: string, name: string): string {
  return `${rk}|${ns}|${name}`;
}

export function splitKey(key: string): { rk: string; ns: string; name: string } {
  const [rk = '', ns = '', name = ''] = key.split('|');
  return { rk, ns, name };
}

function nsName(ns: string, name: string): string {
  return `${ns}/${name}`;
}

export class Store {
  private readonly byResource = new Map<string, Map<string, KubeObject>>();
  private history: StoreEvent[] = [];
  private readonly watchers = new Set<Watcher>();
  private rev: number;
  /** Every event after this revision is still in `history`. */
  private compacted: number;
  private readonly historySize: number;
  private readonly wal: Wal | undefined;
  private readonly listeners = new Set<(e: StoreEvent) => void>();

  constructor(opts: {
    historySize?: number;
    wal?: Wal;
    initial?: { revision: number; objects: Map<string, KubeObject> };
  }) {
    this.historySize = Math.max(1, opts.historySize ?? 10_000);
    this.wal = opts.wal;
    this.rev = opts.initial?.revision ?? 0;
    this.compacted = this.rev;
    for (const [key, obj] of opts.initial?.objects ?? []) {
      const { rk, ns, name } = splitKey(key);
      this.resourceMap(rk).set(nsName(ns, name), obj);
    }
  }

  get revision(): number {
    return this.rev;
  }

  get compactedRevision(): number {
    return this.compacted;
  }

  private resourceMap(rk: string): Map<string, KubeObject> {
    let m = this.byResource.get(rk);
    if (!m) {
      m = new Map();
      this.byResource.set(rk, m);
    }
    return m;
  }

  get(rk: string, ns: string, name: string): KubeObject | undefined {
    return this.byResource.get(rk)?.get(nsName(ns, name));
  }

  count(): number {
    let n = 0;
    for (const m of this.byResource.values()) n += m.size;
    return n;
  }

  resourceKeys(): string[] {
    return [...this.byResource.keys()];
  }

  /**
   * Objects of a resource (in one namespace or all), sorted by namespace/name, as they were at
   * revision `at` (default: now). A revision older than the history is Expired.
   */
  list(rk: string, ns: string | undefined, at?: number): KubeObject[] {
    const m = this.byResource.get(rk);
    const state = new Map<string, KubeObject>();
    for (const [k, obj] of m ?? []) {
      if (
        ns === undefined ||
        obj.metadata.namespace === ns ||
        (ns === '' && !obj.metadata.namespace)
      )
        state.set(k, obj);
    }
    if (at !== undefined && at < this.rev) {
      if (at < this.compacted) {
        throw expired(`too old resource version: ${at} (${this.compacted + 1})`);
      }
      for (let i = this.history.length - 1; i >= 0; i--) {
        const e = this.history[i];
        if (!e || e.rev <= at) break;
        if (e.rk !== rk || (ns !== undefined && e.ns !== ns)) continue;
        const k = nsName(e.ns, e.name);
        if (e.type === 'ADDED') state.delete(k);
        else if (e.prev) state.set(k, e.prev);
      }
    }
    return [...state.entries()]
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map((e) => e[1]);
  }

  /** Creates or replaces an object; stamps and returns it with the new revision. */
  put(rk: string, obj: KubeObject): KubeObject {
    const ns = obj.metadata.namespace ?? '';
    const name = obj.metadata.name ?? '';
    const m = this.resourceMap(rk);
    const prev = m.get(nsName(ns, name));
    this.rev += 1;
    const stored: KubeObject = {
      ...obj,
      metadata: { ...obj.metadata, resourceVersion: String(this.rev) },
    };
    m.set(nsName(ns, name), stored);
    this.wal?.append({ rev: this.rev, key: objectKey(rk, ns, name), obj: stored });
    this.emit({
      rev: this.rev,
      type: prev ? 'MODIFIED' : 'ADDED',
      rk,
      ns,
      name,
      obj: stored,
      prev,
    });
    return stored;
  }

  /** Removes an object; returns its last state stamped with the delete revision. */
  remove(rk: string, ns: string, name: string): KubeObject | undefined {
    const m = this.byResource.get(rk);
    const prev = m?.get(nsName(ns, name));
    if (!m || !prev) return undefined;
    m.delete(nsName(ns, name));
    this.rev += 1;
    const gone: KubeObject = {
      ...prev,
      metadata: { ...prev.metadata, resourceVersion: String(this.rev) },
    };
    this.wal?.append({ rev: this.rev, key: objectKey(rk, ns, name) });
    this.emit({ rev: this.rev, type: 'DELETED', rk, ns, name, obj: gone, prev });
    return gone;
  }

  /** Resolves once every write so far is durable (at once without a data dir). */
  sync(): Promise<void> {
    return this.wal ? this.wal.sync() : Promise.resolve();
  }

  /** Observes every committed event (controllers). */
  onEvent(fn: (e: StoreEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private emit(e: StoreEvent): void {
    this.history.push(e);
    if (this.history.length > this.historySize) {
      const drop = this.history.length - this.historySize;
      const last = this.history[drop - 1];
      if (last) this.compacted = last.rev;
      this.history = this.history.slice(drop);
    }
    for (const w of this.watchers) deliver(w.opts, e);
    for (const l of this.listeners) l(e);
  }

  /** Starts a watch; returns its cancel function. Throws Expired when `fromRev` is compacted. */
  watch(opts: WatchOptions): () => void {
    if (opts.fromRev === undefined) {
      for (const obj of this.list(opts.rk, opts.namespace))
        if (opts.match(obj)) opts.send('ADDED', obj);
    } else if (opts.fromRev < this.rev) {
      if (opts.fromRev < this.compacted) {
        throw expired(`too old resource version: ${opts.fromRev} (${this.compacted + 1})`);
      }
      for (const e of this.history) if (e.rev > opts.fromRev) deliver(opts, e);
    }
    const w: Watcher = { opts };
    this.watchers.add(w);
    return () => this.watchers.delete(w);
  }
}

function deliver(opts: WatchOptions, e: StoreEvent): void {
  if (e.rk !== opts.rk) return;
  if (opts.namespace !== undefined && e.ns !== opts.namespace) return;
  if (e.type === 'ADDED') {
    if (opts.match(e.obj)) opts.send('ADDED', e.obj);
    return;
  }
  if (e.type === 'DELETED') {
    if (opts.match(e.obj)) opts.send('DELETED', e.obj);
    return;
  }
  const before = e.prev !== undefined && opts.match(e.prev);
  const after = opts.match(e.obj);
  if (before && after) opts.send('MODIFIED', e.obj);
  else if (after) opts.send('ADDED', e.obj);
  else if (before) opts.send('DELETED', e.obj);
}
