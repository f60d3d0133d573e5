/**
 * Go's `fmt` printing of Go values (see value.ts), byte for byte: `%v` of every kind (maps with
 * sorted keys, `[1 2 3]`, `<nil>`), `Sprint`'s spacing, `Sprintln`, and `Sprintf` with flags,
 * width, precision, argument indexes and the `%!verb(type=value)` / `%!v(MISSING)` /
 * `%!(EXTRA ...)` error forms. Floats follow strconv: shortest round-trip digits, and `%v` (= `%g`
 * shortest) switches to exponent form when the decimal exponent is < -4 or >= 6 (or the digits
 * run out): `{{ 1000000.0 }}` prints `1e+06`, `{{ 999999.0 }}` prints `999999`.
 */
import {
  GoComplex,
  GoFuncValue,
  GoInt,
  GoStruct,
  goTypeName,
  sortedKeys,
  stringToBytes,
  type GoValue,
} from './value.js';

// ---------------------------------------------------------------------------------------------
// Floats (strconv.FormatFloat with bitSize 64)

interface Digits {
  /** Decimal digits without leading zeros ('' for zero). */
  d: string;
  /** Position of the decimal point: value = 0.d × 10^dp. */
  dp: number;
}

/** Shortest digits that round-trip (what strconv uses for precision -1). */
function shortestDigits(x: number): Digits {
  if (x === 0) return { d: '', dp: 0 };
  const s = Math.abs(x).toExponential();
  const e = s.indexOf('e');
  const mant = s.charCodeAt(1) === 46 ? s[0]! + s.slice(2, e) : s.slice(0, e);
  const exp = Number(s.slice(e + 1));
  return { d: mant, dp: exp + 1 };
}

/** The exact decimal expansion of a finite non-zero |x|. */
function exactDigits(x: number): Digits {
  x = Math.abs(x);
  if (x === 0) return { d: '', dp: 0 };
  if (Number.isInteger(x) && x < 2 ** 53) {
    const s = String(x);
    return trimZeros({ d: s, dp: s.length });
  }
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const bexp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e2: number;
  if (bexp === 0) e2 = -1074;
  else {
    mant |= 1n << 52n;
    e2 = bexp - 1075;
  }
  let s: string;
  let dp: number;
  if (e2 >= 0) {
    s = (mant << BigInt(e2)).toString();
    dp = s.length;
  } else {
    // mant / 2^-e2 = mant * 5^-e2 / 10^-e2
    s = (mant * 5n ** BigInt(-e2)).toString();
    dp = s.length + e2;
  }
  return trimZeros({ d: s, dp });
}

function trimZeros(g: Digits): Digits {
  let n = g.d.length;
  while (n > 0 && g.d.charCodeAt(n - 1) === 48) n--;
  return n === g.d.length ? g : { d: g.d.slice(0, n), dp: g.dp };
}

/** Rounds exact digits to nd digits, half to even on an exact tie (strconv's decimal.Round). */
function roundDigits(g: Digits, nd: number): Digits {
  if (nd < 0) return { d: '', dp: g.dp };
  if (nd >= g.d.length) return g;
  const c = g.d.charCodeAt(nd);
  let up: boolean;
  if (c > 53) up = true;
  else if (c < 53) up = false;
  else if (nd + 1 < g.d.length)
    up = true; // more non-zero digits follow (trimmed)
  else up = nd > 0 && (g.d.charCodeAt(nd - 1) - 48) % 2 === 1;
  if (!up) return trimZeros({ d: g.d.slice(0, nd), dp: g.dp });
  // increment
  const arr = g.d.slice(0, nd).split('');
  let i = nd - 1;
  while (i >= 0 && arr[i] === '9') {
    arr[i] = '0';
    i--;
  }
  if (i < 0) return { d: '1', dp: g.dp + 1 };
  arr[i] = String.fromCharCode(arr[i]!.charCodeAt(0) + 1);
  return trimZeros({ d: arr.slice(0, i + 1).join(''), dp: g.dp });
}

function fmtE(neg: boolean, g: Digits, prec: number, fmt: string): string {
  let s = neg ? '-' : '';
  s += g.d.length === 0 ? '0' : g.d[0]!;
  if (prec > 0) {
    s += '.';
    let i = 1;
    const m = Math.min(g.d.length, prec + 1);
    if (i < m) {
      s += g.d.slice(i, m);
      i = m;
    }
    for (; i <= prec; i++) s += '0';
  }
  s += fmt;
  let exp = g.dp - 1;
  if (g.d.length === 0) exp = 0;
  if (exp < 0) {
    s += '-';
    exp = -exp;
  } else s += '+';
  s += exp < 10 ? '0' + String(exp) : String(exp);
  return s;
}

