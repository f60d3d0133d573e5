/** Server-side Table output (meta.k8s.io Table) for kubectl's printers: Name, kind columns, Age. */
import type { PrinterColumn, ResourceType } from '../registry/types.js';
import { isRecord, type KubeObject } from '../types.js';

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

/**
 * The first result of a JSONPath of the subset printer columns use: `.a.b`, `.a[0].b`, `.a['x.y']`,
 * `.a[*].b` and filters `.a[?(@.type=="Ready")].status` (==, != on strings, numbers, booleans).
 */
export function jsonPathValue(obj: unknown, path: string): unknown {
  const re =
    /\.([^.[\]]+)|\[(\d+)\]|\['([^']+)'\]|\["([^"]+)"\]|\[\*\]|\[\?\(@\.([\w.-]+)\s*(==|!=)\s*("[^"]*"|'[^']*'|[^)\s]+)\)\]/g;
  type Step = (v: unknown) => unknown[];
  const steps: Step[] = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(path))) {
    const [whole, dot, idx, sq, dq, fKey, fOp, fLit] = m;
    if (whole === '[*]') {
      steps.push((v) => (Array.isArray(v) ? v : isRecord(v) ? Object.values(v) : []));
    } else if (fKey !== undefined && fLit !== undefined) {
      const want = literal(fLit);
      steps.push((v) =>
        (Array.isArray(v) ? v : []).filter((item) => {
          const got = jsonPathValue(item, `.${fKey}`);
          return fOp === '==' ? got === want : got !== want;
        }),
      );
    } else {
      const key = dot ?? idx ?? sq ?? dq ?? '';
      steps.push((v) => {
        if (v === null || typeof v !== 'object') return [];
        const next = (v as Record<string, unknown>)[key];
        return next === undefined ? [] : [next];
      });
    }
  }
  let cur: unknown[] = [obj];
  for (const step of steps) cur = cur.flatMap(step);
  return cur[0];
}

function literal(text: string): unknown {
  if (/^(["']).*\1$/.test(text)) return text.slice(1, -1);
  if (text === 'true' || text === 'false') return text === 'true';
  const n = Number(text);
  return Number.isNaN(n) ? text : n;
}

/** Cells the apiserver's printers compute rather than read. */
function computed(name: string, obj: KubeObject): unknown {
  const spec = isRecord(obj.spec) ? obj.spec : {};
  const status = isRecord(obj.status) ? obj.status : {};
  const statuses = Array.isArray(status.containerStatuses)
    ? status.containerStatuses.filter(isRecord)
    : [];
  switch (name) {
    case '#containers-ready': {
      const total = Array.isArray(spec.containers) ? spec.containers.length : 0;
      return `${statuses.filter((c) => c.ready === true).length}/${total}`;
    }
    case '#restarts':
      return statuses.reduce(
        (n, c) => n + (typeof c.restartCount === 'number' ? c.restartCount : 0),
        0,
      );
    case '#external-ip': {
      const lb =
        isRecord(status.loadBalancer) && Array.isArray(status.loadBalancer.ingress)
          ? status.loadBalancer.ingress.filter(isRecord)
          : [];
      const ips = [
        ...(Array.isArray(spec.externalIPs)
          ? spec.externalIPs.filter((x): x is string => typeof x === 'string')
          : []),
        ...lb.map((i) =>
          typeof i.ip === 'string' ? i.ip : typeof i.hostname === 'string' ? i.hostname : '',
        ),
      ];
      if (ips.length > 0) return ips.join(',');
      return spec.type === 'LoadBalancer' ? '<pending>' : '<none>';
    }
  }
  return '<unknown>';
}

/** A custom resource's column: no cell when the path finds nothing (kubectl prints it blank). */
function crdCell(c: PrinterColumn, obj: KubeObject, now: number): unknown {
  const v = jsonPathValue(obj, c.jsonPath);
  if (v === undefined || v === null) return null;
  if (c.type === 'date' && typeof v === 'string') return humanDuration(now - Date.parse(v));
  if (typeof v === 'object') return JSON.stringify(v);
  return v;
}

function cell(t: ResourceType, c: PrinterColumn, obj: KubeObject, now: number): unknown {
  if (t.crd !== undefined) return crdCell(c, obj, now);
  if (c.jsonPath.startsWith('#')) return computed(c.jsonPath, obj);
  const ratio = /^(\.[^/]+)\/(\.[^/]+)$/.exec(c.jsonPath);
  if (ratio) {
    const n = (p: string): number => {
      const x = jsonPathValue(obj, p);
      return typeof x === 'number' ? x : 0;
    };
    return `${n(ratio[1] ?? '')}/${n(ratio[2] ?? '')}`;
  }
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
      // the CRD table convertor types its Age column as a date; the built-in printers as a string
      type: t.crd !== undefined ? 'date' : 'string',
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
  for (const c of t.printerColumns) cells.push(cell(t, c, obj, now));
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
