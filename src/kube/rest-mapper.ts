import { NoKindMatchError } from './errors.js';
import { apiVersionOf, parseApiVersion } from './gvk.js';
import type { GroupVersionKind, KubeObject, ResourceMapping } from './types.js';

/** Fetches one group-version's APIResourceList; undefined when the group-version is not served. */
export type DiscoveryFetch = (apiVersion: string) => Promise<ApiResourceList | undefined>;

export interface ApiResourceList {
  groupVersion?: string;
  resources?: { name: string; kind: string; namespaced: boolean }[];
}

interface Entry {
  /** kind -> mapping; undefined while the group-version is not served. */
  kinds: Map<string, ResourceMapping> | undefined;
  fetchedAt: number;
  pending: Promise<void> | undefined;
}

export interface RestMapperOptions {
  /** A kind missing from a fresh discovery answer is re-asked after this long (default 1 s). */
  negativeTtlMs?: number | undefined;
  now?: (() => number) | undefined;
}

/**
 * Maps kinds to REST resources from discovery, one group-version at a time and lazily. A kind
 * that is missing triggers a re-discovery of its group-version (at most once per negative TTL), so
 * a CRD that has just become Established is found without a restart; `invalidate` forces it.
 */
export class RestMapper {
  private readonly entries = new Map<string, Entry>();
  private readonly negativeTtlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly fetch: DiscoveryFetch,
    opts: RestMapperOptions = {},
  ) {
    this.negativeTtlMs = opts.negativeTtlMs ?? 1000;
    this.now = opts.now ?? Date.now;
  }

  /** The mapping of a kind; throws NoKindMatchError when the server does not serve it. */
  async mapping(apiVersion: string, kind: string): Promise<ResourceMapping> {
    const found = await this.tryMapping(apiVersion, kind);
    if (found === undefined) throw new NoKindMatchError(apiVersion, kind);
    return found;
  }

  /** The mapping of a kind, or undefined when the server does not serve it. */
  async tryMapping(apiVersion: string, kind: string): Promise<ResourceMapping | undefined> {
    let entry = this.entries.get(apiVersion);
    if (entry === undefined) {
      entry = { kinds: undefined, fetchedAt: 0, pending: undefined };
      this.entries.set(apiVersion, entry);
      await this.refresh(apiVersion, entry);
    }
    const hit = entry.kinds?.get(kind);
    if (hit !== undefined) return hit;
    if (this.now() - entry.fetchedAt >= this.negativeTtlMs) {
      await this.refresh(apiVersion, entry);
      return entry.kinds?.get(kind);
    }
    if (entry.pending !== undefined) {
      await entry.pending;
      return entry.kinds?.get(kind);
    }
    return undefined;
  }

  /** Forgets discovery for one group-version (e.g. when its CRD became Established), or for all. */
  invalidate(apiVersion?: string): void {
    if (apiVersion === undefined) this.entries.clear();
    else this.entries.delete(apiVersion);
  }

  /** Invalidation for a CRD object, by its spec (group + every version). */
  invalidateCrd(crd: KubeObject): void {
    const spec = crd.spec as { group?: string; versions?: { name?: string }[] } | undefined;
    if (spec?.group === undefined) return;
    for (const v of spec.versions ?? []) {
      if (v.name !== undefined) this.invalidate(`${spec.group}/${v.name}`);
    }
  }

  private refresh(apiVersion: string, entry: Entry): Promise<void> {
    if (entry.pending !== undefined) return entry.pending;
    const p = (async () => {
      try {
        const list = await this.fetch(apiVersion);
        if (list === undefined) {
          entry.kinds = undefined;
        } else {
          const gv = parseApiVersion(apiVersion);
          const kinds = new Map<string, ResourceMapping>();
          for (const r of list.resources ?? []) {
            if (r.name.includes('/')) continue; // subresource
            const gvk: GroupVersionKind = { ...gv, kind: r.kind };
            if (!kinds.has(r.kind))
              kinds.set(r.kind, { gvk, resource: r.name, namespaced: r.namespaced });
          }
          entry.kinds = kinds;
        }
        entry.fetchedAt = this.now();
      } finally {
        entry.pending = undefined;
      }
    })();
    entry.pending = p;
    return p;
  }
}

/** The URL path of a resource collection or object. */
export function resourcePath(
  m: ResourceMapping,
  namespace: string | undefined,
  name?: string,
  subresource?: string,
): string {
  const av = apiVersionOf(m.gvk);
  let p = m.gvk.group === '' ? `/api/${av}` : `/apis/${av}`;
  if (m.namespaced && namespace !== undefined && namespace !== '') {
    p += `/namespaces/${encodeURIComponent(namespace)}`;
  }
  p += `/${m.resource}`;
  if (name !== undefined) p += `/${encodeURIComponent(name)}`;
  if (subresource !== undefined) p += `/${subresource}`;
  return p;
}
