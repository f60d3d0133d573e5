/**
 * The progress of packages as rows (pure): a (Cluster)Package object -> its phase, revision and
 * the message that explains why it is not Available yet -> one line of text. Settled means the
 * status describes the current spec (`observedGeneration`) and is Available or Invalid.
 */
import type { KubeObject } from '../kube/index.js';

export interface PackageRow {
  /** `Package/<namespace>/<name>` or `ClusterPackage/<name>` */
  key: string;
  kind: string;
  namespace: string | undefined;
  name: string;
  /** `status.phase`, or `Pending` before the controller wrote any status. */
  phase: string;
  revision: number | undefined;
  /** Why it is not Available (failing probe, pull error, invalid config), when known. */
  message: string | undefined;
  /** The status describes the current generation of the spec. */
  current: boolean;
  settled: 'available' | 'invalid' | undefined;
}

interface Cond {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  observedGeneration?: number;
}

export function rowKey(kind: string, namespace: string | undefined, name: string): string {
  return namespace ? `${kind}/${namespace}/${name}` : `${kind}/${name}`;
}

export function packageRow(o: KubeObject): PackageRow {
  const st = (o.status ?? {}) as { phase?: unknown; revision?: unknown; conditions?: Cond[] };
  const conds = Array.isArray(st.conditions) ? st.conditions : [];
  const gen = o.metadata.generation ?? 0;
  const cond = (type: string): Cond | undefined => conds.find((c) => c.type === type);
  const isTrue = (c: Cond | undefined): boolean => c?.status === 'True';
  const fresh = (c: Cond | undefined): boolean =>
    c !== undefined && (c.observedGeneration === undefined || c.observedGeneration === gen);
  const invalid = cond('Invalid');
  const unpacked = cond('Unpacked');
  const available = cond('Available');
  const progressing = cond('Progressing');
  const phase = typeof st.phase === 'string' && st.phase !== '' ? st.phase : 'Pending';
  let message: string | undefined;
  if (isTrue(invalid)) message = invalid?.message;
  else if (unpacked?.status === 'False') message = unpacked.message;
  else if (available !== undefined && !isTrue(available)) message = available.message;
  else if (isTrue(progressing) && !isTrue(available)) message = progressing?.message;
  const current = fresh(unpacked) || fresh(invalid);
  let settled: PackageRow['settled'];
  if (isTrue(invalid) && fresh(invalid)) settled = 'invalid';
  else if (
    phase === 'Available' &&
    isTrue(available) &&
    fresh(available) &&
    isTrue(unpacked) &&
    fresh(unpacked)
  )
    settled = 'available';
  return {
    key: rowKey(o.kind, o.metadata.namespace, o.metadata.name ?? ''),
    kind: o.kind,
    namespace: o.metadata.namespace,
    name: o.metadata.name ?? '',
    phase,
    revision: typeof st.revision === 'number' ? st.revision : undefined,
    message: message === '' ? undefined : message,
    current,
    settled,
  };
}

const packageOfDeployment: Record<string, string> = {
  ObjectDeployment: 'Package',
  ClusterObjectDeployment: 'ClusterPackage',
};

/**
 * For a (Cluster)ObjectSet owned by a package's ObjectDeployment (same name as the package): the
 * package row it belongs to, its revision, and its Available message when not Available.
 */
export function revisionMessage(
  o: KubeObject,
): { packageKey: string; name: string; revision: number; message: string | undefined } | undefined {
  const owner = o.metadata.ownerReferences?.find(
    (r) => r.controller === true && packageOfDeployment[r.kind] !== undefined,
  );
  if (owner === undefined) return undefined;
  const spec = (o.spec ?? {}) as { revision?: unknown; lifecycleState?: unknown };
  if (spec.lifecycleState === 'Archived') return undefined;
  const st = (o.status ?? {}) as { revision?: unknown; conditions?: Cond[] };
  const revision =
    typeof spec.revision === 'number'
      ? spec.revision
      : typeof st.revision === 'number'
        ? st.revision
        : 0;
  const available = (Array.isArray(st.conditions) ? st.conditions : []).find(
    (c) => c.type === 'Available',
  );
  const message =
    available !== undefined && available.status !== 'True' && available.message
      ? available.message
      : undefined;
  return {
    packageKey: rowKey(packageOfDeployment[owner.kind] ?? '', o.metadata.namespace, owner.name),
    name: o.metadata.name ?? '',
    revision,
    message,
  };
}

export function sortRows(rows: Iterable<PackageRow>): PackageRow[] {
  return [...rows].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export interface Summary {
  total: number;
  available: number;
  invalid: number;
}

export function summarize(rows: Iterable<PackageRow>): Summary {
  const s: Summary = { total: 0, available: 0, invalid: 0 };
  for (const r of rows) {
    s.total += 1;
    if (r.settled === 'available') s.available += 1;
    if (r.settled === 'invalid') s.invalid += 1;
  }
  return s;
}

export const spinnerFrames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'] as const;

export interface LineStyle {
  color: boolean;
  /** Spinner frame number (TTY); plain lines have no spinner. */
  frame?: number | undefined;
  /** Width of the name column. */
  nameWidth: number;
  /** Cut lines to this many characters (TTY: the terminal width). */
  maxWidth?: number | undefined;
}

const ansi = { green: 32, yellow: 33, red: 31, dim: 2 } as const;
const paint = (on: boolean, code: number, s: string): string =>
  on ? `\x1b[${code}m${s}\x1b[0m` : s;

export function rowName(r: PackageRow): string {
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
}

/** One line: marker, kind and name, phase, revision, message (cut to `maxWidth` columns). */
export function formatRow(r: PackageRow, style: LineStyle): string {
  const frame = spinnerFrames[(style.frame ?? 0) % spinnerFrames.length] ?? '-';
  const invalid = r.settled === 'invalid' || r.phase === 'Invalid';
  const marker =
    r.settled === 'available' ? '✓' : invalid ? '✗' : style.frame === undefined ? '-' : frame;
  const color = r.settled === 'available' ? ansi.green : invalid ? ansi.red : ansi.yellow;
  const head = `${rowName(r).padEnd(style.nameWidth)}  `;
  const phase = r.phase.padEnd(11);
  const rev = (r.revision === undefined ? '' : `revision ${r.revision}`).padEnd(11);
  const msg = r.message === undefined ? '' : `  ${oneLine(r.message)}`;
  let body = `${head}${phase}  ${rev}${msg}`.trimEnd();
  const room = style.maxWidth === undefined ? Infinity : style.maxWidth - 2;
  if (body.length > room) body = `${body.slice(0, Math.max(0, room - 1))}…`;
  if (!style.color) return `${marker} ${body}`;
  // Colour the marker and the phase, dim the message, only where the cut left them whole.
  const phaseEnd = head.length + r.phase.length;
  const msgStart = head.length + phase.length + 2 + rev.length;
  let colored = body;
  if (body.length > msgStart) {
    colored = `${body.slice(0, msgStart)}${paint(true, ansi.dim, body.slice(msgStart))}`;
  }
  if (body.length >= phaseEnd) {
    colored = `${colored.slice(0, head.length)}${paint(true, color, r.phase)}${colored.slice(phaseEnd)}`;
  }
  return `${paint(true, color, marker)} ${colored}`;
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

/** What a plain (non-TTY) line shows; a new line is printed only when this changes. */
export function plainLine(r: PackageRow): string {
  const rev = r.revision === undefined ? '' : ` (revision ${r.revision})`;
  const msg = r.message === undefined ? '' : `: ${oneLine(r.message)}`;
  return `${rowName(r)}: ${r.phase}${rev}${msg}`;
}
