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
  type Document,
} from 'yaml';
import { mapSet, newMap, type GoMap, type GoValue } from '../value.js';
import { formatFloat } from './go-format.js';

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
  if (isScalar(node)) return scalarValue(node.value);
  if (isSeq(node)) return node.items.map((x) => convert(x, doc, depth + 1));
  if (isMap(node)) {
    const m = newMap();
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? pair.key.value : pair.key;
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
