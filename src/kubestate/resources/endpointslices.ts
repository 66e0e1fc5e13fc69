// kube-state-metrics' EndpointSlice families (internal/store/endpointslice.go).
// STUB: not implemented yet.
import type { KubeResourceObject, ResourceDef } from '../types.ts';

export const resource: ResourceDef<KubeResourceObject> = {
  resource: 'endpointslices',
  kind: 'EndpointSlice',
  group: 'discovery.k8s.io',
  version: 'v1',
  namespaced: true,
  enabledByDefault: true,
  identifyingLabels: ['endpointslice', 'namespace'],
  identify: (o) => [o.metadata.name, o.metadata.namespace ?? ''],
  families: [],
};
