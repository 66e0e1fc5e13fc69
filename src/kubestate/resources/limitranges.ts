// kube-state-metrics' LimitRange families (internal/store/limitrange.go).
// STUB: not implemented yet.
import type { KubeResourceObject, ResourceDef } from '../types.ts';

export const resource: ResourceDef<KubeResourceObject> = {
  resource: 'limitranges',
  kind: 'LimitRange',
  group: '',
  version: 'v1',
  namespaced: true,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'limitrange'],
  identify: (o) => [o.metadata.namespace ?? '', o.metadata.name],
  families: [],
};
