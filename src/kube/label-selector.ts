/**
 * Kubernetes label selector strings (`a=b,c!=d,e in (f,g),h notin (i),j,!k`) matched against
 * labels, for filtering cached objects the way the API server filters lists.
 */
export type LabelRequirement =
  | { key: string; op: 'in'; values: string[] }
  | { key: string; op: 'notin'; values: string[] }
  | { key: string; op: 'exists' }
  | { key: string; op: '!exists' };

export function parseLabelSelector(selector: string): LabelRequirement[] {
  const out: LabelRequirement[] = [];
  for (const part of splitTopLevel(selector)) {
    const p = part.trim();
    if (p === '') continue;
    let m: RegExpExecArray | null;
    if ((m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(p))) {
      const values = (m[3] ?? '')
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '');
      out.push({ key: m[1] ?? '', op: m[2] === 'in' ? 'in' : 'notin', values });
    } else if ((m = /^([^!=\s]+)\s*!=\s*(\S*)$/.exec(p))) {
      out.push({ key: m[1] ?? '', op: 'notin', values: [m[2] ?? ''] });
    } else if ((m = /^([^!=\s]+)\s*==?\s*(\S*)$/.exec(p))) {
      out.push({ key: m[1] ?? '', op: 'in', values: [m[2] ?? ''] });
    } else if ((m = /^!\s*(\S+)$/.exec(p))) {
      out.push({ key: m[1] ?? '', op: '!exists' });
    } else if (/^\S+$/.test(p)) {
      out.push({ key: p, op: 'exists' });
    } else {
      throw new Error(`invalid label selector: ${JSON.stringify(selector)}`);
    }
  }
  return out;
}

export function matchesLabels(
  reqs: readonly LabelRequirement[],
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  const l = labels ?? {};
  for (const r of reqs) {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case 'in':
        if (!has || !r.values.includes(v ?? '')) return false;
        break;
      case 'notin':
        if (has && r.values.includes(v ?? '')) return false;
        break;
      case 'exists':
        if (!has) return false;
        break;
      case '!exists':
        if (has) return false;
        break;
    }
  }
  return true;
}

function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}
