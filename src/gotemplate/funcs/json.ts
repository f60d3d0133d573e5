/** Go's encoding/json for template values: Marshal (sorted keys, HTML escaping) and Unmarshal. */
import {
  GoInt,
  GoStruct,
  GoFuncValue,
  mapSet,
  newMap,
  sortedKeys,
  type GoValue,
} from '../value.js';

export interface MarshalOptions {
  escapeHTML: boolean;
  indent?: string;
}

/** Go's float64 JSON form: like JS for 1e-6 <= |f| < 1e21 and the exponent forms, but keeps -0. */
export function jsonFloat(f: number): string {
  if (!Number.isFinite(f))
    throw new Error(`json: unsupported value: ${f > 0 ? '+Inf' : f < 0 ? '-Inf' : 'NaN'}`);
  if (Object.is(f, -0)) return '-0';
  return String(f);
}

export function jsonString(s: string, escapeHTML: boolean): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i]!;
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c < 0x20) {
      if (c === 0x0a) out += '\\n';
      else if (c === 0x0d) out += '\\r';
      else if (c === 0x09) out += '\\t';
      else out += '\\u00' + c.toString(16).padStart(2, '0');
    } else if (escapeHTML && (ch === '<' || ch === '>' || ch === '&'))
      out += '\\u00' + c.toString(16).padStart(2, '0');
    else if (c === 0x2028 || c === 0x2029) out += '\\u' + c.toString(16);
    else out += ch;
  }
  return out + '"';
}

function encode(v: GoValue, o: MarshalOptions, prefix: string): string {
  switch (typeof v) {
    case 'string':
      return jsonString(v, o.escapeHTML);
    case 'number':
      return jsonFloat(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'undefined':
      return 'null';
    default:
      break;
  }
  if (v === null) return 'null';
  if (v instanceof GoInt) return v.value.toString();
  if (v instanceof Uint8Array) return '"' + Buffer.from(v).toString('base64') + '"';
  if (v instanceof GoStruct) return jsonString(v.goString(), o.escapeHTML);
  if (v instanceof GoFuncValue) throw new Error('json: unsupported type: func()');
  const inner = o.indent === undefined ? '' : prefix + o.indent;
  const nl = o.indent === undefined ? '' : '\n';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    const items = v.map((x) => inner + encode(x, o, inner));
    return '[' + nl + items.join(',' + nl) + nl + prefix + ']';
  }
  const keys = sortedKeys(v);
  if (keys.length === 0) return '{}';
  const sep = o.indent === undefined ? ':' : ': ';
  const items = keys.map((k) => inner + jsonString(k, o.escapeHTML) + sep + encode(v[k], o, inner));
  return '{' + nl + items.join(',' + nl) + nl + prefix + '}';
}

/** json.Marshal / MarshalIndent(v, "", indent); throws Go's error text. */
export function marshal(v: GoValue, o: MarshalOptions): string {
  return encode(v, o, '');
}

function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return "'\"'";
  const q = JSON.stringify(c);
  return "'" + q.slice(1, -1) + "'";
}

const simpleEscapes: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/** A Go-flavoured JSON reader (a class, not closures: it runs per fromJson call). */
class JsonReader {
  i = 0;
  /** Go reports a number out of float64 range after decoding the rest. */
  rangeError: string | undefined;
  constructor(readonly text: string) {}

  ws(): void {
    const t = this.text;
    while (this.i < t.length) {
      const c = t.charCodeAt(this.i);
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return;
      this.i++;
    }
  }

  bad(context: string): never {
    if (this.i >= this.text.length) throw new Error('unexpected end of JSON input');
    throw new Error(`invalid character ${quoteChar(this.text[this.i]!)} ${context}`);
  }

  value(): GoValue {
    this.ws();
    const t = this.text;
    if (this.i >= t.length) this.bad('');
    const c = t[this.i]!;
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (c === 't') return this.literal('true', true);
    if (c === 'f') return this.literal('false', false);
    if (c === 'n') return this.literal('null', null);
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    return this.bad('looking for beginning of value');
  }

