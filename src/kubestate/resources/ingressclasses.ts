// kube-state-metrics' IngressClass families (internal/store/ingressclass.go).
// STUB: not implemented yet.
import type { KubeResourceObject, ResourceDef } from '../types.ts';

export const resource: ResourceDef<KubeResourceObject> = {
  resource: 'ingressclasses',
  kind: 'IngressClass',
  group: 'networking.k8s.io',
  version: 'v1',
  namespaced: false,
  enabledByDefault: false,
  identifyingLabels: ['ingressclass'],
  identify: (o) => [o.metadata.name],
  families: [],
};
