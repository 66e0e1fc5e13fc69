// The REST API against an embedded store filled through insertTraces, via fastify's inject
// (plus one real listen). A failing fake storage checks the 503 path.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { bytes, defaultSpan } from '../codecs/otlp/testdata/fixtures.ts';
import type { TracesData, Span } from '../model/traces.ts';
import type { Storage } from '../storage/connection.ts';
import { embeddedStoreForTest } from '../storage/testdata/embedded-store.ts';
import { insertTraces } from '../storage/writer.ts';
import { silentLogger } from '../telemetry/logger.ts';
import { buildApi, startApi } from './server.ts';

const NOW = 1_750_000_000_000_000_000n; // 2025-06-15T15:06:40Z
const MS = 1_000_000n;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

// Four traces from 'api' (server root + client child to 'db'); trace i lasts (i+1)*10 ms,
// starts i seconds after NOW-1min; trace 3 fails.
function data(): TracesData {
  const spans: Span[] = [];
  for (let i = 0; i < 4; i++) {
    const start = NOW - 60_000n * MS + BigInt(i) * 1000n * MS;
    spans.push({
      ...defaultSpan(),
      traceId: bytes(16, 10 + i),
      spanId: bytes(8, 20 + i),
      name: 'GET /items',
      kind: 2,
      startTimeUnixNano: start,
      endTimeUnixNano: start + BigInt(i + 1) * 10n * MS,
      attributes: [
        { key: 'http.method', value: { stringValue: i % 2 ? 'POST' : 'GET' } },
        { key: 'retries', value: { intValue: 9_007_199_254_740_993n } },
        { key: 'ratio', value: { doubleValue: 0.5 } },
      ],
      events: [
        {
          timeUnixNano: start + MS,
          name: 'cache miss',
          attributes: [{ key: 'k', value: { boolValue: true } }],
          droppedAttributesCount: 0,
        },
      ],
      status: i === 3 ? { code: 2, message: 'boom' } : { code: 0, message: '' },
    });
  }
  const group = (service: string, s: Span[]) => ({
    resource: {
      attributes: [{ key: 'service.name', value: { stringValue: service } }],
      droppedAttributesCount: 0,
    },
    schemaUrl: '',
    scopeSpans: [
      {
        scope: { name: 'lib', version: '1', attributes: [], droppedAttributesCount: 0 },
        schemaUrl: '',
        spans: s,
      },
    ],
  });
  const children: Span[] = spans.map((p, i) => ({
    ...defaultSpan(),
    traceId: p.traceId,
    spanId: bytes(8, 40 + i),
    parentSpanId: p.spanId,
    name: 'SELECT',
    kind: 3,
    startTimeUnixNano: p.startTimeUnixNano + MS,
    endTimeUnixNano: p.startTimeUnixNano + 2n * MS,
  }));
  return { resourceSpans: [group('api', spans), group('db', children)] };
}

let store: Storage | undefined;
let unavailable = '';
let closeStore = async (): Promise<void> => {};
let app: FastifyInstance | undefined;
let secured: FastifyInstance | undefined;

before(async () => {
  ({ storage: store, unavailable, close: closeStore } = await embeddedStoreForTest('wc-api-'));
  if (!store) return;
  await insertTraces(store, data());
  app = buildApi({ storage: store, logger: silentLogger(), nowNs: () => NOW });
  secured = buildApi({ storage: store, logger: silentLogger(), nowNs: () => NOW, token: 's3cret' });
});
after(async () => {
  await app?.close();
  await secured?.close();
  await closeStore();
});

async function get(url: string, headers: Record<string, string> = {}, a = app) {
  const res = await a!.inject({ method: 'GET', url, headers });
  return {
    status: res.statusCode,
    body: res.json() as Record<string, unknown> & { error?: { code: string; message: string } },
  };
}

