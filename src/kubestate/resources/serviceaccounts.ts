// kube-state-metrics' ServiceAccount families (internal/store/serviceaccount.go).
// STUB: not implemented yet.
import type { KubeResourceObject, ResourceDef } from '../types.ts';

export const resource: ResourceDef<KubeResourceObject> = {
  resource: 'serviceaccounts',
  kind: 'ServiceAccount',
  group: '',
  version: 'v1',
  namespaced: true,
  enabledByDefault: false,
  identifyingLabels: ['namespace', 'serviceaccount', 'uid'],
  identify: (o) => [o.metadata.namespace ?? '', o.metadata.name, o.metadata.uid ?? ''],
  families: [],
};
