/**
 * Sets of field paths, as structured-merge-diff keeps them, with the FieldsV1 encoding. A path
 * element is kept in its serialized FieldsV1 form (`f:name`, `k:{"name":"a"}`, `v:"x"`, `i:0`),
 * which is canonical: key fields are sorted and values are encoded the way Go encodes them.
 */
import { isPlainObject } from './json-merge-patch.js';
import type { FieldsV1 } from './types.js';

export class FieldSet {
  readonly members = new Set<string>();
  readonly children = new Map<string, FieldSet>();

  static fromPaths(paths: string[][]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  insert(path: readonly string[]): void {
    if (path.length === 0) return;
    if (path.length === 1) {
      this.members.add(path[0] as string);
      return;
    }
    let parent = this.child(path[0] as string);
    for (let i = 1; i < path.length - 1; i++) parent = parent.child(path[i] as string);
    parent.members.add(path[path.length - 1] as string);
  }

  /** The child set under `pe`, created when missing. */
  child(pe: string): FieldSet {
    let c = this.children.get(pe);
    if (!c) {
      c = new FieldSet();
      this.children.set(pe, c);
    }
    return c;
  }

  has(path: readonly string[]): boolean {
    const last = path[path.length - 1];
    if (last === undefined) return false;
    const parent = path
      .slice(0, -1)
      .reduce<FieldSet | undefined>((s, pe) => s?.children.get(pe), this);
    return parent?.members.has(last) ?? false;
  }

  withPrefix(pe: string): FieldSet | undefined {
    const c = this.children.get(pe);
    return c && !c.empty() ? c : undefined;
  }

  empty(): boolean {
    if (this.members.size > 0) return false;
    for (const c of this.children.values()) if (!c.empty()) return false;
    return true;
  }

  union(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) out.members.add(m);
    for (const m of o.members) out.members.add(m);
    for (const [pe, c] of this.children) {
      const oc = o.children.get(pe);
      out.children.set(pe, oc ? c.union(oc) : c.copy());
    }
    for (const [pe, c] of o.children) if (!this.children.has(pe)) out.children.set(pe, c.copy());
    return out.prune();
  }

  intersection(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) if (o.members.has(m)) out.members.add(m);
    for (const [pe, c] of this.children) {
      const oc = o.children.get(pe);
      if (!oc) continue;
      const r = c.intersection(oc);
      if (!r.empty()) out.children.set(pe, r);
    }
    return out;
  }

  /** Leaf difference: a member removes only that member, not the children under it. */
  difference(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) if (!o.members.has(m)) out.members.add(m);
    for (const [pe, c] of this.children) {
      const oc = o.children.get(pe);
      const r = oc ? c.difference(oc) : c.copy();
      if (!r.empty()) out.children.set(pe, r);
    }
    return out;
  }

  /** Difference that also drops everything under a member of `o`. */
  recursiveDifference(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) if (!o.members.has(m)) out.members.add(m);
    for (const [pe, c] of this.children) {
      if (o.members.has(pe)) continue;
      const oc = o.children.get(pe);
      const r = oc ? c.recursiveDifference(oc) : c.copy();
      if (!r.empty()) out.children.set(pe, r);
    }
    return out;
  }

  copy(): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) out.members.add(m);
    for (const [pe, c] of this.children) out.children.set(pe, c.copy());
    return out;
  }

  private prune(): this {
    for (const [pe, c] of this.children) if (c.empty()) this.children.delete(pe);
    return this;
  }

  equals(o: FieldSet): boolean {
    if (this.members.size !== o.members.size) return false;
    for (const m of this.members) if (!o.members.has(m)) return false;
    const mine = [...this.children].filter(([, c]) => !c.empty());
    const theirs = [...o.children].filter(([, c]) => !c.empty());
    if (mine.length !== theirs.length) return false;
    return mine.every(([pe, c]) => {
      const oc = o.children.get(pe);
      return oc !== undefined && c.equals(oc);
    });
  }

  /** Every member path, parents before children, in FieldsV1 order. */
  paths(prefix: string[] = []): string[][] {
    const out: string[][] = [];
    const keys = new Set([...this.members, ...this.children.keys()]);
    for (const pe of [...keys].sort(comparePathElements)) {
      if (this.members.has(pe)) out.push([...prefix, pe]);
      const c = this.children.get(pe);
      if (c) out.push(...c.paths([...prefix, pe]));
    }
    return out;
  }

  toFieldsV1(): FieldsV1 {
    return this.emit(false);
  }

  private emit(includeSelf: boolean): FieldsV1 {
    const out: FieldsV1 = {};
    if (includeSelf) out['.'] = {};
    const keys = new Set([...this.members, ...this.children.keys()]);
    for (const pe of [...keys].sort(comparePathElements)) {
      const c = this.children.get(pe);
      if (c && !c.empty()) out[pe] = c.emit(this.members.has(pe));
      else if (this.members.has(pe)) out[pe] = {};
    }
    return out;
  }

  static fromFieldsV1(f: unknown): FieldSet {
    const out = new FieldSet();
    if (!isPlainObject(f)) return out;
    for (const [pe, v] of Object.entries(f)) {
      if (pe === '.') continue;
      if (!/^[fkvi]:/.test(pe)) throw new Error(`unknown path element type: ${pe}`);
      const canonical = canonicalPathElement(pe);
      if (isPlainObject(v) && Object.keys(v).length > 0) {
        if ('.' in v) out.members.add(canonical);
        const c = FieldSet.fromFieldsV1(v);
        if (!c.empty()) out.children.set(canonical, c);
      } else {
        out.members.add(canonical);
      }
    }
    return out;
  }
}

