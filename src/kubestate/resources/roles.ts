// kube-state-metrics' Role families (internal/store/role.go).
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

type Role = KubeResourceObject;

export const resource: ResourceDef<Role> = {
  resource: 'roles',
  kind: 'Role',
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  namespaced: true,
  enabledByDefault: false,
  identifyingLabels: ['namespace', 'role'],
  identify: (o) => [o.metadata.namespace ?? '', o.metadata.name],
  families: [
    annotationsFamily('kube_role_annotations', 'experimental'),
    labelsFamily('kube_role_labels', 'experimental'),
    family('kube_role_info', 'gauge', 'experimental', 'Information about role.', () => [metric(1)]),
    createdFamily('kube_role_created', 'experimental'),
    family(
      'kube_role_metadata_resource_version',
      'gauge',
      'experimental',
      'Resource version representing a specific version of the role.',
      (o) => resourceVersionMetrics(o.metadata.resourceVersion),
    ),
  ],
};
