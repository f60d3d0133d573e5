/**
 * Label and field selectors as the API server parses them: set-based label requirements
 * (`=`, `==`, `!=`, `in`, `notin`, `key`, `!key`) and field requirements (`=`, `==`, `!=`).
 */
import {
  LabelSelectorSyntaxError,
  matchesLabels,
  parseLabelSelector as parseLabelSelectorString,
  splitSelector,
  type LabelRequirement,
} from '../../apis/label-selector.js';
import { badRequest } from '../errors.js';

export type { LabelRequirement };
export type LabelSelector = LabelRequirement[];

/** Parses a `labelSelector` query parameter; a syntax error is a 400 with the apiserver's message. */
export function parseLabelSelector(raw: string | undefined): LabelSelector {
  try {
    return parseLabelSelectorString(raw);
  } catch (err) {
    if (err instanceof LabelSelectorSyntaxError) throw badRequest(err.message);
    throw err;
  }
}

export { matchesLabels as matchLabels };

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
  for (const part of splitSelector(raw)) {
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