const kindOrder: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

/** SMD's path element order: fields by name, then keys, values, indexes. */
export function comparePathElements(a: string, b: string): number {
  const ka = kindOrder[a[0] ?? 'f'] ?? 9;
  const kb = kindOrder[b[0] ?? 'f'] ?? 9;
  if (ka !== kb) return ka - kb;
  if (a[0] === 'i') return Number(a.slice(2)) - Number(b.slice(2));
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Go's encoding/json text for a JSON value: sorted keys, HTML characters escaped. */
export function goJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  if (isPlainObject(v)) {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${goString(k)}:${goJson(v[k])}`).join(',')}}`;
  }
  if (typeof v === 'string') return goString(v);
  if (typeof v === 'bigint') return v.toString();
  if (v === undefined) return 'null';
  return JSON.stringify(v);
}

/** Whether Go's encoder would escape a character of `s` (quote, backslash, control, HTML). */
function needsEscape(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || c === 0x3c || c === 0x3e || c === 0x26) return true;
    if (c === 0x2028 || c === 0x2029) return true;
  }
  return false;
}

function goString(s: string): string {
  if (!needsEscape(s)) return `"${s}"`;
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => {
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

export function fieldPE(name: string): string {
  return `f:${name}`;
}

export function keyPE(fields: Record<string, unknown>): string {
  return `k:${goJson(fields)}`;
}

export function valuePE(v: unknown): string {
  return `v:${goJson(v)}`;
}

export function indexPE(i: number): string {
  return `i:${i}`;
}

const canonicalCache = new Map<string, string>();

function canonicalPathElement(pe: string): string {
  const kind = pe[0];
  if (kind !== 'k' && kind !== 'v') return pe;
  const cached = canonicalCache.get(pe);
  if (cached !== undefined) return cached;
  let out: string;
  try {
    out = `${kind}:${goJson(JSON.parse(pe.slice(2)))}`;
  } catch {
    throw new Error(`invalid path element: ${pe}`);
  }
  if (canonicalCache.size > 10000) canonicalCache.clear();
  canonicalCache.set(pe, out);
  return out;
}

/** SMD's rendering of a value inside a path (`value.ToString`). */
function valueToString(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(valueToString).join(',')}]`;
  if (isPlainObject(v)) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${k}=${valueToString(v[k])}`)
      .join(',')}}`;
  }
  return typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint'
    ? String(v)
    : 'null';
}

/** A path as the apiserver prints it in conflicts: `.spec.containers[name="a"].image`. */
export function pathString(path: readonly string[]): string {
  return path
    .map((pe) => {
      const body = pe.slice(2);
      switch (pe[0]) {
        case 'f':
          return `.${body}`;
        case 'k': {
          const fields = JSON.parse(body) as Record<string, unknown>;
          const parts = Object.keys(fields)
            .sort()
            .map((k) => `${k}=${valueToString(fields[k])}`);
          return `[${parts.join(',')}]`;
        }
        case 'v':
          return `[=${valueToString(JSON.parse(body))}]`;
        default:
          return `[${body}]`;
      }
    })
    .join('');
}
