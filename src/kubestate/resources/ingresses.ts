// kube-state-metrics' Ingress families (internal/store/ingress.go).
// The ingress class is the legacy kubernetes.io/ingress.class annotation when present, else
// spec.ingressClassName, else "_default". A path with a service backend gets the service labels,
// any other path the resource-backend labels (all "" when neither backend is set).
import {
  annotationsFamily,
  arr,
  createdFamily,
  family,
  labelsFamily,
  metric,
  num,
  rec,
  resourceVersionMetrics,
  str,
  stringMap,
} from '../generators.ts';
import type { KubeResourceObject, Metric, ResourceDef } from '../types.ts';

interface Ingress extends KubeResourceObject {
  spec?: unknown;
}

function ingressClass(i: Ingress): string {
  const annotated = stringMap(i.metadata.annotations)?.['kubernetes.io/ingress.class'];
  if (annotated !== undefined) return annotated;
  const name = rec(i.spec)?.ingressClassName;
  return typeof name === 'string' ? name : '_default';
}

function pathMetrics(i: Ingress): Metric[] {
  const out: Metric[] = [];
  for (const r of arr(rec(i.spec)?.rules)) {
    const rule = rec(r);
    const http = rec(rule?.http);
    if (!http) continue;
    const host = str(rule?.host);
    for (const p of arr(http.paths)) {
      const path = rec(p);
      const base = [host, str(path?.path), str(path?.pathType)];
      const backend = rec(path?.backend);
      const service = rec(backend?.service);
      if (service) {
        const port = String(Math.trunc(num(rec(service.port)?.number) ?? 0));
        out.push(
          metric(
            1,
            ['host', 'path', 'path_type', 'service_name', 'service_port'],
            [...base, str(service.name), port],
          ),
        );
      } else {
        const res = rec(backend?.resource);
        out.push(
          metric(
            1,
            ['host', 'path', 'path_type', 'resource_api_group', 'resource_kind', 'resource_name'],
            [...base, str(res?.apiGroup), str(res?.kind), str(res?.name)],
          ),
        );
      }
    }
  }
  return out;
}

function tlsMetrics(i: Ingress): Metric[] {
  const out: Metric[] = [];
  for (const t of arr(rec(i.spec)?.tls)) {
    const tls = rec(t);
    const secret = str(tls?.secretName);
    for (const h of arr(tls?.hosts)) out.push(metric(1, ['tls_host', 'secret'], [str(h), secret]));
  }
  return out;
}

export const resource: ResourceDef<Ingress> = {
  resource: 'ingresses',
  kind: 'Ingress',
  group: 'networking.k8s.io',
  version: 'v1',
  namespaced: true,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'ingress'],
  identify: (o) => [str(o.metadata.namespace), str(o.metadata.name)],
  families: [
    family('kube_ingress_info', 'gauge', 'stable', 'Information about ingress.', (i) => [
      metric(1, ['ingressclass'], [ingressClass(i)]),
    ]),
    annotationsFamily('kube_ingress_annotations'),
    labelsFamily('kube_ingress_labels'),
    createdFamily('kube_ingress_created'),
    family(
      'kube_ingress_metadata_resource_version',
      'gauge',
      'experimental',
      'Resource version representing a specific version of ingress.',
      (i) => resourceVersionMetrics(i.metadata.resourceVersion),
    ),
    family(
      'kube_ingress_path',
      'gauge',
      'stable',
      'Ingress host, paths and backend service information.',
      pathMetrics,
    ),
    family('kube_ingress_tls', 'gauge', 'stable', 'Ingress TLS host and secret information.', tlsMetrics),
  ],
};
