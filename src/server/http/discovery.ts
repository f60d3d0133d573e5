/**
 * Discovery documents from the registry: legacy (APIVersions, APIGroupList, APIGroup,
 * APIResourceList) and aggregated (apidiscovery.k8s.io v2 / v2beta1).
 */
import type { Registry } from '../registry/registry.js';
import type { ResourceType } from '../registry/types.js';

const verbsAll = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];

function verbs(_t: ResourceType): string[] {
  return verbsAll;
}

function subresourceNames(t: ResourceType): string[] {
  const out: string[] = [];
  if (t.status) out.push('status');
  if (t.scale) out.push('scale');
  if (t.group === '' && t.kind === 'Namespace') out.push('finalize');
  return out;
}

export function apiVersions(host: string): unknown {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: host }],
  };
}

function groupDoc(g: { group: string; versions: string[] }): Record<string, unknown> {
  const versions = g.versions.map((v) => ({ groupVersion: `${g.group}/${v}`, version: v }));
  return { name: g.group, versions, preferredVersion: versions[0] };
}

export function apiGroupList(reg: Registry): unknown {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: reg
      .groups()
      .filter((g) => g.group !== '')
      .map(groupDoc),
  };
}

export function apiGroup(reg: Registry, group: string): unknown {
  const g = reg.groups().find((x) => x.group === group);
  if (!g || group === '') return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(g) };
}

export function apiResourceList(reg: Registry, group: string, version: string): unknown {
  const types = reg.inGroupVersion(group, version);
  if (types.length === 0) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const t of types) {
    const r: Record<string, unknown> = {
      name: t.plural,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: verbs(t),
    };
    if (t.shortNames.length) r.shortNames = t.shortNames;
    if (t.categories.length) r.categories = t.categories;
    resources.push(r);
    for (const s of subresourceNames(t)) {
      const sub: Record<string, unknown> = {
        name: `${t.plural}/${s}`,
        singularName: '',
        namespaced: t.namespaced,
        kind: s === 'scale' ? 'Scale' : t.kind,
        verbs: s === 'finalize' ? ['update'] : ['get', 'patch', 'update'],
      };
      if (s === 'scale') {
        sub.group = 'autoscaling';
        sub.version = 'v1';
      }
      resources.push(sub);
    }
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
}

/** `legacy` = `/api` (core group only); otherwise `/apis` (every named group). */
export function aggregated(reg: Registry, legacy: boolean, version: 'v2' | 'v2beta1'): unknown {
  const items = reg
    .groups()
    .filter((g) => (legacy ? g.group === '' : g.group !== ''))
    .map((g) => ({
      metadata: { name: g.group, creationTimestamp: null },
      versions: g.versions.map((v) => ({
        version: v,
        freshness: 'Current',
        resources: reg.inGroupVersion(g.group, v).map((t) => {
          const r: Record<string, unknown> = {
            resource: t.plural,
            responseKind: { group: t.group, version: t.version, kind: t.kind },
            scope: t.namespaced ? 'Namespaced' : 'Cluster',
            singularResource: t.singular,
            verbs: verbs(t),
          };
          if (t.shortNames.length) r.shortNames = t.shortNames;
          if (t.categories.length) r.categories = t.categories;
          const subs = subresourceNames(t).map((s) => ({
            subresource: s,
            responseKind:
              s === 'scale'
                ? { group: 'autoscaling', version: 'v1', kind: 'Scale' }
                : { group: t.group, version: t.version, kind: t.kind },
            verbs: s === 'finalize' ? ['update'] : ['get', 'patch', 'update'],
          }));
          if (subs.length) r.subresources = subs;
          return r;
        }),
      })),
    }));
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items,
  };
}
