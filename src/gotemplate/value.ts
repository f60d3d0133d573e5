/**
 * The Go value model shared by the engine and the function library.
 *
 * Go values are plain JS values wherever that is unambiguous, so a `JSON.parse` result IS a Go
 * value with no conversion (numbers are float64, like Go's `encoding/json` into `interface{}`):
 *
 * | Go                          | JS                                                            |
 * |-----------------------------|---------------------------------------------------------------|
 * | `string`                    | `string` (see "strings" below)                                |
 * | `bool`                      | `boolean`                                                     |
 * | `float64`                   | `number` (the only JS number kind; `-0`, NaN, ±Inf included)  |
 * | `int`, `int64`, `uint8`...  | `GoInt` (kind + exact `bigint` value); `goInt(3)` builds one  |
 * | nil (a nil `interface{}`)   | `null`                                                        |
 * | no value (invalid reflect.Value: a missing key under missingkey=default) | `undefined` |
 * | `[]interface {}`            | a plain JS array                                              |
 * | `[]string`, `[]int`, ...    | a JS array tagged with its Go type: `typedSlice('[]string', items)` |
 * | `map[string]interface {}`   | a plain JS object (own enumerable string keys)                |
 * | `map[string]string`, ...    | a plain object tagged with its Go type: `typedMap('map[string]string', obj)` |
 * | `[]byte`                    | `Uint8Array` (`%T` is `[]uint8`)                              |
 * | structs / pointers (`*semver.Version`) | a subclass of `GoStruct`                           |
 * | `func` values (for `call`)  | a `GoFunc` wrapped in `GoFuncValue`                           |
 * | `complex128` (constants `1i`) | `GoComplex`, a GoStruct (kind `complex128`)               |
 *
 * Rules for function implementations (see `funcs/registry.ts`):
 * - A function never receives `undefined`: Go passes nil for a missing value, so it gets `null`.
 *   A parameter of slice or map type may receive `null` (Go's nil slice/map). Return `null` only
 *   for a nil `interface{}` (printed `<no value>`); where Go returns a typed nil slice or map,
 *   return an empty (tagged) one, which prints `[]` / `map[]` like Go's.
 * - Read map entries with `mapGet` (own properties only: `toString` is not a key of `{}`) and
 *   iterate them with `sortedKeys` (Go's byte order). Build maps with `newMap()`, which has no
 *   prototype, so a `__proto__` key is an ordinary key.
 * - Ints are exact: `int64 "9007199254740993"` is `new GoInt('int64', 9007199254740993n)`. Use
 *   `goInt(n, kind)` to build one (it wraps to the kind's width like a Go conversion).
 * - Strings are JS strings. Go strings are bytes: convert with `stringToBytes`/`bytesToString`,
 *   which carry invalid UTF-8 bytes as lone surrogates U+DC80..U+DCFF so that byte-level work
 *   (`len` = `utf8Length`, slicing, base64, `%q`) matches Go; `toValidText` gives the text the
 *   oracle's JSON shows (U+FFFD per invalid byte).
 * - Errors: throw an `Error` whose message is Go's error text; the engine reports it as
 *   `error calling <name>: <message>` like Go's reflect call of a function returning (T, error)
 *   or panicking.
 *
 * Printing (Go's `fmt`) lives in `fmt.ts`: `formatValue` (%v), `sprint`, `sprintln`, `sprintf`.
 */

import { formatFloat } from './fmt.js';

/** Go's integer kinds, as `reflect.Kind.String()` names them (also their `%T` names). */
export type IntKind =
  | 'int'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'uintptr';

const intBits: Readonly<Record<IntKind, number>> = {
  int: 64,
  int8: 8,
  int16: 16,
  int32: 32,
  int64: 64,
  uint: 64,
  uint8: 8,
  uint16: 16,
  uint32: 32,
  uint64: 64,
  uintptr: 64,
};

/** A Go integer of a given kind. Immutable; the value is always inside the kind's range. */
export class GoInt {
  constructor(
    readonly kind: IntKind,
    readonly value: bigint,
  ) {}

  get unsigned(): boolean {
    return this.kind.charCodeAt(0) === 117; // 'u'
  }

  /** The value as a JS number (exact below 2^53). */
  toNumber(): number {
    return Number(this.value);
  }

