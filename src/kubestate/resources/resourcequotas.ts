// kube-state-metrics' ResourceQuota families (internal/store/resourcequota.go).
// Only status.hard and status.used are reported; resource names are not sanitized.
import { annotationsFamily, createdFamily, family, labelsFamily, metric, rec } from '../generators.ts';
import { isQuantity, quantityFloat } from '../quantity.ts';
import type { KubeResourceObject, Metric, ResourceDef } from '../types.ts';

interface ResourceQuota extends KubeResourceObject {
  status?: unknown;
}

function quotaMetrics(r: ResourceQuota): Metric[] {
  const status = rec(r.status);
  const out: Metric[] = [];
  for (const type of ['hard', 'used'] as const) {
    for (const [name, q] of Object.entries(rec(status?.[type]) ?? {})) {
      if (isQuantity(q)) out.push(metric(quantityFloat(q), ['resource', 'type'], [name, type]));
    }
  }
  return out;
}

export const resource: ResourceDef<ResourceQuota> = {
  resource: 'resourcequotas',
  kind: 'ResourceQuota',
  group: '',
  version: 'v1',
  namespaced: true,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'resourcequota'],
  identify: (o) => [o.metadata.namespace ?? '', o.metadata.name],
  families: [
    createdFamily('kube_resourcequota_created'),
    family('kube_resourcequota', 'gauge', 'stable', 'Information about resource quota.', quotaMetrics),
    annotationsFamily('kube_resourcequota_annotations'),
    labelsFamily('kube_resourcequota_labels'),
  ],
};
