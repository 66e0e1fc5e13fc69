// The simulated cluster's Kubernetes API over plain HTTP (loopback), enough for the real kubectl
// and client libraries: discovery, CRUD + patch + status subresource, chunked lists with
// consistent snapshots, watches (resume, bookmarks, 410), selectors and server-side Tables.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { apiVersionOf, RESOURCE_TYPES, storageKey, type ResourceType } from '../resources.ts';
import type { KubeObject, ResourceKey } from '../types.ts';
import { SimApiError } from '../types.ts';
import { decodeContinue, encodeContinue } from './continue.ts';
import { fromVersion, toVersion } from './convert.ts';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, KUBERNETES_VERSION } from './discovery.ts';
import { openapiV3GroupVersion, openapiV3Root } from './openapi.ts';
import { applyPatch, patchTypeOf } from './patch.ts';
import { route, type Route } from './router.ts';
import { applyScale, scaleOf } from './scale.ts';
import { compileSelectors, type Matcher } from './selectors.ts';
import { objectJson } from './serialize.ts';
import { badRequest, failure, statusFromError, type StatusDetails } from './status.ts';
import { notFound, qualifiedResource, type ListResult, type ObjectStore } from './store.ts';
import { tableJson, type IncludeObject, type TableFormat } from './table.ts';
import { WatchHub, type WatchStats } from './watch.ts';

export interface ApiServerOptions {
  store: ObjectStore;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (ephemeral). */
  port?: number;
  /** When it returns a string, every API request needs `Authorization: Bearer <it>`. Read per request (rotation). */
  token?: () => string | undefined;
  /** Interval of BOOKMARK events for watches that allow them (default 60 s). */
  bookmarkIntervalMs?: number;
  /**
   * Unsent output a watcher may accumulate (beyond its initial events) before it is disconnected
   * (default 8 MiB, about 2,000 pod events). Worst-case watch memory is this times the watchers.
   */
  maxWatchBufferBytes?: number;
  /** Largest accepted request body (default 3 MiB, like kube-apiserver). */
  maxBodyBytes?: number;
}

export interface ApiServer {
  url: string;
  port: number;
  close(): Promise<void>;
  watchStats(): WatchStats;
}

type Res = ServerResponse;
type Resource = Extract<Route, { kind: 'resource' }>;

const JSON_CT = 'application/json';

function send(res: Res, code: number, body: string, contentType = JSON_CT): void {
  res.writeHead(code, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-cache, private',
  });
  res.end(body);
}

function sendStatus(res: Res, err: unknown, details?: StatusDetails): void {
  const s = statusFromError(err, details);
  send(res, s.code, JSON.stringify(s));
}

/** What representation the client asked for in Accept. */
interface Format {
  table?: TableFormat;
  /** as=PartialObjectMetadata / PartialObjectMetadataList. */
  metadataOnly?: boolean;
}

function negotiate(accept: string | undefined, query: URLSearchParams): Format {
  for (const range of (accept ?? '').split(',')) {
    const [mime, ...params] = range.split(';').map((s) => s.trim());
    if (mime !== 'application/json' && mime !== '*/*') continue;
    const p = Object.fromEntries(params.map((x) => x.split('=').map((s) => s.trim()) as [string, string]));
    if (!p.as) return {};
    if (p.g !== 'meta.k8s.io' || (p.v !== 'v1' && p.v !== 'v1beta1')) continue;
    if (p.as === 'Table') {
      const inc = query.get('includeObject') ?? 'Metadata';
      if (inc !== 'None' && inc !== 'Metadata' && inc !== 'Object') {
        throw badRequest(
          `includeObject: Unsupported value: "${inc}": supported values: "None", "Metadata", "Object"`,
        );
      }
      return { table: { includeObject: inc as IncludeObject, apiVersion: `meta.k8s.io/${p.v}` } };
    }
    if (p.as === 'PartialObjectMetadata' || p.as === 'PartialObjectMetadataList')
      return { metadataOnly: true };
  }
  return {};
}

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^\d+$/.test(v)) throw badRequest(`${name}: Invalid value: "${v}": must be a non-negative integer`);
  return Number(v);
}

