// kube-state-metrics' Job families (internal/store/job.go).
// STUB: not implemented yet.
import type { KubeResourceObject, ResourceDef } from '../types.ts';

export const resource: ResourceDef<KubeResourceObject> = {
  resource: 'jobs',
  kind: 'Job',
  group: 'batch',
  version: 'v1',
  namespaced: true,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'job_name'],
  identify: (o) => [o.metadata.namespace ?? '', ''],
  families: [],
};
