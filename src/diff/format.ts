/**
 * Report output (pure): plain text for terminals (colors optional), markdown for pull-request
 * comments (summary first, a phase -> package -> object tree, one collapsible section per changed
 * object, cut at a byte budget between sections, never inside a fence) and JSON for tools.
 */
import { labelOf } from './objects.js';
import {
  summaryLine,
  type Action,
  type ObjectReport,
  type PackageReport,
  type Report,
} from './report.js';
import type { FieldChange } from './semantic.js';

export const outputFormats = ['text', 'markdown', 'json'] as const;
export type OutputFormat = (typeof outputFormats)[number];

const markers: Record<Action, string> = { create: '+', change: '~', delete: '-', unchanged: ' ' };

interface Palette {
  add(s: string): string;
  del(s: string): string;
  hunk(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

const plain: Palette = {
  add: (s) => s,
  del: (s) => s,
  hunk: (s) => s,
  bold: (s) => s,
  dim: (s) => s,
};
const ansi = (code: string) => (s: string) => `\u001b[${code}m${s}\u001b[0m`;
const colored: Palette = {
  add: ansi('32'),
  del: ansi('31'),
  hunk: ansi('36'),
  bold: ansi('1'),
  dim: ansi('2'),
};

function changed(r: Report): ObjectReport[] {
  return r.objects.filter((o) => o.action !== 'unchanged' || o.error !== undefined);
}

function where(o: ObjectReport): string {
  return o.package === 'repository'
    ? `phase ${o.phase}`
    : `phase ${o.topPhase}, ${o.package}, phase ${o.phase}`;
}

function showValue(v: unknown): string {
  if (v === undefined) return '(none)';
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function fieldLine(c: FieldChange): string {
  const path = c.path === '' ? '(object)' : c.path;
  if (c.old === undefined) return `${path}: added ${showValue(c.new)}`;
  if (c.new === undefined) return `${path}: removed (was ${showValue(c.old)})`;
  return `${path}: ${showValue(c.old)} -> ${showValue(c.new)}`;
}

function colorDiff(diff: string, p: Palette, indent: string): string {
  return diff
    .split('\n')
    .filter((l, i, all) => !(l === '' && i === all.length - 1))
    .map((l) => {
      if (l.startsWith('+++') || l.startsWith('---')) return indent + p.bold(l);
      if (l.startsWith('+')) return indent + p.add(l);
      if (l.startsWith('-')) return indent + p.del(l);
      if (l.startsWith('@@')) return indent + p.hunk(l);
      return indent + l;
    })
    .join('\n');
}

function packageErrors(r: Report): { id: string; error: string }[] {
  const out = r.errors.map((error) => ({ id: '', error }));
  for (const p of r.packages) for (const error of p.errors) out.push({ id: p.id, error });
  return out;
}

function imageText(p: PackageReport): string | undefined {
  const i = p.image;
  if (i === undefined) return undefined;
  if (i.before !== undefined && i.after !== undefined && i.before !== i.after) {
    return `image ${i.before} -> ${i.after}`;
  }
  return undefined;
}

/** Plain text: the summary line, errors, then one block per changed object. */
export function formatText(r: Report, opts: { color?: boolean } = {}): string {
  const p = opts.color === true ? colored : plain;
  const lines: string[] = [];
  const list = changed(r);
  const nothing =
    list.length === 0 && !r.packages.some((x) => x.probeDiff) && r.counts.errors === 0;
  lines.push(
    p.bold(nothing ? `no changes (${r.counts.unchanged} unchanged)` : summaryLine(r.counts)),
  );
  if (r.command === 'preview') lines.push(p.dim(`${r.before} -> ${r.after}`));
  const errs = packageErrors(r);
  if (errs.length > 0) {
    lines.push('', p.del('errors:'));
    for (const e of errs) {
      const [first, ...rest] = e.error.split('\n');
      lines.push(`  ${e.id === '' ? '' : `${e.id}: `}${first ?? ''}`);
      for (const l of rest) lines.push(`    ${l}`);
    }
  }
  for (const pkg of r.packages) {
    const img = imageText(pkg);
    if (img !== undefined) lines.push('', `~ ${pkg.id}: ${img}`);
    if (pkg.probeDiff !== undefined) {
      lines.push(
        '',
        `~ ${pkg.id}: availability probes changed`,
        colorDiff(pkg.probeDiff, p, '    '),
      );
    }
  }
  for (const o of list) {
    const mark = markers[o.action];
    const head = `${mark} ${labelOf(o.id)}`;
    const painted =
      o.action === 'create' ? p.add(head) : o.action === 'delete' ? p.del(head) : p.bold(head);
    lines.push('', `${painted}  ${p.dim(`(${where(o)})`)}`);
    if (o.error !== undefined) lines.push(`    ${p.del(`error: ${o.error}`)}`);
    if (o.note !== undefined) lines.push(`    ${p.dim(`note: ${o.note}`)}`);
    for (const c of o.changes) lines.push(`    ${fieldLine(c)}`);
    if (o.diff !== '') lines.push(colorDiff(o.diff, p, '    '));
  }
  return `${lines.join('\n')}\n`;
}

/** JSON for tools: the whole report. */
export function formatJson(r: Report): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}

/** A fence longer than any backtick run in `body`. */
function fenceFor(body: string): string {
  let longest = 0;
  for (const m of body.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  return '`'.repeat(Math.max(3, longest + 1));
}

function code(s: string): string {
  return s.includes('`') ? `\`\` ${s} \`\`` : `\`${s}\``;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function mdObjectName(o: ObjectReport): string {
  const id = o.id;
  return `${id.kind} ${code(id.namespace === '' ? id.name : `${id.namespace}/${id.name}`)}`;
}

/** The phase -> package -> object tree of changed objects (and packages that changed). */
function tree(r: Report): string[] {
  const lines: string[] = [];
  const list = changed(r);
  const pkgById = new Map(r.packages.map((p) => [p.id, p]));
  const topPhases: string[] = [];
  for (const o of list) if (!topPhases.includes(o.topPhase)) topPhases.push(o.topPhase);
  for (const p of r.packages) {
    if (p.kind !== 'Repository' && p.action !== 'unchanged' && !topPhases.includes(p.topPhase)) {
      topPhases.push(p.topPhase);
    }
  }
  for (const phase of topPhases) {
    lines.push(`- phase ${code(phase || '(none)')}`);
    const pkgs: string[] = [];
    for (const o of list)
      if (o.topPhase === phase && !pkgs.includes(o.package)) pkgs.push(o.package);
    for (const p of r.packages) {
      if (
        p.topPhase === phase &&
        p.kind !== 'Repository' &&
        p.action !== 'unchanged' &&
        !pkgs.includes(p.id)
      ) {
        pkgs.push(p.id);
      }
    }
    for (const id of pkgs) {
      const p = pkgById.get(id);
      const extra: string[] = [];
      const img = p === undefined ? undefined : p.image;
      if (img?.before !== undefined && img.after !== undefined && img.before !== img.after) {
        extra.push(`image ${code(img.before)} → ${code(img.after)}`);
      }
      if (p?.probeDiff !== undefined) extra.push('probes changed');
      if (p?.action === 'create' && p.kind !== 'Repository') extra.push('new package');
      if (p?.action === 'delete') extra.push('removed package');
      lines.push(`  - ${code(id)}${extra.length > 0 ? ` (${extra.join(', ')})` : ''}`);
      for (const o of list) {
        if (o.topPhase !== phase || o.package !== id) continue;
        const inner = o.package === 'repository' ? '' : ` · phase ${code(o.phase)}`;
        const err = o.error !== undefined ? ' ⚠️ not compared' : '';
        lines.push(`    - ${code(markers[o.action])} ${mdObjectName(o)}${inner}${err}`);
      }
    }
  }
  return lines;
}

function detailsSection(summary: string, body: string[], diff: string): string {
  const fence = fenceFor(diff);
  const parts = [`<details><summary>${summary}</summary>`, ''];
  parts.push(...body);
  if (diff !== '')
    parts.push(`${fence}diff`, diff.endsWith('\n') ? diff.slice(0, -1) : diff, fence);
  parts.push('', '</details>', '');
  return parts.join('\n');
}

export interface MarkdownOptions {
  /** Byte budget of the whole comment (GitHub takes 65,536 characters). */
  maxBytes?: number;
  title?: string;
}

/** Markdown for a pull-request comment, at most `maxBytes` (UTF-8) long. */
export function formatMarkdown(r: Report, opts: MarkdownOptions = {}): string {
  const maxBytes = opts.maxBytes ?? 65536;
  const list = changed(r);
  const head: string[] = [];
  head.push(
    `### ${opts.title ?? (r.command === 'preview' ? 'packsync preview' : 'packsync diff')}`,
    '',
  );
  head.push(`${code(r.before)} → ${code(r.after)}`, '');
  const nothing =
    list.length === 0 && !r.packages.some((x) => x.probeDiff) && r.counts.errors === 0;
  head.push(
    nothing
      ? `**No changes** (${r.counts.unchanged} objects unchanged)`
      : `**${summaryLine(r.counts)}** · ${r.counts.unchanged} unchanged`,
    '',
  );
  const errs = packageErrors(r);
  if (errs.length > 0) {
    head.push(
      `#### ⚠️ ${errs.length === 1 ? '1 validation error' : `${errs.length} validation errors`}`,
      '',
    );
    for (const e of errs) {
      const [first, ...rest] = e.error.split('\n');
      head.push(`- ${e.id === '' ? '' : `${code(e.id)}: `}${escapeHtml(first ?? '')}`);
      if (rest.length > 0) {
        const body = rest.join('\n');
        const fence = fenceFor(body);
        head.push('', `  ${fence}yaml`, ...body.split('\n').map((l) => `  ${l}`), `  ${fence}`);
      }
    }
    head.push('');
  }
  const probeChanges = r.packages.filter((p) => p.probeDiff !== undefined);
  if (probeChanges.length > 0) {
    head.push(
      `#### 🔎 Availability probes changed in ${probeChanges.map((p) => code(p.id)).join(', ')}`,
      '',
    );
  }
  const treeLines = tree(r);
  const sections: string[] = [];
  for (const p of probeChanges) {
    sections.push(
      detailsSection(`probes of <code>${escapeHtml(p.id)}</code>`, [], p.probeDiff ?? ''),
    );
  }
  for (const o of list) {
    const name = `${markers[o.action]} ${labelOf(o.id)}`;
    const summary = `<code>${escapeHtml(name)}</code> · ${escapeHtml(where(o))}`;
    const body: string[] = [];
    if (o.error !== undefined) body.push(`⚠️ ${escapeHtml(o.error)}`, '');
    if (o.note !== undefined) body.push(`_${escapeHtml(o.note)}_`, '');
    sections.push(detailsSection(summary, body, o.diff));
  }

  const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
  const reserve = 300; // room for the closing note
  let out = `${head.join('\n')}\n`;
  if (treeLines.length > 0) {
    const treeHead = '#### Changes\n\n';
    let treeText = treeHead;
    let cut = 0;
    for (const [i, l] of treeLines.entries()) {
      if (bytes(out) + bytes(treeText) + bytes(l) + 1 + reserve > maxBytes) {
        cut = treeLines.length - i;
        break;
      }
      treeText += `${l}\n`;
    }
    if (cut > 0) treeText += `- … ${cut} more lines of the tree left out\n`;
    out += `${treeText}\n`;
  }
  let left = 0;
  if (sections.length > 0) {
    out += '#### Details\n\n';
    for (const [i, s] of sections.entries()) {
      if (bytes(out) + bytes(s) + reserve > maxBytes) {
        left = sections.length - i;
        break;
      }
      out += s;
    }
  }
  if (left > 0) {
    out += `_${left} of ${sections.length} sections left out to stay within ${maxBytes} bytes; run \`packsync ${r.command} -o text\` for the full report._\n`;
  }
  return out;
}