/** The decoded body; with `optional`, undefined for an empty one (DELETE's DeleteOptions). */
async function readBody(req: IncomingMessage, max: number, optional = false): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > max)
      throw new SimApiError(413, 'RequestEntityTooLarge', `the request body is larger than ${max} bytes`);
    chunks.push(c);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') {
    if (optional) return undefined;
    throw badRequest('the request body is empty');
  }
  const ct = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
  if (ct === 'application/vnd.kubernetes.protobuf') {
    // What a real API server answers for a media type it cannot decode (e.g. protobuf for CRDs).
    throw new SimApiError(
      415,
      'UnsupportedMediaType',
      'the simulator does not decode protobuf request bodies; send application/json or application/yaml (kubectl: create/apply -f a manifest)',
    );
  }
  try {
    return ct === 'application/yaml' || ct === 'application/apply-patch+yaml'
      ? parseYaml(text)
      : JSON.parse(text);
  } catch (err) {
    throw badRequest(`the body could not be decoded as ${ct || 'JSON'}: ${(err as Error).message}`);
  }
}

function asObject(t: ResourceType, version: string, body: unknown): KubeObject {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw badRequest('the body must be a JSON object');
  const o = body as KubeObject;
  const want = apiVersionOf(t.group, version);
  if ((o.kind !== undefined && o.kind !== t.kind) || (o.apiVersion !== undefined && o.apiVersion !== want)) {
    throw badRequest(
      `the API version in the data (${o.apiVersion}) / kind (${o.kind}) does not match the expected API version (${want}) / kind (${t.kind})`,
    );
  }
  o.metadata ??= { name: '' };
  if (typeof o.metadata !== 'object') throw badRequest('metadata must be an object');
  return o;
}

