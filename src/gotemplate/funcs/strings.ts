/** sprig's string functions (Masterminds/sprig v3 with goutils and xstrings), byte-exact. */
import { createHash } from 'node:crypto';
import type { GoInt } from '../value.js';
import {
  goInt,
  stringToBytes,
  typedMap,
  typedSlice,
  utf8Length,
  newMap,
  type GoValue,
} from '../value.js';
import { defineFunc, type FuncMap } from './registry.js';
import { strval } from './convert.js';
import { goQuote, formatValue } from './go-format.js';
import {
  fromBinary,
  goLower,
  goUpper,
  isDigit,
  isLetter,
  isLower,
  isNumber,
  isPunct,
  isSpace,
  isTitle,
  isUpper,
  toBinary,
  toLowerRune,
  toTitleRune,
  toUpperRune,
  trimSpace,
} from './unicode.js';

const num = (v: GoValue): number => (v as GoInt).toNumber();
const str = (v: GoValue): string => v as string;

function sliceBounds(a: number | undefined, b: number | undefined, len: number): never {
  if (a === undefined && b !== undefined && b < 0)
    throw new Error(`runtime error: slice bounds out of range [:${b}]`);
  if (a === undefined)
    throw new Error(`runtime error: slice bounds out of range [:${b}] with length ${len}`);
  if (b === undefined) throw new Error(`runtime error: slice bounds out of range [${a}:${len}]`);
  throw new Error(`runtime error: slice bounds out of range [${a}:${b}]`);
}

/** Go's s[a:b] on bytes; either bound may be omitted. */
function byteSlice(s: string, a: number | undefined, b: number | undefined): string {
  const bin = toBinary(s);
  const len = bin.length;
  if (b !== undefined && (b < 0 || b > len)) {
    if (a === undefined) sliceBounds(undefined, b, len);
    throw new Error(`runtime error: slice bounds out of range [:${b}] with length ${len}`);
  }
  if (a !== undefined && (a < 0 || a > (b ?? len))) sliceBounds(a, b, len);
  return fromBinary(bin.slice(a ?? 0, b ?? len));
}

function abbreviateFull(s: string, offset: number, maxWidth: number): string {
  const bin = toBinary(s);
  if (bin === '') return '';
  if (maxWidth < 4) return '';
  if (bin.length <= maxWidth) return s;
  if (offset > bin.length) offset = bin.length;
  if (bin.length - offset < maxWidth - 3) offset = bin.length - (maxWidth - 3);
  if (offset <= 4) return fromBinary(bin.slice(0, maxWidth - 3) + '...');
  if (maxWidth < 7) return '';
  if (offset + maxWidth - 3 < bin.length)
    return '...' + abbreviateFull(fromBinary(bin.slice(offset)), 0, maxWidth - 3);
  return fromBinary('...' + bin.slice(bin.length - (maxWidth - 3)));
}

function wrapCustom(s: string, wrapLength: number, newLine: string, wrapLong: boolean): string {
  if (s === '') return '';
  const nl = newLine === '' ? '\n' : toBinary(newLine);
  if (wrapLength < 1) wrapLength = 1;
  const str = toBinary(s);
  const len = str.length;
  let offset = 0;
  let out = '';
  while (len - offset > wrapLength) {
    if (str[offset] === ' ') {
      offset++;
      continue;
    }
    const end = wrapLength + offset + 1;
    const spaceAt = str.slice(offset, end).lastIndexOf(' ') + offset;
    if (spaceAt >= offset) {
      out += str.slice(offset, spaceAt) + nl;
      offset = spaceAt + 1;
    } else if (wrapLong) {
      out += str.slice(offset, wrapLength + offset) + nl;
      offset += wrapLength;
    } else {
      const e = wrapLength + offset;
      const index = str.slice(e).indexOf(' ');
      if (index === -1) {
        out += str.slice(offset);
        offset = len;
      } else {
        out += str.slice(offset, index + e) + nl;
        offset = index + e + 1;
      }
    }
  }
  out += str.slice(offset);
  return fromBinary(out);
}

/** Go's strings.Title: upper-cases a letter after a separator. */
function title(s: string): string {
  let prev = ' ';
  let out = '';
  for (const r of s) {
    out += isSeparator(prev) ? toTitleRune(r) : r;
    prev = r;
  }
  return out;
}

function isSeparator(r: string): boolean {
  const c = r.codePointAt(0)!;
  if (c <= 0x7f) return !/[0-9a-zA-Z_]/.test(r);
  if (isLetter(r) || isDigit(r)) return false;
  return isSpace(r);
}