  toString(): string {
    return this.value.toString();
  }
}

const smallInts: GoInt[] = [];
for (let i = -128; i < 1024; i++) smallInts.push(new GoInt('int', BigInt(i)));

/** Builds a Go integer, wrapping to the kind's width like a Go conversion `int8(x)`. */
export function goInt(n: number | bigint, kind: IntKind = 'int'): GoInt {
  if (kind === 'int' && typeof n === 'number' && n >= -128 && n < 1024 && Number.isInteger(n)) {
    return smallInts[n + 128]!;
  }
  let b = typeof n === 'bigint' ? n : BigInt(Math.trunc(n));
  const bits = intBits[kind];
  b = kind.charCodeAt(0) === 117 ? BigInt.asUintN(bits, b) : BigInt.asIntN(bits, b);
  return new GoInt(kind, b);
}

export function isIntKind(s: string): s is IntKind {
  return Object.hasOwn(intBits, s);
}

export function intKindBits(kind: IntKind): number {
  return intBits[kind];
}

/** A Go struct or pointer to one (e.g. `*semver.Version`). Subclass it. */
export abstract class GoStruct {
  /** `%T` name, e.g. `*semver.Version`. */
  abstract readonly goType: string;
  /** Go's reflect.Kind name: `ptr` for a pointer to a struct, `struct` for a struct value. */
  get goKind(): string {
    return this.goType.startsWith('*') ? 'ptr' : 'struct';
  }
  /** An exported field, or undefined when there is none. Go looks methods up first. */
  getField(_name: string): { value: GoValue } | undefined {
    return undefined;
  }
  /** An exported method (with its receiver bound), or undefined when there is none. */
  getMethod(_name: string): GoFunc | undefined {
    return undefined;
  }
  /** `%v` text: Go's String() result for a Stringer, or the `{a b}` struct form. */
  abstract goString(): string;
  /** The struct's field values in declaration order (unexported ones too), for fmt verbs that
   *  do not call String(): Go prints `printf "%d" (semver "1.2.3")` as `&{1 2 3 ...}` with the
   *  verb applied to each field. Optional. */
  goFields(): readonly GoValue[] | undefined {
    return undefined;
  }
}

/** A Go complex128; only template constants like `2i` produce one. */
export class GoComplex extends GoStruct {
  readonly goType = 'complex128';

  constructor(
    readonly re: number,
    readonly im: number,
  ) {
    super();
  }

  override get goKind(): string {
    return 'complex128';
  }

  goString(): string {
    const im = formatFloat(this.im, 'g', -1);
    const sign = im.startsWith('-') || im.startsWith('+') ? '' : '+';
    return `(${formatFloat(this.re, 'g', -1)}${sign}${im}i)`;
  }
}

/** A Go func value, as a template sees it (the operand of `call`). */
export class GoFuncValue {
  constructor(
    readonly fn: GoFunc,
    /** `%T` name, e.g. `func(string) string`. */
    readonly goType: string = 'func(...interface {}) interface {}',
  ) {}
}

/** Every Go value a template can see. Maps and slices are structurally plain objects/arrays. */
export type GoValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | GoInt
  | GoStruct
  | GoFuncValue
  | Uint8Array
  | GoSlice
  | GoMap;

export type GoSlice = GoValue[];
export interface GoMap {
  [key: string]: GoValue;
}

/**
 * A callable Go function: an entry of a FuncMap, a struct method, or a func value. The engine
 * converts and type-checks the template's arguments against `params`/`variadic` exactly like
 * Go's reflect-based call (so `trunc .n` with a float64 `.n` fails with Go's message), then calls
 * `fn` with the converted arguments in one array.
 */
export interface GoFunc {
  /** Go type of each fixed parameter: `interface {}`, `string`, `int`, `float64`, `bool`,
   *  `[]interface {}`, `map[string]interface {}`, `[]string`, `[]uint8`, `int64`, ... */
  readonly params: readonly string[];
  /** Element type T of a final `...T` parameter, when the function is variadic. */
  readonly variadic?: string;
  /** The implementation. Throw an Error with Go's error text to fail the call. */
  readonly fn: (args: GoValue[], env: CallEnv) => GoValue;
}

