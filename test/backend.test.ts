// `watchingcat backend` end to end: the OpenTelemetry SDK sends spans and logs over OTLP, the
// REST API (guarded by a bearer token from `${env:...}` in the config) returns them exactly; then the process is killed with -9 during sustained ingest and, after a
// restart on the same data directory, every span whose request was acknowledged is queryable.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { exportWith, makeLogs, makeSpans, RESOURCE } from './helpers/sdk.ts';
import { startGuardedBackend } from './helpers/backend-config.ts';
import { freePort, type Running } from './helpers/process.ts';

const dir = mkdtempSync(join(tmpdir(), 'wc-backend-'));
let ports: { grpc: number; http: number; health: number; api: number; metrics: number };
let backend: Running | undefined;
let api = '';
const TOKEN = 'e2e-s3cret-token';
/** A REST API call with the bearer token. */
const apiGet = (path: string): Promise<Response> =>
  fetch(`${api}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });

const launch = (): Promise<Running> =>
  startGuardedBackend({ dir, ports, token: TOKEN, tokenEnv: 'WC_E2E_API_TOKEN' });

before(async () => {
  const [grpc, http, health, apiPort, metrics] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  ports = { grpc, http, health, api: apiPort, metrics };
  api = `http://127.0.0.1:${apiPort}`;

  backend = await launch();
});

after(async () => {
  await backend?.kill9();
  rmSync(dir, { recursive: true, force: true });
});

type Attr = { key: string; value: Record<string, unknown> };
function anyJs(v: Record<string, unknown>): unknown {
  if ('stringValue' in v) return v['stringValue'];
  if ('boolValue' in v) return v['boolValue'];
  if ('intValue' in v) return Number(v['intValue']);
  if ('doubleValue' in v) return v['doubleValue'];
  if ('arrayValue' in v) return (v['arrayValue'] as { values: Record<string, unknown>[] }).values.map(anyJs);
  return undefined;
}
const attrsJs = (a: Attr[]): Record<string, unknown> =>
  Object.fromEntries(a.map((x) => [x.key, anyJs(x.value)]));
const ns = (t: [number, number]): string => String(BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]));

test('spans from the SDK come back from /api/v1/traces/{id} exactly; /api/v1/services lists the service', async () => {
  const sent = makeSpans('backend', 5);
  const r = await exportWith(
    new OTLPTraceExporter({ url: `http://127.0.0.1:${ports.http}/v1/traces` }),
    sent,
  );
  assert.equal(r.code, 0, `SDK export failed: ${r.error?.message}`);
  // No waiting: an acknowledged export is committed (end-to-end acknowledgement).
  for (const want of sent) {
    const res = await apiGet(`/api/v1/traces/${want.spanContext().traceId}`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { spans: Array<Record<string, unknown>> };
    const got = body.spans.find((s) => s['spanId'] === want.spanContext().spanId);
    assert.ok(got, `span ${want.name} missing`);
    assert.equal(body.spans.length, 2, 'parent and child');
    assert.equal(got['traceId'], want.spanContext().traceId);
    assert.equal(got['parentSpanId'], want.parentSpanContext?.spanId ?? '');
    assert.equal(got['name'], want.name);
    assert.equal(got['kind'], want.kind + 1);
    assert.equal(got['startTimeUnixNano'], ns(want.startTime));
    assert.equal(got['endTimeUnixNano'], ns(want.endTime));
    assert.deepEqual(attrsJs(got['attributes'] as Attr[]), want.attributes);
    const events = got['events'] as Array<{ name: string; timeUnixNano: string; attributes: Attr[] }>;
    assert.deepEqual(
      events.map((e) => [e.name, e.timeUnixNano, attrsJs(e.attributes)]),
      want.events.map((e) => [e.name, ns(e.time), e.attributes ?? {}]),
    );
    assert.deepEqual(got['status'], { code: want.status.code, message: want.status.message ?? '' });
    assert.equal(got['service'], RESOURCE['service.name']);
  }
  const services = (await (await apiGet('/api/v1/services')).json()) as {
    services: Array<{ name: string; spans: number }>;
  };
  assert.deepEqual(
    services.services.map((s) => [s.name, s.spans]),
    [['checkout', 5]],
    'five SERVER spans',
  );
});

test('logs from the SDK come back from /api/v1/logs exactly; the API needs the token', async () => {
  assert.equal((await fetch(`${api}/api/v1/logs`)).status, 401, 'no token');
  const sent = makeLogs('e2e', 6);
  const r = await exportWith(new OTLPLogExporter({ url: `http://127.0.0.1:${ports.http}/v1/logs` }), sent);
  assert.equal(r.code, 0, `SDK export failed: ${r.error?.message}`);
  const start = ns(sent[0]!.hrTime);
  const res = await apiGet(
    `/api/v1/logs?service=checkout&q=e2e&start=${BigInt(start) - 60_000_000_000n}&limit=100`,
  );
  assert.equal(res.status, 200);
  const body = (await res.json()) as { logs: Array<Record<string, unknown>>; next: string | null };
  assert.equal(body.logs.length, sent.length);
  assert.equal(body.next, null);
  // Newest first: the SDK stamped them in order, so the API returns them reversed (ties by time).
  const byBody = new Map(body.logs.map((l) => [(l['body'] as { stringValue: string }).stringValue, l]));
  for (const want of sent) {
    const got = byBody.get(want.body as string);
    assert.ok(got, `log ${String(want.body)} missing`);
    assert.equal(got['timeUnixNano'], ns(want.hrTime));
    assert.equal(got['observedTimeUnixNano'], ns(want.hrTimeObserved));
    assert.equal(got['severityNumber'], want.severityNumber);
    assert.equal(got['severityText'], want.severityText);
    assert.deepEqual(attrsJs(got['attributes'] as Attr[]), want.attributes);
    assert.equal(got['service'], RESOURCE['service.name']);
    assert.deepEqual(attrsJs((got['resource'] as { attributes: Attr[] }).attributes), {
      ...want.resource.attributes,
    });
    assert.equal((got['scope'] as { name: string }).name, 'e2e-logger');
  }
  const times = body.logs.map((l) => BigInt(l['timeUnixNano'] as string));
  assert.deepEqual(
    times,
    [...times].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)),
    'newest first',
  );
  // Severity by name: the WARN half.
  const warn = (await (
    await apiGet(`/api/v1/logs?service=checkout&q=e2e&severity=WARN&start=${BigInt(start) - 60_000_000_000n}`)
  ).json()) as {
    logs: unknown[];
  };
  assert.equal(warn.logs.length, 3);
});

