/** Masterminds/semver v3 (3.2): the `*semver.Version` sprig's `semver` returns and `semverCompare`. */
import { GoStruct, goInt, type GoFunc, type GoValue } from '../value.js';

const versionRe =
  /^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?$/;

export class SemverVersion extends GoStruct {
  readonly goType = '*semver.Version';
  constructor(
    readonly major: bigint,
    readonly minor: bigint,
    readonly patch: bigint,
    readonly pre: string,
    readonly metadata: string,
    readonly original: string,
  ) {
    super();
  }

  static parse(v: string): SemverVersion {
    const m = versionRe.exec(v);
    if (m === null) throw new Error('Invalid Semantic Version');
    const part = (s: string | undefined): bigint => {
      if (s === undefined) return 0n;
      const n = BigInt(s.replace('.', ''));
      if (n >= 2n ** 64n) throw new Error('Error parsing version segment: value out of range');
      return n;
    };
    const pre = m[5] ?? '';
    for (const p of pre === '' ? [] : pre.split('.'))
      if (/^[0-9]+$/.test(p) && p.length > 1 && p.startsWith('0'))
        throw new Error('Version segment starts with 0');
    return new SemverVersion(part(m[1]), part(m[2]), part(m[3]), pre, m[8] ?? '', v);
  }

  goString(): string {
    let s = `${this.major}.${this.minor}.${this.patch}`;
    if (this.pre !== '') s += `-${this.pre}`;
    if (this.metadata !== '') s += `+${this.metadata}`;
    return s;
  }

  compare(o: SemverVersion): number {
    for (const [a, b] of [
      [this.major, o.major],
      [this.minor, o.minor],
      [this.patch, o.patch],
    ] as const) {
      if (a !== b) return a < b ? -1 : 1;
    }
    return comparePrerelease(this.pre, o.pre);
  }

  override getMethod(name: string): GoFunc | undefined {
    const noArgs = (fn: () => GoValue): GoFunc => ({ params: [], fn: () => fn() });
    const withOther = (fn: (o: SemverVersion) => GoValue): GoFunc => ({
      params: ['*semver.Version'],
      fn: ([o]) => fn(o as SemverVersion),
    });
    switch (name) {
      case 'Major':
        return noArgs(() => goInt(this.major, 'uint64'));
      case 'Minor':
        return noArgs(() => goInt(this.minor, 'uint64'));
      case 'Patch':
        return noArgs(() => goInt(this.patch, 'uint64'));
      case 'Prerelease':
        return noArgs(() => this.pre);
      case 'Metadata':
        return noArgs(() => this.metadata);
      case 'Original':
        return noArgs(() => this.original);
      case 'String':
        return noArgs(() => this.goString());
      case 'Compare':
        return withOther((o) => goInt(this.compare(o)));
      case 'LessThan':
        return withOther((o) => this.compare(o) < 0);
      case 'GreaterThan':
        return withOther((o) => this.compare(o) > 0);
      case 'Equal':
        return withOther((o) => this.compare(o) === 0);
      default:
        return undefined;
    }
  }
}

function comparePrerelease(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return 1;
  if (b === '') return -1;
  const ap = a.split('.');
  const bp = b.split('.');
  const n = Math.max(ap.length, bp.length);
  for (let i = 0; i < n; i++) {
    const x = ap[i] ?? '';
    const y = bp[i] ?? '';
    const d = comparePrePart(x, y);
    if (d !== 0) return d;
  }
  return 0;
}

function comparePrePart(s: string, o: string): number {
  if (s === o) return 0;
  if (s === '') return o !== '' ? -1 : 1;
  if (o === '') return s !== '' ? 1 : -1;
  const sn = /^[0-9]+$/.test(s);
  const on = /^[0-9]+$/.test(o);
  if (sn && on) return BigInt(s) > BigInt(o) ? 1 : -1;
  if (sn) return -1;
  if (on) return 1;
  return s > o ? 1 : -1;
}

// --- constraints ---

const cv = String.raw`v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?`;
const ops = String.raw`=||!=|>|<|>=|=>|<=|=<|~|~>|\^`;
const constraintRe = new RegExp(String.raw`^\s*(${ops})\s*(${cv})\s*$`);
const rangeRe = new RegExp(String.raw`\s*(${cv})\s+-\s+(${cv})\s*`, 'g');
const findRe = new RegExp(String.raw`(${ops})\s*(${cv})`, 'g');
const validRe = new RegExp(
  String.raw`^(\s*(${ops})\s*(${cv})\s*)((?:\s+|,\s*)(${ops})\s*(${cv})\s*)*$`,
);