function fmtF(neg: boolean, g: Digits, prec: number): string {
  let s = neg ? '-' : '';
  if (g.dp > 0) {
    const m = Math.min(g.d.length, g.dp);
    s += g.d.slice(0, m);
    for (let i = m; i < g.dp; i++) s += '0';
  } else s += '0';
  if (prec > 0) {
    s += '.';
    for (let i = 1; i <= prec; i++) {
      const j = g.dp + i - 1;
      s += j >= 0 && j < g.d.length ? g.d[j]! : '0';
    }
  }
  return s;
}

/** strconv's %x / %X float format: `0x1.8p+00`. */
function formatHexFloat(x: number, upper: boolean, prec: number): string {
  const neg = x < 0 || Object.is(x, -0);
  x = Math.abs(x);
  let mant = 0n;
  let exp = 0;
  if (x !== 0) {
    const buf = new DataView(new ArrayBuffer(8));
    buf.setFloat64(0, x);
    const hi = buf.getUint32(0);
    const bexp = (hi >>> 20) & 0x7ff;
    mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(buf.getUint32(4));
    if (bexp === 0) exp = -1074 + 52;
    else {
      mant |= 1n << 52n;
      exp = bexp - 1075 + 52;
    }
    mant <<= 8n; // leading bit at 60
    while ((mant & (1n << 60n)) === 0n) {
      mant <<= 1n;
      exp--;
    }
    if (prec >= 0 && prec < 15) {
      const shift = BigInt(60 - 4 * prec);
      const extra = mant & ((1n << shift) - 1n);
      const half = 1n << (shift - 1n);
      mant >>= shift;
      if (extra > half || (extra === half && (mant & 1n) === 1n)) mant++;
      mant <<= shift;
      if ((mant & (1n << 61n)) !== 0n) {
        mant >>= 1n;
        exp++;
      }
    }
  }
  let frac = (mant & ((1n << 60n) - 1n)).toString(16).padStart(15, '0');
  if (prec < 0) frac = frac.replace(/0+$/, '');
  else frac = frac.slice(0, prec).padEnd(prec, '0');
  let s = (neg ? '-' : '') + '0x' + (mant === 0n ? '0' : '1');
  if (frac.length > 0) s += '.' + frac;
  const e = Math.abs(exp);
  s += 'p' + (exp < 0 ? '-' : '+') + (e < 10 ? '0' : '') + String(e);
  return upper ? s.toUpperCase() : s;
}

/** strconv's %b float format: decimal mantissa and binary exponent, `5629499534213120p-51`. */
function formatBinaryFloat(x: number): string {
  const neg = x < 0 || Object.is(x, -0);
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, Math.abs(x));
  const hi = buf.getUint32(0);
  const bexp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(buf.getUint32(4));
  let exp: number;
  if (bexp === 0) exp = -1074;
  else {
    mant |= 1n << 52n;
    exp = bexp - 1075;
  }
  return `${neg ? '-' : ''}${mant}p${exp < 0 ? '-' : '+'}${Math.abs(exp)}`;
}

/**
 * strconv.FormatFloat(x, fmt, prec, 64) for fmt in b e E f g G x X (prec -1 = shortest).
 * `formatFloat(1e6, 'g', -1)` is `1e+06`; `formatFloat(2.5, 'f', 0)` is `2`.
 */
export function formatFloat(
  x: number,
  fmt: 'b' | 'e' | 'E' | 'f' | 'g' | 'G' | 'x' | 'X',
  prec: number,
): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  if (fmt === 'b') return formatBinaryFloat(x);
  if (fmt === 'x' || fmt === 'X') return formatHexFloat(x, fmt === 'X', prec);
  const neg = x < 0 || Object.is(x, -0);
  const shortest = prec < 0;
  let g: Digits;
  if (shortest) {
    g = shortestDigits(x);
    switch (fmt) {
      case 'e':
      case 'E':
        prec = Math.max(g.d.length - 1, 0);
        break;
      case 'f':
        prec = Math.max(g.d.length - g.dp, 0);
        break;
      default:
        prec = g.d.length;
    }
  } else {
    const exact = exactDigits(x);
    switch (fmt) {
      case 'e':
      case 'E':
        g = roundDigits(exact, prec + 1);
        break;
      case 'f':
        g = roundDigits(exact, exact.dp + prec);
        break;
      default:
        if (prec === 0) prec = 1;
        g = roundDigits(exact, prec);
    }
  }
  switch (fmt) {
    case 'e':
    case 'E':
      return fmtE(neg, g, prec, fmt);
    case 'f':
      return fmtF(neg, g, prec);
    default: {
      let eprec = prec;
      if (eprec > g.d.length && g.d.length >= g.dp) eprec = g.d.length;
      if (shortest) eprec = 6;
      const exp = g.dp - 1;
      if (exp < -4 || exp >= eprec) {
        if (prec > g.d.length) prec = g.d.length;
        return fmtE(neg, g, prec - 1, fmt === 'g' ? 'e' : 'E');
      }
      if (prec > g.dp) prec = g.d.length;
      return fmtF(neg, g, Math.max(prec - g.dp, 0));
    }
  }
}

