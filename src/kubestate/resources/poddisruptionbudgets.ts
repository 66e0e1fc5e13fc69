// kube-state-metrics' PodDisruptionBudget families (internal/store/poddisruptionbudget.go).
// STUB: not implemented yet.
import type { KubeResourceObject, ResourceDef } from '../types.ts';

export const resource: ResourceDef<KubeResourceObject> = {
  resource: 'poddisruptionbudgets',
  kind: 'PodDisruptionBudget',
  group: 'policy',
  version: 'v1',
  namespaced: true,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'poddisruptionbudget'],
  identify: (o) => [o.metadata.namespace ?? '', o.metadata.name],
  families: [],
};