interface Constraint {
  con: SemverVersion;
  orig: string;
  op: string;
  minorDirty: boolean;
  patchDirty: boolean;
  dirty: boolean;
}

const isX = (x: string | undefined): boolean => x === 'x' || x === '*' || x === 'X';

function parseConstraint(c: string): Constraint {
  const m = constraintRe.exec(c);
  if (m === null) throw new Error(`improper constraint: ${c}`);
  const [, op = '', orig = '', m3 = '', m4 = '', m5 = '', m6 = ''] = m;
  let ver = orig;
  let minorDirty = false;
  let patchDirty = false;
  let dirty = false;
  if (isX(m3) || m3 === '') {
    ver = `0.0.0${m6}`;
    dirty = true;
  } else if (isX(m4.replace(/^\./, '')) || m4 === '') {
    minorDirty = true;
    dirty = true;
    ver = `${m3}.0.0${m6}`;
  } else if (isX(m5.replace(/^\./, '')) || m5 === '') {
    dirty = true;
    patchDirty = true;
    ver = `${m3}${m4}.0${m6}`;
  }
  let con: SemverVersion;
  try {
    con = SemverVersion.parse(ver);
  } catch {
    throw new Error('constraint Parser Error');
  }
  return { con, orig, op, minorDirty, patchDirty, dirty };
}

function check(v: SemverVersion, c: Constraint): boolean {
  const con = c.con;
  const preBlocked = v.pre !== '' && con.pre === '';
  const tilde = (): boolean => {
    if (preBlocked || v.compare(con) < 0) return false;
    if (con.major === 0n && con.minor === 0n && con.patch === 0n && !c.minorDirty && !c.patchDirty)
      return true;
    if (v.major !== con.major) return false;
    return !(v.minor !== con.minor && !c.minorDirty);
  };
  switch (c.op) {
    case '':
    case '=':
      if (preBlocked) return false;
      return c.dirty ? tilde() : v.compare(con) === 0;
    case '!=':
      if (c.dirty) {
        if (preBlocked) return false;
        if (con.major !== v.major) return true;
        if (con.minor !== v.minor && !c.minorDirty) return true;
        if (c.minorDirty) return false;
        if (con.patch !== v.patch && !c.patchDirty) return true;
        if (c.patchDirty) {
          if (v.pre !== '' || con.pre !== '') return comparePrerelease(v.pre, con.pre) !== 0;
          return false;
        }
      }
      return v.compare(con) !== 0;
    case '>':
      if (preBlocked) return false;
      if (!c.dirty) return v.compare(con) === 1;
      if (v.major > con.major) return true;
      if (v.major < con.major || c.minorDirty) return false;
      if (c.patchDirty) return v.minor > con.minor;
      return v.compare(con) === 1;
    case '<':
      return !preBlocked && v.compare(con) < 0;
    case '>=':
    case '=>':
      return !preBlocked && v.compare(con) >= 0;
    case '<=':
    case '=<':
      if (preBlocked) return false;
      if (!c.dirty) return v.compare(con) <= 0;
      if (v.major > con.major) return false;
      return !(v.major === con.major && v.minor > con.minor && !c.minorDirty);
    case '~':
    case '~>':
      return tilde();
    case '^':
      if (preBlocked || v.compare(con) < 0) return false;
      if (con.major > 0n || c.minorDirty) return v.major === con.major;
      if (con.major === 0n && v.major > 0n) return false;
      if (con.minor > 0n || c.patchDirty) return v.minor === con.minor;
      if (con.minor === 0n && v.minor > 0n) return false;
      return con.patch === v.patch;
    default:
      return false;
  }
}

/** sprig's semverCompare. */
export function semverCompare(constraint: string, version: string): boolean {
  let c = constraint;
  for (const m of [...constraint.matchAll(rangeRe)]) c = c.replace(m[0], `>= ${m[1]}, <= ${m[11]}`);
  const groups = c.split('||').map((part) => {
    if (!validRe.test(part)) throw new Error(`improper constraint: ${part}`);
    const found = [...part.matchAll(findRe)].map((m) => m[0]);
    return (found.length === 0 ? [part] : found).map(parseConstraint);
  });
  const v = SemverVersion.parse(version);
  return groups.some((g) => g.every((con) => check(v, con)));
}
