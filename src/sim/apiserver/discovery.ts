// Legacy (unaggregated) discovery documents. kubectl 1.32 first asks for aggregated discovery
// (apidiscovery.k8s.io/v2); a plain application/json answer makes it fall back to these.
import { apiGroups, apiVersionOf, typesAt, type ResourceType } from '../resources.ts';

export const KUBERNETES_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.4',
  gitCommit: '59526cd4867447956156ae3a602fcbac10a2c335',
  gitTreeState: 'clean',
  buildDate: '2025-04-22T16:00:00Z',
  goVersion: 'go1.23.6',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export function apiVersions(serverAddress: string): object {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupDoc(g: { name: string; versions: string[]; preferred: string }): object {
  return {
    name: g.name,
    versions: g.versions.map((v) => ({ groupVersion: `${g.name}/${v}`, version: v })),
    preferredVersion: { groupVersion: `${g.name}/${g.preferred}`, version: g.preferred },
  };
}

export function apiGroupList(): object {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: apiGroups().map(groupDoc) };
}

/** undefined when the group is not served. */
export function apiGroup(name: string): object | undefined {
  const g = apiGroups().find((x) => x.name === name);
  return g && { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(g) };
}

function resourceEntries(t: ResourceType): object[] {
  const main: Record<string, unknown> = {
    name: t.resource,
    singularName: t.singularName,
    namespaced: t.namespaced,
    kind: t.kind,
    verbs: t.verbs,
  };
  if (t.shortNames.length) main.shortNames = t.shortNames;
  if (t.categories.length) main.categories = t.categories;
  const subs = t.subresources.map((s) => ({
    name: `${t.resource}/${s}`,
    singularName: '',
    namespaced: t.namespaced,
    ...(s === 'scale' ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : { kind: t.kind }),
    verbs: ['get', 'patch', 'update'],
  }));
  return [main, ...subs];
}

/** undefined when nothing is served at group/version. */
export function apiResourceList(group: string, version: string): object | undefined {
  const types = typesAt(group, version);
  if (types.length === 0) return undefined;
  const doc: Record<string, unknown> = {
    kind: 'APIResourceList',
    groupVersion: apiVersionOf(group, version),
  };
  if (group !== '') doc.apiVersion = 'v1';
  doc.resources = types.flatMap(resourceEntries);
  return doc;
}