function untitle(s: string): string {
  let next = true;
  let out = '';
  for (const r of s) {
    if (isSpace(r)) {
      next = true;
      out += r;
    } else if (next) {
      out += toLowerRune(r);
      next = false;
    } else out += r;
  }
  return out;
}

function swapCase(s: string): string {
  let ws = true;
  let out = '';
  for (const r of s) {
    if (isUpper(r) || isTitle(r)) {
      out += toLowerRune(r);
      ws = false;
    } else if (isLower(r)) {
      out += ws ? toTitleRune(r) : toUpperRune(r);
      ws = false;
    } else {
      out += r;
      ws = isSpace(r);
    }
  }
  return out;
}

/** goutils.Initials: byte-wise, each byte written as a rune. */
function initials(s: string): string {
  const bin = toBinary(s);
  let out = '';
  let gap = true;
  for (const ch of bin) {
    if (isSpace(ch)) gap = true;
    else if (gap) {
      out += ch;
      gap = false;
    }
  }
  return out;
}

/** goutils.DeleteWhiteSpace: byte-wise, each kept byte written as a rune. */
function deleteWhiteSpace(s: string): string {
  const bin = toBinary(s);
  let out = '';
  for (const ch of bin) if (!isSpace(ch)) out += ch;
  return out.length === bin.length ? s : out;
}

// --- xstrings 1.3 case conversion ---------------------------------------------------------

const isConnector = (r: string): boolean => r === '-' || r === '_' || isSpace(r);

function isAlphabet(r: string): boolean {
  if (!isLetter(r)) return false;
  const c = r.codePointAt(0)!;
  if (c < 0x3400) return true;
  return !(
    (c >= 0x3400 && c <= 0x4dbf) ||
    (c >= 0x4e00 && c <= 0x9fff) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0x20000 && c <= 0x2ffff)
  );
}

function toCamelCase(s: string): string {
  if (s === '') return '';
  const runes = [...s];
  let i = 0;
  let out = '';
  let r0 = '';
  while (i < runes.length) {
    r0 = runes[i++]!;
    if (!isConnector(r0)) {
      r0 = toUpperRune(r0);
      break;
    }
    out += r0;
  }
  if (i >= runes.length) return out + (isConnector(r0) ? '' : r0);
  while (i < runes.length) {
    const r1 = r0;
    r0 = runes[i++]!;
    if (isConnector(r0) && isConnector(r1)) {
      out += r1;
      continue;
    }
    if (isConnector(r1)) r0 = toUpperRune(r0);
    else {
      r0 = toLowerRune(r0);
      out += r1;
    }
  }
  return out + r0;
}

type WordType = 'invalid' | 'number' | 'upper' | 'alphabet' | 'connector' | 'punct' | 'other';

function nextWord(runes: string[], start: number): [WordType, number] {
  // Returns the word type and the index after the word.
  const n = runes.length;
  if (start >= n) return ['invalid', start];
  let i = start;
  const r = runes[i++]!;
  const run = (pred: (x: string) => boolean): void => {
    while (i < n && pred(runes[i]!)) i++;
  };
  if (isConnector(r)) {
    run(isConnector);
    return ['connector', i];
  }
  if (isPunct(r)) {
    run(isPunct);
    return ['punct', i];
  }
  if (isUpper(r)) {
    if (i >= n) return ['upper', i];
    const r1 = runes[i]!;
    if (isUpper(r1)) {
      let prev = i;
      i++;
      while (i < n && isUpper(runes[i]!)) {
        prev = i;
        i++;
      }
      if (i < n && isAlphabet(runes[i]!)) i = prev;
    } else if (isAlphabet(r1)) {
      i++;
      run((x) => isAlphabet(x) && !isUpper(x));
    }
    return ['upper', i];
  }
  if (isAlphabet(r)) {
    run((x) => isAlphabet(x) && !isUpper(x));
    return ['alphabet', i];
  }
  if (isNumber(r)) {
    run(isNumber);
    return ['number', i];
  }
  run((x) => !(isConnector(x) || isAlphabet(x) || isNumber(x) || isPunct(x)));
  return ['other', i];
}

