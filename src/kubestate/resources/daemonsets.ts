// kube-state-metrics' DaemonSet families (internal/store/daemonset.go).
// STUB: not implemented yet.
import type { KubeResourceObject, ResourceDef } from '../types.ts';

export const resource: ResourceDef<KubeResourceObject> = {
  resource: 'daemonsets',
  kind: 'DaemonSet',
  group: 'apps',
  version: 'v1',
  namespaced: true,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'daemonset'],
  identify: (o) => [o.metadata.namespace ?? '', o.metadata.name],
  families: [],
};
