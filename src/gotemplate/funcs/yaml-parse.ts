/**
 * `fromYAML`: sigs.k8s.io/yaml's Unmarshal into interface{}: yaml.v2 reads the first document
 * with YAML 1.1 typing (`yes`/`no`/`on`/`off` booleans, `0777` octal, timestamps kept as
 * strings), keys become strings, and the JSON round trip makes every number a float64.
 */
import {
  parseAllDocuments,
  isMap,
  isSeq,
  isScalar,
  isAlias,
  type Node as YNode,
  type Scalar,
  type Document,
} from 'yaml';
import { mapSet, newMap, type GoMap, type GoValue } from '../value.js';
import { formatFloat } from './go-format.js';
import { parseGoFloat, parseGoInt } from './convert.js';

function scalarValue(v: unknown): GoValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v))
      throw new Error(`error converting YAML to JSON: json: unsupported value: ${formatFloat(v)}`);
    return v === 0 ? 0 : v;
  }
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString();
  return null;
}

const yamlStyleFloat = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const timestamp = /^\d{4}-\d{1,2}-\d{1,2}([Tt ]|$)/;

/** yaml.v2's resolve() of a plain scalar, as decoded into interface{}. */
export function resolvePlain(s: string): unknown {
  switch (s) {
    case '':
    case '~':
    case 'null':
    case 'Null':
    case 'NULL':
      return null;
    case 'y':
    case 'Y':
    case 'yes':
    case 'Yes':
    case 'YES':
    case 'true':
    case 'True':
    case 'TRUE':
    case 'on':
    case 'On':
    case 'ON':
      return true;
    case 'n':
    case 'N':
    case 'no':
    case 'No':
    case 'NO':
    case 'false':
    case 'False':
    case 'FALSE':
    case 'off':
    case 'Off':
    case 'OFF':
      return false;
    case '.inf':
    case '.Inf':
    case '.INF':
    case '+.inf':
    case '+.Inf':
    case '+.INF':
      return Infinity;
    case '-.inf':
    case '-.Inf':
    case '-.INF':
      return -Infinity;
    case '.nan':
    case '.NaN':
    case '.NAN':
      return NaN;
    default:
      break;
  }
  const c = s[0]!;
  if (c === '.') return parseGoFloat(s) ?? s;
  if (!/[0-9+-]/.test(c)) return s;
  if (timestamp.test(s)) return s;
  const plain = s.replaceAll('_', '');
  const i = parseGoIntOrUint(plain);
  if (i !== undefined) return i;
  if (yamlStyleFloat.test(plain)) {
    const f = parseGoFloat(plain);
    if (f !== undefined) return f;
  }
  const bin = /^(-?)0b([01]+)$/.exec(plain);
  if (bin !== null) return Number(BigInt('0b' + bin[2]!)) * (bin[1] === '-' ? -1 : 1);
  return s;
}

function parseGoIntOrUint(s: string): number | undefined {
  const i = parseGoInt(s);
  if (i !== undefined) return Number(i);
  if (/^\+?[0-9]+$/.test(s) && BigInt(s.replace('+', '')) < 2n ** 64n)
    return Number(BigInt(s.replace('+', '')));
  if (/^0[xX][0-9a-fA-F]+$/.test(s) && BigInt(s) < 2n ** 64n) return Number(BigInt(s));
  return undefined;
}

function plainOrValue(node: Scalar): unknown {
  if (node.type === 'PLAIN' && node.tag === undefined && typeof node.source === 'string')
    return resolvePlain(node.source);
  return node.value;
}

function keyString(k: unknown): string {
  if (typeof k === 'string') return k;
  if (typeof k === 'boolean') return k ? 'true' : 'false';
  if (typeof k === 'number' || typeof k === 'bigint') {
    const n = Number(k);
    return Number.isInteger(n) ? String(k) : formatFloat(n);
  }
  throw new Error(`error converting YAML to JSON: unsupported map key of type: ${typeof k}`);
}

function convert(node: unknown, doc: Document, depth: number): GoValue {
  if (depth > 10000) throw new Error('error converting YAML to JSON: yaml: exceeded max depth');
  if (isAlias(node)) {
    const target = node.resolve(doc);
    if (target === undefined)
      throw new Error(
        `error converting YAML to JSON: yaml: unknown anchor '${node.source}' referenced`,
      );
    return convert(target, doc, depth + 1);
  }
  if (isScalar(node)) {
    // Plain scalars are typed by yaml.v2's own resolver (the yaml package's YAML 1.1 rules
    // differ, e.g. it reads `E0` as NaN); quoted or tagged ones keep the package's value.
    return scalarValue(plainOrValue(node));
  }
  if (isSeq(node)) return node.items.map((x) => convert(x, doc, depth + 1));
  if (isMap(node)) {
    const m = newMap();
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? plainOrValue(pair.key) : pair.key;
      if (
        (key === '<<' || typeof key === 'symbol') &&
        (isMap(pair.value) || isAlias(pair.value) || isSeq(pair.value))
      ) {
        const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
        for (const src of sources) {
          const merged = convert(src, doc, depth + 1);
          if (merged !== null && typeof merged === 'object' && !Array.isArray(merged))
            for (const [k, v] of Object.entries(merged as GoMap))
              if (!Object.hasOwn(m, k)) mapSet(m, k, v);
        }
        continue;
      }
      mapSet(m, keyString(key), convert(pair.value, doc, depth + 1));
    }
    return m;
  }
  if (node === null || node === undefined) return null;
  return scalarValue((node as YNode).toJSON());
}

/** libyaml's wording for the common syntax errors (the `yaml` package words them its own way). */
function libyamlMessage(code: string, message: string, line: number): string {
  const first = message.split('\n')[0] ?? message;
  if (/^Flow sequence/.test(first)) return `line ${line}: did not find expected ',' or ']'`;
  if (/^Flow map/.test(first)) return `line ${line}: did not find expected ',' or '}'`;
  if (code === 'TAB_AS_INDENT') return 'found character that cannot start any token';
  if (code === 'BLOCK_AS_IMPLICIT_KEY') return 'mapping values are not allowed in this context';
  if (/block-seq-ind on same line with key/.test(first))
    return 'block sequence entries are not allowed in this context';
  return `line ${line}: ${first.replace(/ at line \d+, column \d+:?$/, '')}`;
}

/** Parses YAML text like PKO's fromYAML; throws `error converting YAML to JSON: yaml: ...`. */
export function parseYAML(text: string): GoValue {
  const docs = parseAllDocuments(text, {
    version: '1.1',
    uniqueKeys: false,
    merge: false,
    intAsBigInt: true,
    customTags: (tags) =>
      tags.filter((t) =>
        typeof t === 'string'
          ? t !== 'timestamp' && t !== 'intTime' && t !== 'floatTime'
          : t.tag !== 'tag:yaml.org,2002:timestamp' && t.format !== 'TIME',
      ),
  });
  const list = Array.isArray(docs) ? docs : [];
  if (!Array.isArray(docs)) return null;
  const first = list[0];
  if (first === undefined) return null;
  const err = first.errors[0];
  if (err !== undefined) {
    const line = err.linePos?.[0].line ?? 1;
    throw new Error(
      `error converting YAML to JSON: yaml: ${libyamlMessage(err.code, err.message, line)}`,
    );
  }
  return convert(first.contents, first, 0);
}
