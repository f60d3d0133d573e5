/**
 * Packages and ClusterPackages of a cluster as progress rows, kept current by informers over any
 * KubeClient (the embedded server or a real cluster), and a wait for them to settle. The
 * (Cluster)ObjectSets are watched too: while a package is not Available, the message of its
 * latest revision (the failing probe, e.g. `Phase "deploy" failed: ...`) says why.
 */
import { coreGroup, coreVersion } from '../apis/index.js';
import { Informer, type KubeClient, type KubeObject } from '../kube/index.js';
import {
  packageRow,
  revisionMessage,
  rowKey,
  sortRows,
  summarize,
  type PackageRow,
  type Summary,
} from './progress.js';

const apiVersion = `${coreGroup}/${coreVersion}`;

interface RevisionInfo {
  revision: number;
  message: string | undefined;
}

export type RowsListener = (rows: PackageRow[]) => void;

export class PackageWatch {
  private readonly informers: Informer[];
  private readonly rows = new Map<string, PackageRow>();
  /** Latest (highest) revision's failure message by package row key. */
  private readonly revisions = new Map<
    string,
    Map<string, { revision: number; message: string | undefined }>
  >();
  private readonly listeners = new Set<RowsListener>();
  private readonly unsubscribes: (() => void)[] = [];

  constructor(client: KubeClient, opts: { backoffBaseMs?: number } = {}) {
    const informer = (kind: string): Informer =>
      new Informer(client, {
        apiVersion,
        kind,
        ...(opts.backoffBaseMs !== undefined ? { backoffBaseMs: opts.backoffBaseMs } : {}),
      });
    const packages = ['Package', 'ClusterPackage'].map(informer);
    const objectSets = ['ObjectSet', 'ClusterObjectSet'].map(informer);
    this.informers = [...packages, ...objectSets];
    for (const inf of packages) {
      this.unsubscribes.push(
        inf.addHandler((ev) => {
          const row = packageRow(ev.object);
          if (ev.type === 'delete') this.rows.delete(row.key);
          else this.rows.set(row.key, row);
          this.emit();
        }),
      );
    }
    for (const inf of objectSets) {
      this.unsubscribes.push(
        inf.addHandler((ev) => {
          const r = revisionMessage(ev.object);
          if (r === undefined) return;
          let byName = this.revisions.get(r.packageKey);
          if (byName === undefined) {
            byName = new Map<string, RevisionInfo>();
            this.revisions.set(r.packageKey, byName);
          }
          if (ev.type === 'delete') byName.delete(r.name);
          else byName.set(r.name, { revision: r.revision, message: r.message });
          if (byName.size === 0) this.revisions.delete(r.packageKey);
          this.emit();
        }),
      );
    }
  }

  /** Starts the informers and waits for their first list. */
  async start(timeoutMs = 60_000): Promise<void> {
    for (const inf of this.informers) inf.start();
    await Promise.all(this.informers.map((i) => i.waitForSync(timeoutMs)));
  }

  current(): PackageRow[] {
    return sortRows(
      [...this.rows.values()].map((row) => {
        if (row.settled !== undefined || row.phase === 'Invalid') return row;
        let latest: { revision: number; message: string | undefined } | undefined;
        for (const r of this.revisions.get(row.key)?.values() ?? []) {
          if (latest === undefined || r.revision > latest.revision) latest = r;
        }
        return latest?.message === undefined ? row : { ...row, message: latest.message };
      }),
    );
  }

  summary(): Summary {
    return summarize(this.current());
  }

  /** Calls `l` with every change (and once now); returns the unsubscribe. */
  subscribe(l: RowsListener): () => void {
    this.listeners.add(l);
    l(this.current());
    return () => {
      this.listeners.delete(l);
    };
  }

  private emit(): void {
    const rows = this.current();
    for (const l of this.listeners) l(rows);
  }

  async stop(): Promise<void> {
    for (const u of this.unsubscribes.splice(0)) u();
    this.listeners.clear();
    await Promise.all(this.informers.map((i) => i.stop()));
  }
}

export type SettleOutcome =
  | { kind: 'available'; rows: PackageRow[] }
  | { kind: 'invalid'; rows: PackageRow[]; invalid: PackageRow[] }
  | { kind: 'timeout'; rows: PackageRow[]; pending: PackageRow[]; missing: string[] };

/**
 * Resolves once every package is settled (Available or Invalid for its current spec) and every
 * key of `expected` (objects just applied) has been seen; or when `timeoutMs` passes.
 */
export function waitForSettled(
  watch: PackageWatch,
  opts: { expected?: readonly KubeObject[]; timeoutMs: number; signal?: AbortSignal },
): Promise<SettleOutcome> {
  const expected = (opts.expected ?? []).map((o) =>
    rowKey(o.kind, o.metadata.namespace, o.metadata.name ?? ''),
  );
  return new Promise<SettleOutcome>((resolve) => {
    let done = false;
    // Set after subscribe returns; subscribe itself may already finish (everything settled).
    const subscription: { off?: () => void } = {};
    const finish = (o: SettleOutcome): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      subscription.off?.();
      opts.signal?.removeEventListener('abort', onAbort);
      resolve(o);
    };
    const check = (rows: PackageRow[]): void => {
      const seen = new Set(rows.map((r) => r.key));
      if (expected.some((k) => !seen.has(k))) return;
      if (rows.some((r) => r.settled === undefined)) return;
      const invalid = rows.filter((r) => r.settled === 'invalid');
      finish(invalid.length > 0 ? { kind: 'invalid', rows, invalid } : { kind: 'available', rows });
    };
    const onTimeout = (): void => {
      const rows = watch.current();
      const seen = new Set(rows.map((r) => r.key));
      finish({
        kind: 'timeout',
        rows,
        pending: rows.filter((r) => r.settled === undefined),
        missing: expected.filter((k) => !seen.has(k)),
      });
    };
    const onAbort = onTimeout;
    const timer = setTimeout(onTimeout, opts.timeoutMs);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    subscription.off = watch.subscribe(check);
    if (done) subscription.off();
  });
}
