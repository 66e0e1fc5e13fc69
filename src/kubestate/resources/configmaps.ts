// kube-state-metrics' ConfigMap families (internal/store/configmap.go).
import {
  annotationsFamily,
  createdFamily,
  family,
  labelsFamily,
  metric,
  resourceVersionMetrics,
} from '../generators.ts';
import type { KubeResourceObject, ResourceDef } from '../types.ts';

type ConfigMap = KubeResourceObject;

export const resource: ResourceDef<ConfigMap> = {
  resource: 'configmaps',
  kind: 'ConfigMap',
  group: '',
  version: 'v1',
  namespaced: true,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'configmap'],
  identify: (o) => [o.metadata.namespace ?? '', o.metadata.name],
  families: [
    annotationsFamily('kube_configmap_annotations'),
    labelsFamily('kube_configmap_labels'),
    family('kube_configmap_info', 'gauge', 'stable', 'Information about configmap.', () => [metric(1)]),
    createdFamily('kube_configmap_created'),
    family(
      'kube_configmap_metadata_resource_version',
      'gauge',
      'experimental',
      'Resource version representing a specific version of the configmap.',
      (o) => resourceVersionMetrics(o.metadata.resourceVersion),
    ),
  ],
};
