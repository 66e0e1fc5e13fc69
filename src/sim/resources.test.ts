import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  apiGroups,
  compareVersions,
  lookupKind,
  lookupResource,
  lookupServed,
  lookupShortName,
  RESOURCE_TYPES,
  storageKey,
} from './resources.ts';

// kube-state-metrics v2.20 resources (enabled by default and opt-in) plus what kubectl users expect.
const REQUIRED: Array<[string, string, string, boolean]> = [
  ['certificates.k8s.io', 'v1', 'certificatesigningrequests', false],
  ['', 'v1', 'configmaps', true],
  ['batch', 'v1', 'cronjobs', true],
  ['apps', 'v1', 'daemonsets', true],
  ['apps', 'v1', 'deployments', true],
  ['discovery.k8s.io', 'v1', 'endpointslices', true],
  ['autoscaling', 'v2', 'horizontalpodautoscalers', true],
  ['networking.k8s.io', 'v1', 'ingresses', true],
  ['batch', 'v1', 'jobs', true],
  ['coordination.k8s.io', 'v1', 'leases', true],
  ['', 'v1', 'limitranges', true],
  ['admissionregistration.k8s.io', 'v1alpha1', 'mutatingadmissionpolicies', false],
  ['admissionregistration.k8s.io', 'v1', 'mutatingadmissionpolicies', false],
  ['admissionregistration.k8s.io', 'v1alpha1', 'mutatingadmissionpolicybindings', false],
  ['admissionregistration.k8s.io', 'v1', 'mutatingwebhookconfigurations', false],
  ['', 'v1', 'namespaces', false],
  ['networking.k8s.io', 'v1', 'networkpolicies', true],
  ['', 'v1', 'nodes', false],
  ['', 'v1', 'persistentvolumeclaims', true],
  ['', 'v1', 'persistentvolumes', false],
  ['policy', 'v1', 'poddisruptionbudgets', true],
  ['', 'v1', 'pods', true],
  ['apps', 'v1', 'replicasets', true],
  ['', 'v1', 'replicationcontrollers', true],
  ['', 'v1', 'resourcequotas', true],
  ['', 'v1', 'secrets', true],
  ['', 'v1', 'services', true],
  ['apps', 'v1', 'statefulsets', true],
  ['storage.k8s.io', 'v1', 'storageclasses', false],
  ['admissionregistration.k8s.io', 'v1', 'validatingadmissionpolicies', false],
  ['admissionregistration.k8s.io', 'v1', 'validatingadmissionpolicybindings', false],
  ['admissionregistration.k8s.io', 'v1', 'validatingwebhookconfigurations', false],
  ['storage.k8s.io', 'v1', 'volumeattachments', false],
  ['', 'v1', 'endpoints', true],
  ['', 'v1', 'serviceaccounts', true],
  ['', 'v1', 'events', true],
  ['events.k8s.io', 'v1', 'events', true],
  ['networking.k8s.io', 'v1', 'ingressclasses', false],
  ['rbac.authorization.k8s.io', 'v1', 'roles', true],
  ['rbac.authorization.k8s.io', 'v1', 'rolebindings', true],
  ['rbac.authorization.k8s.io', 'v1', 'clusterroles', false],
  ['rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', false],
  ['apps', 'v1', 'controllerrevisions', true],
];

test('every required resource is served at its group/version with the right scope', () => {
  for (const [g, v, r, namespaced] of REQUIRED) {
    const t = lookupServed(g, v, r);
    assert.ok(t, `${g}/${v} ${r}`);
    assert.equal(t.namespaced, namespaced, r);
    assert.equal(t.singularName, t.kind.toLowerCase());
  }
  assert.equal(lookupServed('apps', 'v1beta1', 'deployments'), undefined);
  assert.equal(new Set(RESOURCE_TYPES.map((t) => `${t.group}/${t.resource}`)).size, RESOURCE_TYPES.length);
});

test('lookups by kind and short name; events share one storage', () => {
  assert.equal(lookupShortName('deploy')?.resource, 'deployments');
  assert.equal(lookupShortName('po')?.kind, 'Pod');
  assert.equal(lookupShortName('ev')?.group, '', 'core events first');
  assert.equal(lookupKind('Event')?.group, '');
  assert.equal(lookupKind('Event', 'events.k8s.io/v1')?.group, 'events.k8s.io');
  assert.equal(
    lookupKind('MutatingAdmissionPolicy', 'admissionregistration.k8s.io/v1')?.resource,
    'mutatingadmissionpolicies',
  );
  assert.equal(lookupKind('Deployment', 'extensions/v1beta1'), undefined);
  assert.deepEqual(storageKey(lookupResource('events.k8s.io', 'events')!), { group: '', resource: 'events' });
  assert.deepEqual(storageKey(lookupResource('apps', 'deployments')!), {
    group: 'apps',
    resource: 'deployments',
  });
});

test('groups list versions most stable first', () => {
  assert.deepEqual(['v1alpha1', 'v2', 'v1beta1', 'v1', 'v2beta2'].sort(compareVersions), [
    'v2',
    'v1',
    'v2beta2',
    'v1beta1',
    'v1alpha1',
  ]);
  const adm = apiGroups().find((g) => g.name === 'admissionregistration.k8s.io')!;
  assert.deepEqual(adm.versions, ['v1', 'v1alpha1']);
  assert.equal(adm.preferred, 'v1');
});
