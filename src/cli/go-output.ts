/**
 * Output in the shapes Package Operator's `kubectl package` prints: pterm tables (columns padded to
 * their widest cell, two-space separator, the last column padded too, a blank line after), Go
 * `json.MarshalIndent` with four spaces, and sigs.k8s.io/yaml (keys sorted, sequences not indented).
 */
import { stringify } from 'yaml';
import { objectMetaFieldNames } from '../apis/index.js';

/** A pterm table with a header row, as `PrintTable` writes it. */
export function ptermTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const all = [headers, ...rows];
  const width = (s: string) => [...s].length;
  const widths = headers.map((_, i) => Math.max(...all.map((r) => width(r[i] ?? ''))));
  const line = (r: readonly string[]) =>
    headers
      .map((_, i) => {
        const cell = r[i] ?? '';
        return cell + ' '.repeat((widths[i] ?? 0) - width(cell));
      })
      .join('  ');
  return `${all.map(line).join('\n')}\n\n`;
}

/** Go's field order for the parts of a Kubernetes object it knows; other keys keep their order. */
const objectOrder = ['kind', 'apiVersion', 'metadata', 'spec', 'status'];
const metaOrder: readonly string[] = objectMetaFieldNames;
const conditionOrder = [
  'type',
  'status',
  'observedGeneration',
  'lastTransitionTime',
  'reason',
  'message',
];

function ordered(obj: Record<string, unknown>, order: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of order) if (k in obj) out[k] = obj[k];
  for (const [k, v] of Object.entries(obj)) if (!(k in out)) out[k] = v;
  return out;
}

/** A Kubernetes object with its keys in the order Go's typed structs marshal them. */
export function goObjectOrder(obj: object): Record<string, unknown> {
  const o = ordered(obj as Record<string, unknown>, objectOrder);
  if (isRecord(o.metadata)) o.metadata = ordered(o.metadata, metaOrder);
  if (isRecord(o.status) && Array.isArray(o.status.conditions)) {
    o.status = {
      ...o.status,
      conditions: o.status.conditions.map((c: unknown) =>
        isRecord(c) ? ordered(c, conditionOrder) : c,
      ),
    };
  }
  return o;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `json.MarshalIndent(v, "", "    ")`: Go escapes <, >, & and U+2028/2029 in strings. */
export function goJsonIndent(value: unknown): string {
  return JSON.stringify(value, null, 4).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * sigs.k8s.io/yaml `Marshal` (go-yaml v2): keys sorted at every level, sequences flush with their
 * key, and strings a YAML 1.1 reader would take for something else (timestamps, `yes`, `"999"`)
 * quoted.
 */
export function goYaml(value: unknown): string {
  return stringify(value, {
    schema: 'yaml-1.1',
    sortMapEntries: true,
    indentSeq: false,
    lineWidth: 0,
  });
}
