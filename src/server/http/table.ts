/** Server-side Table output (meta.k8s.io Table) for kubectl's printers: Name, kind columns, Age. */
import type { PrinterColumn, ResourceType } from '../registry/types.js';
import type { KubeObject } from '../types.js';

export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (h < 24 * 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (d < 365 * 2) return `${d}d`;
  return `${Math.floor(d / 365)}y`;
}

/** A tiny JSONPath subset: `.a.b`, `.a[0].b`, `.a['x.y']`. */
export function jsonPathValue(obj: unknown, path: string): unknown {
  const segs: string[] = [];
  const re = /\.([^.[\]]+)|\[(\d+)\]|\['([^']+)'\]|\["([^"]+)"\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path))) segs.push(m[1] ?? m[2] ?? m[3] ?? m[4] ?? '');
  let cur: unknown = obj;
  for (const s of segs) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[s];
  }
  return cur;
}

function cell(c: PrinterColumn, obj: KubeObject, now: number): unknown {
  const v = jsonPathValue(obj, c.jsonPath);
  if (c.name === 'Data' && c.jsonPath === '.data') {
    const d = obj.data;
    const b = obj.binaryData;
    return (
      (d && typeof d === 'object' ? Object.keys(d).length : 0) +
      (b && typeof b === 'object' ? Object.keys(b).length : 0)
    );
  }
  if (v === undefined || v === null)
    return c.type === 'integer' || c.type === 'number' ? 0 : '<none>';
  if (c.type === 'date' && typeof v === 'string') return humanDuration(now - Date.parse(v));
  if (c.name === 'Port(s)' && Array.isArray(v)) {
    return v
      .map(
        (p: Record<string, unknown>) =>
          `${JSON.stringify(p.port)}/${typeof p.protocol === 'string' ? p.protocol : 'TCP'}`,
      )
      .join(',');
  }
  if (typeof v === 'object') return JSON.stringify(v);
  return v;
}

export function columnDefinitions(t: ResourceType): unknown[] {
  const cols: unknown[] = [
    {
      name: 'Name',
      type: 'string',
      format: 'name',
      description: 'Name must be unique within a namespace.',
      priority: 0,
    },
  ];
  for (const c of t.printerColumns) {
    cols.push({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description: c.description ?? '',
      priority: c.priority ?? 0,
    });
  }
  if (!t.printerColumns.some((c) => c.name === 'Age' || c.name === 'Created At')) {
    cols.push({
      name: 'Age',
      type: 'string',
      format: '',
      description:
        'CreationTimestamp is a timestamp representing the server time when this object was created.',
      priority: 0,
    });
  }
  return cols;
}

export function tableRow(t: ResourceType, obj: KubeObject, now = Date.now()): unknown {
  const cells: unknown[] = [obj.metadata.name ?? ''];
  for (const c of t.printerColumns) cells.push(cell(c, obj, now));
  if (!t.printerColumns.some((c) => c.name === 'Age' || c.name === 'Created At')) {
    cells.push(
      obj.metadata.creationTimestamp
        ? humanDuration(now - Date.parse(obj.metadata.creationTimestamp))
        : '<unknown>',
    );
  }
  return {
    cells,
    object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata },
  };
}

export function table(
  t: ResourceType,
  items: readonly KubeObject[],
  meta: Record<string, unknown>,
  version: string,
  withColumns = true,
): unknown {
  const now = Date.now();
  const out: Record<string, unknown> = {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${version}`,
    metadata: meta,
    columnDefinitions: withColumns ? columnDefinitions(t) : null,
    rows: items.map((o) => tableRow(t, o, now)),
  };
  return out;
}
