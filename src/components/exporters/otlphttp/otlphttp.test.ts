import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeExportResponse, encodeRpcStatus } from '../../../codecs/otlp/index.ts';
import type { Exporter, Extension } from '../../../pipeline/component.ts';
import { RetryableError } from '../../../pipeline/errors.ts';
import { sample } from '../../../exporterhelper/testing/data.ts';
import {
  bearerExtension,
  harness,
  host,
  sleep,
  storageExtension,
  waitFor,
  type Harness,
} from '../../../exporterhelper/testing/harness.ts';
import { HttpSink } from '../../../exporterhelper/testing/http-sink.ts';
import { TEST_TLS } from '../../../exporterhelper/testing/tls.ts';
import { factory } from './factory.ts';

/** Fast retries so the tests stay quick. */
const FAST_RETRY = { initial_interval: '10ms', max_interval: '50ms' };

async function exporter(
  config: Record<string, unknown>,
  extensions: Record<string, Extension> = {},
): Promise<{ exp: Exporter; h: Harness }> {
  const h = harness('otlphttp');
  const exp = factory.create(
    h.settings,
    factory.configSchema.parse({ retry_on_failure: FAST_RETRY, ...config }),
  );
  await exp.start(host(extensions));
  return { exp, h };
}

test('delivers all three signals with exact item counts, gzip-compressed protobuf, headers and auth', async () => {
  const sink = await new HttpSink().start();
  const { exp, h } = await exporter(
    { endpoint: sink.url, headers: { 'x-tenant': 'blue' }, auth: { authenticator: 'bearertokenauth' } },
    { bearertokenauth: bearerExtension('s3cret') },
  );
  try {
    await exp.consumer('traces').consume(sample('traces', 3), {});
    await exp.consumer('metrics').consume(sample('metrics', 4), {});
    await exp.consumer('logs').consume(sample('logs', 5), {});
    await waitFor('three requests', () => sink.delivered.length === 3);
    assert.equal(sink.items('traces'), 3);
    assert.equal(sink.items('metrics'), 4);
    assert.equal(sink.items('logs'), 5);
    for (const r of sink.requests) {
      assert.equal(r.headers['content-type'], 'application/x-protobuf');
      assert.equal(r.headers['content-encoding'], 'gzip');
      assert.deepEqual([...r.raw.subarray(0, 2)], [0x1f, 0x8b], 'the body on the wire is gzip');
      assert.equal(r.headers['x-tenant'], 'blue');
      assert.equal(r.headers.authorization, 'Bearer s3cret');
      assert.match(String(r.headers['user-agent']), /^WatchingCat\//);
    }
    assert.deepEqual(sink.requests.map((r) => r.path).sort(), ['/v1/logs', '/v1/metrics', '/v1/traces']);
    // The exporter counts once it has read the answer, just after the sink recorded the request.
    await waitFor('all counted as sent', async () => (await h.counter('sent_items')) === 12);
  } finally {
    await exp.shutdown();
    await sink.stop();
  }
});

test('compression: none and encoding: json send plain OTLP/JSON to per-signal URLs', async () => {
  const sink = await new HttpSink().start();
  const { exp } = await exporter({
    traces_endpoint: `${sink.url}/custom/v1/traces`,
    compression: 'none',
    encoding: 'json',
  });
  try {
    await exp.consumer('traces').consume(sample('traces', 2, 'json'), {});
    await waitFor('the request', () => sink.delivered.length === 1);
    const r = sink.requests[0]!;
    assert.equal(r.path, '/custom/v1/traces');
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.headers['content-encoding'], undefined);
    const body = JSON.parse(r.raw.toString('utf8')) as {
      resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ name: string }> }> }>;
    };
    assert.deepEqual(
      body.resourceSpans[0]!.scopeSpans[0]!.spans.map((s) => s.name),
      ['json-0', 'json-1'],
    );
    assert.throws(() => exp.consumer('logs'), /no endpoint for logs/);
  } finally {
    await exp.shutdown();
    await sink.stop();
  }
});

