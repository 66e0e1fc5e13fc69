// kube-state-metrics' ClusterRoleBinding families (internal/store/clusterrolebinding.go).
// STUB: not implemented yet.
import type { KubeResourceObject, ResourceDef } from '../types.ts';

export const resource: ResourceDef<KubeResourceObject> = {
  resource: 'clusterrolebindings',
  kind: 'ClusterRoleBinding',
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  namespaced: false,
  enabledByDefault: false,
  identifyingLabels: ['clusterrolebinding'],
  identify: (o) => [o.metadata.name],
  families: [],
};
