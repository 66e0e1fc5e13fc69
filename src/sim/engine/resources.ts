// The resource types the engine writes: store key ({group, plural}), apiVersion and kind as a
// Kubernetes 1.32 API server serves them.
import type { ResourceKey } from '../types.ts';

export interface ResourceType {
  key: ResourceKey;
  apiVersion: string;
  kind: string;
  namespaced: boolean;
}

function t(
  group: string,
  version: string,
  resource: string,
  kind: string,
  namespaced: boolean,
): ResourceType {
  return {
    key: { group, resource },
    apiVersion: group === '' ? version : `${group}/${version}`,
    kind,
    namespaced,
  };
}

const ADM = 'admissionregistration.k8s.io';
const RBAC = 'rbac.authorization.k8s.io';

export const R = {
  namespaces: t('', 'v1', 'namespaces', 'Namespace', false),
  nodes: t('', 'v1', 'nodes', 'Node', false),
  pods: t('', 'v1', 'pods', 'Pod', true),
  services: t('', 'v1', 'services', 'Service', true),
  configmaps: t('', 'v1', 'configmaps', 'ConfigMap', true),
  secrets: t('', 'v1', 'secrets', 'Secret', true),
  serviceaccounts: t('', 'v1', 'serviceaccounts', 'ServiceAccount', true),
  resourcequotas: t('', 'v1', 'resourcequotas', 'ResourceQuota', true),
  limitranges: t('', 'v1', 'limitranges', 'LimitRange', true),
  persistentvolumes: t('', 'v1', 'persistentvolumes', 'PersistentVolume', false),
  persistentvolumeclaims: t('', 'v1', 'persistentvolumeclaims', 'PersistentVolumeClaim', true),
  replicationcontrollers: t('', 'v1', 'replicationcontrollers', 'ReplicationController', true),
  events: t('', 'v1', 'events', 'Event', true),
  deployments: t('apps', 'v1', 'deployments', 'Deployment', true),
  replicasets: t('apps', 'v1', 'replicasets', 'ReplicaSet', true),
  statefulsets: t('apps', 'v1', 'statefulsets', 'StatefulSet', true),
  daemonsets: t('apps', 'v1', 'daemonsets', 'DaemonSet', true),
  controllerrevisions: t('apps', 'v1', 'controllerrevisions', 'ControllerRevision', true),
  jobs: t('batch', 'v1', 'jobs', 'Job', true),
  cronjobs: t('batch', 'v1', 'cronjobs', 'CronJob', true),
  horizontalpodautoscalers: t(
    'autoscaling',
    'v2',
    'horizontalpodautoscalers',
    'HorizontalPodAutoscaler',
    true,
  ),
  endpointslices: t('discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice', true),
  leases: t('coordination.k8s.io', 'v1', 'leases', 'Lease', true),
  ingresses: t('networking.k8s.io', 'v1', 'ingresses', 'Ingress', true),
  ingressclasses: t('networking.k8s.io', 'v1', 'ingressclasses', 'IngressClass', false),
  networkpolicies: t('networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy', true),
  poddisruptionbudgets: t('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget', true),
  storageclasses: t('storage.k8s.io', 'v1', 'storageclasses', 'StorageClass', false),
  volumeattachments: t('storage.k8s.io', 'v1', 'volumeattachments', 'VolumeAttachment', false),
  certificatesigningrequests: t(
    'certificates.k8s.io',
    'v1',
    'certificatesigningrequests',
    'CertificateSigningRequest',
    false,
  ),
  mutatingwebhookconfigurations: t(
    ADM,
    'v1',
    'mutatingwebhookconfigurations',
    'MutatingWebhookConfiguration',
    false,
  ),
  validatingwebhookconfigurations: t(
    ADM,
    'v1',
    'validatingwebhookconfigurations',
    'ValidatingWebhookConfiguration',
    false,
  ),
  // ValidatingAdmissionPolicy is GA (v1) since 1.30.
  validatingadmissionpolicies: t(
    ADM,
    'v1',
    'validatingadmissionpolicies',
    'ValidatingAdmissionPolicy',
    false,
  ),
  validatingadmissionpolicybindings: t(
    ADM,
    'v1',
    'validatingadmissionpolicybindings',
    'ValidatingAdmissionPolicyBinding',
    false,
  ),
  // MutatingAdmissionPolicy is alpha in 1.32 (KEP-3962: alpha 1.32, beta 1.34, GA 1.36): only v1alpha1 is served,
  // and only with the MutatingAdmissionPolicy feature gate; the simulated cluster has it enabled.
  mutatingadmissionpolicies: t(
    ADM,
    'v1alpha1',
    'mutatingadmissionpolicies',
    'MutatingAdmissionPolicy',
    false,
  ),
  mutatingadmissionpolicybindings: t(
    ADM,
    'v1alpha1',
    'mutatingadmissionpolicybindings',
    'MutatingAdmissionPolicyBinding',
    false,
  ),
  roles: t(RBAC, 'v1', 'roles', 'Role', true),
  rolebindings: t(RBAC, 'v1', 'rolebindings', 'RoleBinding', true),
  clusterroles: t(RBAC, 'v1', 'clusterroles', 'ClusterRole', false),
  clusterrolebindings: t(RBAC, 'v1', 'clusterrolebindings', 'ClusterRoleBinding', false),
} as const;

export type ResourceName = keyof typeof R;
