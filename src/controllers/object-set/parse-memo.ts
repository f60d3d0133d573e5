/**
 * Parsed objects reused while an object's uid and resourceVersion stay the same: a reconcile
 * of an unchanged object (a watch event of a child, a requeue) does not parse it again. Parsing is
 * pure, so the value parsed at one resourceVersion is the value at that resourceVersion; callers
 * treat it as read-only.
 */
import type { KubeObject } from '../../kube/index.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: string[] };

export class ParseMemo<T> {
  private readonly byKey = new Map<string, { uid: string; rv: string; parsed: Parsed<T> }>();

  constructor(private readonly parse: (raw: KubeObject) => Parsed<T>) {}

  /** The parse of `raw`, from the memo when `key` was last parsed at the same uid and version. */
  get(key: string, raw: KubeObject): Parsed<T> {
    const uid = raw.metadata.uid ?? '';
    const rv = raw.metadata.resourceVersion ?? '';
    const hit = this.byKey.get(key);
    if (hit !== undefined && rv !== '' && hit.uid === uid && hit.rv === rv) return hit.parsed;
    const parsed = this.parse(raw);
    if (rv === '') this.byKey.delete(key);
    else this.byKey.set(key, { uid, rv, parsed });
    return parsed;
  }

  /** Drops the entry of an object that is gone. */
  forget(key: string): void {
    this.byKey.delete(key);
  }

  get size(): number {
    return this.byKey.size;
  }
}
