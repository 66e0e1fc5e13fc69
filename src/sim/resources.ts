// The catalog of resource types the simulated cluster serves: what discovery advertises, what
// the API server routes, and how the store keys objects. Group/versions are those a Kubernetes
// 1.32 API server serves, with one deliberate extension: MutatingAdmissionPolicy(Binding) is
// alpha (admissionregistration.k8s.io/v1alpha1) in 1.32, and kube-state-metrics v2.20 (k8s.io/api
// v0.36) reads it at admissionregistration.k8s.io/v1 (GA in 1.36), so it is served at both
// versions from one storage (`extraVersions`).
import type { ResourceKey } from './types.ts';

export interface ResourceType {
  /** '' for the core group. */
  group: string;
  /** The preferred version, used when the store needs an apiVersion (objects carry it). */
  version: string;
  /** Further versions served from the same storage; only apiVersion differs between them. */
  extraVersions?: readonly string[];
  kind: string;
  /** Lower-case plural used in URLs. */
  resource: string;
  singularName: string;
  namespaced: boolean;
  shortNames: readonly string[];
  verbs: readonly string[];
  categories: readonly string[];
  /** Subresources served besides the object itself: 'status', and 'scale' (autoscaling/v1 Scale). */
  subresources: readonly string[];
  /**
   * Where objects of this type are stored when it is another representation of a stored type
   * (events.k8s.io/v1 events are core v1 Events in storage, as in Kubernetes).
   */
  storage?: ResourceKey;
}

const ALL_VERBS = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
] as const;
const NS_VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] as const;

interface Spec {
  g: string;
  v: string;
  kind: string;
  r: string;
  ns: boolean;
  short?: string[];
  cat?: string[];
  status?: boolean;
  scale?: boolean;
  verbs?: readonly string[];
  extraVersions?: string[];
  storage?: ResourceKey;
}

