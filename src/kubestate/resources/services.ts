// kube-state-metrics' Service families (internal/store/service.go).
// Services carry their uid as a third identifying label.
import {
  annotationsFamily,
  arr,
  createdFamily,
  family,
  labelsFamily,
  metric,
  rec,
  str,
  deletionFamily,
} from '../generators.ts';
import type { KubeResourceObject, ResourceDef } from '../types.ts';

interface Service extends KubeResourceObject {
  spec?: unknown;
  status?: unknown;
}

export const resource: ResourceDef<Service> = {
  resource: 'services',
  kind: 'Service',
  group: '',
  version: 'v1',
  namespaced: true,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'service', 'uid'],
  identify: (o) => [str(o.metadata.namespace), str(o.metadata.name), str(o.metadata.uid)],
  families: [
    family('kube_service_info', 'gauge', 'stable', 'Information about service.', (s) => {
      const spec = rec(s.spec);
      return [
        metric(
          1,
          ['cluster_ip', 'external_name', 'load_balancer_ip', 'external_traffic_policy'],
          [
            str(spec?.clusterIP),
            str(spec?.externalName),
            str(spec?.loadBalancerIP),
            str(spec?.externalTrafficPolicy),
          ],
        ),
      ];
    }),
    createdFamily('kube_service_created'),
    family('kube_service_spec_type', 'gauge', 'stable', 'Type about service.', (s) => [
      metric(1, ['type'], [str(rec(s.spec)?.type)]),
    ]),
    annotationsFamily('kube_service_annotations'),
    labelsFamily('kube_service_labels'),
    family(
      'kube_service_spec_external_ip',
      'gauge',
      'stable',
      'Service external ips. One series for each ip',
      (s) => arr(rec(s.spec)?.externalIPs).map((ip) => metric(1, ['external_ip'], [str(ip)])),
    ),
    family(
      'kube_service_status_load_balancer_ingress',
      'gauge',
      'stable',
      'Service load balancer ingress status',
      (s) =>
        arr(rec(rec(s.status)?.loadBalancer)?.ingress).map((i) => {
          const ing = rec(i);
          return metric(1, ['ip', 'hostname'], [str(ing?.ip), str(ing?.hostname)]);
        }),
    ),
    deletionFamily('kube_service_deletion_timestamp'),
  ],
};
