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
  /** Revision of the last event this watcher got (or the state it started from). */
  lastRev: number;
}

export function objectKey(rk: string, ns: string, name: string): string {
  return `${rk}|${ns}|${name}`;
}

export function splitKey(key: string): { rk: string; ns: string; name: string } {
  const [rk = '', ns = '', name = ''] = key.split('|');
  return { rk, ns, name };
}

/** Namespace, then name: the order of every list. */
export function compareObjects(a: KubeObject, b: KubeObject): number {
  const na = a.metadata.namespace ?? '';
  const nb = b.metadata.namespace ?? '';
  if (na !== nb) return na < nb ? -1 : 1;
  const ma = a.metadata.name ?? '';
  const mb = b.metadata.name ?? '';
  return ma < mb ? -1 : ma > mb ? 1 : 0;
}

function nsName(ns: string, name: string): string {
  return `${ns}/${name}`;
}

export class Store {
  /** rk -> namespace ('' for cluster-scoped) -> name -> object */
  private readonly byResource = new Map<string, Map<string, Map<string, KubeObject>>>();
  /** Events after `compacted`, from index `head` on (earlier slots are cleared). */
  private history: (StoreEvent | undefined)[] = [];
  private head = 0;
  private readonly watchers = new Set<Watcher>();
  /** With a write-ahead log, watchers see an event only once it is on disk. */
  private durable: number;
  private unreleased: StoreEvent[] = [];
  private rev: number;
  /** Every event after this revision is still in `history`. */
  private compacted: number;
  private readonly historySize: number;
  private readonly wal: Wal | undefined;
  private readonly listeners = new Set<(e: StoreEvent) => void>();
  private readonly sorted = new Map<string, string[]>();

  constructor(opts: {
    historySize?: number;
    wal?: Wal;
    initial?: { revision: number; objects: Map<string, KubeObject> };
  }) {
    this.historySize = Math.max(1, opts.historySize ?? 10_000);
    this.wal = opts.wal;
    this.rev = opts.initial?.revision ?? 0;
    this.compacted = this.rev;
    this.durable = this.rev;
    for (const [key, obj] of opts.initial?.objects ?? []) {
      const { rk, ns, name } = splitKey(key);
      this.nsMap(rk, ns).set(name, obj);
    }
  }

  get revision(): number {
    return this.rev;
  }

  /** Open watches (tests check that closed connections release theirs). */
  get watcherCount(): number {
    return this.watchers.size;
  }

  get compactedRevision(): number {
    return this.compacted;
  }

  private nsMap(rk: string, ns: string): Map<string, KubeObject> {
    let r = this.byResource.get(rk);
    if (!r) {
      r = new Map();
      this.byResource.set(rk, r);
    }
    let m = r.get(ns);
    if (!m) {
      m = new Map();
      r.set(ns, m);
    }
    return m;
  }

  get(rk: string, ns: string, name: string): KubeObject | undefined {
    return this.byResource.get(rk)?.get(ns)?.get(name);
  }

  /** Names of a namespace in order, cached until an object is added or removed there. */
  private sortedNames(rk: string, ns: string, m: Map<string, KubeObject>): string[] {
    const key = `${rk}|${ns}`;
    let names = this.sorted.get(key);
    if (!names) {
      names = [...m.keys()].sort();
      this.sorted.set(key, names);
    }
    return names;
  }

