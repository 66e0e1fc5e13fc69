import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { ObjectStore } from './store.ts';
import { startApiServer, type ApiServer, type ApiServerOptions } from './server.ts';
import type { KubeObject } from '../types.ts';

const PODS = { group: '', resource: 'pods' };

/** Decoded JSON bodies and watch events: the tests assert on their shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const NS = { group: '', resource: 'namespaces' };

interface Env {
  store: ObjectStore;
  server: ApiServer;
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Json; headers: Headers }>;
}

async function env(
  t: TestContext,
  opts: Partial<ApiServerOptions> & { historyLimit?: number } = {},
): Promise<Env> {
  const store = new ObjectStore(opts.historyLimit ? { historyLimit: opts.historyLimit } : {});
  const server = await startApiServer({ ...opts, store });
  t.after(() => server.close());
  return {
    store,
    server,
    async call(method, path, body, headers = {}) {
      const r = await fetch(server.url + path, {
        method,
        headers: { 'Content-Type': 'application/json', ...headers },
        ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const text = await r.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // plain text (healthz)
      }
      return { status: r.status, body: parsed, headers: r.headers };
    },
  };
}

function podObj(
  name: string,
  ns = 'default',
  labels: Record<string, string> = {},
  extra: Partial<KubeObject> = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels },
    spec: {
      nodeName: 'n1',
      containers: [
        { name: 'app', image: 'nginx', env: [{ name: 'A', value: '1' }], ports: [{ containerPort: 80 }] },
      ],
    },
    status: { phase: 'Pending' },
    ...extra,
  };
}

function seedNs(store: ObjectStore, ...names: string[]): void {
  for (const n of names) store.create(NS, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: n } });
}

/** A watch stream read line by line. */
async function watch(url: string, headers: Record<string, string> = {}) {
  const ac = new AbortController();
  const r = await fetch(url, { signal: ac.signal, headers });
  assert.equal(r.status, 200);
  const reader = r.body!.getReader();
  const dec = new TextDecoder();
  let buf = '';
  const lines: Json[] = [];
  let ended = false;
  const waiters: Array<() => void> = [];
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buf += dec.decode(value, { stream: true });
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          lines.push(JSON.parse(buf.slice(0, i)));
          buf = buf.slice(i + 1);
        }
        waiters.splice(0).forEach((w) => w());
      }
    } catch {
      // aborted
    }
    ended = true;
    waiters.splice(0).forEach((w) => w());
  })();
  return {
    lines,
    get ended() {
      return ended;
    },
    async next(timeoutMs = 2000): Promise<Json> {
      const deadline = Date.now() + timeoutMs;
      while (lines.length === 0) {
        if (ended) throw new Error('stream ended');
        if (Date.now() > deadline) throw new Error('timed out waiting for a watch event');
        await new Promise<void>((res) => {
          waiters.push(res);
          setTimeout(res, 50);
        });
      }
      return lines.shift();
    },
    async untilEnded(timeoutMs = 3000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!ended) {
        if (Date.now() > deadline) throw new Error('stream did not end');
        await new Promise((res) => setTimeout(res, 20));
      }
    },
    close: () => ac.abort(),
  };
}

test('discovery, version, health, openapi', async (t) => {
  const { call } = await env(t);
  const v = await call('GET', '/version');
  assert.match(v.body.gitVersion, /^v1\.32\.\d+$/);
  assert.equal((await call('GET', '/healthz')).body, 'ok');
  assert.equal((await call('GET', '/readyz')).status, 200);
  // kubectl's aggregated-discovery Accept gets the legacy document as plain JSON.
  const api = await call('GET', '/api', undefined, {
    Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
  });
  assert.equal(api.body.kind, 'APIVersions');
  assert.equal(api.headers.get('content-type'), 'application/json');
  const v1 = await call('GET', '/api/v1');
  const names = v1.body.resources.map((r: { name: string }) => r.name);
  for (const n of ['pods', 'pods/status', 'nodes', 'events', 'namespaces', 'configmaps', 'secrets'])
    assert.ok(names.includes(n), n);
  const pods = v1.body.resources.find((r: { name: string }) => r.name === 'pods');
  assert.deepEqual(pods.shortNames, ['po']);
  assert.equal(pods.namespaced, true);
  assert.ok(pods.verbs.includes('watch'));
  const apis = await call('GET', '/apis');
  const adm = apis.body.groups.find((g: { name: string }) => g.name === 'admissionregistration.k8s.io');
  assert.deepEqual(
    adm.versions.map((x: { version: string }) => x.version),
    ['v1', 'v1alpha1'],
  );
  assert.equal(adm.preferredVersion.version, 'v1');
  const auto = apis.body.groups.find((g: { name: string }) => g.name === 'autoscaling');
  assert.equal(auto.preferredVersion.groupVersion, 'autoscaling/v2');
  const alpha = await call('GET', '/apis/admissionregistration.k8s.io/v1alpha1');
  assert.deepEqual(
    alpha.body.resources
      .filter((r: { name: string }) => !r.name.includes('/'))
      .map((r: { name: string }) => r.name)
      .sort(),
    ['mutatingadmissionpolicies', 'mutatingadmissionpolicybindings'],
  );
  assert.equal((await call('GET', '/apis/coordination.k8s.io/v1')).body.resources[0].name, 'leases');
  assert.equal((await call('GET', '/apis/apps')).body.preferredVersion.version, 'v1');
  assert.equal((await call('GET', '/apis/nope.example.com')).status, 404);
  assert.equal((await call('GET', '/apis/apps/v1beta1')).status, 404);
  assert.equal((await call('GET', '/api/v1/nopes')).status, 404);
  const oa = await call('GET', '/openapi/v3');
  assert.ok(oa.body.paths['api/v1']);
  const oav1 = await call('GET', '/openapi/v3/api/v1');
  const patchOp = oav1.body.paths['/api/v1/namespaces/{namespace}/configmaps/{name}'].patch;
  assert.deepEqual(patchOp['x-kubernetes-group-version-kind'], {
    group: '',
    version: 'v1',
    kind: 'ConfigMap',
  });
  assert.ok(patchOp.parameters.some((p: { name: string }) => p.name === 'fieldValidation'));
});

