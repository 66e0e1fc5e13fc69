import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import {
  encodeExportResponse,
  encodeRequest,
  encodeRetryInfo,
  encodeRpcStatus,
} from '../../../codecs/otlp/index.ts';
import type { Exporter, Extension } from '../../../pipeline/component.ts';
import { sample } from '../../../exporterhelper/testing/data.ts';
import { GrpcSink } from '../../../exporterhelper/testing/grpc-sink.ts';
import { GrpcWireSink } from '../../../exporterhelper/testing/grpc-wire-sink.ts';
import { TEST_TLS } from '../../../exporterhelper/testing/tls.ts';
import {
  bearerExtension,
  harness,
  host,
  sleep,
  storageExtension,
  waitFor,
  type Harness,
} from '../../../exporterhelper/testing/harness.ts';
import { factory } from './factory.ts';

const FAST_RETRY = { initial_interval: '10ms', max_interval: '50ms' };

async function exporter(
  config: Record<string, unknown>,
  extensions: Record<string, Extension> = {},
): Promise<{ exp: Exporter; h: Harness }> {
  const h = harness('otlp');
  const exp = factory.create(
    h.settings,
    factory.configSchema.parse({ tls: { insecure: true }, retry_on_failure: FAST_RETRY, ...config }),
  );
  await exp.start(host(extensions));
  return { exp, h };
}

/** grpc-status-details-bin: a google.rpc.Status carrying a RetryInfo with this delay. */
function retryInfoStatus(code: number, delayMs: number): Uint8Array {
  return encodeRpcStatus({
    code,
    message: 'slow down',
    details: [encodeRetryInfo(delayMs)],
  });
}

