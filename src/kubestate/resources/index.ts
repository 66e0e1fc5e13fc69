// Every resource kube-state-metrics knows, in its order (alphabetical by resource name).
// Each module defines one resource's identifying labels and metric families.
import { resource as certificatesigningrequests } from './certificatesigningrequests.ts';
import { resource as clusterrolebindings } from './clusterrolebindings.ts';
import { resource as clusterroles } from './clusterroles.ts';
import { resource as configmaps } from './configmaps.ts';
import { resource as cronjobs } from './cronjobs.ts';
import { resource as daemonsets } from './daemonsets.ts';
import { resource as deployments } from './deployments.ts';
import { resource as endpoints } from './endpoints.ts';
import { resource as endpointslices } from './endpointslices.ts';
import { resource as horizontalpodautoscalers } from './horizontalpodautoscalers.ts';
import { resource as ingressclasses } from './ingressclasses.ts';
import { resource as ingresses } from './ingresses.ts';
import { resource as jobs } from './jobs.ts';
import { resource as leases } from './leases.ts';
import { resource as limitranges } from './limitranges.ts';
import { resource as mutatingadmissionpolicies } from './mutatingadmissionpolicies.ts';
import { resource as mutatingadmissionpolicybindings } from './mutatingadmissionpolicybindings.ts';
import { resource as mutatingwebhookconfigurations } from './mutatingwebhookconfigurations.ts';
import { resource as namespaces } from './namespaces.ts';
import { resource as networkpolicies } from './networkpolicies.ts';
import { resource as nodes } from './nodes.ts';
import { resource as persistentvolumeclaims } from './persistentvolumeclaims.ts';
import { resource as persistentvolumes } from './persistentvolumes.ts';
import { resource as poddisruptionbudgets } from './poddisruptionbudgets.ts';
import { resource as pods } from './pods.ts';
import { resource as replicasets } from './replicasets.ts';
import { resource as replicationcontrollers } from './replicationcontrollers.ts';
import { resource as resourcequotas } from './resourcequotas.ts';
import { resource as rolebindings } from './rolebindings.ts';
import { resource as roles } from './roles.ts';
import { resource as secrets } from './secrets.ts';
import { resource as serviceaccounts } from './serviceaccounts.ts';
import { resource as services } from './services.ts';
import { resource as statefulsets } from './statefulsets.ts';
import { resource as storageclasses } from './storageclasses.ts';
import { resource as validatingadmissionpolicies } from './validatingadmissionpolicies.ts';
import { resource as validatingadmissionpolicybindings } from './validatingadmissionpolicybindings.ts';
import { resource as validatingwebhookconfigurations } from './validatingwebhookconfigurations.ts';
import { resource as volumeattachments } from './volumeattachments.ts';
import type { KubeResourceObject, ResourceDef } from '../types.ts';

export const RESOURCES: readonly ResourceDef<KubeResourceObject>[] = [
  certificatesigningrequests as unknown as ResourceDef<KubeResourceObject>,
  clusterrolebindings as unknown as ResourceDef<KubeResourceObject>,
  clusterroles as unknown as ResourceDef<KubeResourceObject>,
  configmaps as unknown as ResourceDef<KubeResourceObject>,
  cronjobs as unknown as ResourceDef<KubeResourceObject>,
  daemonsets as unknown as ResourceDef<KubeResourceObject>,
  deployments as unknown as ResourceDef<KubeResourceObject>,
  endpoints as unknown as ResourceDef<KubeResourceObject>,
  endpointslices as unknown as ResourceDef<KubeResourceObject>,
  horizontalpodautoscalers as unknown as ResourceDef<KubeResourceObject>,
  ingressclasses as unknown as ResourceDef<KubeResourceObject>,
  ingresses as unknown as ResourceDef<KubeResourceObject>,
  jobs as unknown as ResourceDef<KubeResourceObject>,
  leases as unknown as ResourceDef<KubeResourceObject>,
  limitranges as unknown as ResourceDef<KubeResourceObject>,
  mutatingadmissionpolicies as unknown as ResourceDef<KubeResourceObject>,
  mutatingadmissionpolicybindings as unknown as ResourceDef<KubeResourceObject>,
  mutatingwebhookconfigurations as unknown as ResourceDef<KubeResourceObject>,
  namespaces as unknown as ResourceDef<KubeResourceObject>,
  networkpolicies as unknown as ResourceDef<KubeResourceObject>,
  nodes as unknown as ResourceDef<KubeResourceObject>,
  persistentvolumeclaims as unknown as ResourceDef<KubeResourceObject>,
  persistentvolumes as unknown as ResourceDef<KubeResourceObject>,
  poddisruptionbudgets as unknown as ResourceDef<KubeResourceObject>,
  pods as unknown as ResourceDef<KubeResourceObject>,
  replicasets as unknown as ResourceDef<KubeResourceObject>,
  replicationcontrollers as unknown as ResourceDef<KubeResourceObject>,
  resourcequotas as unknown as ResourceDef<KubeResourceObject>,
  rolebindings as unknown as ResourceDef<KubeResourceObject>,
  roles as unknown as ResourceDef<KubeResourceObject>,
  secrets as unknown as ResourceDef<KubeResourceObject>,
  serviceaccounts as unknown as ResourceDef<KubeResourceObject>,
  services as unknown as ResourceDef<KubeResourceObject>,
  statefulsets as unknown as ResourceDef<KubeResourceObject>,
  storageclasses as unknown as ResourceDef<KubeResourceObject>,
  validatingadmissionpolicies as unknown as ResourceDef<KubeResourceObject>,
  validatingadmissionpolicybindings as unknown as ResourceDef<KubeResourceObject>,
  validatingwebhookconfigurations as unknown as ResourceDef<KubeResourceObject>,
  volumeattachments as unknown as ResourceDef<KubeResourceObject>,
];
