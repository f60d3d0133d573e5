/**
 * Parsed objects reused while an object's uid and resourceVersion stay the same: a reconcile
 * of an unchanged object (a watch event of a child, a requeue) does not parse it again. Parsing is
 * pure, so the value parsed at one resourceVersion is the value at that resourceVersion; callers
 * treat it as read-only.
 *
 * A new resourceVersion of the same generation (a status write, a label or finalizer change) has
 * the same spec: given `parseVolatile`, only `metadata` and `status` are parsed again and the rest
 * of the last full parse is kept.
 */
import type { KubeObject } from '../../kube/index.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: string[] };

interface Entry<T> {
  uid: string;
  rv: string;
  generation: number | undefined;
  parsed: Parsed<T>;
}

export class ParseMemo<T extends object> {
  private readonly byKey = new Map<string, Entry<T>>();

  constructor(
    private readonly parse: (raw: KubeObject) => Parsed<T>,
    /** Parses `metadata` and `status` alone (keys absent from the answer are absent). */
    private readonly parseVolatile?: (raw: KubeObject) => Parsed<Partial<T>>,
  ) {}

  /** The parse of `raw`, from the memo when `key` was last parsed at the same uid and version. */
  get(key: string, raw: KubeObject): Parsed<T> {
    const uid = raw.metadata.uid ?? '';
    const rv = raw.metadata.resourceVersion ?? '';
    const generation = raw.metadata.generation;
    const hit = this.byKey.get(key);
    if (hit !== undefined && rv !== '' && hit.uid === uid) {
      if (hit.rv === rv) return hit.parsed;
      if (
        this.parseVolatile !== undefined &&
        hit.parsed.ok &&
        generation !== undefined &&
        hit.generation === generation
      ) {
        const part = this.parseVolatile(raw);
        if (part.ok) {
          const value = { ...hit.parsed.value } as Record<string, unknown>;
          delete value.metadata;
          delete value.status;
          const parsed: Parsed<T> = { ok: true, value: Object.assign(value, part.value) as T };
          this.byKey.set(key, { uid, rv, generation, parsed });
          return parsed;
        }
      }
    }
    const parsed = this.parse(raw);
    if (rv === '') this.byKey.delete(key);
    else this.byKey.set(key, { uid, rv, generation, parsed });
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