test('bearer token: 401 without it, rotation honoured per request', async (t) => {
  let token: string | undefined = 'one';
  const { call } = await env(t, { token: () => token });
  const r = await call('GET', '/api/v1/pods');
  assert.equal(r.status, 401);
  assert.equal(r.body.kind, 'Status');
  assert.equal(r.body.reason, 'Unauthorized');
  assert.equal((await call('GET', '/api/v1/pods', undefined, { Authorization: 'Bearer one' })).status, 200);
  token = 'two';
  assert.equal((await call('GET', '/api/v1/pods', undefined, { Authorization: 'Bearer one' })).status, 401);
  assert.equal((await call('GET', '/api/v1/pods', undefined, { Authorization: 'Bearer two' })).status, 200);
  token = undefined;
  assert.equal((await call('GET', '/api/v1/pods')).status, 200, 'no token configured: open');
  assert.equal((await call('GET', '/healthz')).status, 200);
});

test('CRUD with Status errors', async (t) => {
  const { call, store } = await env(t);
  const noNs = await call('POST', '/api/v1/namespaces/shop/pods', podObj('a', 'shop'));
  assert.equal(noNs.status, 404);
  assert.equal(noNs.body.message, 'namespaces "shop" not found');
  assert.equal(
    (
      await call('POST', '/api/v1/namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'shop' },
      })
    ).status,
    201,
  );
  const c = await call('POST', '/api/v1/namespaces/shop/pods', {
    ...podObj('a', 'shop'),
    metadata: { name: 'a', uid: 'forged', labels: { app: 'web' } },
    status: { phase: 'Running' },
  });
  assert.equal(c.status, 201);
  assert.equal(c.body.metadata.namespace, 'shop', 'namespace from the URL');
  assert.notEqual(c.body.metadata.uid, 'forged');
  assert.deepEqual(c.body.status, { phase: 'Pending' }, 'status comes from the system on create');
  const dup = await call('POST', '/api/v1/namespaces/shop/pods', podObj('a', 'shop'));
  assert.equal(dup.status, 409);
  assert.equal(dup.body.reason, 'AlreadyExists');
  assert.deepEqual(dup.body.details, { kind: 'pods' });
  assert.equal((await call('POST', '/api/v1/namespaces/shop/pods', podObj('Bad_Name', 'shop'))).status, 422);
  assert.equal(
    (await call('POST', '/api/v1/namespaces/shop/pods', { ...podObj('x', 'shop'), kind: 'Service' })).status,
    400,
  );
  assert.equal(
    (await call('POST', '/api/v1/namespaces/other/pods', podObj('x', 'shop'))).status,
    400,
    'namespace mismatch',
  );
  assert.equal((await call('POST', '/api/v1/namespaces/shop/pods', '{not json')).status, 400);
  assert.equal((await call('POST', '/api/v1/namespaces/shop/pods/a', podObj('a', 'shop'))).status, 405);

  const got = await call('GET', '/api/v1/namespaces/shop/pods/a');
  assert.equal(got.body.metadata.resourceVersion, c.body.metadata.resourceVersion);
  const missing = await call('GET', '/api/v1/namespaces/shop/pods/zz');
  assert.equal(missing.status, 404);
  assert.deepEqual(
    {
      reason: missing.body.reason,
      message: missing.body.message,
      details: missing.body.details,
      code: missing.body.code,
    },
    { reason: 'NotFound', message: 'pods "zz" not found', details: { name: 'zz', kind: 'pods' }, code: 404 },
  );

  // PUT through the main resource: spec changes, status does not.
  const upd = structuredClone(got.body);
  upd.spec.containers[0].image = 'nginx:2';
  upd.status = { phase: 'Running' };
  const u = await call('PUT', '/api/v1/namespaces/shop/pods/a', upd);
  assert.equal(u.status, 200);
  assert.equal(u.body.spec.containers[0].image, 'nginx:2');
  assert.equal(u.body.status.phase, 'Pending');
  assert.equal(u.body.metadata.generation, 2);
  const stale = await call('PUT', '/api/v1/namespaces/shop/pods/a', upd);
  assert.equal(stale.status, 409);
  assert.equal(stale.body.reason, 'Conflict');
  // PUT /status: status changes, spec does not.
  const st = structuredClone(u.body);
  st.status = { phase: 'Running' };
  st.spec.containers[0].image = 'ignored';
  const s = await call('PUT', '/api/v1/namespaces/shop/pods/a/status', st);
  assert.equal(s.status, 200);
  assert.equal(s.body.status.phase, 'Running');
  assert.equal(s.body.spec.containers[0].image, 'nginx:2');
  assert.equal((await call('GET', '/api/v1/namespaces/shop/pods/a/status')).body.status.phase, 'Running');
  assert.equal(
    (
      await call('PUT', '/api/v1/namespaces/shop/pods/b', {
        ...upd,
        metadata: { ...upd.metadata, name: 'a' },
      })
    ).status,
    400,
  );

  const d = await call('DELETE', '/api/v1/namespaces/shop/pods/a');
  assert.equal(d.status, 200);
  assert.equal(d.body.metadata.name, 'a');
  assert.equal(store.get(PODS, 'shop', 'a'), undefined);
  assert.equal((await call('DELETE', '/api/v1/namespaces/shop/pods/a')).status, 404);
  // Namespaces have no deletecollection.
  assert.equal((await call('DELETE', '/api/v1/namespaces')).status, 405);
});

