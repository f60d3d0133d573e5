/** sprig's maths, lists, dicts, defaults, JSON, reflection, paths and encodings. */
import {
  GoInt,
  GoStruct,
  bytesToString,
  goInt,
  goKind,
  goTypeName,
  isEmptyValue,
  isGoMap,
  mapHas,
  mapSet,
  newMap,
  sortedKeys,
  stringToBytes,
  typedMap,
  typedSlice,
  compareStrings,
  type GoMap,
  type GoValue,
} from '../value.js';
import { defineFunc, type FuncMap } from './registry.js';
import {
  int64,
  listItems,
  nilDeref,
  strslice,
  strval,
  toFloat64,
  toInt64,
  toIntNumber,
  base64ErrorOffset,
} from './convert.js';
import { decimalFold, type DecOp } from './decimal.js';
import { marshal, unmarshal, unmarshalPartial } from './json.js';
import { formatValue } from './go-format.js';

const num = (v: GoValue): number => (v as GoInt).toNumber();
const str = (v: GoValue): string => v as string;
const I = 'interface {}';
const M = 'map[string]interface {}';

function wrap64(n: bigint): bigint {
  return BigInt.asIntN(64, n);
}

function untilStep(start: number, stop: number, step: number): number[] {
  const v: number[] = [];
  if (stop < start) {
    if (step >= 0) return v;
    for (let i = start; i > stop; i += step) v.push(i);
    return v;
  }
  if (step <= 0) return v;
  for (let i = start; i < stop; i += step) v.push(i);
  return v;
}

function seq(params: number[]): string {
  let inc = 1;
  let r: number[];
  switch (params.length) {
    case 1: {
      const end = params[0]!;
      if (end < 1) inc = -1;
      r = untilStep(1, end + inc, inc);
      break;
    }
    case 2: {
      const [start = 0, end = 0] = params;
      const step = end < start ? -1 : 1;
      r = untilStep(start, end + step, step);
      break;
    }
    case 3: {
      const [start = 0, step = 0, end = 0] = params;
      if (end < start) {
        inc = -1;
        if (step > 0) return '';
      }
      r = untilStep(start, end + inc, step);
      break;
    }
    default:
      return '';
  }
  return r.join(' ');
}

function round(a: GoValue, places: number, roundOn: number): number {
  const val = toFloat64(a);
  const pow = Math.pow(10, places);
  const digit = pow * val;
  const frac = digit % 1;
  const r = frac >= roundOn ? Math.ceil(digit) : Math.floor(digit);
  return r / pow;
}

function decimalOp(op: DecOp) {
  return (args: GoValue[]): GoValue => {
    const [first, ...rest] = args;
    return decimalFold(op, toFloat64(first ?? null), rest.map(toFloat64));
  };
}

// --- lists --------------------------------------------------------------------------------

/** reflect.TypeOf(list).Kind() dispatch of sprig's list functions. */
function requireList(v: GoValue, what: string): GoValue[] {
  if (v === null || v === undefined) throw new Error(nilDeref);
  const items = listItems(v);
  if (items === undefined) throw new Error(`${what} ${goKind(v)}`);
  return items;
}

