// kube-state-metrics' Role families (internal/store/role.go).
// STUB: not implemented yet.
import type { KubeResourceObject, ResourceDef } from '../types.ts';

export const resource: ResourceDef<KubeResourceObject> = {
  resource: 'roles',
  kind: 'Role',
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  namespaced: true,
  enabledByDefault: false,
  identifyingLabels: ['namespace', 'role'],
  identify: (o) => [o.metadata.namespace ?? '', o.metadata.name],
  families: [],
};
