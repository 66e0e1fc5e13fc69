// kube-state-metrics' NetworkPolicy families (internal/store/networkpolicy.go).
// STUB: not implemented yet.
import type { KubeResourceObject, ResourceDef } from '../types.ts';

export const resource: ResourceDef<KubeResourceObject> = {
  resource: 'networkpolicies',
  kind: 'NetworkPolicy',
  group: 'networking.k8s.io',
  version: 'v1',
  namespaced: true,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'networkpolicy'],
  identify: (o) => [o.metadata.namespace ?? '', o.metadata.name],
  families: [],
};