/** What a function may ask of the running execution. */
export interface CallEnv {
  /** Executes a named template of the running set with `data` (PKO `include`), with the same
   *  options and limits; the nesting counts towards the engine's depth limit. Throws
   *  TemplateExecError when the name is not defined (`no such template "x"`). */
  executeTemplate(name: string, data: GoValue): string;
  /** Whether the running set defines a template of that name. */
  hasTemplate(name: string): boolean;
  /** Per-execution scratch space for functions (e.g. include's depth per name). */
  readonly state: Map<string, unknown>;
}

const GO_TYPE: unique symbol = Symbol('goType');
type Tagged = { [GO_TYPE]?: string };

/** Tags an array as a typed Go slice, e.g. `typedSlice('[]string', ['a'])`. Returns the array. */
export function typedSlice<T extends GoValue>(goType: string, items: T[]): GoSlice {
  if (goType !== '[]interface {}') (items as Tagged)[GO_TYPE] = goType;
  return items;
}

/** Tags an object as a typed Go map, e.g. `typedMap('map[string]string', obj)`. Returns it. */
export function typedMap(goType: string, obj: GoMap): GoMap {
  if (goType !== 'map[string]interface {}') (obj as Tagged)[GO_TYPE] = goType;
  return obj;
}

/** A new empty `map[string]interface {}` without a prototype. */
export function newMap(): GoMap {
  return Object.create(null) as GoMap;
}

/** The value of a map key, or undefined when the key is absent (own properties only). */
export function mapGet(m: GoMap, key: string): GoValue | undefined {
  return Object.hasOwn(m, key) ? m[key] : undefined;
}

export function mapHas(m: GoMap, key: string): boolean {
  return Object.hasOwn(m, key);
}

/** Sets a key (also `__proto__`) as an own property. */
export function mapSet(m: GoMap, key: string, value: GoValue): void {
  if (key === '__proto__') {
    Object.defineProperty(m, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    m[key] = value;
  }
}

/** Go's string order: byte order of UTF-8, i.e. code point order (not UTF-16 unit order). */
export function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      const xs = x >= 0xd800 && x <= 0xdfff;
      const ys = y >= 0xd800 && y <= 0xdfff;
      if (xs === ys) return x < y ? -1 : 1;
      // A surrogate pair encodes a code point above every BMP unit.
      return xs ? 1 : -1;
    }
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** The keys of a map in Go's sorted order (how text/template ranges and fmt prints). */
export function sortedKeys(m: GoMap): string[] {
  const keys = Object.keys(m);
  if (keys.length > 1) keys.sort(compareStrings);
  return keys;
}

// ---------------------------------------------------------------------------------------------
// Classification

export function isGoMap(v: GoValue): v is GoMap {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    !(v instanceof GoInt) &&
    !(v instanceof GoStruct) &&
    !(v instanceof GoFuncValue) &&
    !(v instanceof Uint8Array)
  );
}

export function isGoSlice(v: GoValue): v is GoSlice {
  return Array.isArray(v);
}

/** Go's `%T` name of a value: `string`, `float64`, `int`, `[]interface {}`, `<nil>`, ... */
export function goTypeName(v: GoValue): string {
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'undefined':
      return '<nil>';
    default:
      break;
  }
  if (v === null) return '<nil>';
  if (v instanceof GoInt) return v.kind;
  if (Array.isArray(v)) return (v as Tagged)[GO_TYPE] ?? '[]interface {}';
  if (v instanceof GoStruct) return v.goType;
  if (v instanceof GoFuncValue) return v.goType;
  if (v instanceof Uint8Array) return '[]uint8';
  return (v as Tagged)[GO_TYPE] ?? 'map[string]interface {}';
}

/** Go's reflect.Kind name (sprig `kindOf`): `string`, `float64`, `int`, `slice`, `map`, `ptr`,
 *  `struct`, `func`, `bool`; `invalid` for nil. */
export function goKind(v: GoValue): string {
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'undefined':
      return 'invalid';
    default:
      break;
  }
  if (v === null) return 'invalid';
  if (v instanceof GoInt) return v.kind;
  if (Array.isArray(v) || v instanceof Uint8Array) return 'slice';
  if (v instanceof GoStruct) return v.goKind;
  if (v instanceof GoFuncValue) return 'func';
  return 'map';
}