function camelCaseToLowerCase(s: string, connector: string): string {
  if (s === '') return '';
  const runes = [...s];
  let out = '';
  const lowerWord = (wt: WordType, a: number, b: number): void => {
    const w = runes.slice(a, b);
    if (wt !== 'upper' && wt !== 'connector') {
      out += w.join('');
      return;
    }
    for (const r of w) out += isConnector(r) ? connector : isUpper(r) ? toLowerRune(r) : r;
  };
  let pos = 0;
  let [wt, end] = nextWord(runes, pos);
  let wStart = pos;
  pos = end;
  while (pos < runes.length) {
    if (wt !== 'connector') lowerWord(wt, wStart, end);
    const prev = wt;
    const lastStart = wStart;
    const lastEnd = end;
    wStart = pos;
    [wt, end] = nextWord(runes, pos);
    pos = end;
    switch (prev) {
      case 'number':
        while (wt === 'alphabet' || wt === 'number') {
          lowerWord(wt, wStart, end);
          wStart = pos;
          [wt, end] = nextWord(runes, pos);
          pos = end;
        }
        if (wt !== 'invalid' && wt !== 'punct' && wt !== 'connector') out += connector;
        break;
      case 'connector':
        lowerWord(prev, lastStart, lastEnd);
        break;
      case 'punct':
        break;
      default: {
        if (wt !== 'number') {
          if (wt !== 'connector' && wt !== 'punct') out += connector;
          break;
        }
        if (pos >= runes.length) break;
        const numStart = wStart;
        const numEnd = end;
        wStart = pos;
        [wt, end] = nextWord(runes, pos);
        pos = end;
        if (wt !== 'alphabet') {
          lowerWord('number', numStart, numEnd);
          if (wt !== 'connector' && wt !== 'punct') out += connector;
          break;
        }
        out += connector;
        lowerWord('number', numStart, numEnd);
        while (wt === 'alphabet' || wt === 'number') {
          lowerWord(wt, wStart, end);
          wStart = pos;
          [wt, end] = nextWord(runes, pos);
          pos = end;
        }
        if (wt !== 'invalid' && wt !== 'connector' && wt !== 'punct') out += connector;
      }
    }
  }
  lowerWord(wt, wStart, end);
  return out;
}

function hexDigest(alg: string, s: string): string {
  return createHash(alg).update(stringToBytes(s)).digest('hex');
}