/** `%v` of a float64: `1e+06`, `3.14`, `-0`, `+Inf`, `NaN`. */
export function formatFloatV(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e6) {
    return x === 0 && Object.is(x, -0) ? '-0' : String(x);
  }
  return formatFloat(x, 'g', -1);
}

// ---------------------------------------------------------------------------------------------
// Quoting (strconv)

const printRe = /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u;

/** Go's unicode.IsPrint for a code point: letters, marks, numbers, punctuation, symbols, ' '. */
export function isPrint(cp: number): boolean {
  if (cp < 0x80) return cp >= 0x20 && cp < 0x7f;
  if (cp === 0xfffd) return true;
  return printRe.test(String.fromCodePoint(cp));
}

const hexDigits = '0123456789abcdef';

function hex(n: number, width: number): string {
  let s = n.toString(16);
  while (s.length < width) s = '0' + s;
  return s;
}

function escapeRune(r: number, quote: number, asciiOnly: boolean): string {
  if (r === quote || r === 92) return '\\' + String.fromCharCode(r);
  if (asciiOnly) {
    if (r < 0x80 && isPrint(r)) return String.fromCharCode(r);
  } else if (isPrint(r)) return String.fromCodePoint(r);
  switch (r) {
    case 7:
      return '\\a';
    case 8:
      return '\\b';
    case 12:
      return '\\f';
    case 10:
      return '\\n';
    case 13:
      return '\\r';
    case 9:
      return '\\t';
    case 11:
      return '\\v';
    default:
      if (r < 0x20 || r === 0x7f) return '\\x' + hexDigits[r >> 4]! + hexDigits[r & 15]!;
      if (r < 0x10000) return '\\u' + hex(r, 4);
      return '\\U' + hex(r, 8);
  }
}

function quoteWith(s: string, quote: number, asciiOnly: boolean): string {
  let out = String.fromCharCode(quote);
  for (let i = 0; i < s.length; i++) {
    let r = s.charCodeAt(i);
    if (r >= 0x20 && r < 0x7f && r !== quote && r !== 92) {
      out += s[i]!;
      continue;
    }
    if (r >= 0xd800 && r <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        r = 0x10000 + ((r - 0xd800) << 10) + (d - 0xdc00);
        i++;
      } else r = 0xfffd;
    } else if (r >= 0xdc80 && r <= 0xdcff) {
      // an invalid byte of the Go string (see value.ts): Go quotes it as \xNN
      out += '\\x' + hexDigits[(r >> 4) & 15]! + hexDigits[r & 15]!;
      continue;
    } else if (r >= 0xd800 && r <= 0xdfff) r = 0xfffd;
    out += escapeRune(r, quote, asciiOnly);
  }
  return out + String.fromCharCode(quote);
}

/** strconv.Quote. */
export function quote(s: string): string {
  return quoteWith(s, 34, false);
}

/** strconv.QuoteToASCII. */
export function quoteASCII(s: string): string {
  return quoteWith(s, 34, true);
}

/** strconv.QuoteRune (QuoteRuneToASCII when asciiOnly). */
export function quoteRune(r: number, asciiOnly = false): string {
  if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff) || r < 0) r = 0xfffd;
  return "'" + escapeRune(r, 39, asciiOnly) + "'";
}

/** strconv.CanBackquote. */
export function canBackquote(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 9) || c === 0x60 || c === 0x7f || c === 0xfeff) return false;
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = s.charCodeAt(i + 1);
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) i++;
      else return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Printer

