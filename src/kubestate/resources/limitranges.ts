// kube-state-metrics' LimitRange families (internal/store/limitrange.go).
// Resource names are reported as written (not sanitized); entries that are not quantities are
// left out (the API server would not have accepted them).
import { arr, createdFamily, family, metric, rec, str } from '../generators.ts';
import { isQuantity, quantityFloat } from '../quantity.ts';
import type { KubeResourceObject, Metric, ResourceDef } from '../types.ts';

interface LimitRange extends KubeResourceObject {
  spec?: unknown;
}

/** The constraint maps of a LimitRangeItem, in KSM's order, with their `constraint` label. */
const CONSTRAINTS = ['min', 'max', 'default', 'defaultRequest', 'maxLimitRequestRatio'] as const;

function limitMetrics(r: LimitRange): Metric[] {
  const out: Metric[] = [];
  for (const item of arr(rec(r.spec)?.limits)) {
    const limit = rec(item);
    if (!limit) continue;
    const type = str(limit.type);
    for (const constraint of CONSTRAINTS) {
      for (const [name, q] of Object.entries(rec(limit[constraint]) ?? {})) {
        if (!isQuantity(q)) continue;
        out.push(metric(quantityFloat(q), ['resource', 'type', 'constraint'], [name, type, constraint]));
      }
    }
  }
  return out;
}

export const resource: ResourceDef<LimitRange> = {
  resource: 'limitranges',
  kind: 'LimitRange',
  group: '',
  version: 'v1',
  namespaced: true,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'limitrange'],
  identify: (o) => [o.metadata.namespace ?? '', o.metadata.name],
  families: [
    family('kube_limitrange', 'gauge', 'stable', 'Information about limit range.', limitMetrics),
    createdFamily('kube_limitrange_created'),
  ],
};
