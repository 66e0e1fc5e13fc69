// kube-state-metrics' Secret families (internal/store/secret.go).
// kube_secret_owner has one series with empty labels when the secret has no owner.
import {
  annotationsFamily,
  createdFamily,
  family,
  labelsFamily,
  metric,
  resourceVersionMetrics,
  str,
  ownerMetrics,
} from '../generators.ts';
import type { KubeResourceObject, ResourceDef } from '../types.ts';

interface Secret extends KubeResourceObject {
  type?: unknown;
}

export const resource: ResourceDef<Secret> = {
  resource: 'secrets',
  kind: 'Secret',
  group: '',
  version: 'v1',
  namespaced: true,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'secret'],
  identify: (o) => [str(o.metadata.namespace), str(o.metadata.name)],
  families: [
    family('kube_secret_info', 'gauge', 'stable', 'Information about secret.', () => [metric(1)]),
    family('kube_secret_type', 'gauge', 'stable', 'Type about secret.', (s) => [
      metric(1, ['type'], [str(s.type)]),
    ]),
    annotationsFamily('kube_secret_annotations'),
    labelsFamily('kube_secret_labels'),
    createdFamily('kube_secret_created'),
    family(
      'kube_secret_metadata_resource_version',
      'gauge',
      'experimental',
      'Resource version representing a specific version of secret.',
      (s) => resourceVersionMetrics(s.metadata.resourceVersion),
    ),
    family(
      'kube_secret_owner',
      'gauge',
      'experimental',
      "Information about the Secret's owner.",
      ownerMetrics,
    ),
  ],
};
