// kube-state-metrics' ReplicaSet families (internal/store/replicaset.go).
// STUB: not implemented yet.
import type { KubeResourceObject, ResourceDef } from '../types.ts';

export const resource: ResourceDef<KubeResourceObject> = {
  resource: 'replicasets',
  kind: 'ReplicaSet',
  group: 'apps',
  version: 'v1',
  namespaced: true,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'replicaset'],
  identify: (o) => [o.metadata.namespace ?? '', o.metadata.name],
  families: [],
};
