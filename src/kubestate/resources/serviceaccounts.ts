// kube-state-metrics' ServiceAccount families (internal/store/serviceaccount.go).
// automount_token is "" when automountServiceAccountToken is unset.
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

interface ServiceAccount extends KubeResourceObject {
  automountServiceAccountToken?: unknown;
  secrets?: unknown;
  imagePullSecrets?: unknown;
}

export const resource: ResourceDef<ServiceAccount> = {
  resource: 'serviceaccounts',
  kind: 'ServiceAccount',
  group: '',
  version: 'v1',
  namespaced: true,
  enabledByDefault: false,
  identifyingLabels: ['namespace', 'serviceaccount', 'uid'],
  identify: (o) => [str(o.metadata.namespace), str(o.metadata.name), str(o.metadata.uid)],
  families: [
    family(
      'kube_serviceaccount_info',
      'gauge',
      'experimental',
      'Information about a service account',
      (sa) => {
        const automount = sa.automountServiceAccountToken;
        return [metric(1, ['automount_token'], [typeof automount === 'boolean' ? String(automount) : ''])];
      },
    ),
    createdFamily('kube_serviceaccount_created', 'experimental'),
    deletionFamily('kube_serviceaccount_deleted'),
    family(
      'kube_serviceaccount_secret',
      'gauge',
      'experimental',
      'Secret being referenced by a service account',
      (sa) => arr(sa.secrets).map((s) => metric(1, ['name'], [str(rec(s)?.name)])),
    ),
    family(
      'kube_serviceaccount_image_pull_secret',
      'gauge',
      'experimental',
      'Secret being referenced by a service account for the purpose of pulling images',
      (sa) => arr(sa.imagePullSecrets).map((s) => metric(1, ['name'], [str(rec(s)?.name)])),
    ),
    annotationsFamily('kube_serviceaccount_annotations'),
    labelsFamily('kube_serviceaccount_labels', 'experimental'),
  ],
};
