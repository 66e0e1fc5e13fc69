// URL paths of the Kubernetes API → what they address. No framework: the path grammar is small.
//   /api, /api/v1, /apis, /apis/{g}, /apis/{g}/{v}                           discovery
//   {prefix}/[watch/][namespaces/{ns}/]{resource}[/{name}[/{subresource}]]    resources
import { lookupServed, type ResourceType } from '../resources.ts';
import { openapiPathOf } from './openapi.ts';

export type Route =
  | { kind: 'version' }
  | { kind: 'health' }
  | { kind: 'openapi'; root: true }
  | { kind: 'openapi'; root: false; group: string; version: string }
  | { kind: 'api' }
  | { kind: 'apis' }
  | { kind: 'group'; group: string }
  | { kind: 'groupVersion'; group: string; version: string }
  | {
      kind: 'resource';
      type: ResourceType;
      group: string;
      version: string;
      namespace?: string;
      name?: string;
      subresource?: string;
      /** The legacy /watch/ path prefix was used. */
      watchPath: boolean;
    }
  | { kind: 'notFound' };

const HEALTH = new Set(['healthz', 'readyz', 'livez']);

export function route(pathname: string): Route {
  const oa = openapiPathOf(pathname);
  if (oa === 'root') return { kind: 'openapi', root: true };
  if (oa) return { kind: 'openapi', root: false, group: oa.group, version: oa.version };
  let segs: string[];
  try {
    segs = pathname
      .split('/')
      .filter((s) => s !== '')
      .map(decodeURIComponent);
  } catch {
    return { kind: 'notFound' };
  }
  const [head, ...rest] = segs;
  if (head === 'version' && rest.length === 0) return { kind: 'version' };
  if (head !== undefined && HEALTH.has(head)) return { kind: 'health' };
  if (head === 'api') {
    if (rest.length === 0) return { kind: 'api' };
    if (rest.length === 1) return { kind: 'groupVersion', group: '', version: rest[0]! };
    return resourceRoute('', rest[0]!, rest.slice(1));
  }
  if (head === 'apis') {
    if (rest.length === 0) return { kind: 'apis' };
    if (rest.length === 1) return { kind: 'group', group: rest[0]! };
    if (rest.length === 2) return { kind: 'groupVersion', group: rest[0]!, version: rest[1]! };
    return resourceRoute(rest[0]!, rest[1]!, rest.slice(2));
  }
  return { kind: 'notFound' };
}

function resourceRoute(group: string, version: string, segs: string[]): Route {
  let rest = segs;
  const watchPath = rest[0] === 'watch';
  if (watchPath) rest = rest.slice(1);
  let namespace: string | undefined;
  // namespaces/{ns}/{resource}... addresses namespaced resources; namespaces/{ns}[/status] is the Namespace itself.
  if (rest[0] === 'namespaces' && rest.length >= 3 && rest[2] !== 'status' && rest[2] !== 'finalize') {
    namespace = rest[1]!;
    rest = rest.slice(2);
  }
  if (rest.length === 0 || rest.length > 3) return { kind: 'notFound' };
  const type = lookupServed(group, version, rest[0]!);
  if (!type) return { kind: 'notFound' };
  if (namespace !== undefined && !type.namespaced) return { kind: 'notFound' };
  const sub = rest[2];
  if (sub !== undefined && !type.subresources.includes(sub)) return { kind: 'notFound' };
  const r: Route = { kind: 'resource', type, group, version, watchPath };
  if (namespace !== undefined) r.namespace = namespace;
  if (rest[1] !== undefined) r.name = rest[1];
  if (sub !== undefined) r.subresource = sub;
  return r;
}