test('delivers all three signals with exact item counts, gzip, metadata headers and auth', async () => {
  const sink = await new GrpcSink().start();
  const { exp, h } = await exporter(
    { endpoint: sink.endpoint, headers: { 'X-Tenant': 'blue' }, auth: { authenticator: 'bearertokenauth' } },
    { bearertokenauth: bearerExtension('s3cret') },
  );
  try {
    await exp.consumer('traces').consume(sample('traces', 3), {});
    await exp.consumer('metrics').consume(sample('metrics', 4), {});
    await exp.consumer('logs').consume(sample('logs', 5), {});
    await waitFor('three calls', () => sink.delivered.length === 3);
    assert.equal(sink.items('traces'), 3);
    assert.equal(sink.items('metrics'), 4);
    assert.equal(sink.items('logs'), 5);
    for (const r of sink.requests) {
      assert.equal(r.metadata['x-tenant'], 'blue');
      assert.equal(r.metadata.authorization, 'Bearer s3cret');
      assert.match(r.metadata['user-agent'] ?? '', /WatchingCat\//);
    }
    // The exporter counts once it has read the answer, just after the sink recorded the request.
    await waitFor('all counted as sent', async () => (await h.counter('sent_items')) === 12);
  } finally {
    await exp.shutdown();
    await sink.stop();
  }
});

test('compression on the wire: gzip by default, none when configured', async () => {
  for (const compression of ['gzip', 'none']) {
    const wire = await new GrpcWireSink().start();
    const { exp } = await exporter({ endpoint: wire.endpoint, compression });
    try {
      await exp.consumer('logs').consume(sample('logs', 3), {});
      await waitFor('the call', () => wire.calls.length === 1);
      const call = wire.calls[0]!;
      assert.equal(call.path, '/opentelemetry.proto.collector.logs.v1.LogsService/Export');
      assert.equal(call.compressed, compression === 'gzip');
      assert.equal(call.encoding, compression === 'gzip' ? 'gzip' : undefined);
      // The message is exactly our codec's encoding of the data (raw bytes, no re-serialization).
      assert.deepEqual(call.message, Buffer.from(encodeRequest('logs', sample('logs', 3))));
    } finally {
      await exp.shutdown();
      await wire.stop();
    }
  }
});

test('UNAVAILABLE is retried; the data arrives exactly once', async () => {
  const sink = await new GrpcSink().start();
  let calls = 0;
  sink.answer = () =>
    ++calls <= 2 ? { ok: false, code: status.UNAVAILABLE, details: 'overloaded' } : { ok: true };
  const { exp, h } = await exporter({ endpoint: sink.endpoint });
  try {
    await exp.consumer('traces').consume(sample('traces', 2), {});
    await waitFor('delivery', () => sink.delivered.length === 1);
    await sleep(100);
    assert.equal(sink.requests.length, 3);
    assert.equal(sink.delivered.length, 1);
    assert.equal(await h.counter('sent_items', { signal: 'traces' }), 2);
  } finally {
    await exp.shutdown();
    await sink.stop();
  }
});

test('RESOURCE_EXHAUSTED with RetryInfo is retried after the server’s delay', async () => {
  const sink = await new GrpcSink().start();
  let calls = 0;
  sink.answer = () =>
    ++calls === 1
      ? {
          ok: false,
          code: status.RESOURCE_EXHAUSTED,
          details: 'slow down',
          statusDetailsBin: retryInfoStatus(status.RESOURCE_EXHAUSTED, 1000),
        }
      : { ok: true };
  const { exp } = await exporter({ endpoint: sink.endpoint });
  try {
    await exp.consumer('metrics').consume(sample('metrics', 3), {});
    await waitFor('delivery', () => sink.delivered.length === 1, 5000);
    const gap = sink.requests[1]!.at - sink.requests[0]!.at;
    assert.ok(gap >= 950, `retried after ${gap} ms; RetryInfo asked for 1 s`);
    assert.equal(sink.requests.length, 2);
  } finally {
    await exp.shutdown();
    await sink.stop();
  }
});

test('RESOURCE_EXHAUSTED without RetryInfo and INVALID_ARGUMENT are permanent', async () => {
  for (const code of [status.RESOURCE_EXHAUSTED, status.INVALID_ARGUMENT, status.UNAUTHENTICATED]) {
    const sink = await new GrpcSink().start();
    sink.answer = () => ({ ok: false, code, details: 'no' });
    const { exp, h } = await exporter({ endpoint: sink.endpoint });
    try {
      await exp.consumer('logs').consume(sample('logs', 2), {});
      await waitFor('the failure counted', async () => (await h.counter('send_failed_items')) > 0);
      await sleep(100);
      assert.equal(sink.requests.length, 1, `${status[code]} is not retried`);
      assert.equal(await h.counter('send_failed_items', { signal: 'logs', reason: 'permanent' }), 2);
    } finally {
      await exp.shutdown();
      await sink.stop();
    }
  }
});

test('partial success: rejected items counted as failed, the rest as sent', async () => {
  const sink = await new GrpcSink().start();
  sink.answer = () => ({
    ok: true,
    body: encodeExportResponse('traces', { rejected: 1, errorMessage: 'bad span' }, 'proto') as Uint8Array,
  });
  const { exp, h } = await exporter({ endpoint: sink.endpoint });
  try {
    await exp.consumer('traces').consume(sample('traces', 4), {});
    await waitFor('counted', async () => (await h.counter('sent_items')) > 0);
    assert.equal(await h.counter('sent_items', { signal: 'traces' }), 3);
    assert.equal(await h.counter('send_failed_items', { signal: 'traces', reason: 'rejected' }), 1);
  } finally {
    await exp.shutdown();
    await sink.stop();
  }
});

test('each call carries the timeout as its deadline; a hanging server is retried', async () => {
  const sink = await new GrpcSink().start();
  let calls = 0;
  sink.answer = () => (++calls === 1 ? { ok: 'hang' } : { ok: true });
  const { exp } = await exporter({ endpoint: sink.endpoint, timeout: '200ms' });
  try {
    await exp.consumer('logs').consume(sample('logs', 1), {});
    await waitFor('delivery after the timeout', () => sink.delivered.length === 1, 3000);
    const d = sink.requests[0]!.deadlineInMs;
    assert.ok(d > 0 && d <= 200, `the call carried a ${d} ms deadline (timeout: 200ms)`);
    const gap = sink.requests[1]!.at - sink.requests[0]!.at;
    assert.ok(gap >= 190, `the first call was given up after ${gap} ms`);
  } finally {
    await exp.shutdown();
    await sink.stop();
  }
});

test('persistent queue: data accepted while the destination is down is delivered by the next process', async () => {
  const root = mkdtempSync(join(tmpdir(), 'wc-otlp-'));
  const extensions = { file_storage: storageExtension(root) };
  const probe = await new GrpcSink().start();
  const port = probe.port;
  await probe.stop();
  const config = {
    endpoint: `127.0.0.1:${port}`,
    retry_on_failure: { ...FAST_RETRY, max_elapsed_time: 0 },
    sending_queue: { storage: 'file_storage' },
  };
  const first = await exporter(config, extensions);
  await first.exp.consumer('traces').consume(sample('traces', 3), {});
  await first.exp.consumer('metrics').consume(sample('metrics', 4), {});
  await first.exp.consumer('logs').consume(sample('logs', 5), {});
  await sleep(50);
  await first.exp.shutdown();
  assert.equal(await first.h.counter('send_failed_items'), 0);

  const sink = await new GrpcSink().start(port);
  const second = await exporter(config, extensions);
  try {
    await waitFor('everything delivered', () => sink.delivered.length === 3, 5000);
    await sleep(100);
    assert.equal(sink.delivered.length, 3);
    assert.equal(sink.items('traces'), 3);
    assert.equal(sink.items('metrics'), 4);
    assert.equal(sink.items('logs'), 5);
  } finally {
    await second.exp.shutdown();
    await sink.stop();
  }
});

test('TLS by default: verified against tls.ca_file; server_name_override; insecure_skip_verify', async () => {
  const sink = await new GrpcSink().start(0, TEST_TLS.server());
  const cases: Array<[Record<string, unknown>, boolean]> = [
    [{ ca_file: TEST_TLS.caFile }, true],
    [{ ca_file: TEST_TLS.caFile, server_name_override: 'localhost' }, true],
    [{ ca_file: TEST_TLS.caFile, server_name_override: 'elsewhere.example' }, false],
    [{}, false],
    [{ insecure_skip_verify: true }, true],
  ];
  try {
    for (const [tls, delivers] of cases) {
      const before = sink.delivered.length;
      const { exp, h } = await exporter({
        endpoint: sink.endpoint,
        tls,
        retry_on_failure: { enabled: false },
      });
      await exp.consumer('traces').consume(sample('traces', 1), {});
      await waitFor(
        'an outcome',
        async () => (await h.counter('sent_items')) + (await h.counter('send_failed_items')) > 0,
      );
      await exp.shutdown();
      assert.equal(sink.delivered.length - before, delivers ? 1 : 0, JSON.stringify(tls));
    }
  } finally {
    await sink.stop();
  }
});
