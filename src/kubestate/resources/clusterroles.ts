// kube-state-metrics' ClusterRole families (internal/store/clusterrole.go).
// All families are experimental (ALPHA) in KSM, including _labels and _annotations.
import {
  annotationsFamily,
  createdFamily,
  family,
  labelsFamily,
  metric,
  resourceVersionMetrics,
} from '../generators.ts';
import type { KubeResourceObject, ResourceDef } from '../types.ts';

type ClusterRole = KubeResourceObject;

export const resource: ResourceDef<ClusterRole> = {
  resource: 'clusterroles',
  kind: 'ClusterRole',
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  namespaced: false,
  enabledByDefault: false,
  identifyingLabels: ['clusterrole'],
  identify: (o) => [o.metadata.name],
  families: [
    annotationsFamily('kube_clusterrole_annotations', 'experimental'),
    labelsFamily('kube_clusterrole_labels', 'experimental'),
    family('kube_clusterrole_info', 'gauge', 'experimental', 'Information about cluster role.', () => [
      metric(1),
    ]),
    createdFamily('kube_clusterrole_created', 'experimental'),
    family(
      'kube_clusterrole_metadata_resource_version',
      'gauge',
      'experimental',
      'Resource version representing a specific version of the cluster role.',
      (o) => resourceVersionMetrics(o.metadata.resourceVersion),
    ),
  ],
};