test('patch: merge, json, strategic (merge keys), apply rejected', async (t) => {
  const { call, store } = await env(t);
  seedNs(store, 'default');
  store.create(PODS, podObj('p', 'default', { a: '1' }));
  const url = '/api/v1/namespaces/default/pods/p';
  const merge = await call(
    'PATCH',
    url,
    { metadata: { labels: { a: null, b: '2' } } },
    { 'Content-Type': 'application/merge-patch+json' },
  );
  assert.equal(merge.status, 200);
  assert.deepEqual(merge.body.metadata.labels, { b: '2' });
  const smp = await call(
    'PATCH',
    url,
    {
      spec: {
        containers: [
          { name: 'app', image: 'nginx:3', env: [{ name: 'B', value: '2' }], ports: [{ containerPort: 81 }] },
          { name: 'side', image: 'busybox' },
        ],
      },
    },
    { 'Content-Type': 'application/strategic-merge-patch+json' },
  );
  assert.equal(smp.status, 200);
  const cs = smp.body.spec.containers;
  assert.deepEqual(
    cs.map((c: { name: string; image: string }) => `${c.name}=${c.image}`),
    ['app=nginx:3', 'side=busybox'],
  );
  assert.deepEqual(
    cs[0].env.map((e: { name: string }) => e.name),
    ['A', 'B'],
    'env merged by name',
  );
  assert.deepEqual(
    cs[0].ports.map((p: { containerPort: number }) => p.containerPort),
    [80, 81],
  );
  const del = await call(
    'PATCH',
    url,
    { spec: { containers: [{ name: 'side', $patch: 'delete' }] } },
    { 'Content-Type': 'application/strategic-merge-patch+json' },
  );
  assert.equal(del.body.spec.containers.length, 1);
  // A merge patch replaces lists.
  const mergeList = await call(
    'PATCH',
    url,
    { spec: { containers: [{ name: 'only', image: 'x' }] } },
    { 'Content-Type': 'application/merge-patch+json' },
  );
  assert.deepEqual(mergeList.body.spec.containers, [{ name: 'only', image: 'x' }]);
  const jp = await call(
    'PATCH',
    url,
    [
      { op: 'test', path: '/spec/containers/0/name', value: 'only' },
      { op: 'add', path: '/metadata/labels/c', value: '3' },
      { op: 'replace', path: '/spec/containers/0/image', value: 'y' },
    ],
    { 'Content-Type': 'application/json-patch+json' },
  );
  assert.equal(jp.status, 200);
  assert.equal(jp.body.metadata.labels.c, '3');
  assert.equal(jp.body.spec.containers[0].image, 'y');
  const failed = await call('PATCH', url, [{ op: 'test', path: '/spec/containers/0/name', value: 'nope' }], {
    'Content-Type': 'application/json-patch+json',
  });
  assert.equal(failed.status, 422);
  const rvConflict = await call(
    'PATCH',
    url,
    { metadata: { resourceVersion: '1' } },
    { 'Content-Type': 'application/merge-patch+json' },
  );
  assert.equal(rvConflict.status, 409);
  const apply = await call('PATCH', url, 'apiVersion: v1', {
    'Content-Type': 'application/apply-patch+yaml',
  });
  assert.equal(apply.status, 415);
  assert.match(apply.body.message, /server-side apply is not supported/);
  // Status subresource patch touches only status.
  const sp = await call(
    'PATCH',
    `${url}/status`,
    { status: { phase: 'Running' }, metadata: { labels: { z: '1' } } },
    { 'Content-Type': 'application/merge-patch+json' },
  );
  assert.equal(sp.body.status.phase, 'Running');
  assert.equal(sp.body.metadata.labels.z, undefined);
});

