// kube-state-metrics' ClusterRole families (internal/store/clusterrole.go).
// STUB: not implemented yet.
import type { KubeResourceObject, ResourceDef } from '../types.ts';

export const resource: ResourceDef<KubeResourceObject> = {
  resource: 'clusterroles',
  kind: 'ClusterRole',
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  namespaced: false,
  enabledByDefault: false,
  identifyingLabels: ['clusterrole'],
  identify: (o) => [o.metadata.name],
  families: [],
};