function runeCount(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

function isNilValue(v: GoValue): v is null | undefined {
  return v === null || v === undefined;
}

class Printer {
  buf = '';
  widPresent = false;
  precPresent = false;
  minus = false;
  plus = false;
  sharp = false;
  space = false;
  zero = false;
  plusV = false;
  sharpV = false;
  wid = 0;
  prec = 0;
  erroring = false;
  /** The top-level argument being printed (for badVerb). */
  arg: GoValue = null;

  clearflags(): void {
    this.widPresent = false;
    this.precPresent = false;
    this.minus = false;
    this.plus = false;
    this.sharp = false;
    this.space = false;
    this.zero = false;
    this.plusV = false;
    this.sharpV = false;
  }

  writePadding(n: number): void {
    if (n <= 0) return;
    this.buf += (this.zero ? '0' : ' ').repeat(n);
  }

  pad(s: string): void {
    if (!this.widPresent || this.wid === 0) {
      this.buf += s;
      return;
    }
    const width = this.wid - runeCount(s);
    if (!this.minus) {
      this.writePadding(width);
      this.buf += s;
    } else {
      this.buf += s;
      this.writePadding(width);
    }
  }

  badVerb(verb: string, v: GoValue, hasValue: boolean): void {
    this.erroring = true;
    this.buf += '%!' + verb + '(';
    if (hasValue && !isNilValue(v)) {
      this.buf += goTypeName(v) + '=';
      this.printArg(v, 'v');
    } else {
      this.buf += '<nil>';
    }
    this.buf += ')';
    this.erroring = false;
  }

  fmtBool(v: boolean, verb: string): void {
    if (verb === 't' || verb === 'v') this.pad(v ? 'true' : 'false');
    else this.badVerb(verb, v, true);
  }

  fmtIntegerRaw(value: bigint, base: number, verb: string, upper: boolean): void {
    const negative = value < 0n;
    const u = negative ? -value : value;
    let prec = 0;
    if (this.precPresent) {
      prec = this.prec;
      if (prec === 0 && u === 0n) {
        const oldZero = this.zero;
        this.zero = false;
        this.writePadding(this.wid);
        this.zero = oldZero;
        return;
      }
    } else if (this.zero && this.widPresent) {
      prec = this.wid;
      if (negative || this.plus || this.space) prec--;
    }
    let digits = u.toString(base);
    if (upper) digits = digits.toUpperCase();
    if (digits.length < prec) digits = '0'.repeat(prec - digits.length) + digits;
    if (this.sharp) {
      if (base === 2) digits = '0b' + digits;
      else if (base === 8) {
        if (digits[0] !== '0') digits = '0' + digits;
      } else if (base === 16) digits = (upper ? '0X' : '0x') + digits;
    }
    if (verb === 'O') digits = '0o' + digits;
    if (negative) digits = '-' + digits;
    else if (this.plus) digits = '+' + digits;
    else if (this.space) digits = ' ' + digits;
    const oldZero = this.zero;
    this.zero = false;
    this.pad(digits);
    this.zero = oldZero;
  }

  fmtInteger(v: GoInt, verb: string): void {
    const value = v.value;
    switch (verb) {
      case 'v':
        if (this.sharpV && v.unsigned) {
          const sharp = this.sharp;
          this.sharp = true;
          this.fmtIntegerRaw(value, 16, 'v', false);
          this.sharp = sharp;
        } else this.fmtIntegerRaw(value, 10, verb, false);
        return;
      case 'd':
        return this.fmtIntegerRaw(value, 10, verb, false);
      case 'b':
        return this.fmtIntegerRaw(value, 2, verb, false);
      case 'o':
      case 'O':
        return this.fmtIntegerRaw(value, 8, verb, false);
      case 'x':
        return this.fmtIntegerRaw(value, 16, verb, false);
      case 'X':
        return this.fmtIntegerRaw(value, 16, verb, true);
      case 'c':
        return this.pad(runeString(v.unsigned ? value : BigInt.asUintN(64, value)));
      case 'q': {
        const r = toRune(v.unsigned ? value : BigInt.asUintN(64, value));
        return this.pad(quoteRune(r, this.plus));
      }
      case 'U':
        return this.fmtUnicode(v.unsigned ? value : BigInt.asUintN(64, value));
      default:
        return this.badVerb(verb, v, true);
    }
  }

  fmtUnicode(u: bigint): void {
    let prec = 4;
    if (this.precPresent && this.prec > 4) prec = this.prec;
    let s = u.toString(16).toUpperCase();
    if (s.length < prec) s = '0'.repeat(prec - s.length) + s;
    s = 'U+' + s;
    if (this.sharp && u <= 0x10ffffn && isPrint(Number(u))) {
      s += " '" + String.fromCodePoint(Number(u)) + "'";
    }
    const oldZero = this.zero;
    this.zero = false;
    this.pad(s);
    this.zero = oldZero;
  }

  fmtFloat(v: number, verb: string): void {
    switch (verb) {
      case 'v':
        return this.fmtFloatPrec(v, 'g', -1);
      case 'g':
      case 'G':
        return this.fmtFloatPrec(v, verb, -1);
      case 'x':
      case 'X':
        return this.fmtFloatPrec(v, verb, -1);
      case 'b':
        return this.fmtFloatPrec(v, 'b', -1);
      case 'f':
      case 'e':
      case 'E':
        return this.fmtFloatPrec(v, verb, 6);
      case 'F':
        return this.fmtFloatPrec(v, 'f', 6);
      default:
        return this.badVerb(verb, v, true);
    }
  }

  fmtComplex(v: GoComplex, verb: string): void {
    switch (verb) {
      case 'v':
      case 'b':
      case 'g':
      case 'G':
      case 'x':
      case 'X':
      case 'f':
      case 'F':
      case 'e':
      case 'E': {
        const oldPlus = this.plus;
        this.buf += '(';
        this.fmtFloat(v.re, verb);
        this.plus = true;
        this.fmtFloat(v.im, verb);
        this.buf += 'i)';
        this.plus = oldPlus;
        return;
      }
      default:
        return this.badVerb(verb, v, true);
    }
  }

  fmtFloatPrec(v: number, verb: 'b' | 'e' | 'E' | 'f' | 'g' | 'G' | 'x' | 'X', prec: number): void {
    if (this.precPresent) prec = this.prec;
    let num =
      prec < 0 && verb === 'g' && Number.isInteger(v) && Math.abs(v) < 1e6 && !Object.is(v, -0)
        ? String(v)
        : formatFloat(v, verb, prec);
    if (num[0] !== '-' && num[0] !== '+') num = '+' + num;
    if (this.space && num[0] === '+' && !this.plus) num = ' ' + num.slice(1);
    if (num[1] === 'I' || num[1] === 'N') {
      const oldZero = this.zero;
      this.zero = false;
      if (num[1] === 'N' && !this.space && !this.plus) num = num.slice(1);
      this.pad(num);
      this.zero = oldZero;
      return;
    }
    if (this.sharp && verb !== 'b') {
      let digits = 0;
      if (verb === 'g' || verb === 'G' || verb === 'x') digits = prec === -1 ? 6 : prec;
      let tail = '';
      let body = num;
      const ei = verb === 'x' || verb === 'X' ? body.search(/[pP]/) : body.search(/[eE]/);
      if (ei >= 0) {
        tail = body.slice(ei);
        body = body.slice(0, ei);
      }
      let hasPoint = false;
      let sawNonzero = false;
      for (let i = 1; i < body.length; i++) {
        const c = body[i]!;
        if (c === '.') hasPoint = true;
        else {
          if (c !== '0') sawNonzero = true;
          if (sawNonzero) digits--;
        }
      }
      if (!hasPoint) {
        if (body.length === 2 && body[1] === '0') digits--;
        body += '.';
      }
      while (digits > 0) {
        body += '0';
        digits--;
      }
      num = body + tail;
    }
    if (this.plus || num[0] !== '+') {
      if (this.zero && this.widPresent && this.wid > num.length) {
        this.buf += num[0]!;
        this.writePadding(this.wid - num.length);
        this.buf += num.slice(1);
        return;
      }
      this.pad(num);
      return;
    }
    this.pad(num.slice(1));
  }

  truncateString(s: string): string {
    if (this.precPresent) {
      let n = this.prec;
      for (let i = 0; i < s.length; i++) {
        n--;
        if (n < 0) return s.slice(0, i);
        const c = s.charCodeAt(i);
        if (c >= 0xd800 && c <= 0xdbff) i++;
      }
    }
    return s;
  }

  fmtSbx(b: Uint8Array, upper: boolean): void {
    let length = b.length;
    if (this.precPresent && this.prec < length) length = this.prec;
    let width = 2 * length;
    if (width > 0) {
      if (this.space) {
        if (this.sharp) width *= 2;
        width += length - 1;
      } else if (this.sharp) width += 2;
    } else {
      if (this.widPresent) this.writePadding(this.wid);
      return;
    }
    if (this.widPresent && this.wid > width && !this.minus) this.writePadding(this.wid - width);
    const digits = upper ? '0123456789ABCDEF' : hexDigits;
    const x = upper ? '0X' : '0x';
    let s = this.sharp ? x : '';
    for (let i = 0; i < length; i++) {
      if (this.space && i > 0) {
        s += ' ';
        if (this.sharp) s += x;
      }
      const c = b[i]!;
      s += digits[c >> 4]! + digits[c & 15]!;
    }
    this.buf += s;
    if (this.widPresent && this.wid > width && this.minus) this.writePadding(this.wid - width);
  }

  fmtQ(s: string): void {
    s = this.truncateString(s);
    if (this.sharp && canBackquote(s)) {
      this.pad('`' + s + '`');
      return;
    }
    this.pad(this.plus ? quoteASCII(s) : quote(s));
  }

  fmtString(v: string, verb: string): void {
    switch (verb) {
      case 'v':
        if (this.sharpV) this.fmtQ(v);
        else this.pad(this.truncateString(v));
        return;
      case 's':
        this.pad(this.truncateString(v));
        return;
      case 'x':
        return this.fmtSbx(stringToBytes(v), false);
      case 'X':
        return this.fmtSbx(stringToBytes(v), true);
      case 'q':
        return this.fmtQ(v);
      default:
        return this.badVerb(verb, v, true);
    }
  }

  fmtBytes(v: Uint8Array, verb: string, typeString: string): void {
    switch (verb) {
      case 'v':
      case 'd': {
        if (this.sharpV) {
          this.buf += typeString + '{';
          for (let i = 0; i < v.length; i++) {
            if (i > 0) this.buf += ', ';
            this.buf += '0x' + v[i]!.toString(16);
          }
          this.buf += '}';
        } else {
          this.buf += '[';
          for (let i = 0; i < v.length; i++) {
            if (i > 0) this.buf += ' ';
            this.fmtIntegerRaw(BigInt(v[i]!), 10, verb, false);
          }
          this.buf += ']';
        }
        return;
      }
      case 's':
        this.pad(this.truncateString(new TextDecoder().decode(v)));
        return;
      case 'x':
        return this.fmtSbx(v, false);
      case 'X':
        return this.fmtSbx(v, true);
      case 'q':
        return this.fmtQ(new TextDecoder().decode(v));
      default:
        this.printValue(
          Array.from(v, (b) => new GoInt('uint8', BigInt(b))),
          verb,
          0,
        );
    }
  }

  printArg(arg: GoValue, verb: string): void {
    this.arg = arg;
    if (isNilValue(arg)) {
      if (verb === 'T' || verb === 'v') this.pad('<nil>');
      else this.badVerb(verb, arg, false);
      return;
    }
    if (verb === 'T') {
      this.pad(this.truncateString(goTypeName(arg)));
      return;
    }
    if (verb === 'p') {
      this.badVerb(verb, arg, true);
      return;
    }
    switch (typeof arg) {
      case 'boolean':
        return this.fmtBool(arg, verb);
      case 'number':
        return this.fmtFloat(arg, verb);
      case 'string':
        return this.fmtString(arg, verb);
      default:
        break;
    }
    if (arg instanceof GoInt) return this.fmtInteger(arg, verb);
    if (arg instanceof GoComplex) return this.fmtComplex(arg, verb);
    if (arg instanceof Uint8Array) return this.fmtBytes(arg, verb, '[]byte');
    this.printValue(arg, verb, 0);
  }

  printValue(value: GoValue, verb: string, depth: number): void {
    if (value === null || value === undefined) {
      // A nil interface inside a slice or map.
      if (this.sharpV) this.buf += 'interface {}(nil)';
      else this.buf += '<nil>';
      return;
    }
    switch (typeof value) {
      case 'boolean':
        return this.fmtBool(value, verb);
      case 'number':
        return this.fmtFloat(value, verb);
      case 'string':
        return this.fmtString(value, verb);
      default:
        break;
    }
    if (value instanceof GoInt) return this.fmtInteger(value, verb);
    if (value instanceof GoComplex) return this.fmtComplex(value, verb);
    if (value instanceof GoStruct) {
      const stringer = verb === 'v' || verb === 's' || verb === 'q' || verb === 'x' || verb === 'X';
      if (!this.erroring && stringer) {
        return this.fmtString(value.goString(), this.sharpV ? 's' : verb);
      }
      const fields = value.goFields();
      if (fields !== undefined) {
        if (value.goType.startsWith('*')) this.buf += '&';
        this.buf += '{';
        for (let i = 0; i < fields.length; i++) {
          if (i > 0) this.buf += ' ';
          this.printValue(fields[i], verb, depth + 1);
        }
        this.buf += '}';
        return;
      }
      if (this.erroring || depth > 0) {
        this.pad(value.goString());
        return;
      }
      return this.badVerb(verb, value, true);
    }
    if (value instanceof GoFuncValue) {
      if (verb === 'v') this.buf += '0x0';
      else this.badVerb(verb, value, true);
      return;
    }
    if (value instanceof Uint8Array) {
      return this.fmtBytes(value, verb, '[]uint8');
    }
    if (Array.isArray(value)) {
      const t = goTypeName(value);
      if (
        (verb === 's' || verb === 'q' || verb === 'x' || verb === 'X') &&
        t === '[]uint8' &&
        value.every((x) => x instanceof GoInt)
      ) {
        return this.fmtBytes(
          Uint8Array.from(value, (x) => Number(x.value)),
          verb,
          t,
        );
      }
      if (this.sharpV) {
        this.buf += t + '{';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) this.buf += ', ';
          this.printValue(value[i], verb, depth + 1);
        }
        this.buf += '}';
      } else {
        this.buf += '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) this.buf += ' ';
          this.printValue(value[i], verb, depth + 1);
        }
        this.buf += ']';
      }
      return;
    }
    const m = value;
    const keys = sortedKeys(m);
    if (this.sharpV) this.buf += goTypeName(m) + '{';
    else this.buf += 'map[';
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      if (i > 0) this.buf += this.sharpV ? ', ' : ' ';
      this.fmtString(k, verb);
      this.buf += ':';
      this.printValue(m[k], verb, depth + 1);
    }
    this.buf += this.sharpV ? '}' : ']';
  }

  doPrintf(format: string, a: readonly GoValue[]): void {
    const end = format.length;
    let argNum = 0;
    let afterIndex: boolean;
    let reordered = false;
    let goodArgNum: boolean;
    const argNumber = (i: number): [number, boolean] => {
      // returns new i, found; updates argNum/goodArgNum
      if (i >= end || format[i] !== '[') return [i, false];
      reordered = true;
      // parseArgNumber
      let index = 0;
      let wid = 1;
      let ok = false;
      if (end - i >= 3) {
        for (let j = i + 1; j < end; j++) {
          if (format[j] === ']') {
            const [n, nok, newi] = parsenum(format, i + 1, j);
            if (!nok || newi !== j) {
              index = 0;
              wid = j - i + 1;
              ok = false;
            } else {
              index = n - 1;
              wid = j - i + 1;
              ok = true;
            }
            break;
          }
        }
      }
      if (ok && index >= 0 && index < a.length) {
        argNum = index;
        return [i + wid, true];
      }
      goodArgNum = false;
      return [i + wid, ok];
    };
    let i = 0;
    formatLoop: while (i < end) {
      goodArgNum = true;
      const lasti = i;
      while (i < end && format.charCodeAt(i) !== 37) i++;
      if (i > lasti) this.buf += format.slice(lasti, i);
      if (i >= end) break;
      i++;
      this.clearflags();
      simple: for (; i < end; i++) {
        const c = format[i]!;
        switch (c) {
          case '#':
            this.sharp = true;
            break;
          case '0':
            this.zero = !this.minus;
            break;
          case '+':
            this.plus = true;
            break;
          case '-':
            this.minus = true;
            this.zero = false;
            break;
          case ' ':
            this.space = true;
            break;
          default:
            if (c >= 'a' && c <= 'z' && argNum < a.length) {
              if (c === 'v') {
                this.sharpV = this.sharp;
                this.sharp = false;
                this.plusV = this.plus;
                this.plus = false;
              }
              this.printArg(a[argNum], c);
              argNum++;
              i++;
              continue formatLoop;
            }
            break simple;
        }
      }
      [i, afterIndex] = argNumber(i);
      if (i < end && format[i] === '*') {
        i++;
        [this.wid, this.widPresent, argNum] = intFromArg(a, argNum);
        if (!this.widPresent) this.buf += '%!(BADWIDTH)';
        if (this.wid < 0) {
          this.wid = -this.wid;
          this.minus = true;
          this.zero = false;
        }
        afterIndex = false;
      } else {
        [this.wid, this.widPresent, i] = parsenum(format, i, end);
        if (afterIndex && this.widPresent) goodArgNum = false;
      }
      if (i + 1 < end && format[i] === '.') {
        i++;
        if (afterIndex) goodArgNum = false;
        [i, afterIndex] = argNumber(i);
        if (i < end && format[i] === '*') {
          i++;
          [this.prec, this.precPresent, argNum] = intFromArg(a, argNum);
          if (this.prec < 0) {
            this.prec = 0;
            this.precPresent = false;
          }
          if (!this.precPresent) this.buf += '%!(BADPREC)';
          afterIndex = false;
        } else {
          [this.prec, this.precPresent, i] = parsenum(format, i, end);
          if (!this.precPresent) {
            this.prec = 0;
            this.precPresent = true;
          }
        }
      }
      if (!afterIndex) [i] = argNumber(i);
      if (i >= end) {
        this.buf += '%!(NOVERB)';
        break;
      }
      const cp = format.codePointAt(i)!;
      const verb = String.fromCodePoint(cp);
      i += verb.length;
      if (verb === '%') this.buf += '%';
      else if (!goodArgNum) this.buf += '%!' + verb + '(BADINDEX)';
      else if (argNum >= a.length) this.buf += '%!' + verb + '(MISSING)';
      else {
        if (verb === 'v') {
          this.sharpV = this.sharp;
          this.sharp = false;
          this.plusV = this.plus;
          this.plus = false;
        }
        this.printArg(a[argNum], verb);
        argNum++;
      }
    }
    if (!reordered && argNum < a.length) {
      this.clearflags();
      this.buf += '%!(EXTRA ';
      for (let k = argNum; k < a.length; k++) {
        if (k > argNum) this.buf += ', ';
        const arg = a[k];
        if (isNilValue(arg)) this.buf += '<nil>';
        else {
          this.buf += goTypeName(arg) + '=';
          this.printArg(arg, 'v');
        }
      }
      this.buf += ')';
    }
  }
}

