// kube-state-metrics' Pod families (internal/store/pod.go).
// STUB: not implemented yet.
import type { KubeResourceObject, ResourceDef } from '../types.ts';

export const resource: ResourceDef<KubeResourceObject> = {
  resource: 'pods',
  kind: 'Pod',
  group: '',
  version: 'v1',
  namespaced: true,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'pod', 'uid'],
  identify: (o) => [o.metadata.namespace ?? '', o.metadata.name, o.metadata.uid ?? ''],
  families: [],
};