test('chunked lists: consistent snapshot across pages, remainingItemCount, expired continue', async (t) => {
  const { call, store } = await env(t, { historyLimit: 50 });
  seedNs(store, 'a', 'b');
  for (let i = 0; i < 25; i++)
    store.create(PODS, podObj(`p${String(i).padStart(2, '0')}`, i < 12 ? 'a' : 'b'));
  const p1 = await call('GET', '/api/v1/pods?limit=10');
  assert.equal(p1.body.kind, 'PodList');
  assert.equal(p1.body.items.length, 10);
  assert.equal(p1.body.metadata.remainingItemCount, 15);
  const snapshotRv = p1.body.metadata.resourceVersion;
  // Writes between pages are not visible in the continued list.
  store.create(PODS, podObj('p99', 'b'));
  store.mutate(PODS, 'b', 'p20', (o) => (o.metadata.labels = { changed: 'yes' }));
  const p2 = await call(
    'GET',
    `/api/v1/pods?limit=10&continue=${encodeURIComponent(p1.body.metadata.continue)}`,
  );
  assert.equal(p2.body.metadata.resourceVersion, snapshotRv);
  assert.equal(p2.body.metadata.remainingItemCount, 5);
  const p3 = await call(
    'GET',
    `/api/v1/pods?limit=10&continue=${encodeURIComponent(p2.body.metadata.continue)}`,
  );
  assert.equal(p3.body.items.length, 5);
  assert.equal(p3.body.metadata.continue, undefined);
  const all = [...p1.body.items, ...p2.body.items, ...p3.body.items];
  assert.equal(all.length, 25);
  assert.ok(!all.some((o) => o.metadata.name === 'p99'));
  assert.deepEqual(all.find((o) => o.metadata.name === 'p20').metadata.labels, {});
  // Namespaced list and selectors.
  const nsList = await call('GET', '/api/v1/namespaces/a/pods');
  assert.equal(nsList.body.items.length, 12);
  const sel = await call('GET', '/api/v1/pods?labelSelector=changed%3Dyes');
  assert.deepEqual(
    sel.body.items.map((o: KubeObject) => o.metadata.name),
    ['p20'],
  );
  assert.equal((await call('GET', '/api/v1/pods?labelSelector=a%20in%20(')).status, 400);
  assert.equal((await call('GET', '/api/v1/pods?fieldSelector=spec.bogus%3D1')).status, 400);
  assert.equal((await call('GET', '/api/v1/pods?limit=x')).status, 400);
  assert.equal((await call('GET', '/api/v1/pods?continue=garbage')).status, 400);
  // Exact / NotOlderThan.
  const exact = await call('GET', `/api/v1/pods?resourceVersion=${snapshotRv}&resourceVersionMatch=Exact`);
  assert.equal(exact.body.items.length, 25);
  assert.equal(exact.body.metadata.resourceVersion, snapshotRv);
  const newer = await call(
    'GET',
    `/api/v1/pods?resourceVersion=${snapshotRv}&resourceVersionMatch=NotOlderThan`,
  );
  assert.equal(newer.body.items.length, 26);
  assert.equal((await call('GET', '/api/v1/pods?resourceVersion=99999')).status, 504);
  assert.equal((await call('GET', '/api/v1/pods?resourceVersionMatch=Exact')).status, 400);
  // Enough writes to push the snapshot out of the history window.
  for (let i = 0; i < 60; i++)
    store.mutate(PODS, 'a', 'p00', (o) => (o.metadata.annotations = { i: String(i) }));
  const expired = await call(
    'GET',
    `/api/v1/pods?limit=10&continue=${encodeURIComponent(p1.body.metadata.continue)}`,
  );
  assert.equal(expired.status, 410);
  assert.equal(expired.body.reason, 'Expired');
  assert.ok(expired.body.metadata.continue, 'an inconsistent-continue token is offered');
  const oldExact = await call('GET', `/api/v1/pods?resourceVersion=${snapshotRv}&resourceVersionMatch=Exact`);
  assert.equal(oldExact.status, 410);
});

