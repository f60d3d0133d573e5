/**
 * Label selector strings as the API server parses them (`a=b,c!=d,e in (f,g),h notin (i),j,!k`) and
 * their matching against labels. One implementation for the embedded server's list filtering and the
 * client's informer caches.
 */
import { UserError } from '../errors.js';

export type LabelRequirement =
  { key: string; op: 'in' | 'notin'; values: string[] } | { key: string; op: 'exists' | '!exists' };

/** A selector string the API server would refuse; the message is the apiserver's. */
export class LabelSelectorSyntaxError extends UserError {
  override readonly name = 'LabelSelectorSyntaxError';
}

/** Splits on commas that are not inside parentheses; drops empty parts. */
export function splitSelector(s: string): string[] {
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
    throw new LabelSelectorSyntaxError(
      `unable to parse requirement: invalid label key "${key}" in selector "${raw}"`,
    );
  return key;
}

export function parseLabelSelector(raw: string | undefined): LabelRequirement[] {
  if (!raw) return [];
  const reqs: LabelRequirement[] = [];
  for (const part of splitSelector(raw)) {
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
      throw new LabelSelectorSyntaxError(
        `unable to parse requirement: found '${part}', expected: '=', '!=', '==', 'in', notin'`,
      );
    }
  }
  return reqs;
}

export function matchesLabels(
  reqs: readonly LabelRequirement[],
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  for (const r of reqs) {
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