/** The element type of a slice type name (`[]string` → `string`), or undefined. */
export function sliceElemType(goType: string): string | undefined {
  return goType.startsWith('[]') ? goType.slice(2) : undefined;
}

/** The value type of a map type name (`map[string]string` → `string`), or undefined. */
export function mapElemType(goType: string): string | undefined {
  return goType.startsWith('map[string]') ? goType.slice(11) : undefined;
}

/**
 * text/template's truth (`if`, `with`, `and`, `or`, `not`): false for nil/no value, false, 0,
 * "", and empty slices and maps; true for structs and funcs.
 */
export function isTrue(v: GoValue): boolean {
  switch (typeof v) {
    case 'boolean':
      return v;
    case 'string':
      return v.length > 0;
    case 'number':
      return v !== 0;
    case 'undefined':
      return false;
    default:
      break;
  }
  if (v === null) return false;
  if (v instanceof GoInt) return v.value !== 0n;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Uint8Array) return v.length > 0;
  if (v instanceof GoComplex) return v.re !== 0 || v.im !== 0;
  if (v instanceof GoStruct || v instanceof GoFuncValue) return true;
  for (const _ in v) return true;
  return false;
}

/** Go's `reflect.Value.IsZero`-style emptiness used by sprig `empty`/`default`. */
export function isEmptyValue(v: GoValue): boolean {
  if (v instanceof GoStruct) return false;
  return !isTrue(v);
}

// ---------------------------------------------------------------------------------------------
// JSON

/**
 * A JSON value (as `JSON.parse` returns it) as a Go value, like Go's `json.Unmarshal` into
 * `interface{}`: numbers float64, objects `map[string]interface {}`, arrays `[]interface {}`.
 * A `JSON.parse` result is returned as is; `undefined` members are dropped.
 */
export function fromJSON(value: unknown): GoValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return value;
    case 'bigint':
      return Number(value);
    case 'object':
      break;
    default:
      return null;
  }
  if (Array.isArray(value)) {
    let out: GoValue[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const g = fromJSON(item);
      if (g !== item && out === undefined) out = (value as GoValue[]).slice(0, i);
      if (out !== undefined) out.push(g);
    }
    return out ?? (value as GoValue[]);
  }
  const obj = value as Record<string, unknown>;
  let out: GoMap | undefined;
  const keys = Object.keys(obj);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const item = obj[k];
    const g = item === undefined ? undefined : fromJSON(item);
    if (g !== item && out === undefined) {
      out = newMap();
      for (let j = 0; j < i; j++) mapSet(out, keys[j]!, obj[keys[j]!] as GoValue);
    }
    if (out !== undefined && g !== undefined) mapSet(out, k, g);
  }
  return out ?? (obj as GoMap);
}

/** A Go value as plain JSON data (ints become numbers, or strings beyond 2^53; []byte base64). */
export function toJSON(v: GoValue): unknown {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object') return v;
  if (v instanceof GoInt) {
    const n = Number(v.value);
    return Number.isSafeInteger(n) ? n : v.value.toString();
  }
  if (Array.isArray(v)) return v.map(toJSON);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (v instanceof GoStruct) return v.goString();
  if (v instanceof GoFuncValue) return null;
  const out: Record<string, unknown> = {};
  for (const k of sortedKeys(v)) out[k] = toJSON(v[k]);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Strings as bytes

/*
 * Go strings are bytes and may hold invalid UTF-8 (`"\xff"`, `slice "é" 0 1`, `b64dec` of binary
 * data). A JS string carries such a byte as a lone low surrogate U+DC80..U+DCFF (the
 * "surrogateescape" convention): `len`, `%q`, `%x`, slicing and concatenation then work on the
 * original bytes, and `"\xc3" + "\xa9"` is "é" again when printed. Text leaving the engine goes
 * through `toValidText`, which turns each remaining invalid byte into U+FFFD like Go's JSON does.
 */

function isByteEscape(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c < 0xdc80 || c > 0xdcff) return false;
  const p = i > 0 ? s.charCodeAt(i - 1) : 0;
  return !(p >= 0xd800 && p <= 0xdbff);
}

const loneLowRe = /[\uDC80-\uDCFF]/;