describe('with a filled embedded store', () => {
  test('GET /health reports the storage', async (t) => {
    if (!app) return t.skip(unavailable);
    const r = await get('/health');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, {
      status: 'ok',
      storage: { status: 'ok', kind: 'chdb', database: 'watchingcat' },
    });
  });

  test('GET /api/v1/traces/{id}: every span, exact ids, times, attributes, events, status', async (t) => {
    if (!app) return t.skip(unavailable);
    const d = data();
    const parent = d.resourceSpans[0]!.scopeSpans[0]!.spans[3]!;
    const r = await get(`/api/v1/traces/${hex(parent.traceId).toUpperCase()}`);
    assert.equal(r.status, 200);
    const spans = r.body['spans'] as Array<Record<string, unknown>>;
    assert.equal(r.body['traceId'], hex(parent.traceId));
    assert.deepEqual(
      spans.map((s) => s['name']),
      ['GET /items', 'SELECT'],
    );
    const s = spans[0]!;
    assert.equal(s['spanId'], hex(parent.spanId));
    assert.equal(s['parentSpanId'], '');
    assert.equal(s['startTimeUnixNano'], String(parent.startTimeUnixNano));
    assert.equal(s['endTimeUnixNano'], String(parent.endTimeUnixNano));
    assert.equal(s['durationNano'], String(40n * MS));
    assert.equal(s['service'], 'api');
    assert.deepEqual(s['attributes'], [
      { key: 'http.method', value: { stringValue: 'POST' } },
      { key: 'retries', value: { intValue: '9007199254740993' } },
      { key: 'ratio', value: { doubleValue: 0.5 } },
    ]);
    assert.deepEqual(s['events'], [
      {
        timeUnixNano: String(parent.startTimeUnixNano + MS),
        name: 'cache miss',
        attributes: [{ key: 'k', value: { boolValue: true } }],
        droppedAttributesCount: 0,
      },
    ]);
    assert.deepEqual(s['status'], { code: 2, message: 'boom' });
    assert.equal(spans[1]!['parentSpanId'], hex(parent.spanId));
    assert.equal(spans[1]!['service'], 'db');
  });

  test('an unknown trace is 404, a malformed id 400', async (t) => {
    if (!app) return t.skip(unavailable);
    const missing = await get(`/api/v1/traces/${'0'.repeat(31)}1`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error!.code, 'not_found');
    const bad = await get('/api/v1/traces/xyz');
    assert.equal(bad.status, 400);
    assert.match(bad.body.error!.message, /traceId/);
  });

  test('GET /api/v1/traces filters by service, operation, attributes, duration and limits', async (t) => {
    if (!app) return t.skip(unavailable);
    const ids = async (qs: string) => {
      const r = await get(`/api/v1/traces?${qs}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return (r.body['traces'] as Array<{ traceId: string }>).map((x) => x.traceId);
    };
    const tid = (i: number) => hex(bytes(16, 10 + i));
    assert.deepEqual(await ids('service=api'), [3, 2, 1, 0].map(tid), 'newest first');
    assert.deepEqual(await ids('service=nobody'), []);
    assert.deepEqual(await ids('service=db&operation=SELECT&limit=2'), [3, 2].map(tid));
    assert.deepEqual(await ids('attr.http.method=POST'), [3, 1].map(tid));
    // Resource attributes: every trace has an api and a db span; only the db spans run in shop.
    assert.deepEqual(await ids('resource.service.name=db&limit=2'), [3, 2].map(tid));
    assert.deepEqual(await ids('resource.k8s.namespace.name=shop'), []);
    assert.deepEqual(await ids('resource.k8s.namespace.name=shop&service=api'), []);
    assert.deepEqual(await ids(`tags=${encodeURIComponent('{"http.method":"GET"}')}`), [2, 0].map(tid));
    assert.deepEqual(await ids('service=api&minDuration=25ms&maxDuration=35000000'), [tid(2)]);
    // RFC 3339 with nanoseconds and Unix ns: a range holding only traces 1 and 2.
    const start = new Date(Number((NOW - 59_000n * MS) / MS)).toISOString();
    assert.deepEqual(await ids(`start=${start}&end=${NOW - 57_500n * MS}`), [2, 1].map(tid));
    const r = await get('/api/v1/traces?service=api&limit=1');
    const t3 = (r.body['traces'] as Array<Record<string, unknown>>)[0]!;
    assert.deepEqual(t3, {
      traceId: tid(3),
      startTimeUnixNano: String(NOW - 57_000n * MS),
      durationNano: String(40n * MS),
      spanCount: 2,
      errorCount: 1,
      rootService: 'api',
      rootName: 'GET /items',
    });
  });

  test('bad parameters are 400 naming the parameter', async (t) => {
    if (!app) return t.skip(unavailable);
    for (const [qs, name] of [
      ['start=yesterday', 'start'],
      ['end=2024-13-45T00:00:00Z', 'end'],
      ['limit=0', 'limit'],
      ['limit=100000', 'limit'],
      ['minDuration=fast', 'minDuration'],
      ['minDuration=2s&maxDuration=1s', 'maxDuration'],
      ['start=0&end=1750000000000000000', 'start'], // more than 31 days
      ['start=2&end=1', 'end'],
      ['tags=[1]', 'tags'],
      ['service=a&service=b', 'service'],
    ]) {
      const r = await get(`/api/v1/traces?${qs}`);
      assert.equal(r.status, 400, qs);
      assert.equal(r.body.error!.code, 'bad_request');
      assert.match(r.body.error!.message, new RegExp(`parameter ${name}\\b`), qs);
    }
  });

  test('GET /api/v1/services: rate, error rate and latency of server spans', async (t) => {
    if (!app) return t.skip(unavailable);
    const r = await get(`/api/v1/services?start=${NOW - 60_000n * MS}&end=${NOW}`);
    assert.equal(r.status, 200);
    const services = r.body['services'] as Array<Record<string, unknown>>;
    assert.equal(services.length, 1, 'db only has client spans');
    const api = services[0]!;
    assert.equal(api['name'], 'api');
    assert.equal(api['spans'], 4);
    assert.equal(api['errorRate'], 0.25);
    assert.ok(Math.abs((api['requestRate'] as number) - 4 / 60) < 1e-9);
    const lat = api['latency'] as Record<string, number>;
    assert.ok(lat['p50Nano']! >= 20e6 && lat['p50Nano']! <= 30e6, JSON.stringify(lat));
    assert.ok(lat['p99Nano']! <= 40e6 && lat['p99Nano']! >= 39e6, JSON.stringify(lat));
  });

  test('a bearer token guards everything but /health', async (t) => {
    if (!secured) return t.skip(unavailable);
    const no = await get('/api/v1/services', {}, secured);
    assert.equal(no.status, 401);
    assert.equal(no.body.error!.code, 'unauthorized');
    assert.equal((await get('/api/v1/services', { authorization: 'Bearer wrong' }, secured)).status, 401);
    assert.equal((await get('/api/v1/services', { authorization: 'Bearer s3cret' }, secured)).status, 200);
    assert.equal((await get('/health', {}, secured)).status, 200);
    for (const url of [
      '/api/v1/logs',
      '/api/v1/logs/tail',
      '/api/v1/metrics',
      '/api/v1/metrics/x/labels',
      '/api/v1/metrics/x/labels/y/values',
      '/api/v1/metrics/x/series',
      '/api/v1/metrics/x/query_range',
      '/api/v1/dependencies',
      '/api/v1/traces',
      '/api/v1/openapi.json',
      '/api/v1/nope',
    ]) {
      const r = await get(url, { authorization: 'Bearer nope' }, secured);
      assert.equal(r.status, 401, url);
      assert.equal(r.body.error!.code, 'unauthorized', url);
    }
  });

  test('the UI signs in for a session cookie that opens the API, and signs out', async (t) => {
    if (!secured || !app) return t.skip(unavailable);
    const post = (body: unknown, a = secured!, remoteAddress = '10.0.0.1') =>
      a.inject({ method: 'POST', url: '/api/v1/session', payload: body as object, remoteAddress });
    // Without a token configured there is nothing to sign in to.
    assert.deepEqual((await get('/api/v1/session')).body, { authRequired: false, signedIn: true });
    assert.equal((await post({ token: 'x' }, app)).statusCode, 400);
    assert.deepEqual((await get('/api/v1/session', {}, secured)).body, {
      authRequired: true,
      signedIn: false,
    });
    const wrong = await post({ token: 'nope' });
    assert.equal(wrong.statusCode, 401);
    assert.equal(wrong.headers['set-cookie'], undefined);
    assert.match((wrong.json() as { error: { message: string } }).error.message, /auth\.token/);
    assert.equal((await post({ remember: true })).statusCode, 400);
    assert.equal((await post({ token: 's3cret', remember: 'yes' })).statusCode, 400);
    const ok = await post({ token: 's3cret' });
    assert.equal(ok.statusCode, 204);
    const setCookie = String(ok.headers['set-cookie']);
    assert.match(setCookie, /^wc_session=[\w-]+; Path=\/; HttpOnly; SameSite=Strict$/);
    assert.ok(!setCookie.includes('s3cret'), 'the cookie is not the token');
    const cookie = setCookie.split(';')[0]!;
    assert.equal((await get('/api/v1/services', { cookie }, secured)).status, 200);
    assert.equal((await get('/api/v1/services', { cookie: `a=b; ${cookie}` }, secured)).status, 200);
    assert.deepEqual((await get('/api/v1/session', { cookie }, secured)).body, {
      authRequired: true,
      signedIn: true,
    });
    assert.equal((await get('/api/v1/services', { cookie: `${cookie}x` }, secured)).status, 401);
    // A token for the same API opened by another token's cookie: no.
    const other = buildApi({ storage: store!, logger: silentLogger(), nowNs: () => NOW, token: 'other' });
    try {
      assert.equal((await get('/api/v1/services', { cookie }, other)).status, 401);
    } finally {
      await other.close();
    }
    // remember: a cookie that outlives the browser session.
    assert.match(
      String((await post({ token: 's3cret', remember: true })).headers['set-cookie']),
      /Max-Age=2592000/,
    );
    const out = await secured.inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie } });
    assert.equal(out.statusCode, 204);
    assert.match(String(out.headers['set-cookie']), /^wc_session=; .*Max-Age=0/);
    // Guessing: after 10 wrong tokens in a minute that address gets 429, even with the right one;
    // another address is not affected.
    for (let i = 0; i < 9; i++) assert.equal((await post({ token: `guess${i}` })).statusCode, 401);
    const blocked = await post({ token: 's3cret' });
    assert.equal(blocked.statusCode, 429);
    assert.equal((await post({ token: 's3cret' }, secured, '10.0.0.2')).statusCode, 204);
  });

  test('GET /api/v1/traces pages with next: every trace once, then null', async (t) => {
    if (!app) return t.skip(unavailable);
    const tid = (i: number) => hex(bytes(16, 10 + i));
    const seen: string[][] = [];
    let url = '/api/v1/traces?service=api&limit=3';
    for (let i = 0; i < 5; i++) {
      const r = await get(url);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      seen.push((r.body['traces'] as Array<{ traceId: string }>).map((x) => x.traceId));
      const next = r.body['next'] as string | null;
      if (next === null) break;
      assert.match(next, new RegExp(`^${NOW}:3$`), 'the cursor pins the end');
      url = `/api/v1/traces?service=api&limit=3&cursor=${next}`;
    }
    assert.deepEqual(seen, [[3, 2, 1].map(tid), [tid(0)]]);
    const exact = await get('/api/v1/traces?service=api&limit=4');
    assert.equal(exact.body['next'], `${NOW}:4`, 'a full page may have more');
    const empty = await get(`/api/v1/traces?service=api&limit=4&cursor=${exact.body['next']}`);
    assert.deepEqual([empty.body['traces'], empty.body['next']], [[], null]);
    for (const c of ['x', '1:99999', `${NOW}`]) {
      const bad = await get(`/api/v1/traces?cursor=${c}`);
      assert.equal(bad.status, 400, c);
      assert.match(bad.body.error!.message, /parameter cursor/);
    }
    const other = await get(`/api/v1/traces?cursor=${NOW}:3&end=${NOW - 1n}`);
    assert.match(other.body.error!.message, /parameter cursor/);
  });

  test('openapi.json describes the endpoints; unknown routes are 404 in the error shape', async (t) => {
    if (!app) return t.skip(unavailable);
    const r = await get('/api/v1/openapi.json');
    assert.equal(r.status, 200);
    assert.equal(r.body['openapi'], '3.0.3');
    assert.deepEqual(Object.keys(r.body['paths'] as object).sort(), [
      '/api/v1/dependencies',
      '/api/v1/k8s/events',
      '/api/v1/k8s/namespaces',
      '/api/v1/k8s/nodes',
      '/api/v1/k8s/overview',
      '/api/v1/k8s/pods',
      '/api/v1/k8s/pods/{namespace}/{name}',
      '/api/v1/k8s/workloads',
      '/api/v1/logs',
      '/api/v1/logs/tail',
      '/api/v1/metrics',
      '/api/v1/metrics/query_range',
      '/api/v1/metrics/{name}/labels',
      '/api/v1/metrics/{name}/labels/{label}/values',
      '/api/v1/metrics/{name}/query_range',
      '/api/v1/metrics/{name}/series',
      '/api/v1/openapi.json',
      '/api/v1/pipeline',
      '/api/v1/services',
      '/api/v1/session',
      '/api/v1/traces',
      '/api/v1/traces/{traceId}',
      '/health',
    ]);
    // Every route the server answers is described, with every query parameter it reads.
    const paths = r.body['paths'] as Record<string, { get: { parameters?: Array<{ name: string }> } }>;
    const params = (p: string) => (paths[p]!.get.parameters ?? []).map((x) => x.name).sort();
    assert.deepEqual(params('/api/v1/logs'), [
      'after',
      'cursor',
      'end',
      'limit',
      'q',
      'resource.<key>',
      'service',
      'severity',
      'start',
    ]);
    assert.deepEqual(params('/api/v1/metrics/{name}/query_range'), [
      'by',
      'end',
      'fn',
      'match[]',
      'name',
      'start',
      'step',
    ]);
    assert.ok(params('/api/v1/traces').includes('cursor'));
    const nf = await get('/api/v1/nope');
    assert.equal(nf.status, 404);
    assert.equal(nf.body.error!.code, 'not_found');
  });

  test('startApi listens on a real port and closes', async (t) => {
    if (!store) return t.skip(unavailable);
    const api = await startApi({ address: '127.0.0.1:0', storage: store, logger: silentLogger() });
    try {
      const res = await fetch(`${api.url}/health`);
      assert.equal(res.status, 200);
    } finally {
      await api.close();
    }
    await assert.rejects(fetch(`${api.url}/health`));
  });
});

test('a failing storage answers 503 in the error shape, never crashes', async () => {
  const failing = {
    kind: 'server',
    database: 'watchingcat',
    client: { query: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:8123')) },
    close: async () => {},
  } as unknown as Storage;
  const a = buildApi({ storage: failing, logger: silentLogger() });
  try {
    const h = await get('/health', {}, a);
    assert.equal(h.status, 503);
    assert.equal(h.body['status'], 'unavailable');
    for (const url of [
      '/api/v1/services',
      '/api/v1/traces',
      `/api/v1/traces/${'a'.repeat(32)}`,
      '/api/v1/logs',
      '/api/v1/logs/tail',
      '/api/v1/metrics',
      '/api/v1/metrics/m/series',
      '/api/v1/metrics/m/query_range',
      '/api/v1/dependencies',
    ]) {
      const r = await get(url, {}, a);
      assert.equal(r.status, 503, url);
      assert.equal(r.body.error!.code, 'storage_unavailable');
      assert.match(r.body.error!.message, /ECONNREFUSED/);
    }
  } finally {
    await a.close();
  }
});
