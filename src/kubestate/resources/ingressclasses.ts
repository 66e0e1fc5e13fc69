// kube-state-metrics' IngressClass families (internal/store/ingressclass.go).
// Cluster-scoped: identified by name alone.
import { annotationsFamily, createdFamily, family, labelsFamily, metric, rec, str } from '../generators.ts';
import type { KubeResourceObject, ResourceDef } from '../types.ts';

interface IngressClass extends KubeResourceObject {
  spec?: unknown;
}

export const resource: ResourceDef<IngressClass> = {
  resource: 'ingressclasses',
  kind: 'IngressClass',
  group: 'networking.k8s.io',
  version: 'v1',
  namespaced: false,
  enabledByDefault: false,
  identifyingLabels: ['ingressclass'],
  identify: (o) => [str(o.metadata.name)],
  families: [
    family('kube_ingressclass_info', 'gauge', 'experimental', 'Information about ingressclass.', (c) => [
      metric(1, ['controller'], [str(rec(c.spec)?.controller)]),
    ]),
    createdFamily('kube_ingressclass_created', 'experimental'),
    annotationsFamily('kube_ingressclass_annotations'),
    labelsFamily('kube_ingressclass_labels', 'experimental'),
  ],
};
