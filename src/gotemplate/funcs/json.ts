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

/** json.Unmarshal into interface{}: numbers float64, Go's error messages. */
export function unmarshal(text: string): GoValue {
  let i = 0;
  const n = text.length;
  const ws = (): void => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r'))
      i++;
  };
  const eof = (): never => {
    throw new Error('unexpected end of JSON input');
  };
  const bad = (context: string): never => {
    if (i >= n) eof();
    throw new Error(`invalid character ${quoteChar(text[i]!)} ${context}`);
  };
  const value = (): GoValue => {
    ws();
    if (i >= n) eof();
    const c = text[i]!;
    if (c === '{') {
      i++;
      const m = newMap();
      ws();
      if (text[i] === '}') {
        i++;
        return m;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') bad('looking for beginning of object key string');
        const k = string();
        ws();
        if (text[i] !== ':') bad('after object key');
        i++;
        mapSet(m, k, value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return m;
        }
        bad('after object key:value pair');
      }
    }
    if (c === '[') {
      i++;
      const a: GoValue[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return a;
      }
      for (;;) {
        a.push(value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return a;
        }
        bad('after array element');
      }
    }
    if (c === '"') return string();
    for (const [word, val] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (c === word[0]) {
        for (let k = 1; k < word.length; k++) {
          i++;
          if (text[i] !== word[k]) bad(`in literal ${word} (expecting ${quoteChar(word[k]!)})`);
        }
        i++;
        return val;
      }
    }
    if (c === '-' || (c >= '0' && c <= '9')) {
      const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
      if (!m) {
        i++;
        bad('in numeric literal');
      }
      const t = m![0];
      i += t.length;
      if (i < n && /[.eE]/.test(text[i]!)) {
        i++;
        bad('in numeric literal');
      }
      return Number(t);
    }
    return bad('looking for beginning of value');
  };
  const string = (): string => {
    i++;
    let out = '';
    for (;;) {
      if (i >= n) eof();
      const c = text[i]!;
      if (c === '"') {
        i++;
        return out;
      }
      if (c < ' ') bad('in string literal');
      if (c === '\\') {
        i++;
        if (i >= n) eof();
        const e = text[i]!;
        const simple: Record<string, string> = {
          '"': '"',
          '\\': '\\',
          '/': '/',
          b: '\b',
          f: '\f',
          n: '\n',
          r: '\r',
          t: '\t',
        };
        if (e in simple) {
          out += simple[e];
          i++;
        } else if (e === 'u') {
          const h = text.slice(i + 1, i + 5);
          if (!/^[0-9a-fA-F]{4}$/.test(h)) {
            i++;
            while (i < n && /[0-9a-fA-F]/.test(text[i]!)) i++;
            bad('in \\u hexadecimal character escape');
          }
          out += String.fromCharCode(parseInt(h, 16));
          i += 5;
        } else bad('in string escape code');
        continue;
      }
      out += c;
      i++;
    }
  };
  const v = value();
  ws();
  if (i < n) bad('after top-level value');
  return v;
}
