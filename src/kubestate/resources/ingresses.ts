// kube-state-metrics' Ingress families (internal/store/ingress.go).
// STUB: not implemented yet.
import type { KubeResourceObject, ResourceDef } from '../types.ts';

export const resource: ResourceDef<KubeResourceObject> = {
  resource: 'ingresses',
  kind: 'Ingress',
  group: 'networking.k8s.io',
  version: 'v1',
  namespaced: true,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'ingress'],
  identify: (o) => [o.metadata.namespace ?? '', o.metadata.name],
  families: [],
};