test('watch: initial ADDED, changes, resume, 410, legacy path, selectors', async (t) => {
  const { server, store } = await env(t, { historyLimit: 20 });
  seedNs(store, 'x', 'y');
  store.create(PODS, podObj('a', 'x', { app: 'web' }));
  store.create(PODS, podObj('b', 'y', { app: 'db' }));
  const w = await watch(`${server.url}/api/v1/namespaces/x/pods?watch=true`);
  t.after(() => w.close());
  const first = await w.next();
  assert.equal(first.type, 'ADDED');
  assert.equal(first.object.metadata.name, 'a');
  store.mutate(PODS, 'y', 'b', (o) => (o.metadata.annotations = { other: 'ns' }));
  store.mutate(PODS, 'x', 'a', (o) => (o.metadata.annotations = { n: '1' }));
  const mod = await w.next();
  assert.equal(mod.type, 'MODIFIED', 'the other namespace is filtered out');
  assert.equal(mod.object.metadata.annotations.n, '1');
  const resumeFrom = Number(mod.object.metadata.resourceVersion);
  store.delete(PODS, 'x', 'a');
  assert.equal((await w.next()).type, 'DELETED');

  // Resume after a known resourceVersion: only later events, no synthetic ADDED.
  store.create(PODS, podObj('c', 'x'));
  const r = await watch(`${server.url}/api/v1/watch/namespaces/x/pods?resourceVersion=${resumeFrom}`);
  t.after(() => r.close());
  const e1 = await r.next();
  const e2 = await r.next();
  assert.deepEqual(
    [e1.type, e1.object.metadata.name, e2.type, e2.object.metadata.name],
    ['DELETED', 'a', 'ADDED', 'c'],
  );

  // Label selector: an object that stops matching is DELETED for this watcher, and ADDED when it matches again.
  const s = await watch(
    `${server.url}/api/v1/pods?watch=1&labelSelector=app%3Ddb&resourceVersion=${store.currentResourceVersion()}`,
  );
  t.after(() => s.close());
  store.mutate(PODS, 'y', 'b', (o) => (o.metadata.labels = { app: 'other' }));
  store.mutate(PODS, 'y', 'b', (o) => (o.metadata.labels = { app: 'other', v: '2' }));
  store.mutate(PODS, 'y', 'b', (o) => (o.metadata.labels = { app: 'db' }));
  const s1 = await s.next();
  const s2 = await s.next();
  assert.deepEqual([s1.type, s2.type], ['DELETED', 'ADDED']);
  assert.equal(s1.object.metadata.labels.app, 'other');

  // Too old: an ERROR event carrying a 410 Expired Status, then the stream ends.
  for (let i = 0; i < 30; i++)
    store.mutate(PODS, 'x', 'c', (o) => (o.metadata.annotations = { i: String(i) }));
  const old = await watch(`${server.url}/api/v1/pods?watch=1&resourceVersion=1`);
  const err = await old.next();
  assert.equal(err.type, 'ERROR');
  assert.equal(err.object.kind, 'Status');
  assert.equal(err.object.code, 410);
  assert.equal(err.object.reason, 'Expired');
  await old.untilEnded();

  // From the future (a client of an earlier simulator run): 504, which makes clients relist.
  const future = await fetch(
    `${server.url}/api/v1/pods?watch=1&resourceVersion=${store.currentResourceVersion() + 10}`,
  );
  assert.equal(future.status, 504);
  assert.match(((await future.json()) as { message: string }).message, /^Too large resource version/);
});

test('watch: bookmarks, timeoutSeconds, sendInitialEvents', async (t) => {
  const { server, store } = await env(t, { bookmarkIntervalMs: 50 });
  seedNs(store, 'x');
  store.create(PODS, podObj('a', 'x'));
  const w = await watch(
    `${server.url}/api/v1/pods?watch=1&allowWatchBookmarks=true&resourceVersion=${store.currentResourceVersion()}`,
  );
  t.after(() => w.close());
  const bm = await w.next();
  assert.equal(bm.type, 'BOOKMARK');
  assert.deepEqual(bm.object, {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: { resourceVersion: String(store.currentResourceVersion()) },
  });

  const started = Date.now();
  const timed = await watch(
    `${server.url}/api/v1/pods?watch=1&timeoutSeconds=1&resourceVersion=${store.currentResourceVersion()}`,
  );
  await timed.untilEnded(3000);
  const took = Date.now() - started;
  assert.ok(took >= 900 && took < 2500, `ended after ${took} ms`);

  const init = await watch(
    `${server.url}/api/v1/pods?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`,
  );
  t.after(() => init.close());
  assert.equal((await init.next()).type, 'ADDED');
  const end = await init.next();
  assert.equal(end.type, 'BOOKMARK');
  assert.equal(end.object.metadata.annotations['k8s.io/initial-events-end'], 'true');
});

