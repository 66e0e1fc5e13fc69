// A minimal OpenAPI v3 description: no schemas, only what clients probe for. kubectl 1.32
// validates manifests with `fieldValidation` on the server when the PATCH operation of the
// object's path advertises that query parameter (tagged with x-kubernetes-group-version-kind);
// without /openapi/v3 it refuses `create -f`/`apply` unless --validate=false. The simulator
// accepts the parameter and stores objects as given (no per-field validation).
import { apiGroups, typesAt } from '../resources.ts';

function gvPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

export function openapiV3Root(): object {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  const gvs: Array<[string, string]> = [['', 'v1']];
  for (const g of apiGroups()) for (const v of g.versions) gvs.push([g.name, v]);
  for (const [g, v] of gvs) paths[gvPath(g, v)] = { serverRelativeURL: `/openapi/v3/${gvPath(g, v)}` };
  return { paths };
}

/** undefined when nothing is served at group/version. */
export function openapiV3GroupVersion(group: string, version: string): object | undefined {
  const types = typesAt(group, version);
  if (types.length === 0) return undefined;
  const paths: Record<string, object> = {};
  for (const t of types) {
    const base = t.namespaced
      ? `/${gvPath(group, version)}/namespaces/{namespace}/${t.resource}`
      : `/${gvPath(group, version)}/${t.resource}`;
    const gvk = { group, version, kind: t.kind };
    const params = [
      { name: 'name', in: 'path', required: true, schema: { type: 'string' } },
      ...(t.namespaced
        ? [{ name: 'namespace', in: 'path', required: true, schema: { type: 'string' } }]
        : []),
    ];
    const query = ['dryRun', 'fieldManager', 'fieldValidation', 'pretty'].map((name) => ({
      name,
      in: 'query',
      schema: { type: 'string' },
    }));
    const op = (id: string) => ({
      operationId: `${id}${t.kind}`,
      parameters: query,
      responses: { '200': { description: 'OK' } },
      'x-kubernetes-action': id === 'patch' ? 'patch' : 'put',
      'x-kubernetes-group-version-kind': gvk,
    });
    paths[`${base}/{name}`] = { parameters: params, patch: op('patch'), put: op('replace') };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes (watchingcat simulator)', version: 'v1.32.4' },
    paths,
    components: { schemas: {} },
  };
}

export function openapiPathOf(pathname: string): { group: string; version: string } | 'root' | undefined {
  if (pathname === '/openapi/v3' || pathname === '/openapi/v3/') return 'root';
  let m = /^\/openapi\/v3\/api\/([^/]+)$/.exec(pathname);
  if (m) return { group: '', version: m[1]! };
  m = /^\/openapi\/v3\/apis\/([^/]+)\/([^/]+)$/.exec(pathname);
  if (m) return { group: m[1]!, version: m[2]! };
  return undefined;
}