/** One OTLP/JSON request: a trace of `n` spans from service "ingest". */
function request(i: number, n: number): { traceId: string; body: string } {
  const traceId = `${'ab'.repeat(8)}${i.toString(16).padStart(16, '0')}`;
  const now = BigInt(Date.now()) * 1_000_000n;
  const spans = Array.from({ length: n }, (_, j) => ({
    traceId,
    spanId: `${(j + 1).toString(16).padStart(8, '0')}${i.toString(16).padStart(8, '0')}`,
    name: `op-${j}`,
    kind: 2,
    startTimeUnixNano: String(now + BigInt(j)),
    endTimeUnixNano: String(now + 1_000_000n),
  }));
  const body = JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'ingest' } }] },
        scopeSpans: [{ scope: { name: 'load' }, spans }],
      },
    ],
  });
  return { traceId, body };
}

test('kill -9 during sustained ingest: every acknowledged span is queryable after restart', async () => {
  const SPANS = 5;
  const acked: string[] = [];
  let sent = 0;
  let failed = 0;
  let stop = false;
  const sender = async (): Promise<void> => {
    while (!stop) {
      const { traceId, body } = request(sent++, SPANS);
      try {
        const res = await fetch(`http://127.0.0.1:${ports.http}/v1/traces`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(5000),
        });
        await res.arrayBuffer();
        if (res.status === 200) acked.push(traceId);
        else failed++;
      } catch {
        failed++;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  const senders = Array.from({ length: 4 }, sender);
  await new Promise((r) => setTimeout(r, 1500));
  const ackedBeforeKill = acked.length;
  await backend!.kill9();
  await new Promise((r) => setTimeout(r, 200));
  stop = true;
  await Promise.all(senders);
  assert.ok(ackedBeforeKill >= 10, `sustained ingest acknowledged only ${ackedBeforeKill} requests`);
  assert.ok(failed >= 1, 'some requests were cut off by the kill');

  backend = await launch();
  const missing: string[] = [];
  for (let k = 0; k < acked.length; k += 16) {
    await Promise.all(
      acked.slice(k, k + 16).map(async (id) => {
        const res = await apiGet(`/api/v1/traces/${id}`);
        const body = (await res.json()) as { spans?: unknown[] };
        if (res.status !== 200 || body.spans?.length !== SPANS) missing.push(id);
      }),
    );
  }
  process.stderr.write(
    `# kill -9 during ingest: ${sent} requests sent, ${acked.length} acknowledged (${acked.length * SPANS} spans), ${failed} failed; missing after restart: ${missing.length}\n`,
  );
  assert.deepEqual(missing, [], 'acknowledged traces lost');
});
