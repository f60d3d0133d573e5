/**
 * Label and field selectors as the API server parses them: set-based label requirements
 * (`=`, `==`, `!=`, `in`, `notin`, `key`, `!key`) and field requirements (`=`, `==`, `!=`).
 */
import { badRequest } from '../errors.js';

export type LabelRequirement =
  { key: string; op: 'in' | 'notin'; values: string[] } | { key: string; op: 'exists' | '!exists' };

export type LabelSelector = LabelRequirement[];

/** Splits on commas that are not inside parentheses. */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((x) => x.trim()).filter((x) => x !== '');
}

const keyRe =
  /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$/;

function checkKey(key: string, raw: string): string {
  if (!keyRe.test(key))
    throw badRequest(
      `unable to parse requirement: invalid label key "${key}" in selector "${raw}"`,
    );
  return key;
}

export function parseLabelSelector(raw: string | undefined): LabelSelector {
  if (!raw) return [];
  const reqs: LabelSelector = [];
  for (const part of splitTop(raw)) {
    let m: RegExpMatchArray | null;
    if ((m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part))) {
      const values = (m[3] ?? '')
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '');
      reqs.push({ key: checkKey(m[1] ?? '', raw), op: m[2] === 'in' ? 'in' : 'notin', values });
    } else if ((m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(part))) {
      const op = m[2] === '!=' ? 'notin' : 'in';
      reqs.push({ key: checkKey(m[1] ?? '', raw), op, values: [m[3] ?? ''] });
    } else if ((m = /^!\s*(\S+)$/.exec(part))) {
      reqs.push({ key: checkKey(m[1] ?? '', raw), op: '!exists' });
    } else if (/^\S+$/.test(part)) {
      reqs.push({ key: checkKey(part, raw), op: 'exists' });
    } else {
      throw badRequest(
        `unable to parse requirement: found '${part}', expected: '=', '!=', '==', 'in', notin'`,
      );
    }
  }
  return reqs;
}

export function matchLabels(
  sel: LabelSelector,
  labels: Record<string, string> | undefined,
): boolean {
  for (const r of sel) {
    const has = labels !== undefined && Object.hasOwn(labels, r.key);
    const v = has ? labels[r.key] : undefined;
    switch (r.op) {
      case 'exists':
        if (!has) return false;
        break;
      case '!exists':
        if (has) return false;
        break;
      case 'in':
        if (!has || !r.values.includes(v ?? '')) return false;
        break;
      case 'notin':
        if (has && r.values.includes(v ?? '')) return false;
        break;
    }
  }
  return true;
}

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

export function parseFieldSelector(
  raw: string | undefined,
  known: readonly string[],
): FieldRequirement[] {
  if (!raw) return [];
  const out: FieldRequirement[] = [];
  for (const part of splitTop(raw)) {
    const m = /^([^=!]+)(==|=|!=)(.*)$/.exec(part);
    if (!m) throw badRequest(`invalid selector: '${raw}'; can't understand '${part}'`);
    const field = (m[1] ?? '').trim();
    if (!known.includes(field)) {
      throw badRequest(
        `"${field}" is not a known field selector: only ${known.map((k) => `"${k}"`).join(', ')}`,
      );
    }
    out.push({ field, op: m[2] === '!=' ? '!=' : '=', value: (m[3] ?? '').trim() });
  }
  return out;
}

/** Reads a dotted field path (`metadata.name`, `status.phase`) as a string. */
export function fieldValue(obj: unknown, path: string): string {
  let cur: unknown = obj;
  for (const seg of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return '';
    cur = (cur as Record<string, unknown>)[seg];
  }
  if (cur === undefined || cur === null) return '';
  return typeof cur === 'string' ? cur : JSON.stringify(cur);
}

export function matchFields(reqs: readonly FieldRequirement[], obj: unknown): boolean {
  for (const r of reqs) {
    const v = fieldValue(obj, r.field);
    if (r.op === '=' ? v !== r.value : v === r.value) return false;
  }
  return true;
}