test('a watcher that does not read is disconnected once its buffer bound is exceeded', async (t) => {
  const { server, store } = await env(t, { maxWatchBufferBytes: 1024 * 1024 });
  seedNs(store, 'x');
  store.create(PODS, podObj('a', 'x'));
  const fast = await watch(
    `${server.url}/api/v1/pods?watch=1&resourceVersion=${store.currentResourceVersion()}`,
  );
  t.after(() => fast.close());
  // A raw client that never consumes the body.
  const req = httpRequest(
    `${server.url}/api/v1/pods?watch=1&resourceVersion=${store.currentResourceVersion()}`,
  );
  const res = await new Promise<IncomingMessage>((r) => req.once('response', r).end());
  res.pause();
  t.after(() => req.destroy());
  // Loopback socket buffers absorb several MiB before the server's own queue grows.
  const big = 'x'.repeat(64 * 1024);
  for (let i = 0; i < 2000 && server.watchStats().slowClosed === 0; i++) {
    store.mutate(PODS, 'x', 'a', (o) => (o.metadata.annotations = { big, i: String(i) }));
    await new Promise((r) => setImmediate(r));
  }
  assert.equal(server.watchStats().slowClosed, 1);
  // The reading watcher is unaffected.
  let last;
  for (;;) {
    last = await fast.next();
    if (fast.lines.length === 0) break;
  }
  assert.equal(last.type, 'MODIFIED');
  assert.equal(server.watchStats().active, 1);
});

test('server-side Tables for lists, gets and watches', async (t) => {
  const { call, server, store } = await env(t);
  seedNs(store, 'x');
  store.create(
    PODS,
    podObj(
      'a',
      'x',
      {},
      {
        status: {
          phase: 'Running',
          podIP: '10.0.0.1',
          containerStatuses: [{ name: 'app', ready: true, restartCount: 2, state: { running: {} } }],
        },
      },
    ),
  );
  const accept = {
    Accept:
      'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json',
  };
  const tbl = await call('GET', '/api/v1/namespaces/x/pods', undefined, accept);
  assert.equal(tbl.body.kind, 'Table');
  assert.equal(tbl.body.apiVersion, 'meta.k8s.io/v1');
  assert.deepEqual(
    tbl.body.columnDefinitions.map((c: { name: string; priority: number }) => `${c.name}:${c.priority}`),
    [
      'Name:0',
      'Ready:0',
      'Status:0',
      'Restarts:0',
      'Age:0',
      'IP:1',
      'Node:1',
      'Nominated Node:1',
      'Readiness Gates:1',
    ],
  );
  const row = tbl.body.rows[0];
  assert.deepEqual(row.cells.slice(0, 4), ['a', '1/1', 'Running', '2']);
  assert.deepEqual(row.cells.slice(5, 7), ['10.0.0.1', 'n1']);
  assert.equal(row.object.kind, 'PartialObjectMetadata');
  assert.equal(row.object.metadata.namespace, 'x');
  const full = await call('GET', '/api/v1/namespaces/x/pods/a?includeObject=Object', undefined, accept);
  assert.equal(full.body.rows[0].object.kind, 'Pod');
  const none = await call('GET', '/api/v1/namespaces/x/pods?includeObject=None', undefined, accept);
  assert.equal(none.body.rows[0].object, undefined);
  const ns = await call('GET', '/api/v1/namespaces', undefined, accept);
  assert.deepEqual(
    ns.body.columnDefinitions.map((c: { name: string }) => c.name),
    ['Name', 'Status', 'Age'],
  );
  const w = await watch(`${server.url}/api/v1/namespaces/x/pods?watch=1`, accept);
  t.after(() => w.close());
  const e = await w.next();
  assert.equal(e.type, 'ADDED');
  assert.equal(e.object.kind, 'Table');
  assert.equal(e.object.rows[0].cells[0], 'a');
  assert.ok(e.object.columnDefinitions?.length, 'first event carries the columns');
  store.mutate(PODS, 'x', 'a', (o) => (o.metadata.labels = { l: '1' }));
  const e2 = await w.next();
  assert.equal(e2.object.columnDefinitions, null);
  assert.equal(e2.object.rows[0].cells[0], 'a');
});