test('503 with Retry-After: waits as told, then delivers exactly once', async () => {
  const sink = await new HttpSink().start();
  let calls = 0;
  sink.answer = () => (++calls === 1 ? { status: 503, headers: { 'retry-after': '1' } } : { status: 200 });
  const { exp, h } = await exporter({ endpoint: sink.url });
  try {
    await exp.consumer('logs').consume(sample('logs', 3), {});
    await waitFor('delivery', () => sink.delivered.length === 1, 5000);
    await sleep(100);
    assert.equal(sink.requests.length, 2, 'one refused attempt, one delivered');
    assert.equal(sink.delivered.length, 1);
    // The retry is recognisably the same request.
    const keys = sink.requests.map((r) => r.headers['idempotency-key']);
    assert.match(String(keys[0]), /^"[0-9a-f-]{36}-\d+"$/);
    assert.equal(keys[1], keys[0]);
    const gap = sink.requests[1]!.at - sink.requests[0]!.at;
    assert.ok(gap >= 950, `retried after ${gap} ms; Retry-After asked for 1 s (backoff alone is 10 ms)`);
    assert.equal(await h.counter('sent_items', { signal: 'logs' }), 3);
  } finally {
    await exp.shutdown();
    await sink.stop();
  }
});

test('429, 502 and 504 are retried too', async () => {
  const sink = await new HttpSink().start();
  const script = [429, 502, 504];
  sink.answer = () => ({ status: script.shift() ?? 200 });
  const { exp } = await exporter({ endpoint: sink.url });
  try {
    await exp.consumer('traces').consume(sample('traces', 1), {});
    await waitFor('delivery', () => sink.delivered.length === 1);
    assert.equal(sink.requests.length, 4);
  } finally {
    await exp.shutdown();
    await sink.stop();
  }
});

test('400 is permanent: dropped, counted, not retried', async () => {
  const sink = await new HttpSink().start();
  sink.answer = () => ({
    status: 400,
    headers: { 'content-type': 'application/x-protobuf' },
    body: encodeRpcStatus({ code: 3, message: 'span name too long', details: [] }),
  });
  const { exp, h } = await exporter({ endpoint: sink.url });
  try {
    await exp.consumer('traces').consume(sample('traces', 2), {});
    await waitFor('the failure counted', async () => (await h.counter('send_failed_items')) > 0);
    await sleep(100);
    assert.equal(sink.requests.length, 1, 'not retried');
    assert.equal(await h.counter('send_failed_items', { signal: 'traces', reason: 'permanent' }), 2);
    assert.equal(await h.counter('sent_items'), 0);
  } finally {
    await exp.shutdown();
    await sink.stop();
  }
});

test('200 with partial success: rejected items counted as failed, the rest as sent', async () => {
  const sink = await new HttpSink().start();
  sink.answer = () => ({
    status: 200,
    headers: { 'content-type': 'application/x-protobuf' },
    body: encodeExportResponse(
      'metrics',
      { rejected: 3, errorMessage: 'points too old' },
      'proto',
    ) as Uint8Array,
  });
  const { exp, h } = await exporter({ endpoint: sink.url });
  try {
    await exp.consumer('metrics').consume(sample('metrics', 10), {});
    await waitFor('counted', async () => (await h.counter('sent_items')) > 0);
    assert.equal(await h.counter('sent_items', { signal: 'metrics' }), 7);
    assert.equal(await h.counter('send_failed_items', { signal: 'metrics', reason: 'rejected' }), 3);
    assert.equal(sink.requests.length, 1, 'partial success is not retried');
  } finally {
    await exp.shutdown();
    await sink.stop();
  }
});

