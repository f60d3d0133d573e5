/**
 * text/template's built-in functions with Go's exact type rules: comparisons by basic kind (float64
 * vs int is an error), `index`/`slice`/`len` over Go values, `html`/`js`/`urlquery` escaping and
 * the fmt printers. Parameters typed `reflect.Value` receive the raw value: `null` is a nil
 * interface, `undefined` an invalid (missing) value, as Go's builtins distinguish them.
 */
import { formatValue, sprint, sprintf, sprintln } from './fmt.js';
import type { FuncMap } from './funcs/registry.js';
import {
  GoComplex,
  GoFuncValue,
  GoInt,
  GoStruct,
  bytesToString,
  compareStrings,
  goInt,
  goKind,
  goTypeName,
  isTrue,
  mapElemType,
  stringToBytes,
  typedSlice,
  utf8Length,
  zeroValue,
  type GoFunc,
  type GoMap,
  type GoValue,
} from './value.js';

const RV = 'reflect.Value';

/** Whether a Go type can be nil (Go's canBeNil). */
export function canBeNil(typ: string): boolean {
  return (
    typ === 'interface {}' ||
    typ === RV ||
    typ.startsWith('[]') ||
    typ.startsWith('map[') ||
    typ.startsWith('*') ||
    typ.startsWith('func(')
  );
}

function isMap(v: GoValue): v is GoMap {
  return goKind(v) === 'map';
}

type BasicKind = 'bool' | 'int' | 'uint' | 'float' | 'complex' | 'string' | 'invalid';

function basicKind(v: GoValue): BasicKind {
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'number':
      return 'float';
    case 'string':
      return 'string';
    default:
      break;
  }
  if (v instanceof GoInt) return v.unsigned ? 'uint' : 'int';
  if (v instanceof GoComplex) return 'complex';
  return 'invalid';
}

/** reflect's nil-interface unwrapping: a nil interface becomes the invalid value. */
function indirectInterface(v: GoValue): GoValue {
  return v === null ? undefined : v;
}

function isNilish(v: GoValue): boolean {
  return v === undefined || v === null;
}

function comparable(v: GoValue): boolean {
  return !(Array.isArray(v) || isMap(v) || v instanceof Uint8Array || v instanceof GoFuncValue);
}

function eqValues(arg1: GoValue, args: GoValue[]): boolean {
  arg1 = indirectInterface(arg1);
  if (args.length === 0) throw new Error('missing argument for comparison');
  const k1 = basicKind(arg1);
  for (let arg of args) {
    arg = indirectInterface(arg);
    const k2 = basicKind(arg);
    let truth = false;
    if (k1 !== k2) {
      if (k1 === 'int' && k2 === 'uint') {
        truth = (arg1 as GoInt).value >= 0n && (arg1 as GoInt).value === (arg as GoInt).value;
      } else if (k1 === 'uint' && k2 === 'int') {
        truth = (arg as GoInt).value >= 0n && (arg1 as GoInt).value === (arg as GoInt).value;
      } else if (arg1 !== undefined && arg !== undefined) {
        throw new Error('incompatible types for comparison');
      }
    } else {
      switch (k1) {
        case 'bool':
        case 'float':
        case 'string':
          truth = arg1 === arg;
          break;
        case 'int':
        case 'uint':
          truth = (arg1 as GoInt).value === (arg as GoInt).value;
          break;
        case 'complex':
          truth =
            (arg1 as GoComplex).re === (arg as GoComplex).re &&
            (arg1 as GoComplex).im === (arg as GoComplex).im;
          break;
        default:
          if (
            arg1 !== undefined &&
            arg !== undefined &&
            goKind(arg1) !== goKind(arg) &&
            !(arg1 instanceof GoStruct && arg instanceof GoStruct)
          ) {
            throw new Error(
              `non-comparable types ${sprintf('%s', [arg1])}: ${goTypeName(arg1)}, ${goTypeName(arg)}: ${formatValue(arg)}`,
            );
          }
          if (isNilish(arg1) || isNilish(arg)) {
            truth = isNilish(arg) === isNilish(arg1);
          } else {
            if (!comparable(arg)) {
              throw new Error(`non-comparable type ${sprintf('%s', [arg])}: ${goTypeName(arg)}`);
            }
            truth = arg1 === arg;
          }
      }
    }
    if (truth) return true;
  }
  return false;
}