const SPECS: Spec[] = [
  // core/v1
  { g: '', v: 'v1', kind: 'ConfigMap', r: 'configmaps', ns: true, short: ['cm'] },
  { g: '', v: 'v1', kind: 'Endpoints', r: 'endpoints', ns: true, short: ['ep'] },
  { g: '', v: 'v1', kind: 'Event', r: 'events', ns: true, short: ['ev'] },
  { g: '', v: 'v1', kind: 'LimitRange', r: 'limitranges', ns: true, short: ['limits'] },
  {
    g: '',
    v: 'v1',
    kind: 'Namespace',
    r: 'namespaces',
    ns: false,
    short: ['ns'],
    status: true,
    verbs: NS_VERBS,
  },
  { g: '', v: 'v1', kind: 'Node', r: 'nodes', ns: false, short: ['no'], status: true },
  {
    g: '',
    v: 'v1',
    kind: 'PersistentVolumeClaim',
    r: 'persistentvolumeclaims',
    ns: true,
    short: ['pvc'],
    status: true,
  },
  {
    g: '',
    v: 'v1',
    kind: 'PersistentVolume',
    r: 'persistentvolumes',
    ns: false,
    short: ['pv'],
    status: true,
  },
  { g: '', v: 'v1', kind: 'Pod', r: 'pods', ns: true, short: ['po'], cat: ['all'], status: true },
  {
    g: '',
    v: 'v1',
    kind: 'ReplicationController',
    r: 'replicationcontrollers',
    ns: true,
    short: ['rc'],
    cat: ['all'],
    status: true,
    scale: true,
  },
  { g: '', v: 'v1', kind: 'ResourceQuota', r: 'resourcequotas', ns: true, short: ['quota'], status: true },
  { g: '', v: 'v1', kind: 'Secret', r: 'secrets', ns: true },
  { g: '', v: 'v1', kind: 'ServiceAccount', r: 'serviceaccounts', ns: true, short: ['sa'] },
  { g: '', v: 'v1', kind: 'Service', r: 'services', ns: true, short: ['svc'], cat: ['all'], status: true },
  // admissionregistration.k8s.io
  {
    g: 'admissionregistration.k8s.io',
    v: 'v1',
    kind: 'MutatingWebhookConfiguration',
    r: 'mutatingwebhookconfigurations',
    ns: false,
    cat: ['api-extensions'],
  },
  {
    g: 'admissionregistration.k8s.io',
    v: 'v1',
    kind: 'ValidatingWebhookConfiguration',
    r: 'validatingwebhookconfigurations',
    ns: false,
    cat: ['api-extensions'],
  },
  {
    g: 'admissionregistration.k8s.io',
    v: 'v1',
    kind: 'ValidatingAdmissionPolicy',
    r: 'validatingadmissionpolicies',
    ns: false,
    cat: ['api-extensions'],
    status: true,
  },
  {
    g: 'admissionregistration.k8s.io',
    v: 'v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    r: 'validatingadmissionpolicybindings',
    ns: false,
    cat: ['api-extensions'],
  },
  {
    g: 'admissionregistration.k8s.io',
    v: 'v1alpha1',
    kind: 'MutatingAdmissionPolicy',
    r: 'mutatingadmissionpolicies',
    ns: false,
    cat: ['api-extensions'],
    extraVersions: ['v1'],
  },
  {
    g: 'admissionregistration.k8s.io',
    v: 'v1alpha1',
    kind: 'MutatingAdmissionPolicyBinding',
    r: 'mutatingadmissionpolicybindings',
    ns: false,
    cat: ['api-extensions'],
    extraVersions: ['v1'],
  },
  // apps/v1
  { g: 'apps', v: 'v1', kind: 'ControllerRevision', r: 'controllerrevisions', ns: true },
  {
    g: 'apps',
    v: 'v1',
    kind: 'DaemonSet',
    r: 'daemonsets',
    ns: true,
    short: ['ds'],
    cat: ['all'],
    status: true,
  },
  {
    g: 'apps',
    v: 'v1',
    kind: 'Deployment',
    r: 'deployments',
    ns: true,
    short: ['deploy'],
    cat: ['all'],
    status: true,
    scale: true,
  },
  {
    g: 'apps',
    v: 'v1',
    kind: 'ReplicaSet',
    r: 'replicasets',
    ns: true,
    short: ['rs'],
    cat: ['all'],
    status: true,
    scale: true,
  },
  {
    g: 'apps',
    v: 'v1',
    kind: 'StatefulSet',
    r: 'statefulsets',
    ns: true,
    short: ['sts'],
    cat: ['all'],
    status: true,
    scale: true,
  },
  // autoscaling/v2
  {
    g: 'autoscaling',
    v: 'v2',
    kind: 'HorizontalPodAutoscaler',
    r: 'horizontalpodautoscalers',
    ns: true,
    short: ['hpa'],
    cat: ['all'],
    status: true,
  },
  // batch/v1
  {
    g: 'batch',
    v: 'v1',
    kind: 'CronJob',
    r: 'cronjobs',
    ns: true,
    short: ['cj'],
    cat: ['all'],
    status: true,
  },
  { g: 'batch', v: 'v1', kind: 'Job', r: 'jobs', ns: true, cat: ['all'], status: true },
  // certificates.k8s.io/v1
  {
    g: 'certificates.k8s.io',
    v: 'v1',
    kind: 'CertificateSigningRequest',
    r: 'certificatesigningrequests',
    ns: false,
    short: ['csr'],
    status: true,
  },
  // coordination.k8s.io/v1
  { g: 'coordination.k8s.io', v: 'v1', kind: 'Lease', r: 'leases', ns: true },
  // discovery.k8s.io/v1
  { g: 'discovery.k8s.io', v: 'v1', kind: 'EndpointSlice', r: 'endpointslices', ns: true },
  // events.k8s.io/v1: the same storage as core v1 events, converted on the way in and out.
  {
    g: 'events.k8s.io',
    v: 'v1',
    kind: 'Event',
    r: 'events',
    ns: true,
    short: ['ev'],
    storage: { group: '', resource: 'events' },
  },
  // networking.k8s.io/v1
  { g: 'networking.k8s.io', v: 'v1', kind: 'IngressClass', r: 'ingressclasses', ns: false },
  {
    g: 'networking.k8s.io',
    v: 'v1',
    kind: 'Ingress',
    r: 'ingresses',
    ns: true,
    short: ['ing'],
    status: true,
  },
  {
    g: 'networking.k8s.io',
    v: 'v1',
    kind: 'NetworkPolicy',
    r: 'networkpolicies',
    ns: true,
    short: ['netpol'],
  },
  // policy/v1
  {
    g: 'policy',
    v: 'v1',
    kind: 'PodDisruptionBudget',
    r: 'poddisruptionbudgets',
    ns: true,
    short: ['pdb'],
    status: true,
  },
  // rbac.authorization.k8s.io/v1
  {
    g: 'rbac.authorization.k8s.io',
    v: 'v1',
    kind: 'ClusterRoleBinding',
    r: 'clusterrolebindings',
    ns: false,
  },
  { g: 'rbac.authorization.k8s.io', v: 'v1', kind: 'ClusterRole', r: 'clusterroles', ns: false },
  { g: 'rbac.authorization.k8s.io', v: 'v1', kind: 'RoleBinding', r: 'rolebindings', ns: true },
  { g: 'rbac.authorization.k8s.io', v: 'v1', kind: 'Role', r: 'roles', ns: true },
  // storage.k8s.io/v1
  { g: 'storage.k8s.io', v: 'v1', kind: 'StorageClass', r: 'storageclasses', ns: false, short: ['sc'] },
  { g: 'storage.k8s.io', v: 'v1', kind: 'VolumeAttachment', r: 'volumeattachments', ns: false, status: true },
];