test('events.k8s.io/v1 is a view of core v1 events; MutatingAdmissionPolicy at two versions', async (t) => {
  const { call, store } = await env(t);
  seedNs(store, 'x');
  const core = await call('POST', '/api/v1/namespaces/x/events', {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'e1' },
    involvedObject: { kind: 'Pod', name: 'p', namespace: 'x' },
    reason: 'Pulled',
    message: 'pulled it',
    source: { component: 'kubelet', host: 'n1' },
    count: 2,
    type: 'Normal',
    firstTimestamp: '2026-01-01T00:00:00Z',
    lastTimestamp: '2026-01-01T00:01:00Z',
  });
  assert.equal(core.status, 201);
  const v1 = await call('GET', '/apis/events.k8s.io/v1/namespaces/x/events/e1');
  assert.equal(v1.body.apiVersion, 'events.k8s.io/v1');
  assert.equal(v1.body.note, 'pulled it');
  assert.deepEqual(v1.body.regarding, { kind: 'Pod', name: 'p', namespace: 'x' });
  assert.equal(v1.body.reportingController, 'kubelet');
  assert.equal(v1.body.deprecatedCount, 2);
  assert.equal(v1.body.deprecatedLastTimestamp, '2026-01-01T00:01:00Z');
  const created = await call('POST', '/apis/events.k8s.io/v1/namespaces/x/events', {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: 'e2' },
    eventTime: '2026-01-01T00:00:00.000000Z',
    reportingController: 'sim/engine',
    reportingInstance: 'sim',
    action: 'Scheduling',
    reason: 'Scheduled',
    regarding: { kind: 'Pod', name: 'q', namespace: 'x' },
    note: 'assigned',
    type: 'Normal',
  });
  assert.equal(created.status, 201);
  assert.equal(created.body.note, 'assigned');
  const asCore = await call('GET', '/api/v1/namespaces/x/events/e2');
  assert.equal(asCore.body.message, 'assigned');
  assert.equal(asCore.body.involvedObject.name, 'q');
  assert.equal(asCore.body.reportingComponent, 'sim/engine');
  const byField = await call('GET', '/apis/events.k8s.io/v1/events?fieldSelector=regarding.name%3Dq');
  assert.deepEqual(
    byField.body.items.map((e: KubeObject) => e.metadata.name),
    ['e2'],
  );
  assert.equal(byField.body.kind, 'EventList');

  const map = await call('POST', '/apis/admissionregistration.k8s.io/v1alpha1/mutatingadmissionpolicies', {
    apiVersion: 'admissionregistration.k8s.io/v1alpha1',
    kind: 'MutatingAdmissionPolicy',
    metadata: { name: 'm' },
    spec: {},
  });
  assert.equal(map.status, 201);
  const asV1 = await call('GET', '/apis/admissionregistration.k8s.io/v1/mutatingadmissionpolicies');
  assert.equal(asV1.body.apiVersion, 'admissionregistration.k8s.io/v1');
  assert.equal(asV1.body.items[0].apiVersion, 'admissionregistration.k8s.io/v1');
});