test('a full queue refuses with RetryableError(queue_full) while the destination is down', async () => {
  const sink = await new HttpSink().start();
  const url = sink.url;
  await sink.stop(); // nothing listens: every attempt fails and is retried
  const { exp, h } = await exporter({
    endpoint: url,
    retry_on_failure: { initial_interval: '5s' },
    sending_queue: { num_consumers: 1, queue_size: 2 },
  });
  try {
    await exp.consumer('traces').consume(sample('traces', 1), {});
    await exp.consumer('traces').consume(sample('traces', 1), {});
    await assert.rejects(
      exp.consumer('traces').consume(sample('traces', 4), {}),
      (e: unknown) => e instanceof RetryableError && e.reason === 'queue_full',
    );
    assert.equal(await h.counter('enqueue_failed_items', { signal: 'traces' }), 4);
  } finally {
    await exp.shutdown();
  }
  // Memory queue, destination down: shutdown gives up on what it holds and counts it.
  assert.equal(await h.counter('send_failed_items', { reason: 'shutdown' }), 2);
});

test('persistent queue: data accepted while the destination is down is delivered by the next process', async () => {
  const root = mkdtempSync(join(tmpdir(), 'wc-otlphttp-'));
  const extensions = { file_storage: storageExtension(root) };
  const sink = await new HttpSink().start();
  const port = sink.port;
  await sink.stop();
  const config = {
    endpoint: `http://127.0.0.1:${port}`,
    retry_on_failure: { ...FAST_RETRY, max_elapsed_time: 0 },
    sending_queue: { storage: 'file_storage' },
  };
  const first = await exporter(config, extensions);
  await first.exp.consumer('traces').consume(sample('traces', 3, 't'), {});
  await first.exp.consumer('metrics').consume(sample('metrics', 4, 'm'), {});
  await first.exp.consumer('logs').consume(sample('logs', 5, 'l'), {});
  await sleep(50);
  await first.exp.shutdown();
  assert.equal(await first.h.counter('send_failed_items'), 0);

  await sink.start(port);
  const second = await exporter(config, extensions);
  try {
    await waitFor('everything delivered', () => sink.delivered.length === 3);
    await sleep(100);
    assert.equal(sink.delivered.length, 3, 'each request once');
    assert.equal(sink.items('traces'), 3);
    assert.equal(sink.items('metrics'), 4);
    assert.equal(sink.items('logs'), 5);
  } finally {
    await second.exp.shutdown();
    await sink.stop();
  }
});

test('auth naming an extension that is not running fails start', async () => {
  const h = harness('otlphttp');
  const exp = factory.create(
    h.settings,
    factory.configSchema.parse({ endpoint: 'http://127.0.0.1:1', auth: { authenticator: 'oauth2client' } }),
  );
  await assert.rejects(exp.start(host()), /auth\.authenticator: extension "oauth2client" is not running/);
});

test('https: verified against tls.ca_file; an unknown CA fails unless insecure_skip_verify', async () => {
  const sink = await new HttpSink(TEST_TLS.server()).start();
  const cases: Array<[Record<string, unknown>, boolean]> = [
    [{ ca_file: TEST_TLS.caFile }, true],
    [{}, false],
    [{ insecure_skip_verify: true }, true],
  ];
  try {
    for (const [tls, delivers] of cases) {
      const before = sink.delivered.length;
      const { exp, h } = await exporter({
        endpoint: sink.url,
        tls,
        retry_on_failure: { enabled: false },
      });
      await exp.consumer('logs').consume(sample('logs', 1), {});
      await waitFor(
        'an outcome',
        async () => (await h.counter('sent_items')) + (await h.counter('send_failed_items')) > 0,
      );
      await exp.shutdown();
      assert.equal(sink.delivered.length - before, delivers ? 1 : 0, JSON.stringify(tls));
      if (!delivers) assert.equal(await h.counter('send_failed_items', { reason: 'retries_exhausted' }), 1);
    }
  } finally {
    await sink.stop();
  }
});

test('tls.ca_file that cannot be read fails start, naming the option', async () => {
  const h = harness('otlphttp');
  const exp = factory.create(
    h.settings,
    factory.configSchema.parse({ endpoint: 'https://127.0.0.1:1', tls: { ca_file: '/nonexistent/ca.pem' } }),
  );
  await assert.rejects(exp.start(host()), /tls\.ca_file: cannot read \/nonexistent\/ca\.pem: ENOENT/);
});
