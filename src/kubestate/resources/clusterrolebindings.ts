// kube-state-metrics' ClusterRoleBinding families (internal/store/clusterrolebinding.go).
// All families are experimental (ALPHA) in KSM, including _labels and _annotations.
import {
  annotationsFamily,
  createdFamily,
  family,
  labelsFamily,
  metric,
  resourceVersionMetrics,
  rec,
  str,
} from '../generators.ts';
import type { KubeResourceObject, ResourceDef } from '../types.ts';

interface ClusterRoleBinding extends KubeResourceObject {
  roleRef?: unknown;
}

export const resource: ResourceDef<ClusterRoleBinding> = {
  resource: 'clusterrolebindings',
  kind: 'ClusterRoleBinding',
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  namespaced: false,
  enabledByDefault: false,
  identifyingLabels: ['clusterrolebinding'],
  identify: (o) => [o.metadata.name],
  families: [
    annotationsFamily('kube_clusterrolebinding_annotations', 'experimental'),
    labelsFamily('kube_clusterrolebinding_labels', 'experimental'),
    family(
      'kube_clusterrolebinding_info',
      'gauge',
      'experimental',
      'Information about clusterrolebinding.',
      (o) => {
        // roleRef is a struct (not a pointer) in Go: absent fields read as "".
        const ref = rec(o.roleRef);
        return [metric(1, ['roleref_kind', 'roleref_name'], [str(ref?.kind), str(ref?.name)])];
      },
    ),
    createdFamily('kube_clusterrolebinding_created', 'experimental'),
    family(
      'kube_clusterrolebinding_metadata_resource_version',
      'gauge',
      'experimental',
      'Resource version representing a specific version of the clusterrolebinding.',
      (o) => resourceVersionMetrics(o.metadata.resourceVersion),
    ),
  ],
};
