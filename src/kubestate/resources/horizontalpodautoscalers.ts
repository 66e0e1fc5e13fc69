// kube-state-metrics' HorizontalPodAutoscaler families (internal/store/horizontalpodautoscaler.go).
// STUB: not implemented yet.
import type { KubeResourceObject, ResourceDef } from '../types.ts';

export const resource: ResourceDef<KubeResourceObject> = {
  resource: 'horizontalpodautoscalers',
  kind: 'HorizontalPodAutoscaler',
  group: 'autoscaling',
  version: 'v2',
  namespaced: true,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'horizontalpodautoscaler'],
  identify: (o) => [o.metadata.namespace ?? '', o.metadata.name],
  families: [],
};
