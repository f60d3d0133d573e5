/**
 * YAML the way Package Operator reads it: YAML 1.1 scalars (sigs.k8s.io/yaml on yaml.v2), a repeated
 * map key keeps the last value, and documents are split on lines that are exactly `---` after a
 * cutset trim of `-` and `\n` (not a YAML stream parser: `--- # comment` is not a separator).
 */
import { LineCounter, parseDocument } from 'yaml';

/** Parses one YAML document into JSON-like values. Empty or comment-only text gives `null`. */
export function parseYaml(text: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    version: '1.1',
    uniqueKeys: false,
    prettyErrors: false,
    lineCounter,
  });
  const first = doc.errors[0];
  if (first) {
    // Go's yaml errors name the line ("yaml: line 3: ..."); so do ours, relative to the document.
    const { line } = lineCounter.linePos(first.pos[0]);
    throw new Error(`line ${line}: ${first.message}`);
  }
  return toJsonValue(doc.toJS({ maxAliasCount: 1000 }));
}

function toJsonValue(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString().replace('.000Z', 'Z');
  if (Array.isArray(v)) return v.map(toJsonValue);
  if (v instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, val] of v) out[String(k)] = toJsonValue(val);
    return out;
  }
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(v)) out[k] = toJsonValue(val);
    return out;
  }
  if (typeof v === 'bigint') return Number(v);
  return v;
}

/** Go's `bytes.Trim(s, cutset)`. */
function trimCutset(s: string, cutset: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && cutset.includes(s.charAt(start))) start++;
  while (end > start && cutset.includes(s.charAt(end - 1))) end--;
  return s.slice(start, end);
}

/** Splits a file into YAML documents exactly like Package Operator (indexes included). */
export function splitYamlDocuments(text: string): string[] {
  return trimCutset(text, '-\n').split(/^---$/m);
}

/** Re-joins kept documents: each trimmed, joined by `\n---\n`, one final `\n`. */
export function joinYamlDocuments(docs: readonly string[]): string {
  if (docs.length === 0) return '';
  return `${docs.map((d) => d.trim()).join('\n---\n')}\n`;
}
