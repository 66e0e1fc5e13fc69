// kube-state-metrics' RoleBinding families (internal/store/rolebinding.go).
// STUB: not implemented yet.
import type { KubeResourceObject, ResourceDef } from '../types.ts';

export const resource: ResourceDef<KubeResourceObject> = {
  resource: 'rolebindings',
  kind: 'RoleBinding',
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  namespaced: true,
  enabledByDefault: false,
  identifyingLabels: ['namespace', 'rolebinding'],
  identify: (o) => [o.metadata.namespace ?? '', o.metadata.name],
  families: [],
};
