/** Go's unicode predicates and case mappings, rune by rune (JS strings hold valid UTF-8 text). */
import { bytesToString, stringToBytes } from '../value.js';

const space = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/u;
const upper = /^\p{Lu}$/u;
const lower = /^\p{Ll}$/u;
const title = /^\p{Lt}$/u;
const letter = /^\p{L}$/u;
const number = /^\p{N}$/u;
const digit = /^\p{Nd}$/u;
const punct = /^\p{P}$/u;

// ASCII fast paths first: these run per character in the case conversions and YAML emitter.
const ascii = (r: string): number => (r.length === 1 ? r.charCodeAt(0) : 0x80);
export const isSpace = (r: string): boolean => {
  const c = ascii(r);
  return c < 0x80 ? c === 32 || (c >= 9 && c <= 13) : space.test(r);
};
export const isUpper = (r: string): boolean => {
  const c = ascii(r);
  return c < 0x80 ? c >= 65 && c <= 90 : upper.test(r);
};
export const isLower = (r: string): boolean => {
  const c = ascii(r);
  return c < 0x80 ? c >= 97 && c <= 122 : lower.test(r);
};
export const isTitle = (r: string): boolean => ascii(r) >= 0x80 && title.test(r);
export const isLetter = (r: string): boolean => {
  const c = ascii(r);
  return c < 0x80 ? (c | 32) >= 97 && (c | 32) <= 122 : letter.test(r);
};
export const isNumber = (r: string): boolean => {
  const c = ascii(r);
  return c < 0x80 ? c >= 48 && c <= 57 : number.test(r);
};
export const isDigit = (r: string): boolean => {
  const c = ascii(r);
  return c < 0x80 ? c >= 48 && c <= 57 : digit.test(r);
};
export const isPunct = (r: string): boolean => punct.test(r);

/** unicode.ToUpper of one rune: Go has no multi-rune mappings (`ß` stays `ß`). */
export function toUpperRune(r: string): string {
  const u = r.toUpperCase();
  return u.length === r.length || [...u].length === 1 ? u : r;
}

const titleCase: Record<string, string> = {
  Ǆ: 'ǅ',
  ǅ: 'ǅ',
  ǆ: 'ǅ',
  Ǉ: 'ǈ',
  ǈ: 'ǈ',
  ǉ: 'ǈ',
  Ǌ: 'ǋ',
  ǋ: 'ǋ',
  ǌ: 'ǋ',
  Ǳ: 'ǲ',
  ǲ: 'ǲ',
  ǳ: 'ǲ',
};

/** unicode.ToTitle of one rune: upper case except for the four Latin digraphs. */
export function toTitleRune(r: string): string {
  return titleCase[r] ?? toUpperRune(r);
}

/** unicode.ToLower of one rune (`İ` → `i`). */
export function toLowerRune(r: string): string {
  const l = r.toLowerCase();
  if (l.length === r.length || [...l].length === 1) return l;
  return String.fromCodePoint(l.codePointAt(0)!);
}

export function mapRunes(s: string, f: (r: string) => string): string {
  let out = '';
  for (const r of s) out += f(r);
  return out;
}

/** Go's strings.ToUpper / ToLower. */
export function goUpper(s: string): string {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(s) ? s.toUpperCase() : mapRunes(s, toUpperRune);
}
export function goLower(s: string): string {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(s) ? s.toLowerCase() : mapRunes(s, toLowerRune);
}

/** A string's UTF-8 bytes as a "binary" JS string (one char per byte), for byte-wise ports. */
export function toBinary(s: string): string {
  return Buffer.from(stringToBytes(s)).toString('latin1');
}

/** Bytes (as a binary string) back to text; invalid UTF-8 becomes U+FFFD per byte like Go's JSON. */
export function fromBinary(b: string): string {
  return bytesToString(Buffer.from(b, 'latin1'));
}

/** Go's strings.TrimSpace. */
export function trimSpace(s: string): string {
  const runes = [...s];
  let a = 0;
  let b = runes.length;
  while (a < b && isSpace(runes[a]!)) a++;
  while (b > a && isSpace(runes[b - 1]!)) b--;
  return runes.slice(a, b).join('');
}
