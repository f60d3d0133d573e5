/**
 * Namespaced and cluster-scoped variants share all code; a scope names the kinds of one variant.
 */
import { coreGroup, coreVersion } from '../../apis/index.js';

export interface ObjectSetScope {
  objectSetKind: 'ObjectSet' | 'ClusterObjectSet';
  phaseKind: 'ObjectSetPhase' | 'ClusterObjectSetPhase';
  sliceKind: 'ObjectSlice' | 'ClusterObjectSlice';
  deploymentKind: 'ObjectDeployment' | 'ClusterObjectDeployment';
  namespaced: boolean;
}

export const coreApiVersion = `${coreGroup}/${coreVersion}`;

export const namespacedScope: ObjectSetScope = {
  objectSetKind: 'ObjectSet',
  phaseKind: 'ObjectSetPhase',
  sliceKind: 'ObjectSlice',
  deploymentKind: 'ObjectDeployment',
  namespaced: true,
};

export const clusterScope: ObjectSetScope = {
  objectSetKind: 'ClusterObjectSet',
  phaseKind: 'ClusterObjectSetPhase',
  sliceKind: 'ClusterObjectSlice',
  deploymentKind: 'ClusterObjectDeployment',
  namespaced: false,
};

export const scopes = [namespacedScope, clusterScope] as const;