/** Whether a string carries invalid-UTF-8 bytes (see above). */
export function hasByteEscapes(s: string): boolean {
  if (!loneLowRe.test(s)) return false;
  for (let i = 0; i < s.length; i++) if (isByteEscape(s, i)) return true;
  return false;
}

/** Number of bytes of a Go string (Go's `len`). */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 2; // 2 units -> 4 bytes
        i++;
        continue;
      }
      n += 2;
    } else if (c >= 0xdc80 && c <= 0xdcff) {
      // an invalid byte (this unit is not the low half of a pair: pairs are skipped above)
    } else n += 2;
  }
  return n;
}

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The bytes of a Go string (UTF-8, with escaped invalid bytes restored). */
export function stringToBytes(s: string): Uint8Array {
  if (!hasByteEscapes(s)) return encoder.encode(s);
  const out: number[] = [];
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (!isByteEscape(s, i)) continue;
    if (i > start) for (const b of encoder.encode(s.slice(start, i))) out.push(b);
    out.push(s.charCodeAt(i) & 0xff);
    start = i + 1;
  }
  if (start < s.length) for (const b of encoder.encode(s.slice(start))) out.push(b);
  return Uint8Array.from(out);
}

/** Bytes as a Go string: valid UTF-8 decodes normally, each invalid byte is escaped (above). */
export function bytesToString(b: Uint8Array): string {
  try {
    return strictDecoder.decode(b);
  } catch {
    // invalid UTF-8: decode rune by rune below
  }
  let out = '';
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      out += String.fromCharCode(c);
      i++;
      continue;
    }
    const [r, size] = decodeRune(b, i);
    out += r === 0xfffd && size === 1 ? String.fromCharCode(0xdc00 | c) : String.fromCodePoint(r);
    i += size;
  }
  return out;
}

/** A Go string as valid text: escaped bytes that form UTF-8 decode, others become U+FFFD. */
export function toValidText(s: string): string {
  if (!hasByteEscapes(s)) return s;
  const b = stringToBytes(s);
  let out = '';
  let i = 0;
  while (i < b.length) {
    const [r, size] = decodeRune(b, i);
    out += String.fromCodePoint(r);
    i += size;
  }
  return out;
}

/** Go's utf8.DecodeRune at offset i: [rune, size], (0xFFFD, 1) for an invalid byte. */
export function decodeRune(b: Uint8Array, i: number): [number, number] {
  const c0 = b[i]!;
  if (c0 < 0x80) return [c0, 1];
  const n = b.length - i;
  const cont = (k: number, lo = 0x80, hi = 0xbf): number => {
    const c = b[i + k];
    return c !== undefined && c >= lo && c <= hi ? c & 0x3f : -1;
  };
  if (c0 >= 0xc2 && c0 <= 0xdf && n >= 2) {
    const c1 = cont(1);
    if (c1 >= 0) return [((c0 & 0x1f) << 6) | c1, 2];
  } else if (c0 >= 0xe0 && c0 <= 0xef && n >= 3) {
    const c1 = cont(1, c0 === 0xe0 ? 0xa0 : 0x80, c0 === 0xed ? 0x9f : 0xbf);
    const c2 = cont(2);
    if (c1 >= 0 && c2 >= 0) return [((c0 & 0x0f) << 12) | (c1 << 6) | c2, 3];
  } else if (c0 >= 0xf0 && c0 <= 0xf4 && n >= 4) {
    const c1 = cont(1, c0 === 0xf0 ? 0x90 : 0x80, c0 === 0xf4 ? 0x8f : 0xbf);
    const c2 = cont(2);
    const c3 = cont(3);
    if (c1 >= 0 && c2 >= 0 && c3 >= 0) {
      return [((c0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3, 4];
    }
  }
  return [0xfffd, 1];
}

/** Go's zero value of a type given by name (nil for interfaces and pointers). */
export function zeroValue(goType: string): GoValue {
  switch (goType) {
    case 'string':
      return '';
    case 'bool':
      return false;
    case 'float64':
    case 'float32':
      return 0;
    default:
      break;
  }
  if (isIntKind(goType)) return goInt(0, goType);
  if (goType === '[]uint8') return new Uint8Array(0);
  if (goType.startsWith('[]')) return typedSlice(goType, []);
  if (goType.startsWith('map[')) return typedMap(goType, newMap());
  return null;
}