  object(): GoValue {
    this.i++;
    const m = newMap();
    this.ws();
    if (this.text[this.i] === '}') {
      this.i++;
      return m;
    }
    for (;;) {
      this.ws();
      if (this.text[this.i] !== '"') this.bad('looking for beginning of object key string');
      const k = this.string();
      this.ws();
      if (this.text[this.i] !== ':') this.bad('after object key');
      this.i++;
      mapSet(m, k, this.value());
      this.ws();
      const c = this.text[this.i];
      this.i++;
      if (c === ',') continue;
      if (c === '}') return m;
      this.i--;
      this.bad('after object key:value pair');
    }
  }

  array(): GoValue {
    this.i++;
    const a: GoValue[] = [];
    this.ws();
    if (this.text[this.i] === ']') {
      this.i++;
      return a;
    }
    for (;;) {
      a.push(this.value());
      this.ws();
      const c = this.text[this.i];
      this.i++;
      if (c === ',') continue;
      if (c === ']') return a;
      this.i--;
      this.bad('after array element');
    }
  }

  literal(word: string, val: GoValue): GoValue {
    for (let k = 1; k < word.length; k++) {
      this.i++;
      if (this.text[this.i] !== word[k])
        this.badChar(this.text[this.i], `in literal ${word} (expecting ${quoteChar(word[k]!)})`);
    }
    this.i++;
    return val;
  }

  badChar(c: string | undefined, context: string): never {
    throw new Error(`invalid character ${quoteChar(c ?? ' ')} ${context}`);
  }

  /** A number, scanned like Go's JSON scanner (its error texts included). */
  number(): GoValue {
    const t = this.text;
    const start = this.i;
    const digit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
    let i = this.i;
    if (t[i] === '-') {
      i++;
      if (!digit(t[i])) this.badChar(t[i], 'in numeric literal');
    }
    if (t[i] === '0') i++;
    else while (digit(t[i])) i++;
    if (t[i] === '.') {
      i++;
      if (!digit(t[i])) this.badChar(t[i], 'after decimal point in numeric literal');
      while (digit(t[i])) i++;
    }
    if (t[i] === 'e' || t[i] === 'E') {
      i++;
      if (t[i] === '+' || t[i] === '-') i++;
      if (!digit(t[i])) this.badChar(t[i], 'in exponent of numeric literal');
      while (digit(t[i])) i++;
    }
    this.i = i;
    const text = t.slice(start, i);
    const v = Number(text);
    if (!Number.isFinite(v)) {
      this.rangeError ??= `json: cannot unmarshal number ${text} into Go value of type float64`;
      return null;
    }
    return v;
  }

  string(): string {
    const t = this.text;
    this.i++;
    let out = '';
    let start = this.i;
    for (;;) {
      if (this.i >= t.length) this.bad('');
      const c = t.charCodeAt(this.i);
      if (c === 34) {
        out += t.slice(start, this.i);
        this.i++;
        return out;
      }
      if (c < 32) this.bad('in string literal');
      if (c !== 92) {
        this.i++;
        continue;
      }
      out += t.slice(start, this.i);
      this.i++;
      if (this.i >= t.length) this.bad('');
      const e = t[this.i]!;
      const simple = simpleEscapes[e];
      if (simple !== undefined) {
        out += simple;
        this.i++;
      } else if (e === 'u') {
        const h = t.slice(this.i + 1, this.i + 5);
        if (!/^[0-9a-fA-F]{4}$/.test(h)) {
          this.i++;
          while (this.i < t.length && /[0-9a-fA-F]/.test(t[this.i]!)) this.i++;
          this.bad('in \\u hexadecimal character escape');
        }
        out += String.fromCharCode(parseInt(h, 16));
        this.i += 5;
      } else this.bad('in string escape code');
      start = this.i;
    }
  }
}

/**
 * json.Unmarshal into interface{}: numbers float64, Go's error messages. Like Go, a number out of
 * range still yields the rest of the value (with nil there) next to the error.
 */
export function unmarshalPartial(text: string): { value: GoValue; error?: string } {
  const r = new JsonReader(text);
  let value: GoValue;
  try {
    value = r.value();
    r.ws();
    if (r.i < text.length) r.bad('after top-level value');
  } catch (err) {
    return { value: null, error: (err as Error).message };
  }
  return r.rangeError === undefined ? { value } : { value, error: r.rangeError };
}

/** json.Unmarshal into interface{}; throws Go's error text. */
export function unmarshal(text: string): GoValue {
  const { value, error } = unmarshalPartial(text);
  if (error !== undefined) throw new Error(error);
  return value;
}
