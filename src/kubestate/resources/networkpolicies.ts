// kube-state-metrics' NetworkPolicy families (internal/store/networkpolicy.go).
// Unlike most resources, kube_networkpolicy_created always has a series: KSM does not check
// for an unset creation time, so one reads as Go's zero time (-62135596800).
import {
  annotationsFamily,
  arr,
  family,
  labelsFamily,
  metric,
  rec,
  str,
  unixSeconds,
  GO_ZERO_TIME_SECONDS,
} from '../generators.ts';
import type { KubeResourceObject, ResourceDef } from '../types.ts';

interface NetworkPolicy extends KubeResourceObject {
  spec?: unknown;
}

/** time.Time{}.Unix(). */

export const resource: ResourceDef<NetworkPolicy> = {
  resource: 'networkpolicies',
  kind: 'NetworkPolicy',
  group: 'networking.k8s.io',
  version: 'v1',
  namespaced: true,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'networkpolicy'],
  identify: (o) => [str(o.metadata.namespace), str(o.metadata.name)],
  families: [
    family(
      'kube_networkpolicy_created',
      'gauge',
      'experimental',
      'Unix creation timestamp of network policy',
      (n) => [metric(unixSeconds(n.metadata.creationTimestamp) ?? GO_ZERO_TIME_SECONDS)],
    ),
    annotationsFamily('kube_networkpolicy_annotations'),
    labelsFamily('kube_networkpolicy_labels', 'experimental'),
    family(
      'kube_networkpolicy_spec_ingress_rules',
      'gauge',
      'experimental',
      'Number of ingress rules on the networkpolicy',
      (n) => [metric(arr(rec(n.spec)?.ingress).length)],
    ),
    family(
      'kube_networkpolicy_spec_egress_rules',
      'gauge',
      'experimental',
      'Number of egress rules on the networkpolicy',
      (n) => [metric(arr(rec(n.spec)?.egress).length)],
    ),
  ],
};
