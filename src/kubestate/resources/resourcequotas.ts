// kube-state-metrics' ResourceQuota families (internal/store/resourcequota.go).
// STUB: not implemented yet.
import type { KubeResourceObject, ResourceDef } from '../types.ts';

export const resource: ResourceDef<KubeResourceObject> = {
  resource: 'resourcequotas',
  kind: 'ResourceQuota',
  group: '',
  version: 'v1',
  namespaced: true,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'resourcequota'],
  identify: (o) => [o.metadata.namespace ?? '', o.metadata.name],
  families: [],
};