function adler32(s: string): number {
  let a = 1;
  let b = 0;
  for (const byte of stringToBytes(s)) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

function repeat(count: number, s: string): string {
  if (count < 0) throw new Error('strings: negative Repeat count');
  return s.repeat(count);
}

function indent(spaces: number, s: string): string {
  const pad = repeat(spaces, ' ');
  return pad + s.replaceAll('\n', '\n' + pad);
}

/** Go's strings.Replace(src, old, new, -1), including the empty-old case. */
function replaceAll(src: string, old: string, rep: string): string {
  if (old === '') return rep + [...src].join(rep) + (src === '' ? '' : rep);
  return src.split(old).join(rep);
}

/** Go's strings.Split, including the empty separator (split into UTF-8 sequences). */
export function goSplit(s: string, sep: string, n = -1): string[] {
  if (n === 0) return [];
  if (sep === '') {
    const runes = [...s];
    if (n < 0 || n >= runes.length) return runes;
    return [...runes.slice(0, n - 1), runes.slice(n - 1).join('')];
  }
  const parts = s.split(sep);
  if (n < 0 || parts.length <= n) return parts;
  return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}

function splitMap(parts: string[]): GoValue {
  const m = newMap();
  parts.forEach((p, i) => (m[`_${i}`] = p));
  return typedMap('map[string]string', m);
}

/** Go's strings.Trim(s, cutset). */
function trimCutset(s: string, cutset: string): string {
  if (s === '' || cutset === '') return s;
  const set = new Set(cutset);
  const runes = [...s];
  let a = 0;
  let b = runes.length;
  while (a < b && set.has(runes[a]!)) a++;
  while (b > a && set.has(runes[b - 1]!)) b--;
  return runes.slice(a, b).join('');
}

// Printable ASCII without `"` or `\\`: strconv.Quote only adds the quotes.
const plainQuotable = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

function quoteAll(args: GoValue[]): string {
  if (args.length === 1 && typeof args[0] === 'string' && plainQuotable.test(args[0]))
    return `"${args[0]}"`;
  return args
    .filter((a) => a !== null && a !== undefined)
    .map((a) => goQuote(strval(a)))
    .join(' ');
}

export function stringFuncs(): FuncMap {
  return {
    hello: defineFunc([], () => 'Hello!'),
    abbrev: defineFunc(['int', 'string'], ([w, s]) =>
      num(w) < 4 ? str(s) : abbreviateFull(str(s), 0, num(w)),
    ),
    abbrevboth: defineFunc(['int', 'int', 'string'], ([l, r, s]) => {
      const left = num(l);
      const right = num(r);
      if (right < 4 || (left > 0 && right < 7)) return str(s);
      return abbreviateFull(str(s), left, right);
    }),
    trunc: defineFunc(['int', 'string'], ([c, s]) => {
      const n = num(c);
      const len = utf8Length(str(s));
      if (n < 0 && len + n > 0) return byteSlice(str(s), len + n, undefined);
      if (n >= 0 && len > n) return byteSlice(str(s), undefined, n);
      return str(s);
    }),
    trim: defineFunc(['string'], ([s]) => trimSpace(str(s))),
    upper: defineFunc(['string'], ([s]) => goUpper(str(s))),
    lower: defineFunc(['string'], ([s]) => goLower(str(s))),
    title: defineFunc(['string'], ([s]) => title(str(s))),
    untitle: defineFunc(['string'], ([s]) => untitle(str(s))),
    substr: defineFunc(['int', 'int', 'string'], ([a, b, s]) => {
      const start = num(a);
      const end = num(b);
      const len = utf8Length(str(s));
      if (start < 0) return byteSlice(str(s), undefined, end);
      if (end < 0 || end > len) return byteSlice(str(s), start, undefined);
      return byteSlice(str(s), start, end);
    }),
    repeat: defineFunc(['int', 'string'], ([c, s]) => repeat(num(c), str(s))),
    trimAll: defineFunc(['string', 'string'], ([a, b]) => trimCutset(str(b), str(a))),
    trimSuffix: defineFunc(['string', 'string'], ([a, b]) =>
      str(a) !== '' && str(b).endsWith(str(a)) ? str(b).slice(0, -str(a).length) : str(b),
    ),
    trimPrefix: defineFunc(['string', 'string'], ([a, b]) =>
      str(b).startsWith(str(a)) ? str(b).slice(str(a).length) : str(b),
    ),
    nospace: defineFunc(['string'], ([s]) => deleteWhiteSpace(str(s))),
    initials: defineFunc(['string'], ([s]) => initials(str(s))),
    swapcase: defineFunc(['string'], ([s]) => swapCase(str(s))),
    snakecase: defineFunc(['string'], ([s]) => camelCaseToLowerCase(str(s), '_')),
    camelcase: defineFunc(['string'], ([s]) => toCamelCase(str(s))),
    kebabcase: defineFunc(['string'], ([s]) => camelCaseToLowerCase(str(s), '-')),
    wrap: defineFunc(['int', 'string'], ([l, s]) => wrapCustom(str(s), num(l), '', false)),
    wrapWith: defineFunc(['int', 'string', 'string'], ([l, sep, s]) =>
      wrapCustom(str(s), num(l), str(sep), true),
    ),
    contains: defineFunc(['string', 'string'], ([a, b]) => str(b).includes(str(a))),
    hasPrefix: defineFunc(['string', 'string'], ([a, b]) => str(b).startsWith(str(a))),
    hasSuffix: defineFunc(['string', 'string'], ([a, b]) => str(b).endsWith(str(a))),
    quote: defineFunc([], (args) => quoteAll(args), 'interface {}'),
    squote: defineFunc(
      [],
      (args) =>
        args
          .filter((a) => a !== null && a !== undefined)
          .map((a) => `'${formatValue(a)}'`)
          .join(' '),
      'interface {}',
    ),
    cat: defineFunc(
      [],
      (args) =>
        args
          .filter((a) => a !== null && a !== undefined)
          .map((a) => formatValue(a))
          .join(' '),
      'interface {}',
    ),
    indent: defineFunc(['int', 'string'], ([n, s]) => indent(num(n), str(s))),
    nindent: defineFunc(['int', 'string'], ([n, s]) => '\n' + indent(num(n), str(s))),
    replace: defineFunc(['string', 'string', 'string'], ([o, n, s]) =>
      replaceAll(str(s), str(o), str(n)),
    ),
    plural: defineFunc(['string', 'string', 'int'], ([one, many, c]) =>
      num(c) === 1 ? one! : many!,
    ),
    sha1sum: defineFunc(['string'], ([s]) => hexDigest('sha1', str(s))),
    sha256sum: defineFunc(['string'], ([s]) => hexDigest('sha256', str(s))),
    adler32sum: defineFunc(['string'], ([s]) => String(adler32(str(s)))),
    toString: defineFunc(['interface {}'], ([v]) => strval(v)),
    split: defineFunc(['string', 'string'], ([sep, s]) => splitMap(goSplit(str(s), str(sep)))),
    splitList: defineFunc(['string', 'string'], ([sep, s]) =>
      typedSlice('[]string', goSplit(str(s), str(sep))),
    ),
    splitn: defineFunc(['string', 'int', 'string'], ([sep, n, s]) =>
      splitMap(goSplit(str(s), str(sep), num(n))),
    ),
    atoi: defineFunc(['string'], ([s]) => {
      const t = str(s);
      if (!/^[+-]?[0-9]+$/.test(t)) return goInt(0);
      let v = BigInt(t);
      const max = 2n ** 63n - 1n;
      if (v > max) v = max;
      if (v < -max - 1n) v = -max - 1n;
      return goInt(v);
    }),
  };
}
