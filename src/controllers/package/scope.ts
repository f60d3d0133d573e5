/** Namespaced Package and cluster-scoped ClusterPackage share all code; a scope names the kinds. */
export interface PackageScope {
  packageKind: 'Package' | 'ClusterPackage';
  deploymentKind: 'ObjectDeployment' | 'ClusterObjectDeployment';
  sliceKind: 'ObjectSlice' | 'ClusterObjectSlice';
  namespaced: boolean;
}

export const packageScopes: readonly PackageScope[] = [
  {
    packageKind: 'Package',
    deploymentKind: 'ObjectDeployment',
    sliceKind: 'ObjectSlice',
    namespaced: true,
  },
  {
    packageKind: 'ClusterPackage',
    deploymentKind: 'ClusterObjectDeployment',
    sliceKind: 'ClusterObjectSlice',
    namespaced: false,
  },
];