/** reflect.DeepEqual on template values. */
export function deepEqual(a: GoValue, b: GoValue): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return (a ?? null) === (b ?? null);
  if (goTypeName(a) !== goTypeName(b)) return false;
  if (typeof a === 'number') return a === b;
  if (a instanceof GoInt) return a.value === (b as GoInt).value;
  if (a instanceof Uint8Array) {
    const bb = b as Uint8Array;
    return a.length === bb.length && a.every((x, i) => x === bb[i]);
  }
  if (Array.isArray(a)) {
    const bb = b as GoValue[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  if (a instanceof GoStruct) return a.goString() === (b as GoStruct).goString();
  if (isGoMap(a) && isGoMap(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => mapHas(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

const inList = (list: GoValue[], x: GoValue): boolean => list.some((h) => deepEqual(x, h));

function mustList<T extends GoValue>(
  name: string,
  errText: string,
  params: string[],
  body: (items: GoValue[], args: GoValue[]) => T,
  listIndex = 0,
  variadic?: string,
): Record<string, ReturnType<typeof defineFunc>> {
  const fn = defineFunc(
    params,
    (args) => body(requireList(args[listIndex] ?? null, errText), args),
    variadic,
  );
  const must = `must${name[0]!.toUpperCase()}${name.slice(1)}`;
  return { [name]: fn, [must]: fn };
}

function chunk(size: number, items: GoValue[]): GoValue[] {
  const l = items.length;
  const cs = Math.floor((l - 1) / size) + 1;
  if (!Number.isFinite(cs) || cs < 0) throw new Error('runtime error: makeslice: len out of range');
  const out: GoValue[] = [];
  for (let i = 0; i < cs; i++) {
    let clen = size;
    if (i === cs - 1) {
      clen = Math.floor(l % size);
      if (clen === 0) clen = size;
    }
    out.push(items.slice(i * size, i * size + clen));
  }
  return typedSlice('[][]interface {}', out);
}

function sliceList(list: GoValue, indices: GoValue[]): GoValue {
  if (list === null || list === undefined) throw new Error(nilDeref);
  const items = listItems(list);
  if (items === undefined)
    throw new Error(`list should be type of slice or array but ${goKind(list)}`);
  const l = items.length;
  if (l === 0) return null;
  const start = indices.length > 0 ? toIntNumber(indices[0]) : 0;
  const end = indices.length < 2 ? l : toIntNumber(indices[1]);
  if (start < 0 || end < start || end > l)
    throw new Error('reflect.Value.Slice: slice index out of bounds');
  const out = items.slice(start, end);
  return Array.isArray(list) ? typedSlice(goTypeName(list), out) : out;
}

// --- dicts --------------------------------------------------------------------------------

/** mergo.Merge / MergeWithOverwrite of map[string]interface{} (mergo 0.3 semantics). */
export function mergeMaps(dst: GoMap, src: GoMap, overwrite: boolean): void {
  for (const key of Object.keys(src)) {
    const s = src[key];
    const hasDst = mapHas(dst, key);
    const d = hasDst ? dst[key] : undefined;
    if (s === null || s === undefined) {
      if (overwrite) mapSet(dst, key, null);
      continue;
    }
    const srcIsMap = isGoMap(s);
    const srcIsSlice = Array.isArray(s) || s instanceof Uint8Array;
    if (srcIsMap && hasDst && isGoMap(d)) mergeMaps(d, s, overwrite);
    // mergo replaces a slice in place when overwriting (or when dst has no keys at all).
    if (srcIsSlice && (overwrite || Object.keys(dst).length === 0)) mapSet(dst, key, s);
    if (hasDst && !isEmptyValue(d) && (srcIsMap || srcIsSlice)) continue;
    if (overwrite || !hasDst || isEmptyValue(d)) mapSet(dst, key, s);
  }
}

function deepCopy(v: GoValue): GoValue {
  if (Array.isArray(v)) return typedSlice(goTypeName(v), v.map(deepCopy));
  if (v instanceof Uint8Array) return v.slice();
  if (isGoMap(v)) {
    const m = newMap();
    for (const k of Object.keys(v)) mapSet(m, k, deepCopy(v[k]));
    return typedMap(goTypeName(v), m);
  }
  return v;
}

function dig(ps: GoValue[]): GoValue {
  if (ps.length < 3) throw new Error('dig needs at least three arguments');
  const last = ps[ps.length - 1]!;
  const conv = (v: GoValue, want: string): string =>
    `interface conversion: interface {} is ${v === null || v === undefined ? 'nil' : goTypeName(v)}, not ${want}`;
  if (!isGoMap(last) || goTypeName(last) !== M) throw new Error(conv(last, M));
  const def = ps[ps.length - 2]!;
  const ks = ps.slice(0, -2).map((k) => {
    if (typeof k !== 'string') throw new Error(conv(k, 'string'));
    return k;
  });
  let dict: GoMap = last;
  for (let i = 0; ; i++) {
    const k = ks[i]!;
    if (!mapHas(dict, k)) return def;
    const step = dict[k]!;
    if (i === ks.length - 1) return step;
    if (!isGoMap(step) || goTypeName(step) !== M) throw new Error(conv(step, M));
    dict = step;
  }
}

// --- paths --------------------------------------------------------------------------------

/** Go's path.Clean. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const s = (rooted ? '/' : '') + out.join('/');
  return s === '' ? '.' : s;
}

function basePath(p: string): string {
  if (p === '') return '.';
  while (p.length > 0 && p.endsWith('/')) p = p.slice(0, -1);
  const i = p.lastIndexOf('/');
  if (i >= 0) p = p.slice(i + 1);
  return p === '' ? '/' : p;
}

function dirPath(p: string): string {
  const i = p.lastIndexOf('/');
  return cleanPath(p.slice(0, i + 1));
}

function extPath(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== '/'; i--) if (p[i] === '.') return p.slice(i);
  return '';
}

// --- encodings ----------------------------------------------------------------------------

function b64decode(s: string): string {
  const at = base64ErrorOffset(s);
  if (at !== undefined) return `illegal base64 data at input byte ${at}`;
  return bytesToString(Buffer.from(s.replace(/[\r\n]/g, ''), 'base64'));
}

const b32alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function b32encode(s: string): string {
  const bytes = stringToBytes(s);
  let out = '';
  for (let i = 0; i < bytes.length; i += 5) {
    const chunk = bytes.slice(i, i + 5);
    let bits = 0n;
    for (let k = 0; k < 5; k++) bits = (bits << 8n) | BigInt(chunk[k] ?? 0);
    const chars = [Math.ceil((chunk.length * 8) / 5)];
    for (let k = 0; k < 8; k++) {
      if (k < chars[0]!) out += b32alphabet[Number((bits >> BigInt(35 - k * 5)) & 31n)];
      else out += '=';
    }
  }
  return out;
}

/** Go's base32.StdEncoding.DecodeString (newlines stripped first), errors as sprig prints them. */
function b32decode(s: string): string {
  const src = s.replace(/[\r\n]/g, '');
  const olen = src.length;
  const corrupt = (at: number): string => `illegal base32 data at input byte ${at}`;
  const out: number[] = [];
  let pos = 0;
  let end = false;
  while (pos < olen && !end) {
    const dbuf = [0, 0, 0, 0, 0, 0, 0, 0];
    let dlen = 8;
    for (let j = 0; j < 8;) {
      if (pos === olen) return corrupt(olen - (olen - pos) - j);
      const c = src[pos]!;
      pos++;
      const left = olen - pos;
      if (c === '=' && j >= 2 && left < 8) {
        if (left + j < 7) return corrupt(olen);
        for (let k = 0; k < 7 - j; k++)
          if (left > k && src[pos + k] !== '=') return corrupt(olen - left + k - 1);
        dlen = j;
        end = true;
        if (dlen === 1 || dlen === 3 || dlen === 6) return corrupt(olen - left - 1);
        break;
      }
      const v = b32alphabet.indexOf(c);
      if (v < 0) return corrupt(olen - left - 1);
      dbuf[j] = v;
      j++;
    }
    let bits = 0n;
    for (const v of dbuf) bits = (bits << 5n) | BigInt(v);
    const nBytes = [0, 0, 1, 1, 2, 3, 3, 4, 5][dlen]!;
    for (let k = 0; k < nBytes; k++) out.push(Number((bits >> BigInt(32 - k * 8)) & 255n));
    if (end) pos = olen;
  }
  return bytesToString(Uint8Array.from(out));
}

export function dataFuncs(): FuncMap {
  const sortAlpha = (list: GoValue): GoValue => {
    const items = listItems(list);
    if (items === undefined && !Array.isArray(list)) return typedSlice('[]string', [strval(list)]);
    return typedSlice('[]string', strslice(list).sort(compareStrings));
  };
  return {
    // conversions
    int64: defineFunc([I], ([v]) => int64(toInt64(v))),
    int: defineFunc([I], ([v]) => goInt(toInt64(v))),
    float64: defineFunc([I], ([v]) => toFloat64(v)),
    seq: defineFunc([], (args) => seq(args.map(num)), 'int'),
    toDecimal: defineFunc([I], ([v]) => {
      const t = formatValue(v);
      const neg = t.startsWith('-');
      const body = t.replace(/^[+-]/, '');
      if (!/^[0-7]+$/.test(body)) return int64(0n);
      const r = BigInt('0o' + body) * (neg ? -1n : 1n);
      return int64(r > 2n ** 63n - 1n ? 0n : r);
    }),
    toStrings: defineFunc([I], ([v]) => typedSlice('[]string', strslice(v))),
    until: defineFunc(['int'], ([c]) => {
      const n = num(c);
      return typedSlice(
        '[]int',
        untilStep(0, n, n < 0 ? -1 : 1).map((x) => goInt(x)),
      );
    }),
    untilStep: defineFunc(['int', 'int', 'int'], ([a, b, c]) =>
      typedSlice(
        '[]int',
        untilStep(num(a), num(b), num(c)).map((x) => goInt(x)),
      ),
    ),
    // integer maths
    add1: defineFunc([I], ([v]) => int64(wrap64(toInt64(v) + 1n))),
    add: defineFunc(
      [],
      (args) => int64(args.reduce<bigint>((a, b) => wrap64(a + toInt64(b)), 0n)),
      I,
    ),
    sub: defineFunc([I, I], ([a, b]) => int64(wrap64(toInt64(a) - toInt64(b)))),
    div: defineFunc([I, I], ([a, b]) => {
      const d = toInt64(b);
      if (d === 0n) throw new Error('runtime error: integer divide by zero');
      return int64(wrap64(toInt64(a) / d));
    }),
    mod: defineFunc([I, I], ([a, b]) => {
      const d = toInt64(b);
      if (d === 0n) throw new Error('runtime error: integer divide by zero');
      return int64(toInt64(a) % d);
    }),
    mul: defineFunc(
      [I],
      ([a, ...rest]) => int64(rest.reduce<bigint>((x, y) => wrap64(x * toInt64(y)), toInt64(a))),
      I,
    ),
    biggest: defineFunc(
      [I],
      ([a, ...r]) => int64(r.map(toInt64).reduce((x, y) => (y > x ? y : x), toInt64(a))),
      I,
    ),
    max: defineFunc(
      [I],
      ([a, ...r]) => int64(r.map(toInt64).reduce((x, y) => (y > x ? y : x), toInt64(a))),
      I,
    ),
    min: defineFunc(
      [I],
      ([a, ...r]) => int64(r.map(toInt64).reduce((x, y) => (y < x ? y : x), toInt64(a))),
      I,
    ),
    // float maths
    add1f: defineFunc([I], ([v]) => decimalFold('add', toFloat64(v), [1])),
    addf: defineFunc([], (args) => decimalFold('add', 0, args.map(toFloat64)), I),
    subf: defineFunc([I], decimalOp('sub'), I),
    mulf: defineFunc([I], decimalOp('mul'), I),
    divf: defineFunc([I], decimalOp('div'), I),
    maxf: defineFunc(
      [I],
      ([a, ...r]) => r.map(toFloat64).reduce((x, y) => goMax(x, y), toFloat64(a)),
      I,
    ),
    minf: defineFunc(
      [I],
      ([a, ...r]) => r.map(toFloat64).reduce((x, y) => goMin(x, y), toFloat64(a)),
      I,
    ),
    ceil: defineFunc([I], ([v]) => Math.ceil(toFloat64(v))),
    floor: defineFunc([I], ([v]) => Math.floor(toFloat64(v))),
    round: defineFunc(
      [I, 'int'],
      ([a, p, ...r]) => round(a, num(p), r.length > 0 ? (r[0] as number) : 0.5),
      'float64',
    ),
    // string lists
    join: defineFunc(['string', I], ([sep, v]) => strslice(v).join(str(sep))),
    sortAlpha: defineFunc([I], ([v]) => sortAlpha(v)),
    // defaults
    default: defineFunc(
      [I],
      ([d, ...given]) => (given.length === 0 || isEmptyValue(given[0]) ? d! : given[0]!),
      I,
    ),
    empty: defineFunc([I], ([v]) => isEmptyValue(v)),
    coalesce: defineFunc([], (args) => args.find((a) => !isEmptyValue(a)) ?? null, I),
    all: defineFunc([], (args) => args.every((a) => !isEmptyValue(a)), I),
    any: defineFunc([], (args) => args.some((a) => !isEmptyValue(a)), I),
    ternary: defineFunc([I, I, 'bool'], ([t, f, c]) => (c ? t! : f!)),
    deepCopy: defineFunc([I], ([v]) => copyOrFail(v)),
    mustDeepCopy: defineFunc([I], ([v]) => copyOrFail(v)),
    // JSON
    fromJson: defineFunc(['string'], ([s]) => unmarshalPartial(str(s)).value),
    mustFromJson: defineFunc(['string'], ([s]) => unmarshal(str(s))),
    toJson: defineFunc([I], ([v]) => jsonOrEmpty(v, { escapeHTML: true })),
    mustToJson: defineFunc([I], ([v]) => marshal(v, { escapeHTML: true })),
    toPrettyJson: defineFunc([I], ([v]) => jsonOrEmpty(v, { escapeHTML: true, indent: '  ' })),
    mustToPrettyJson: defineFunc([I], ([v]) => marshal(v, { escapeHTML: true, indent: '  ' })),
    toRawJson: defineFunc([I], ([v]) => marshal(v, { escapeHTML: false })),
    mustToRawJson: defineFunc([I], ([v]) => marshal(v, { escapeHTML: false })),
    // reflection
    typeOf: defineFunc([I], ([v]) => goTypeName(v)),
    typeIs: defineFunc(['string', I], ([t, v]) => t === goTypeName(v)),
    typeIsLike: defineFunc(['string', I], ([t, v]) => {
      const name = goTypeName(v);
      return t === name || '*' + str(t) === name;
    }),
    kindOf: defineFunc([I], ([v]) => goKind(v)),
    kindIs: defineFunc(['string', I], ([t, v]) => t === goKind(v)),
    deepEqual: defineFunc([I, I], ([a, b]) => deepEqual(a, b)),
    // paths
    base: defineFunc(['string'], ([p]) => basePath(str(p))),
    dir: defineFunc(['string'], ([p]) => dirPath(str(p))),
    clean: defineFunc(['string'], ([p]) => cleanPath(str(p))),
    ext: defineFunc(['string'], ([p]) => extPath(str(p))),
    isAbs: defineFunc(['string'], ([p]) => str(p).startsWith('/')),
    // encodings
    b64enc: defineFunc(['string'], ([s]) => Buffer.from(stringToBytes(str(s))).toString('base64')),
    b64dec: defineFunc(['string'], ([s]) => b64decode(str(s))),
    b32enc: defineFunc(['string'], ([s]) => b32encode(str(s))),
    b32dec: defineFunc(['string'], ([s]) => b32decode(str(s))),
    // lists
    tuple: defineFunc([], (args) => args, I),
    list: defineFunc([], (args) => args, I),
    ...mustList('push', 'Cannot push on type', [I, I], (items, [, v]) => [...items, v!]),
    ...mustList('append', 'Cannot push on type', [I, I], (items, [, v]) => [...items, v!]),
    ...mustList('prepend', 'Cannot prepend on type', [I, I], (items, [, v]) => [v!, ...items]),
    ...mustList(
      'chunk',
      'Cannot chunk type',
      ['int', I],
      (items, [size]) => chunk(num(size), items),
      1,
    ),
    ...mustList(
      'last',
      'Cannot find last on type',
      [I],
      (items) => items[items.length - 1] ?? null,
    ),
    ...mustList('first', 'Cannot find first on type', [I], (items) => items[0] ?? null),
    ...mustList('rest', 'Cannot find rest on type', [I], (items) => items.slice(1)),
    ...mustList('initial', 'Cannot find initial on type', [I], (items) => items.slice(0, -1)),
    ...mustList('reverse', 'Cannot find reverse on type', [I], (items) => [...items].reverse()),
    ...mustList('compact', 'Cannot compact on type', [I], (items) =>
      items.filter((x) => !isEmptyValue(x)),
    ),
    ...mustList('uniq', 'Cannot find uniq on type', [I], (items) => {
      const out: GoValue[] = [];
      for (const x of items) if (!inList(out, x)) out.push(x);
      return out;
    }),
    ...mustList(
      'without',
      'Cannot find without on type',
      [I],
      (items, [, ...omit]) => items.filter((x) => !inList(omit, x)),
      0,
      I,
    ),
    has: defineFunc([I, I], ([needle, hay]) => hasItem(needle, hay)),
    mustHas: defineFunc([I, I], ([needle, hay]) => hasItem(needle, hay)),
    slice: defineFunc([I], ([l, ...idx]) => sliceList(l, idx), I),
    mustSlice: defineFunc([I], ([l, ...idx]) => sliceList(l, idx), I),
    concat: defineFunc(
      [],
      (lists) => {
        const out: GoValue[] = [];
        for (const l of lists) {
          if (l === null || l === undefined) throw new Error(nilDeref);
          const items = listItems(l);
          if (items === undefined) throw new Error(`Cannot concat type ${goKind(l)} as list`);
          out.push(...items);
        }
        return out;
      },
      I,
    ),
    // dicts
    dict: defineFunc(
      [],
      (args) => {
        const m = newMap();
        for (let i = 0; i < args.length; i += 2)
          mapSet(m, strval(args[i]), i + 1 < args.length ? args[i + 1]! : '');
        return m;
      },
      I,
    ),
    get: defineFunc([M, 'string'], ([d, k]) =>
      d !== null && mapHas(d as GoMap, str(k)) ? (d as GoMap)[str(k)]! : '',
    ),
    set: defineFunc([M, 'string', I], ([d, k, v]) => {
      if (d === null) throw new Error('assignment to entry in nil map');
      mapSet(d as GoMap, str(k), v);
      return d;
    }),
    unset: defineFunc([M, 'string'], ([d, k]) => {
      if (d !== null) delete (d as GoMap)[str(k)];
      return d ?? null;
    }),
    hasKey: defineFunc([M, 'string'], ([d, k]) => d !== null && mapHas(d as GoMap, str(k))),
    pluck: defineFunc(
      ['string'],
      ([k, ...ds]) =>
        ds
          .filter((d) => d !== null && mapHas(d as GoMap, str(k)))
          .map((d) => (d as GoMap)[str(k)]!),
      M,
    ),
    keys: defineFunc(
      [],
      (ds) =>
        typedSlice(
          '[]string',
          ds.flatMap((d) => (d === null ? [] : sortedKeys(d as GoMap))),
        ),
      M,
    ),
    pick: defineFunc(
      [M],
      ([d, ...ks]) => {
        const m = newMap();
        for (const k of ks)
          if (d !== null && mapHas(d as GoMap, str(k))) mapSet(m, str(k), (d as GoMap)[str(k)]);
        return m;
      },
      'string',
    ),
    omit: defineFunc(
      [M],
      ([d, ...ks]) => {
        const m = newMap();
        const drop = new Set(ks as string[]);
        if (d !== null)
          for (const k of Object.keys(d as GoMap)) if (!drop.has(k)) mapSet(m, k, (d as GoMap)[k]);
        return m;
      },
      'string',
    ),
    merge: defineFunc([M], ([d, ...srcs]) => mergeAll(d, srcs, false), M),
    mustMerge: defineFunc([M], ([d, ...srcs]) => mergeAll(d, srcs, false), M),
    mergeOverwrite: defineFunc([M], ([d, ...srcs]) => mergeAll(d, srcs, true), M),
    mustMergeOverwrite: defineFunc([M], ([d, ...srcs]) => mergeAll(d, srcs, true), M),
    values: defineFunc([M], ([d]) =>
      d === null ? [] : sortedKeys(d as GoMap).map((k) => (d as GoMap)[k]!),
    ),
    dig: defineFunc([], (args) => dig(args), I),
  };
}

function goMax(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x === 0 && y === 0) return Object.is(x, -0) ? y : x;
  return x > y ? x : y;
}

function goMin(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x === 0 && y === 0) return Object.is(x, -0) ? x : y;
  return x < y ? x : y;
}

function hasItem(needle: GoValue, hay: GoValue): boolean {
  if (hay === null || hay === undefined) return false;
  const items = listItems(hay);
  if (items === undefined) throw new Error(`Cannot find has on type ${goKind(hay)}`);
  return inList(items, needle);
}

function mergeAll(dst: GoValue, srcs: GoValue[], overwrite: boolean): GoValue {
  let d = dst as GoMap | null;
  for (const s of srcs) {
    if (s === null) continue;
    if (d === null) d = newMap();
    mergeMaps(d, s as GoMap, overwrite);
  }
  return d;
}

function copyOrFail(v: GoValue): GoValue {
  if (v === null || v === undefined)
    throw new Error('reflect: call of reflect.Value.Type on zero Value');
  return deepCopy(v);
}

function jsonOrEmpty(v: GoValue, o: { escapeHTML: boolean; indent?: string }): string {
  try {
    return marshal(v, o);
  } catch {
    return '';
  }
}
