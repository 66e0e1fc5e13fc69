// kube-state-metrics' ReplicationController families (internal/store/replicationcontroller.go).
// STUB: not implemented yet.
import type { KubeResourceObject, ResourceDef } from '../types.ts';

export const resource: ResourceDef<KubeResourceObject> = {
  resource: 'replicationcontrollers',
  kind: 'ReplicationController',
  group: '',
  version: 'v1',
  namespaced: true,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'replicationcontroller'],
  identify: (o) => [o.metadata.namespace ?? '', o.metadata.name],
  families: [],
};
