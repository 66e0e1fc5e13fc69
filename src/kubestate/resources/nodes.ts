// kube-state-metrics' Node families (internal/store/node.go).
// STUB: not implemented yet.
import type { KubeResourceObject, ResourceDef } from '../types.ts';

export const resource: ResourceDef<KubeResourceObject> = {
  resource: 'nodes',
  kind: 'Node',
  group: '',
  version: 'v1',
  namespaced: false,
  enabledByDefault: true,
  identifyingLabels: ['node'],
  identify: (o) => [o.metadata.name],
  families: [],
};
