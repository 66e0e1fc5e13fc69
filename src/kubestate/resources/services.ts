// kube-state-metrics' Service families (internal/store/service.go).
// STUB: not implemented yet.
import type { KubeResourceObject, ResourceDef } from '../types.ts';

export const resource: ResourceDef<KubeResourceObject> = {
  resource: 'services',
  kind: 'Service',
  group: '',
  version: 'v1',
  namespaced: true,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'service', 'uid'],
  identify: (o) => [o.metadata.namespace ?? '', o.metadata.name, o.metadata.uid ?? ''],
  families: [],
};
