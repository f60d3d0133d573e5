/** Namespaced GitSync and cluster-scoped ClusterGitSync share all code; a scope names the kinds. */
export interface GitSyncScope {
  kind: 'GitSync' | 'ClusterGitSync';
  deploymentKind: 'ObjectDeployment' | 'ClusterObjectDeployment';
  sliceKind: 'ObjectSlice' | 'ClusterObjectSlice';
  namespaced: boolean;
}

export const gitSyncScopes: readonly GitSyncScope[] = [
  {
    kind: 'GitSync',
    deploymentKind: 'ObjectDeployment',
    sliceKind: 'ObjectSlice',
    namespaced: true,
  },
  {
    kind: 'ClusterGitSync',
    deploymentKind: 'ClusterObjectDeployment',
    sliceKind: 'ClusterObjectSlice',
    namespaced: false,
  },
];

/** The scope of a GitSync key's namespace: a namespace means GitSync, none ClusterGitSync. */
export function scopeOfNamespace(namespace: string | undefined): GitSyncScope {
  const scope = gitSyncScopes.find(
    (s) => s.namespaced === (namespace !== undefined && namespace !== ''),
  );
  if (scope === undefined) throw new Error('unreachable: no GitSync scope');
  return scope;
}
