// kube-state-metrics' StatefulSet families (internal/store/statefulset.go).
// STUB: not implemented yet.
import type { KubeResourceObject, ResourceDef } from '../types.ts';

export const resource: ResourceDef<KubeResourceObject> = {
  resource: 'statefulsets',
  kind: 'StatefulSet',
  group: 'apps',
  version: 'v1',
  namespaced: true,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'statefulset'],
  identify: (o) => [o.metadata.namespace ?? '', o.metadata.name],
  families: [],
};