export const RESOURCE_TYPES: readonly ResourceType[] = SPECS.map((s) => {
  const t: ResourceType = {
    group: s.g,
    version: s.v,
    kind: s.kind,
    resource: s.r,
    singularName: s.kind.toLowerCase(),
    namespaced: s.ns,
    shortNames: s.short ?? [],
    verbs: s.verbs ?? ALL_VERBS,
    categories: s.cat ?? [],
    subresources: [...(s.status ? ['status'] : []), ...(s.scale ? ['scale'] : [])],
  };
  if (s.extraVersions) t.extraVersions = s.extraVersions;
  if (s.storage) t.storage = s.storage;
  return t;
});

const byGroupResource = new Map<string, ResourceType>();
const byKind = new Map<string, ResourceType[]>();
const byShortName = new Map<string, ResourceType[]>();
for (const t of RESOURCE_TYPES) {
  byGroupResource.set(`${t.group}/${t.resource}`, t);
  const k = byKind.get(t.kind) ?? [];
  k.push(t);
  byKind.set(t.kind, k);
  for (const s of t.shortNames) {
    const l = byShortName.get(s) ?? [];
    l.push(t);
    byShortName.set(s, l);
  }
}

/** The `apiVersion` string of a group/version ("v1" for core). */
export function apiVersionOf(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

/** Splits an apiVersion into group and version. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** Every version a type is served at, preferred first. */
export function servedVersions(t: ResourceType): readonly string[] {
  return t.extraVersions ? [t.version, ...t.extraVersions] : [t.version];
}

export function lookupResource(group: string, resource: string): ResourceType | undefined {
  return byGroupResource.get(`${group}/${resource}`);
}

/** A type served at exactly this group/version/resource. */
export function lookupServed(group: string, version: string, resource: string): ResourceType | undefined {
  const t = byGroupResource.get(`${group}/${resource}`);
  return t && servedVersions(t).includes(version) ? t : undefined;
}

/**
 * By kind, optionally narrowed by apiVersion. "Event" without an apiVersion is ambiguous
 * (core and events.k8s.io); the core type comes first, as kubectl's RESTMapper prefers it.
 */
export function lookupKind(kind: string, apiVersion?: string): ResourceType | undefined {
  const list = byKind.get(kind);
  if (!list) return undefined;
  if (apiVersion === undefined) return list[0];
  const { group, version } = parseApiVersion(apiVersion);
  return list.find((t) => t.group === group && servedVersions(t).includes(version));
}

/** By short name ("po", "deploy"); the core type first when several share one ("ev"). */
export function lookupShortName(shortName: string): ResourceType | undefined {
  return byShortName.get(shortName)?.[0];
}

/** The key objects of this type are stored under. */
export function storageKey(t: ResourceType): ResourceKey {
  return t.storage ?? { group: t.group, resource: t.resource };
}

/** All groups with their served versions, in catalog order, core excluded. */
export function apiGroups(): Array<{ name: string; versions: string[]; preferred: string }> {
  const groups = new Map<string, { name: string; versions: string[]; preferred: string }>();
  for (const t of RESOURCE_TYPES) {
    if (t.group === '') continue;
    let g = groups.get(t.group);
    if (!g) {
      g = { name: t.group, versions: [], preferred: t.version };
      groups.set(t.group, g);
    }
    for (const v of servedVersions(t)) if (!g.versions.includes(v)) g.versions.push(v);
  }
  // The preferred version is the most stable one served (v1 > v1beta1 > v1alpha1, v2 > v1).
  for (const g of groups.values()) {
    g.versions.sort(compareVersions);
    g.preferred = g.versions[0]!;
  }
  return [...groups.values()];
}

/** Kubernetes version priority: GA before beta before alpha, higher numbers first. */
export function compareVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [3, 0, 0];
    const stage = m[2] === 'alpha' ? 2 : m[2] === 'beta' ? 1 : 0;
    return [stage, -Number(m[1]), -Number(m[3] ?? 0)];
  };
  const ra = rank(a);
  const rb = rank(b);
  return ra[0] - rb[0] || ra[1] - rb[1] || ra[2] - rb[2] || a.localeCompare(b);
}

/** Types served at one group/version. */
export function typesAt(group: string, version: string): ResourceType[] {
  return RESOURCE_TYPES.filter((t) => t.group === group && servedVersions(t).includes(version));
}