const NAME_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function validateName(t: ResourceType, name: string): void {
  if (name.length > 253 || !NAME_RE.test(name)) {
    throw new SimApiError(
      422,
      'Invalid',
      `${t.kind} "${name}" is invalid: metadata.name: Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
    );
  }
}

class Handler {
  readonly store: ObjectStore;
  readonly hub: WatchHub;
  readonly opts: ApiServerOptions;
  address = '';

  constructor(opts: ApiServerOptions) {
    this.opts = opts;
    this.store = opts.store;
    this.hub = new WatchHub(opts.store, {
      ...(opts.bookmarkIntervalMs !== undefined && { bookmarkIntervalMs: opts.bookmarkIntervalMs }),
      ...(opts.maxWatchBufferBytes !== undefined && { maxBufferBytes: opts.maxWatchBufferBytes }),
    });
  }

  async handle(req: IncomingMessage, res: Res): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const r = route(url.pathname);
    if (r.kind === 'health') return send(res, 200, 'ok', 'text/plain; charset=utf-8');
    if (r.kind === 'version') return send(res, 200, JSON.stringify(KUBERNETES_VERSION));
    const token = this.opts.token?.();
    if (token !== undefined && req.headers.authorization !== `Bearer ${token}`) {
      return sendStatus(res, new SimApiError(401, 'Unauthorized', 'Unauthorized'));
    }
    const method = req.method ?? 'GET';
    if (r.kind === 'notFound') return this.notFoundPath(res);
    if (r.kind !== 'resource' && method !== 'GET') {
      return sendStatus(
        res,
        new SimApiError(
          405,
          'MethodNotAllowed',
          `the server does not allow this method on the requested resource`,
        ),
      );
    }
    switch (r.kind) {
      case 'api':
        return send(res, 200, JSON.stringify(apiVersions(this.address)));
      case 'apis':
        return send(res, 200, JSON.stringify(apiGroupList()));
      case 'group':
      case 'groupVersion': {
        const doc = r.kind === 'group' ? apiGroup(r.group) : apiResourceList(r.group, r.version);
        return doc ? send(res, 200, JSON.stringify(doc)) : this.notFoundPath(res);
      }
      case 'openapi': {
        const doc = r.root ? openapiV3Root() : openapiV3GroupVersion(r.group, r.version);
        return doc ? send(res, 200, JSON.stringify(doc)) : this.notFoundPath(res);
      }
      case 'resource':
        return this.resource(req, res, r, method, url.searchParams);
    }
  }

  private notFoundPath(res: Res): void {
    sendStatus(res, new SimApiError(404, 'NotFound', 'the server could not find the requested resource'), {});
  }

  private async resource(
    req: IncomingMessage,
    res: Res,
    r: Resource,
    method: string,
    q: URLSearchParams,
  ): Promise<void> {
    const details: StatusDetails = { kind: r.type.resource };
    if (r.group) details.group = r.group;
    if (r.name) details.name = r.name;
    try {
      const fmt = negotiate(req.headers.accept, q);
      const verb = this.verb(r, method, q);
      if (!r.type.verbs.includes(verb) && !(r.subresource && ['get', 'update', 'patch'].includes(verb))) {
        throw new SimApiError(
          405,
          'MethodNotAllowed',
          `${verb} is not supported on ${qualifiedResource(r.type)}`,
        );
      }
      switch (verb) {
        case 'get':
          return this.get(res, r, fmt);
        case 'list':
          return this.list(res, r, q, fmt);
        case 'watch':
          return this.watch(res, r, q, fmt);
        case 'create':
          return this.create(res, r, await readBody(req, this.maxBody()), q);
        case 'update':
          return this.update(res, r, await readBody(req, this.maxBody()), q);
        case 'patch':
          return this.patch(res, r, req.headers['content-type'], await readBody(req, this.maxBody()), q);
        case 'delete':
          return this.delete(res, r, deleteOptions(q, await readBody(req, this.maxBody(), true)));
        case 'deletecollection':
          return this.deleteCollection(
            res,
            r,
            q,
            deleteOptions(q, await readBody(req, this.maxBody(), true)),
          );
      }
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof SimApiError && err.code === 404 && r.name === undefined) delete details.name;
      sendStatus(res, err, details);
    }
  }

  private maxBody(): number {
    return this.opts.maxBodyBytes ?? 3 * 2 ** 20;
  }

  private verb(r: Resource, method: string, q: URLSearchParams): string {
    const watching = r.watchPath || q.get('watch') === '1' || q.get('watch') === 'true';
    const bad = () =>
      new SimApiError(
        405,
        'MethodNotAllowed',
        `the server does not allow this method on the requested resource`,
      );
    if (r.name === undefined) {
      if (r.subresource) throw bad();
      if (method === 'GET') return watching ? 'watch' : 'list';
      if (method === 'POST') {
        if (r.type.namespaced && r.namespace === undefined) throw bad();
        return 'create';
      }
      if (method === 'DELETE') return 'deletecollection';
      throw bad();
    }
    if (r.type.namespaced && r.namespace === undefined) throw notFoundResource();
    if (method === 'GET') {
      if (watching)
        throw badRequest(
          'watching a single object by name needs a fieldSelector=metadata.name=<name> list watch',
        );
      return 'get';
    }
    if (method === 'PUT') return 'update';
    if (method === 'PATCH') return 'patch';
    if (method === 'DELETE' && !r.subresource) return 'delete';
    throw bad();
  }

  private key(r: Resource): ResourceKey {
    return storageKey(r.type);
  }

  private current(r: Resource): KubeObject {
    const o = this.store.getShared(this.key(r), r.namespace, r.name!);
    if (!o) throw notFound(r.type, r.name!);
    return o;
  }

  private respondObject(res: Res, code: number, r: Resource, o: KubeObject, fmt: Format = {}): void {
    if (fmt.table) {
      return send(
        res,
        code,
        tableJson(r.type, r.version, [o], fmt.table, { resourceVersion: o.metadata.resourceVersion }),
      );
    }
    if (fmt.metadataOnly) {
      return send(
        res,
        code,
        JSON.stringify({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata }),
      );
    }
    send(res, code, objectJson(r.type, r.version, o));
  }

  private get(res: Res, r: Resource, fmt: Format): void {
    if (r.subresource === 'scale') return send(res, 200, JSON.stringify(scaleOf(this.current(r))));
    this.respondObject(res, 200, r, this.current(r), fmt);
  }

  /** PUT or PATCH of /scale: only spec.replicas changes. */
  private writeScale(res: Res, r: Resource, scale: unknown, q: URLSearchParams): void {
    const stored = this.put(r, applyScale(this.current(r), scale), q);
    send(res, 200, JSON.stringify(scaleOf(stored)));
  }

  private matcher(r: Resource, q: URLSearchParams): Matcher | undefined {
    return compileSelectors(r.type, q.get('labelSelector') ?? undefined, q.get('fieldSelector') ?? undefined);
  }

  private list(res: Res, r: Resource, q: URLSearchParams, fmt: Format): void {
    const limit = intParam(q, 'limit');
    const token = q.get('continue') || undefined;
    const rvParam = q.get('resourceVersion') || undefined;
    const match = q.get('resourceVersionMatch') || undefined;
    const filter = this.matcher(r, q);
    if (match && !rvParam)
      throw badRequest(
        'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided',
      );
    if (match && match !== 'Exact' && match !== 'NotOlderThan') {
      throw badRequest(
        `resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`,
      );
    }
    if (token && rvParam) throw badRequest('specifying resource version is not allowed when using continue');
    const rvNum = rvParam === undefined ? undefined : Number(rvParam);
    if (rvParam !== undefined && !/^\d+$/.test(rvParam))
      throw badRequest(`resourceVersion: Invalid value: "${rvParam}": must be a non-negative integer`);
    if (match === 'Exact' && rvNum === 0)
      throw badRequest('resourceVersionMatch "Exact" is forbidden for resourceVersion "0"');

    let at: number | undefined;
    let after: string | undefined;
    if (token) {
      const c = decodeContinue(token);
      if (c.rv < this.store.compactedResourceVersion()) {
        const s = failure(
          410,
          'Expired',
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
        );
        s.metadata.continue = encodeContinue({ rv: this.store.currentResourceVersion(), after: c.after });
        return send(res, 410, JSON.stringify(s));
      }
      at = c.rv;
      after = c.after;
    } else if (rvNum !== undefined && rvNum > 0) {
      if (rvNum > this.store.currentResourceVersion()) {
        throw new SimApiError(
          504,
          'Timeout',
          `Too large resource version: ${rvNum}, current: ${this.store.currentResourceVersion()}`,
        );
      }
      // Exact when asked, and (legacy semantics) when paginating from a given resourceVersion.
      if (match === 'Exact' || (match === undefined && limit)) at = rvNum;
    }
    const ns = r.type.namespaced ? r.namespace : undefined;
    const result: ListResult = this.store.listAt(this.key(r), {
      ...(ns !== undefined && { namespace: ns }),
      ...(at !== undefined && { resourceVersion: at }),
      ...(after !== undefined && { after }),
      ...(limit !== undefined && { limit }),
      ...(filter && { filter }),
    });
    const meta: Record<string, unknown> = { resourceVersion: String(result.resourceVersion) };
    if (result.continueAfter !== undefined) {
      meta.continue = encodeContinue({ rv: result.resourceVersion, after: result.continueAfter });
      if (result.remainingItemCount !== undefined) meta.remainingItemCount = result.remainingItemCount;
    }
    if (fmt.table) return send(res, 200, tableJson(r.type, r.version, result.items, fmt.table, meta));
    if (fmt.metadataOnly) {
      const items = result.items.map((o) => ({
        kind: 'PartialObjectMetadata',
        apiVersion: 'meta.k8s.io/v1',
        metadata: o.metadata,
      }));
      return send(
        res,
        200,
        JSON.stringify({
          kind: 'PartialObjectMetadataList',
          apiVersion: 'meta.k8s.io/v1',
          metadata: meta,
          items,
        }),
      );
    }
    const head = `{"kind":"${r.type.kind}List","apiVersion":"${apiVersionOf(r.group, r.version)}","metadata":${JSON.stringify(meta)},"items":[`;
    const parts: string[] = new Array<string>(result.items.length);
    for (let i = 0; i < result.items.length; i++) parts[i] = objectJson(r.type, r.version, result.items[i]!);
    send(res, 200, head + parts.join(',') + ']}');
  }

  private watch(res: Res, r: Resource, q: URLSearchParams, fmt: Format): void {
    const rvParam = q.get('resourceVersion') || undefined;
    if (rvParam !== undefined && !/^\d+$/.test(rvParam))
      throw badRequest(`resourceVersion: Invalid value: "${rvParam}": must be a non-negative integer`);
    const match = q.get('resourceVersionMatch') || undefined;
    if (match && match !== 'NotOlderThan')
      throw badRequest(`resourceVersionMatch: Unsupported value: "${match}" for watch`);
    const sendInitial = q.get('sendInitialEvents');
    const timeout = intParam(q, 'timeoutSeconds');
    // Without timeoutSeconds kube-apiserver picks 30-60 minutes so watchers spread their reconnects.
    const timeoutMs = timeout !== undefined ? timeout * 1000 : (1800 + Math.random() * 1800) * 1000;
    const rv = rvParam === undefined ? 0 : Number(rvParam);
    const initial = sendInitial === 'true' || (sendInitial !== 'false' && rv === 0);
    // resourceVersion 0 without initial events: start at any point, i.e. now.
    const since = rv === 0 ? this.store.currentResourceVersion() : rv;
    if (!initial && rv > this.store.currentResourceVersion()) {
      // E.g. an informer from before a simulator restart: clients relist on this error.
      throw new SimApiError(
        504,
        'Timeout',
        `Too large resource version: ${rv}, current: ${this.store.currentResourceVersion()}`,
      );
    }
    const filter = this.matcher(r, q);
    this.hub.serve(res, {
      type: r.type,
      version: r.version,
      ...(r.type.namespaced && r.namespace !== undefined && { namespace: r.namespace }),
      ...(filter && { matcher: filter }),
      ...(fmt.table && { table: fmt.table }),
      ...(!initial && { sinceRv: since }),
      initialEventsEnd: sendInitial === 'true',
      bookmarks: q.get('allowWatchBookmarks') === 'true' || q.get('allowWatchBookmarks') === '1',
      timeoutMs,
    });
  }

  private checkNamespace(r: Resource, o: KubeObject): void {
    if (!r.type.namespaced) return;
    const bodyNs = o.metadata.namespace;
    if (bodyNs && bodyNs !== r.namespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    o.metadata.namespace = r.namespace!;
  }

  private create(res: Res, r: Resource, body: unknown, q: URLSearchParams): void {
    const o = asObject(r.type, r.version, body);
    this.checkNamespace(r, o);
    if (
      r.type.namespaced &&
      !this.store.getShared({ group: '', resource: 'namespaces' }, undefined, r.namespace!)
    ) {
      throw new SimApiError(404, 'NotFound', `namespaces "${r.namespace}" not found`);
    }
    if (o.metadata.resourceVersion)
      throw badRequest('resourceVersion should not be set on objects to be created');
    if (o.metadata.name) validateName(r.type, o.metadata.name);
    // Server-owned fields are assigned by the store.
    delete o.metadata.uid;
    delete o.metadata.creationTimestamp;
    delete o.metadata.generation;
    delete o.metadata.managedFields;
    delete o.metadata.deletionTimestamp;
    // Status is the system's, not the creator's (as in kube-apiserver's create strategies; nodes
    // register with their status, so theirs is kept).
    if (r.type.subresources.includes('status') && !(r.group === '' && r.type.resource === 'nodes')) {
      if (r.group === '' && r.type.resource === 'pods') o.status = { phase: 'Pending' };
      else if (r.group === '' && r.type.resource === 'namespaces') o.status = { phase: 'Active' };
      else delete o.status;
    }
    if (dryRun(q)) return this.respondObject(res, 201, r, this.dryCreate(r, fromVersion(r.type, o)));
    const stored = this.store.create(this.key(r), fromVersion(r.type, o));
    this.respondObject(res, 201, r, stored);
  }

  /** dryRun=All create: the object as it would be stored, after the same checks, not stored. */
  private dryCreate(r: Resource, o: KubeObject): KubeObject {
    const m = o.metadata;
    if (!m.name && !m.generateName) {
      throw new SimApiError(
        422,
        'Invalid',
        `${r.type.kind} is invalid: metadata.name: Required value: name or generateName is required`,
      );
    }
    m.name ||= `${m.generateName}${randomUUID()
      .replace(/[^a-z]/g, '')
      .slice(0, 5)}`;
    if (this.store.getShared(this.key(r), m.namespace, m.name)) {
      throw new SimApiError(409, 'AlreadyExists', `${qualifiedResource(r.type)} "${m.name}" already exists`);
    }
    m.uid = randomUUID();
    m.creationTimestamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    if ('spec' in o) m.generation = 1;
    return { ...o, apiVersion: apiVersionOf(r.type.group, r.type.version), kind: r.type.kind };
  }

  /** The object to store for a PUT/PATCH result, honouring the status subresource split. */
  private merged(r: Resource, cur: KubeObject, next: KubeObject): KubeObject {
    checkName(r, next);
    this.checkNamespace(r, next);
    next.metadata.name = r.name!;
    const stored = fromVersion(r.type, next);
    if (r.subresource === 'status') {
      // Only status changes through /status; everything else stays.
      return {
        ...cur,
        metadata: { ...cur.metadata, resourceVersion: stored.metadata.resourceVersion },
        status: stored.status,
      };
    }
    if (r.type.subresources.includes('status')) {
      // ...and status does not change through the main resource.
      const out: KubeObject = { ...stored };
      if (cur.status === undefined) delete out.status;
      else out.status = cur.status;
      return out;
    }
    return stored;
  }

  /** store.update, or under dryRun=All the same checks and the result, not stored. */
  private put(r: Resource, next: KubeObject, q: URLSearchParams): KubeObject {
    if (!dryRun(q)) return this.store.update(this.key(r), next);
    const cur = this.current(r);
    const want = next.metadata.resourceVersion;
    if (want && want !== cur.metadata.resourceVersion) {
      throw new SimApiError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${qualifiedResource(r.type)} "${r.name}": the object has been modified; please apply your changes to the latest version and try again`,
      );
    }
    const m = cur.metadata;
    const metadata = {
      ...next.metadata,
      uid: m.uid,
      creationTimestamp: m.creationTimestamp,
      resourceVersion: m.resourceVersion,
    };
    return { ...next, apiVersion: cur.apiVersion, kind: cur.kind, metadata } as KubeObject;
  }

  private update(res: Res, r: Resource, body: unknown, q: URLSearchParams): void {
    if (r.subresource === 'scale') return this.writeScale(res, r, body, q);
    const o = asObject(r.type, r.version, body);
    checkName(r, o);
    const cur = this.current(r);
    const stored = this.put(r, this.merged(r, cur, o), q);
    this.respondObject(res, 200, r, stored);
  }

  private patch(
    res: Res,
    r: Resource,
    contentType: string | undefined,
    body: unknown,
    q: URLSearchParams,
  ): void {
    const type = patchTypeOf(contentType);
    const cur = this.current(r);
    if (r.subresource === 'scale') return this.writeScale(res, r, applyPatch(type, scaleOf(cur), body), q);
    // A private copy: stored objects are frozen, and patch results share unpatched parts.
    const served = structuredClone(toVersion(r.type, r.version, cur));
    const patched = applyPatch(type, served, body);
    const o = asObject(r.type, r.version, patched);
    const stored = this.put(r, this.merged(r, cur, o), q);
    this.respondObject(res, 200, r, stored);
  }

  private delete(res: Res, r: Resource, opts: DeleteOptions): void {
    const cur = this.current(r);
    const pre = opts.preconditions;
    for (const [field, want, have] of [
      ['UID', pre?.uid, cur.metadata.uid],
      ['ResourceVersion', pre?.resourceVersion, cur.metadata.resourceVersion],
    ] as const) {
      if (want && want !== have) {
        throw new SimApiError(
          409,
          'Conflict',
          `Precondition failed: ${field} in precondition: ${want}, ${field} in object meta: ${have}`,
        );
      }
    }
    if (opts.dryRun) return this.respondObject(res, 200, r, cur);
    this.respondObject(res, 200, r, this.deleteOne(r.type, r.namespace, r.name!, opts.propagation));
  }

  /** Deletes an object and, like the namespace controller and garbage collector, what depends on it. */
  private deleteOne(
    t: ResourceType,
    namespace: string | undefined,
    name: string,
    propagation: string,
  ): KubeObject {
    const gone = this.store.delete(storageKey(t), namespace, name);
    if (t.group === '' && t.resource === 'namespaces') {
      for (const nt of RESOURCE_TYPES) {
        if (!nt.namespaced || nt.storage) continue;
        for (const o of this.store.list(storageKey(nt), name))
          this.store.delete(storageKey(nt), name, o.metadata.name);
      }
    } else if (
      propagation !== 'Orphan' &&
      !(t.group === '' && (t.resource === 'pods' || t.resource === 'events'))
    ) {
      this.collectDependents(gone);
    }
    return gone;
  }

  private collectDependents(owner: KubeObject): void {
    const uid = owner.metadata.uid;
    if (!uid) return;
    for (const t of RESOURCE_TYPES) {
      if (t.storage) continue;
      const deps = this.store
        .list(storageKey(t), t.namespaced ? owner.metadata.namespace : undefined)
        .filter((o) => o.metadata.ownerReferences?.some((ref) => ref.uid === uid));
      for (const d of deps) {
        if (this.store.getShared(storageKey(t), d.metadata.namespace, d.metadata.name)) {
          this.deleteOne(t, d.metadata.namespace, d.metadata.name, 'Background');
        }
      }
    }
  }

  private deleteCollection(res: Res, r: Resource, q: URLSearchParams, opts: DeleteOptions): void {
    const dry = opts.dryRun;
    const filter = this.matcher(r, q);
    const ns = r.type.namespaced ? r.namespace : undefined;
    const victims = this.store
      .listAt(this.key(r), { ...(ns !== undefined && { namespace: ns }), ...(filter && { filter }) })
      .items.slice();
    const gone: string[] = [];
    const propagation = opts.propagation;
    for (const v of victims) {
      const { namespace, name } = v.metadata;
      if (!this.store.getShared(this.key(r), namespace, name)) continue; // gone with an earlier owner
      const o = dry ? v : this.deleteOne(r.type, namespace, name, propagation);
      gone.push(objectJson(r.type, r.version, o));
    }
    const meta = { resourceVersion: String(this.store.currentResourceVersion()) };
    send(
      res,
      200,
      `{"kind":"${r.type.kind}List","apiVersion":"${apiVersionOf(r.group, r.version)}","metadata":${JSON.stringify(meta)},"items":[${gone.join(',')}]}`,
    );
  }
}

interface DeleteOptions {
  dryRun: boolean;
  propagation: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** DeleteOptions from the query and/or the body (kubectl sends them in the body). */
function deleteOptions(q: URLSearchParams, body: unknown): DeleteOptions {
  const b = (body && typeof body === 'object' ? body : {}) as {
    dryRun?: unknown;
    propagationPolicy?: unknown;
    orphanDependents?: unknown;
    preconditions?: { uid?: string; resourceVersion?: string };
  };
  const dry = [...q.getAll('dryRun'), ...(Array.isArray(b.dryRun) ? (b.dryRun as string[]) : [])];
  const propagation =
    q.get('propagationPolicy') ??
    b.propagationPolicy ??
    (b.orphanDependents === true ? 'Orphan' : 'Background');
  if (propagation !== 'Orphan' && propagation !== 'Background' && propagation !== 'Foreground') {
    throw badRequest(
      `propagationPolicy: Unsupported value: "${String(propagation)}": supported values: "Foreground", "Background", "Orphan"`,
    );
  }
  const opts: DeleteOptions = { dryRun: dryRunValues(dry), propagation };
  if (b.preconditions && typeof b.preconditions === 'object') opts.preconditions = b.preconditions;
  return opts;
}

/** dryRun=All (the only value Kubernetes accepts); anything else is a 400. */
function dryRun(q: URLSearchParams): boolean {
  return dryRunValues(q.getAll('dryRun'));
}

function dryRunValues(v: string[]): boolean {
  if (v.length === 0) return false;
  if (v.every((x) => x === 'All')) return true;
  throw badRequest(`dryRun: Unsupported value: "${v.find((x) => x !== 'All')}": supported values: "All"`);
}

function checkName(r: Resource, o: KubeObject): void {
  if (o.metadata?.name && o.metadata.name !== r.name) {
    throw badRequest(
      `the name of the object (${o.metadata.name}) does not match the name on the URL (${r.name})`,
    );
  }
}

function notFoundResource(): SimApiError {
  return new SimApiError(404, 'NotFound', 'the server could not find the requested resource');
}

export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const h = new Handler(opts);
  const server = createServer((req, res) => {
    h.handle(req, res).catch((err: unknown) => {
      if (res.headersSent) res.destroy();
      else sendStatus(res, err);
    });
  });
  // Watches are long-lived; the kube-apiserver-like timeouts are per watch (timeoutSeconds).
  server.requestTimeout = 0;
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  h.address = `${host}:${addr.port}`;
  return {
    url: `http://${host}:${addr.port}`,
    port: addr.port,
    watchStats: () => h.hub.stats(),
    async close() {
      h.hub.closeAll();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