  count(): number {
    let n = 0;
    for (const r of this.byResource.values()) for (const m of r.values()) n += m.size;
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
    const r = this.byResource.get(rk);
    if (at === undefined || at >= this.rev) {
      const out: KubeObject[] = [];
      const spaces = ns !== undefined ? [ns] : [...(r?.keys() ?? [])].sort();
      for (const n of spaces) {
        const m = r?.get(n);
        if (!m) continue;
        for (const name of this.sortedNames(rk, n, m)) {
          const obj = m.get(name);
          if (obj) out.push(obj);
        }
      }
      return out;
    }
    const state = new Map<string, KubeObject>();
    for (const [n, m] of r ?? []) {
      if (ns !== undefined && n !== ns) continue;
      for (const [name, obj] of m) state.set(nsName(n, name), obj);
    }
    if (at < this.compacted) {
      throw expired(`too old resource version: ${at} (${this.compacted + 1})`);
    }
    for (let i = this.history.length - 1; i >= this.head; i--) {
      const e = this.history[i];
      if (!e || e.rev <= at) break;
      if (e.rk !== rk || (ns !== undefined && e.ns !== ns)) continue;
      const k = nsName(e.ns, e.name);
      if (e.type === 'ADDED') state.delete(k);
      else if (e.prev) state.set(k, e.prev);
    }
    return [...state.values()].sort(compareObjects);
  }

  /** Creates or replaces an object; stamps and returns it with the new revision. */
  put(rk: string, obj: KubeObject): KubeObject {
    const ns = obj.metadata.namespace ?? '';
    const name = obj.metadata.name ?? '';
    const m = this.nsMap(rk, ns);
    const prev = m.get(name);
    this.rev += 1;
    const stored: KubeObject = {
      ...obj,
      metadata: { ...obj.metadata, resourceVersion: String(this.rev) },
    };
    if (!prev) this.sorted.delete(`${rk}|${ns}`);
    m.set(name, stored);
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
    const m = this.byResource.get(rk)?.get(ns);
    const prev = m?.get(name);
    if (!m || !prev) return undefined;
    m.delete(name);
    this.sorted.delete(`${rk}|${ns}`);
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
    if (this.history.length - this.head > this.historySize) {
      const dropped = this.history[this.head];
      if (dropped) this.compacted = dropped.rev;
      this.history[this.head] = undefined;
      this.head += 1;
      // Amortised: the array is copied once per `historySize` events.
      if (this.head >= this.historySize) {
        this.history = this.history.slice(this.head);
        this.head = 0;
      }
    }
    for (const l of this.listeners) l(e);
    if (!this.wal) {
      this.durable = e.rev;
      for (const w of this.watchers) deliverTo(w, e);
      return;
    }
    this.unreleased.push(e);
    const rev = e.rev;
    this.wal.sync().then(
      () => this.release(rev),
      () => undefined, // the log failed: writes are answered with errors, events stay unreleased
    );
  }

  /** Delivers the events up to `rev` (now on disk) to watchers, in revision order. */
  private release(rev: number): void {
    if (rev <= this.durable) return;
    this.durable = rev;
    let n = 0;
    while (n < this.unreleased.length && (this.unreleased[n]?.rev ?? Infinity) <= rev) n++;
    const ready = this.unreleased.slice(0, n);
    this.unreleased = this.unreleased.slice(n);
    for (const ev of ready) for (const w of this.watchers) deliverTo(w, ev);
  }

  /** Starts a watch; returns its cancel function. Throws Expired when `fromRev` is compacted. */
  watch(opts: WatchOptions): () => void {
    let lastRev: number;
    if (opts.fromRev === undefined) {
      for (const obj of this.list(opts.rk, opts.namespace))
        if (opts.match(obj)) opts.send('ADDED', obj);
      lastRev = this.rev;
    } else {
      if (opts.fromRev < this.compacted) {
        throw expired(`too old resource version: ${opts.fromRev} (${this.compacted + 1})`);
      }
      for (let i = this.head; i < this.history.length; i++) {
        const e = this.history[i];
        if (e && e.rev > opts.fromRev && e.rev <= this.durable) deliver(opts, e);
      }
      lastRev = Math.max(opts.fromRev, this.durable);
    }
    const w: Watcher = { opts, lastRev };
    this.watchers.add(w);
    return () => this.watchers.delete(w);
  }
}

function deliverTo(w: Watcher, e: StoreEvent): void {
  if (e.rev <= w.lastRev) return;
  w.lastRev = e.rev;
  deliver(w.opts, e);
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