function parsenum(s: string, start: number, end: number): [number, boolean, number] {
  if (start >= end) return [0, false, end];
  let num = 0;
  let isnum = false;
  let i = start;
  for (; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    if (num > 1e6) return [0, false, end]; // tooLarge
    num = num * 10 + (c - 48);
    isnum = true;
  }
  return [num, isnum, i];
}

function intFromArg(a: readonly GoValue[], argNum: number): [number, boolean, number] {
  let num = 0;
  let isInt = false;
  let newArgNum = argNum;
  if (argNum < a.length) {
    const v = a[argNum];
    if (v instanceof GoInt) {
      const n = v.value;
      if (n >= -(2n ** 63n) && n < 2n ** 63n) {
        num = Number(n);
        isInt = true;
      }
    }
    newArgNum = argNum + 1;
    if (num > 1e6 || num < -1e6) {
      num = 0;
      isInt = false;
    }
  }
  return [num, isInt, newArgNum];
}

function toRune(u: bigint): number {
  if (u > 0x10ffffn) return 0xfffd;
  const r = Number(u);
  if (r >= 0xd800 && r <= 0xdfff) return 0xfffd;
  return r;
}

function runeString(u: bigint): string {
  return String.fromCodePoint(toRune(u));
}

const printer = new Printer();

