// kube-state-metrics' RoleBinding families (internal/store/rolebinding.go).
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

interface RoleBinding extends KubeResourceObject {
  roleRef?: unknown;
}

export const resource: ResourceDef<RoleBinding> = {
  resource: 'rolebindings',
  kind: 'RoleBinding',
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  namespaced: true,
  enabledByDefault: false,
  identifyingLabels: ['namespace', 'rolebinding'],
  identify: (o) => [o.metadata.namespace ?? '', o.metadata.name],
  families: [
    annotationsFamily('kube_rolebinding_annotations', 'experimental'),
    labelsFamily('kube_rolebinding_labels', 'experimental'),
    family('kube_rolebinding_info', 'gauge', 'experimental', 'Information about rolebinding.', (o) => {
      // roleRef is a struct (not a pointer) in Go: absent fields read as "".
      const ref = rec(o.roleRef);
      return [metric(1, ['roleref_kind', 'roleref_name'], [str(ref?.kind), str(ref?.name)])];
    }),
    createdFamily('kube_rolebinding_created', 'experimental'),
    family(
      'kube_rolebinding_metadata_resource_version',
      'gauge',
      'experimental',
      'Resource version representing a specific version of the rolebinding.',
      (o) => resourceVersionMetrics(o.metadata.resourceVersion),
    ),
  ],
};