test('deletecollection, namespace and owner cascades', async (t) => {
  const { call, store } = await env(t);
  seedNs(store, 'x', 'y');
  for (const n of ['a', 'b', 'c']) store.create(PODS, podObj(n, 'x', { app: n === 'c' ? 'keep' : 'drop' }));
  const dc = await call('DELETE', '/api/v1/namespaces/x/pods?labelSelector=app%3Ddrop');
  assert.equal(dc.status, 200);
  assert.deepEqual(
    dc.body.items.map((o: KubeObject) => o.metadata.name),
    ['a', 'b'],
  );
  assert.deepEqual(
    store.list(PODS).map((o) => o.metadata.name),
    ['c'],
  );
  const rs = store.create(
    { group: 'apps', resource: 'replicasets' },
    { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs', namespace: 'y' }, spec: {} },
  );
  store.create(PODS, podObj('owned', 'y', {}, {}));
  store.mutate(PODS, 'y', 'owned', (o) => {
    o.metadata.ownerReferences = [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: rs.metadata.uid! },
    ];
  });
  store.create(PODS, podObj('free', 'y'));
  // Orphan keeps dependents; the default (Background) collects them.
  const rs2 = store.create(
    { group: 'apps', resource: 'replicasets' },
    { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs2', namespace: 'y' }, spec: {} },
  );
  store.create(PODS, {
    ...podObj('orphan', 'y'),
    metadata: {
      name: 'orphan',
      namespace: 'y',
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs2', uid: rs2.metadata.uid! }],
    },
  });
  assert.equal(
    (await call('DELETE', '/apis/apps/v1/namespaces/y/replicasets/rs2', { propagationPolicy: 'Orphan' }))
      .status,
    200,
  );
  assert.ok(store.get(PODS, 'y', 'orphan'));
  store.delete(PODS, 'y', 'orphan');
  assert.equal((await call('DELETE', '/apis/apps/v1/namespaces/y/replicasets/rs')).status, 200);
  assert.deepEqual(
    store.list(PODS, 'y').map((o) => o.metadata.name),
    ['free'],
  );
  assert.equal((await call('DELETE', '/api/v1/namespaces/x')).status, 200);
  assert.equal(store.list(PODS, 'x').length, 0);
  assert.equal(store.list(PODS, 'y').length, 1);
});

test('scale subresource: get, put, patch', async (t) => {
  const { call, store } = await env(t);
  seedNs(store, 'x');
  store.create(
    { group: 'apps', resource: 'deployments' },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', namespace: 'x' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'd' } } },
      status: { replicas: 2 },
    },
  );
  const url = '/apis/apps/v1/namespaces/x/deployments/d/scale';
  const g = await call('GET', url);
  assert.deepEqual(
    [g.body.kind, g.body.apiVersion, g.body.spec, g.body.status],
    ['Scale', 'autoscaling/v1', { replicas: 2 }, { replicas: 2, selector: 'app=d' }],
  );
  const p = await call('PUT', url, { ...g.body, spec: { replicas: 4 } });
  assert.equal(p.status, 200);
  assert.equal(p.body.spec.replicas, 4);
  assert.equal(
    (await call('PUT', url, { ...g.body, spec: { replicas: 5 } })).status,
    409,
    'stale resourceVersion',
  );
  const m = await call(
    'PATCH',
    url,
    { spec: { replicas: 1 } },
    { 'Content-Type': 'application/merge-patch+json' },
  );
  assert.equal(m.body.spec.replicas, 1);
  assert.equal(
    (await call('PATCH', url, { spec: { replicas: -1 } }, { 'Content-Type': 'application/merge-patch+json' }))
      .status,
    422,
  );
  const dep = store.get({ group: 'apps', resource: 'deployments' }, 'x', 'd')!;
  assert.equal((dep.spec as { replicas: number }).replicas, 1);
  assert.equal(dep.metadata.generation, 3);
  const disc = await call('GET', '/apis/apps/v1');
  const scale = disc.body.resources.find((r: { name: string }) => r.name === 'deployments/scale');
  assert.deepEqual([scale.group, scale.version, scale.kind], ['autoscaling', 'v1', 'Scale']);
  assert.equal((await call('GET', '/api/v1/namespaces/x/pods/p/scale')).status, 404);
});

test('dryRun=All validates and answers without storing', async (t) => {
  const { call, store } = await env(t);
  seedNs(store, 'x');
  store.create(PODS, podObj('a', 'x'));
  const rv = store.currentResourceVersion();
  const c = await call('POST', '/api/v1/namespaces/x/pods?dryRun=All', podObj('b', 'x'));
  assert.equal(c.status, 201);
  assert.equal(c.body.metadata.name, 'b');
  assert.match(c.body.metadata.uid, /^[0-9a-f-]{36}$/);
  assert.equal((await call('POST', '/api/v1/namespaces/x/pods?dryRun=All', podObj('a', 'x'))).status, 409);
  const p = await call(
    'PATCH',
    '/api/v1/namespaces/x/pods/a?dryRun=All',
    { metadata: { labels: { d: 'ry' } } },
    { 'Content-Type': 'application/merge-patch+json' },
  );
  assert.equal(p.status, 200);
  assert.equal(p.body.metadata.labels.d, 'ry');
  assert.equal((await call('DELETE', '/api/v1/namespaces/x/pods/a?dryRun=All')).status, 200);
  assert.equal((await call('DELETE', '/api/v1/namespaces/x/pods?dryRun=All')).body.items.length, 1);
  assert.equal((await call('DELETE', '/api/v1/namespaces/x/pods/a?dryRun=Yes')).status, 400);
  // kubectl sends DeleteOptions in the body.
  assert.equal(
    (
      await call('DELETE', '/api/v1/namespaces/x/pods/a', {
        kind: 'DeleteOptions',
        apiVersion: 'v1',
        dryRun: ['All'],
      })
    ).status,
    200,
  );
  const pre = await call('DELETE', '/api/v1/namespaces/x/pods/a', { preconditions: { uid: 'other' } });
  assert.equal(pre.status, 409);
  assert.match(pre.body.message, /^Precondition failed: UID/);
  assert.equal(store.currentResourceVersion(), rv, 'nothing was written');
  assert.deepEqual(
    store.list(PODS).map((o) => [o.metadata.name, o.metadata.labels]),
    [['a', {}]],
  );
});