function withPrinter(f: (p: Printer) => void): string {
  // Printers are reentrant only through GoStruct.goString, which does not print; reuse one.
  const p = printer.buf === '' && !printer.erroring ? printer : new Printer();
  p.clearflags();
  f(p);
  const s = p.buf;
  p.buf = '';
  return s;
}

/** Go's `fmt.Sprint(v)` of one value (`%v`): `<nil>` for nil. */
export function formatValue(v: GoValue): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return formatFloatV(v);
    default:
      break;
  }
  if (v instanceof GoInt) return v.value.toString();
  return withPrinter((p) => p.printArg(v, 'v'));
}

/** Go's `fmt.Sprint`: a space between operands when neither is a string. */
export function sprint(args: readonly GoValue[]): string {
  if (args.length === 1) return formatValue(args[0]);
  let out = '';
  let prevString = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const isString = typeof arg === 'string';
    if (i > 0 && !isString && !prevString) out += ' ';
    out += isString ? arg : formatValue(arg);
    prevString = isString;
  }
  return out;
}

/** Go's `fmt.Sprintln`: spaces between all operands and a final newline. */
export function sprintln(args: readonly GoValue[]): string {
  let out = '';
  for (let i = 0; i < args.length; i++) {
    if (i > 0) out += ' ';
    out += formatValue(args[i]);
  }
  return out + '\n';
}

/** Go's `fmt.Sprintf`. */
export function sprintf(format: string, args: readonly GoValue[]): string {
  return withPrinter((p) => p.doPrintf(format, args));
}
