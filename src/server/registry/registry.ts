/**
 * The resource registry: built-in kinds plus the kinds served by Established CRDs. Discovery,
 * OpenAPI and routing all read it; CRD changes replace a CRD's entries and bump `generation` so
 * caches (discovery hashes) can tell.
 */
import { builtinTypes } from './builtins.js';
import { apiVersionOf, type ResourceType } from './types.js';

export interface GroupVersion {
  group: string;
  version: string;
}

export class Registry {
  private readonly builtins: readonly ResourceType[];
  private readonly crdTypes = new Map<string, ResourceType[]>();
  /** Bumped on every change. */
  generation = 0;

  constructor(builtins: readonly ResourceType[] = builtinTypes) {
    this.builtins = builtins;
  }

  all(): ResourceType[] {
    const out = [...this.builtins];
    for (const ts of this.crdTypes.values()) out.push(...ts);
    return out;
  }

  find(group: string, version: string, plural: string): ResourceType | undefined {
    return this.all().find(
      (t) => t.group === group && t.version === version && t.plural === plural,
    );
  }

  byKind(apiVersion: string, kind: string): ResourceType | undefined {
    return this.all().find((t) => apiVersionOf(t) === apiVersion && t.kind === kind);
  }

  /** Any version of the resource, storage version preferred (for controllers). */
  byResource(group: string, plural: string): ResourceType | undefined {
    const ts = this.all().filter((t) => t.group === group && t.plural === plural);
    return ts.find((t) => t.version === t.storageVersion) ?? ts[0];
  }

  /** Any version of a kind in a group (owner references name apiVersion+kind). */
  byGroupKind(group: string, kind: string): ResourceType | undefined {
    const ts = this.all().filter((t) => t.group === group && t.kind === kind);
    return ts.find((t) => t.version === t.storageVersion) ?? ts[0];
  }

  /** Group versions in preference order per group, groups in first-seen order. */
  groups(): { group: string; versions: string[] }[] {
    const out: { group: string; versions: string[] }[] = [];
    for (const t of this.all()) {
      let g = out.find((x) => x.group === t.group);
      if (!g) {
        g = { group: t.group, versions: [] };
        out.push(g);
      }
      if (!g.versions.includes(t.version)) g.versions.push(t.version);
    }
    for (const g of out) g.versions.sort(compareVersions);
    return out;
  }

  inGroupVersion(group: string, version: string): ResourceType[] {
    return this.all().filter((t) => t.group === group && t.version === version);
  }

  setCrd(name: string, types: ResourceType[]): void {
    this.crdTypes.set(name, types);
    this.generation += 1;
  }

  removeCrd(name: string): void {
    if (this.crdTypes.delete(name)) this.generation += 1;
  }

  crdServes(name: string): boolean {
    return this.crdTypes.has(name);
  }
}

/** Kubernetes version priority: GA > beta > alpha, higher numbers first. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string): [number, number, number] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [-1, 0, 0];
    const stage = m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1;
    return [stage, Number(m[1]), Number(m[3] ?? 0)];
  };
  const pa = parse(a);
  const pb = parse(b);
  if (pa[0] === -1 && pb[0] === -1) return a < b ? -1 : a > b ? 1 : 0;
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pb[i] ?? 0) - (pa[i] ?? 0);
  return 0;
}