function ltValues(arg1: GoValue, arg2: GoValue): boolean {
  arg1 = indirectInterface(arg1);
  const k1 = basicKind(arg1);
  if (k1 === 'invalid') throw new Error('invalid type for comparison');
  arg2 = indirectInterface(arg2);
  const k2 = basicKind(arg2);
  if (k2 === 'invalid') throw new Error('invalid type for comparison');
  if (k1 !== k2) {
    if (k1 === 'int' && k2 === 'uint') {
      return (arg1 as GoInt).value < 0n || (arg1 as GoInt).value < (arg2 as GoInt).value;
    }
    if (k1 === 'uint' && k2 === 'int') {
      return (arg2 as GoInt).value >= 0n && (arg1 as GoInt).value < (arg2 as GoInt).value;
    }
    throw new Error('incompatible types for comparison');
  }
  switch (k1) {
    case 'bool':
    case 'complex':
      throw new Error('invalid type for comparison');
    case 'float':
      return (arg1 as number) < (arg2 as number);
    case 'string':
      return compareStrings(arg1 as string, arg2 as string) < 0;
    default:
      return (arg1 as GoInt).value < (arg2 as GoInt).value;
  }
}

function leValues(a: GoValue, b: GoValue): boolean {
  return ltValues(a, b) || eqValues(a, [b]);
}

function indexArg(index: GoValue, cap: number): number {
  let x: bigint;
  if (index instanceof GoInt) x = index.value;
  else if (index === undefined || index === null) {
    throw new Error('cannot index slice/array with nil');
  } else throw new Error(`cannot index slice/array with type ${goTypeName(index)}`);
  if (x < 0n || x > BigInt(cap)) throw new Error(`index out of range: ${x}`);
  return Number(x);
}

function prepareMapKey(index: GoValue): string {
  if (index === undefined || index === null) {
    throw new Error('value is nil; should be of type string');
  }
  if (typeof index !== 'string') {
    throw new Error(`value has type ${goTypeName(index)}; should be string`);
  }
  return index;
}

function indexValue(item: GoValue, indexes: GoValue[]): GoValue {
  item = indirectInterface(item);
  if (item === undefined) throw new Error('index of untyped nil');
  for (let index of indexes) {
    index = indirectInterface(index);
    if (item === null || item === undefined) throw new Error('index of nil pointer');
    if (typeof item === 'string') {
      const bytes = stringToBytes(item);
      const x = indexArg(index, bytes.length);
      if (x >= bytes.length) throw new Error('reflect: string index out of range');
      item = new GoInt('uint8', BigInt(bytes[x]!));
    } else if (Array.isArray(item)) {
      const x = indexArg(index, item.length);
      if (x >= item.length) throw new Error('reflect: slice index out of range');
      item = item[x];
    } else if (item instanceof Uint8Array) {
      const x = indexArg(index, item.length);
      if (x >= item.length) throw new Error('reflect: slice index out of range');
      item = new GoInt('uint8', BigInt(item[x]!));
    } else if (isMap(item)) {
      const key = prepareMapKey(index);
      if (Object.hasOwn(item, key)) item = item[key];
      else item = zeroValue(mapElemType(goTypeName(item)) ?? 'interface {}');
    } else {
      throw new Error(`can't index item of type ${derefTypeName(item)}`);
    }
  }
  return item;
}

