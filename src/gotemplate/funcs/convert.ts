/**
 * Conversions shared by the sprig functions: spf13/cast's ToInt64/ToInt/ToFloat64 (which sprig's
 * `int`, `int64`, `float64` and its integer maths use) and sprig's `strval`/`strslice`.
 */
import { GoInt, GoStruct, bytesToString, goInt, goKind, type GoValue } from '../value.js';
import { formatValue } from './go-format.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Go's `int64(f)` for a float64 (amd64: NaN and out-of-range give the minimum int64). */
export function floatToInt64(f: number): bigint {
  if (!Number.isFinite(f)) return INT64_MIN;
  const t = BigInt(Math.trunc(f));
  return t < INT64_MIN || t > INT64_MAX ? INT64_MIN : t;
}

/** cast's trimZeroDecimal: `"2.00"` → `"2"`, anything else unchanged. */
function trimZeroDecimal(s: string): string {
  let foundZero = false;
  for (let i = s.length; i > 0; i--) {
    const c = s[i - 1];
    if (c === '.') {
      if (foundZero) return s.slice(0, i - 1);
    } else if (c === '0') foundZero = true;
    else return s;
  }
  return s;
}

/** Go's `strconv.ParseInt(s, 0, 64)`: sign, `0x`/`0o`/`0b`/leading-0 octal, underscores. */
export function parseGoInt(s: string): bigint | undefined {
  let i = 0;
  let neg = false;
  if (s[0] === '+' || s[0] === '-') {
    neg = s[0] === '-';
    i = 1;
  }
  let body = s.slice(i);
  let base = 10;
  let prefixed = false;
  if (/^0[xX]/.test(body)) {
    base = 16;
    body = body.slice(2);
    prefixed = true;
  } else if (/^0[oO]/.test(body)) {
    base = 8;
    body = body.slice(2);
    prefixed = true;
  } else if (/^0[bB]/.test(body)) {
    base = 2;
    body = body.slice(2);
    prefixed = true;
  } else if (body.length > 1 && body[0] === '0') {
    base = 8;
    body = body.slice(1);
    prefixed = true;
  }
  if (body.includes('_')) {
    // Go's underscoreOK: only between digits (or after the base prefix).
    const shown = (prefixed ? '0' : '') + body;
    if (!/^[0-9a-zA-Z]+(_[0-9a-zA-Z]+)*$/.test(shown) && !/^0(_[0-9a-zA-Z]+)+$/.test(shown))
      return undefined;
    body = body.replaceAll('_', '');
  }
  if (body === '') return undefined;
  const digits =
    base === 16 ? /^[0-9a-fA-F]+$/ : base === 8 ? /^[0-7]+$/ : base === 2 ? /^[01]+$/ : /^[0-9]+$/;
  if (!digits.test(body)) return undefined;
  const prefix = base === 16 ? '0x' : base === 8 ? '0o' : base === 2 ? '0b' : '';
  let v = BigInt(prefix + body);
  if (neg) v = -v;
  if (v < INT64_MIN || v > INT64_MAX) return undefined;
  return v;
}

/** Go's `strconv.ParseFloat(s, 64)`, or undefined on a syntax or range error. */
export function parseGoFloat(s: string): number | undefined {
  let t = s;
  if (/^[+-]?(inf|infinity)$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(t)) return NaN;
  if (/^[+-]?0[xX]/.test(t)) {
    const m = /^([+-]?)0[xX]([0-9a-fA-F_]*)(?:\.([0-9a-fA-F_]*))?[pP]([+-]?[0-9_]+)$/.exec(t);
    if (!m) return undefined;
    const int = (m[2] ?? '').replaceAll('_', '');
    const frac = (m[3] ?? '').replaceAll('_', '');
    if (int === '' && frac === '') return undefined;
    let v = parseInt(int || '0', 16);
    for (let i = 0; i < frac.length; i++) v += parseInt(frac[i]!, 16) / 16 ** (i + 1);
    v *= 2 ** Number((m[4] ?? '0').replaceAll('_', ''));
    return m[1] === '-' ? -v : v;
  }
  if (t.includes('_')) {
    if (/(^|[^0-9])_|_([^0-9]|$)/.test(t)) return undefined;
    t = t.replaceAll('_', '');
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return undefined;
  t = t.replace(/^\+/, '');
  const v = Number(t);
  if (!Number.isFinite(v)) return undefined;
  return v;
}

/** cast.ToInt64 (errors become 0), as a bigint in int64 range. */
export function toInt64(v: GoValue): bigint {
  if (v instanceof GoInt) return BigInt.asIntN(64, v.value);
  switch (typeof v) {
    case 'number':
      return floatToInt64(v);
    case 'string':
      return parseGoInt(trimZeroDecimal(v)) ?? 0n;
    case 'boolean':
      return v ? 1n : 0n;
    default:
      return 0n;
  }
}

/** cast.ToFloat64 (errors become 0). */
export function toFloat64(v: GoValue): number {
  if (v instanceof GoInt) return Number(v.value);
  switch (typeof v) {
    case 'number':
      return v;
    case 'string':
      return parseGoFloat(v) ?? 0;
    case 'boolean':
      return v ? 1 : 0;
    default:
      return 0;
  }
}

/** cast.ToInt as a JS number (for indices and counts). */
export function toIntNumber(v: GoValue): number {
  return Number(toInt64(v));
}

export function int64(n: bigint): GoInt {
  return goInt(n, 'int64');
}

/** sprig's strval: strings and []byte as text, Stringers by String(), else `%v`. */
export function strval(v: GoValue): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return bytesToString(v);
  if (v instanceof GoStruct) return v.goString();
  return formatValue(v);
}

/** sprig's strslice: a list as strings (nil elements dropped), a scalar as a one-element list. */
export function strslice(v: GoValue): string[] {
  if (Array.isArray(v)) return v.filter((x) => x !== null && x !== undefined).map(strval);
  if (v instanceof Uint8Array) return Array.from(v, (b) => String(b));
  if (v === null || v === undefined) return [];
  return [strval(v)];
}

/** reflect.Kind name as sprig's error texts print it. */
export function kindName(v: GoValue): string {
  return goKind(v);
}

/** The Go panic text of calling reflect.TypeOf(nil).Kind(). */
export const nilDeref = 'runtime error: invalid memory address or nil pointer dereference';

/** Elements of a slice value (for sprig's reflect-based list functions), or undefined. */
export function listItems(v: GoValue): GoValue[] | undefined {
  if (Array.isArray(v)) return v;
  if (v instanceof Uint8Array) return Array.from(v, (b) => goInt(b, 'uint8'));
  return undefined;
}

/** Where Go's base64.StdEncoding.DecodeString fails (CorruptInputError offset), or undefined. */
export function base64ErrorOffset(s: string): number | undefined {
  const n = s.length;
  const isNl = (c: string | undefined): boolean => c === '\n' || c === '\r';
  const isB64 = (c: string): boolean => /[A-Za-z0-9+/]/.test(c);
  let si = 0;
  for (;;) {
    for (let j = 0; j < 4; j++) {
      while (si < n && isNl(s[si])) si++;
      if (si === n) return j === 0 ? undefined : si - j;
      const c = s[si]!;
      si++;
      if (isB64(c)) continue;
      if (c !== '=') return si - 1;
      if (j < 2) return si - 1;
      if (j === 2) {
        while (si < n && isNl(s[si])) si++;
        if (si === n) return n;
        if (s[si] !== '=') return si - 1;
        si++;
      }
      while (si < n && isNl(s[si])) si++;
      return si < n ? si : undefined;
    }
  }
}