function sliceValue(item: GoValue, indexes: GoValue[]): GoValue {
  item = indirectInterface(item);
  if (item === undefined) throw new Error('slice of untyped nil');
  if (indexes.length > 3) throw new Error(`too many slice indexes: ${indexes.length}`);
  let len: number;
  let bytes: Uint8Array | undefined;
  if (typeof item === 'string') {
    if (indexes.length === 3) throw new Error('cannot 3-index slice a string');
    bytes = stringToBytes(item);
    len = bytes.length;
  } else if (Array.isArray(item) || item instanceof Uint8Array) {
    len = item.length;
  } else {
    throw new Error(`can't slice item of type ${goTypeName(item)}`);
  }
  const idx = [0, len, len];
  for (let i = 0; i < indexes.length; i++) idx[i] = indexArg(indexes[i], len);
  if (idx[0]! > idx[1]!) throw new Error(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (indexes.length === 3 && idx[1]! > idx[2]!) {
    throw new Error(`invalid slice index: ${idx[1]} > ${idx[2]}`);
  }
  if (bytes !== undefined) return bytesToString(bytes.subarray(idx[0], idx[1]));
  if (item instanceof Uint8Array) return item.slice(idx[0], idx[1]);
  const arr = item as GoValue[];
  return typedSlice(goTypeName(arr), arr.slice(idx[0], idx[1]));
}

/** The type name after Go's pointer indirection (`*semver.Version` → `semver.Version`). */
function derefTypeName(v: GoValue): string {
  const t = goTypeName(v);
  return v instanceof GoStruct && t.startsWith('*') ? t.slice(1) : t;
}

function lengthOf(item: GoValue): GoValue {
  if (item === null) throw new Error('len of nil pointer');
  if (item === undefined) throw new Error('reflect: call of reflect.Value.Type on zero Value');
  if (typeof item === 'string') return goInt(utf8Length(item));
  if (Array.isArray(item) || item instanceof Uint8Array) return goInt(item.length);
  if (isMap(item)) return goInt(Object.keys(item).length);
  throw new Error(`len of type ${derefTypeName(item)}`);
}

// --- escapers

export function htmlEscapeString(s: string): string {
  if (!/['"&<>\0]/.test(s)) return s;
  return s.replace(/['"&<>\0]/g, (c) => {
    switch (c) {
      case '"':
        return '&#34;';
      case "'":
        return '&#39;';
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      default:
        return '\ufffd';
    }
  });
}

const printRe = /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u;

export function jsEscapeString(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c >= 0x20 && c < 0x80) {
      switch (ch) {
        case '\\':
          out += '\\\\';
          continue;
        case "'":
          out += "\\'";
          continue;
        case '"':
          out += '\\"';
          continue;
        case '<':
          out += '\\u003C';
          continue;
        case '>':
          out += '\\u003E';
          continue;
        case '&':
          out += '\\u0026';
          continue;
        case '=':
          out += '\\u003D';
          continue;
        default:
          out += ch;
          continue;
      }
    }
    if (c < 0x20) {
      out += '\\u00' + '0123456789ABCDEF'[c >> 4]! + '0123456789ABCDEF'[c & 15]!;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += ch; // an invalid byte: Go copies it (it decodes as RuneError, which is printable)
    } else if (printRe.test(ch)) {
      out += ch;
    } else {
      out += '\\u' + c.toString(16).toUpperCase().padStart(4, '0');
    }
  }
  return out;
}

export function urlQueryEscape(s: string): string {
  let out = '';
  const bytes = stringToBytes(s);
  for (const b of bytes) {
    if (
      (b >= 0x30 && b <= 0x39) ||
      (b >= 0x41 && b <= 0x5a) ||
      (b >= 0x61 && b <= 0x7a) ||
      b === 0x2d ||
      b === 0x2e ||
      b === 0x5f ||
      b === 0x7e
    ) {
      out += String.fromCharCode(b);
    } else if (b === 0x20) out += '+';
    else out += '%' + '0123456789ABCDEF'[b >> 4]! + '0123456789ABCDEF'[b & 15]!;
  }
  return out;
}

/** text/template's evalArgs: one string as is, otherwise Sprint with nil shown as <no value>. */
function evalArgs(args: GoValue[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  const printable = args.map((a) => (a === null || a === undefined ? '<no value>' : a));
  return sprint(printable);
}

// --- call

function callValue(fnv: GoValue, args: GoValue[], env: Parameters<GoFunc['fn']>[1]): GoValue {
  fnv = indirectInterface(fnv);
  if (fnv === undefined) throw new Error('call of nil');
  if (!(fnv instanceof GoFuncValue)) throw new Error(`non-function of type ${goTypeName(fnv)}`);
  const f = fnv.fn;
  const numIn = f.params.length;
  if (f.variadic !== undefined) {
    if (args.length < numIn) {
      throw new Error(`wrong number of args: got ${args.length} want at least ${numIn}`);
    }
  } else if (args.length !== numIn) {
    throw new Error(`wrong number of args: got ${args.length} want ${numIn}`);
  }
  const argv: GoValue[] = [];
  for (let i = 0; i < args.length; i++) {
    let arg = indirectInterface(args[i]);
    const t = i < numIn ? f.params[i]! : f.variadic!;
    if (arg === undefined) {
      if (!canBeNil(t)) throw new Error(`arg ${i}: value is nil; should be of type ${t}`);
      arg = null;
    } else if (t !== 'interface {}' && goTypeName(arg) !== t) {
      if (arg instanceof GoInt && isIntType(t)) arg = goInt(arg.value, t as GoInt['kind']);
      else throw new Error(`arg ${i}: value has type ${goTypeName(arg)}; should be ${t}`);
    }
    argv.push(arg);
  }
  return f.fn(argv, env);
}

function isIntType(t: string): boolean {
  return /^u?int(8|16|32|64|ptr)?$/.test(t);
}

/** Go's truth for and/or/not: a nil interface or invalid value is false. */
export function truth(v: GoValue): boolean {
  return isTrue(v);
}

/** The builtin FuncMap. `and`/`or` are evaluated lazily by the executor, not through `fn`. */
export const builtins: FuncMap = {
  and: { params: [RV], variadic: RV, fn: () => null },
  or: { params: [RV], variadic: RV, fn: () => null },
  not: { params: [RV], fn: ([a]) => !isTrue(a) },
  call: { params: [RV], variadic: RV, fn: ([f, ...rest], env) => callValue(f, rest, env) },
  html: { params: [], variadic: 'interface {}', fn: (args) => htmlEscapeString(evalArgs(args)) },
  js: { params: [], variadic: 'interface {}', fn: (args) => jsEscapeString(evalArgs(args)) },
  urlquery: {
    params: [],
    variadic: 'interface {}',
    fn: (args) => urlQueryEscape(evalArgs(args)),
  },
  index: { params: [RV], variadic: RV, fn: ([item, ...idx]) => indexValue(item, idx) },
  slice: { params: [RV], variadic: RV, fn: ([item, ...idx]) => sliceValue(item, idx) },
  len: { params: [RV], fn: ([item]) => lengthOf(item) },
  print: { params: [], variadic: 'interface {}', fn: (args) => sprint(args) },
  printf: {
    params: ['string'],
    variadic: 'interface {}',
    fn: ([f, ...args]) => sprintf(f as string, args),
  },
  println: { params: [], variadic: 'interface {}', fn: (args) => sprintln(args) },
  eq: { params: [RV], variadic: RV, fn: ([a, ...rest]) => eqValues(a, rest) },
  ne: { params: [RV, RV], fn: ([a, b]) => !eqValues(a, [b]) },
  lt: { params: [RV, RV], fn: ([a, b]) => ltValues(a, b) },
  le: { params: [RV, RV], fn: ([a, b]) => leValues(a, b) },
  gt: { params: [RV, RV], fn: ([a, b]) => !leValues(a, b) },
  ge: { params: [RV, RV], fn: ([a, b]) => !ltValues(a, b) },
};
