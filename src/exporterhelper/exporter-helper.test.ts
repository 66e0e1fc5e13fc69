import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { retrySettings, sendingQueueSettings } from '../config/schema-helpers.ts';
import { decodeRequest } from '../codecs/otlp/index.ts';
import { emptyData, itemCount } from '../model/signal.ts';
import { PermanentError, RetryableError } from '../pipeline/errors.ts';
import { ExporterHelper, type ExporterHelperOptions } from './exporter-helper.ts';
import { sample } from './testing/data.ts';
import { harness, host, sleep, storageExtension, waitFor, type Harness } from './testing/harness.ts';
import type { SendFunction, SendRequest, SendResult } from './types.ts';

interface Setup {
  h: Harness;
  helper: ExporterHelper;
}

function setup(
  send: SendFunction,
  o: { queue?: Record<string, unknown>; retry?: Record<string, unknown> } & Omit<
    Partial<ExporterHelperOptions>,
    'queue' | 'retry'
  > = {},
): Setup {
  const { queue, retry, ...rest } = o;
  const h = harness('otlp/test');
  const helper = new ExporterHelper({
    settings: h.settings,
    timeoutMs: 1000,
    retry: retrySettings().parse({ initial_interval: '10ms', max_interval: '20ms', ...retry }),
    queue: sendingQueueSettings().parse({ num_consumers: 2, ...queue }),
    send,
    ...rest,
  });
  return { h, helper };
}

/** A send that records what it delivered (decoded span/record names or point counts). */
function recorder(
  answer: (req: SendRequest, n: number) => SendResult | Promise<SendResult> = () => ({ kind: 'ok' }),
) {
  const calls: SendRequest[] = [];
  const delivered: SendRequest[] = [];
  const send: SendFunction = async (req) => {
    calls.push(req);
    const r = await answer(req, calls.length);
    if (r.kind === 'ok') delivered.push(req);
    return r;
  };
  return { send, calls, delivered };
}

test('consume encodes once, queues, and workers deliver every signal; sent is counted', async () => {
  const rec = recorder();
  const { h, helper } = setup(rec.send);
  await helper.start(host());
  await helper.consumer('traces').consume(sample('traces', 3), {});
  await helper.consumer('metrics').consume(sample('metrics', 4), {});
  await helper.consumer('logs').consume(sample('logs', 5), {});
  await waitFor('three deliveries', () => rec.delivered.length === 3);
  // The bytes sent are the protobuf encoding of what was consumed.
  const spans = rec.delivered.find((r) => r.signal === 'traces')!;
  assert.equal(itemCount('traces', decodeRequest('traces', spans.payload)), 3);
  assert.equal(await h.counter('sent_items', { signal: 'traces' }), 3);
  assert.equal(await h.counter('sent_items', { signal: 'metrics' }), 4);
  assert.equal(await h.counter('sent_items', { signal: 'logs' }), 5);
  assert.equal(await h.gauge('queue_capacity'), 1000);
  assert.equal(await h.gauge('queue_size'), 0);
  await helper.shutdown();
});

test('empty payloads are accepted without a send', async () => {
  const rec = recorder();
  const { helper } = setup(rec.send);
  await helper.start(host());
  await helper.consumer('traces').consume(emptyData('traces'), {});
  await helper.shutdown();
  assert.equal(rec.calls.length, 0);
});

test('a full queue refuses with RetryableError(queue_full) and counts enqueue_failed', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const rec = recorder(async () => {
    await gate;
    return { kind: 'ok' };
  });
  const { h, helper } = setup(rec.send, { queue: { num_consumers: 1, queue_size: 2 } });
  await helper.start(host());
  await helper.consumer('traces').consume(sample('traces', 1), {}); // taken by the worker, still counted
  await helper.consumer('traces').consume(sample('traces', 1), {});
  await assert.rejects(
    helper.consumer('logs').consume(sample('logs', 7), {}),
    (e: unknown) => e instanceof RetryableError && e.reason === 'queue_full',
  );
  assert.equal(await h.counter('enqueue_failed_items', { signal: 'logs' }), 7);
  assert.equal(await h.gauge('queue_size'), 2);
  release();
  await helper.shutdown();
  assert.equal(rec.delivered.length, 2, 'what was accepted is delivered');
});

test('block_on_overflow: a full queue makes the caller wait for space instead of refusing', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const rec = recorder(async () => {
    await gate;
    return { kind: 'ok' };
  });
  const { helper } = setup(rec.send, { queue: { num_consumers: 1, queue_size: 1, block_on_overflow: true } });
  await helper.start(host());
  await helper.consumer('traces').consume(sample('traces', 1), {});
  let accepted = false;
  const second = helper
    .consumer('traces')
    .consume(sample('traces', 1), {})
    .then(() => (accepted = true));
  await sleep(50);
  assert.equal(accepted, false, 'still waiting while the queue is full');
  release();
  await second;
  await helper.shutdown();
  assert.equal(rec.delivered.length, 2);
});

test('retryable failures are retried; the request is delivered exactly once', async () => {
  const rec = recorder((_r, n) => (n <= 3 ? { kind: 'retryable', message: 'HTTP 503' } : { kind: 'ok' }));
  const { h, helper } = setup(rec.send);
  await helper.start(host());
  await helper.consumer('traces').consume(sample('traces', 2), {});
  await waitFor('delivery', () => rec.delivered.length === 1);
  await helper.shutdown();
  assert.equal(rec.calls.length, 4);
  assert.equal(rec.delivered.length, 1);
  assert.equal(await h.counter('sent_items'), 2);
  assert.equal(await h.counter('send_failed_items'), 0);
});

test('a permanent failure is dropped and counted, never retried', async () => {
  const rec = recorder(() => ({ kind: 'permanent', message: 'HTTP 400: bad data' }));
  const { h, helper } = setup(rec.send);
  await helper.start(host());
  await helper.consumer('logs').consume(sample('logs', 4), {});
  await waitFor('the attempt', () => rec.calls.length === 1);
  await sleep(50);
  await helper.shutdown();
  assert.equal(rec.calls.length, 1);
  assert.equal(await h.counter('send_failed_items', { signal: 'logs', reason: 'permanent' }), 4);
  assert.equal(await h.counter('sent_items'), 0);
});

test('exhausted retries drop the request and count it', async () => {
  const rec = recorder(() => ({ kind: 'retryable', message: 'down' }));
  const { h, helper } = setup(rec.send, { retry: { max_elapsed_time: '60ms' } });
  await helper.start(host());
  await helper.consumer('metrics').consume(sample('metrics', 3), {});
  await waitFor('giving up', async () => (await h.counter('send_failed_items')) > 0);
  assert.equal(await h.counter('send_failed_items', { signal: 'metrics', reason: 'retries_exhausted' }), 3);
  const attempts = rec.calls.length;
  assert.ok(attempts > 1, 'retried before giving up');
  await sleep(50);
  assert.equal(rec.calls.length, attempts, 'no attempts after giving up');
  await helper.shutdown();
});

test('partial success: rejected items are counted as failed, the rest as sent', async () => {
  const rec = recorder(() => ({ kind: 'ok', rejected: 2, message: 'two spans too old' }));
  const { h, helper } = setup(rec.send);
  await helper.start(host());
  await helper.consumer('traces').consume(sample('traces', 5), {});
  await waitFor('delivery', () => rec.delivered.length === 1);
  await helper.shutdown();
  assert.equal(await h.counter('sent_items', { signal: 'traces' }), 3);
  assert.equal(await h.counter('send_failed_items', { signal: 'traces', reason: 'rejected' }), 2);
});

test('sending_queue.enabled: false: consume resolves on delivery and reports failures', async () => {
  let n = 0;
  const rec = recorder(async () => {
    n++;
    await sleep(30);
    if (n === 2) return { kind: 'permanent', message: 'HTTP 400' };
    if (n >= 3) return { kind: 'retryable', message: 'HTTP 503', retryAfterMs: 5 };
    return { kind: 'ok' };
  });
  const { h, helper } = setup(rec.send, { queue: { enabled: false }, retry: { enabled: false } });
  await helper.start(host());
  await helper.consumer('traces').consume(sample('traces', 2), {});
  assert.equal(rec.delivered.length, 1, 'resolved only after the send completed');
  await assert.rejects(helper.consumer('traces').consume(sample('traces', 1), {}), PermanentError);
  await assert.rejects(
    helper.consumer('traces').consume(sample('traces', 1), {}),
    (e: unknown) => e instanceof RetryableError && e.reason === 'unavailable',
  );
  assert.equal(await h.gauge('queue_capacity'), undefined, 'no queue, no queue gauges');
  await helper.shutdown();
});

test('shutdown drains the memory queue when the destination is up', async () => {
  const rec = recorder(async () => {
    await sleep(20);
    return { kind: 'ok' };
  });
  const { h, helper } = setup(rec.send, { queue: { num_consumers: 1 } });
  await helper.start(host());
  for (let i = 0; i < 5; i++) await helper.consumer('traces').consume(sample('traces', 2), {});
  await helper.shutdown();
  assert.equal(rec.delivered.length, 5);
  assert.equal(await h.counter('sent_items'), 10);
  await assert.rejects(
    helper.consumer('traces').consume(sample('traces', 1), {}),
    (e: unknown) => e instanceof RetryableError && e.reason === 'unavailable',
    'nothing is accepted after shutdown',
  );
});

test('shutdown with the destination hanging stops within the drain bound and counts what was dropped', async () => {
  const send: SendFunction = (_r, abort) =>
    new Promise((resolve) =>
      abort.addEventListener('abort', () => resolve({ kind: 'retryable', message: 'aborted' })),
    );
  const { h, helper } = setup(send, { queue: { num_consumers: 1 }, drainTimeoutMs: 200, timeoutMs: 0 });
  await helper.start(host());
  await helper.consumer('traces').consume(sample('traces', 2), {});
  await helper.consumer('logs').consume(sample('logs', 3), {});
  const started = Date.now();
  await helper.shutdown();
  assert.ok(Date.now() - started < 1500, `shutdown took ${Date.now() - started} ms`);
  assert.equal(await h.counter('send_failed_items', { signal: 'traces', reason: 'shutdown' }), 2);
  assert.equal(await h.counter('send_failed_items', { signal: 'logs', reason: 'shutdown' }), 3);
});

test('persistent queue: data offered while the destination is down survives a restart and is delivered once', async () => {
  const root = mkdtempSync(join(tmpdir(), 'wc-exporterhelper-'));
  const storage = { file_storage: storageExtension(root) };
  const queue = { storage: 'file_storage', num_consumers: 2 };
  const down = recorder(() => ({ kind: 'retryable', message: 'ECONNREFUSED' }));
  const first = setup(down.send, { queue, retry: { max_elapsed_time: 0 } });
  await first.helper.start(host(storage));
  await first.helper.consumer('traces').consume(sample('traces', 3, 'a'), {});
  await first.helper.consumer('metrics').consume(sample('metrics', 4, 'b'), {});
  await first.helper.consumer('logs').consume(sample('logs', 5, 'c'), {});
  await waitFor('attempts while down', () => down.calls.length >= 2);
  await first.helper.shutdown();
  assert.equal(await first.h.counter('send_failed_items'), 0, 'nothing was dropped: it stays on disk');

  const up = recorder();
  const second = setup(up.send, { queue });
  await second.helper.start(host(storage));
  await waitFor('delivery after restart', () => up.delivered.length === 3);
  await sleep(50);
  await second.helper.shutdown();
  assert.equal(up.delivered.length, 3, 'each request exactly once');
  const items = Object.fromEntries(up.delivered.map((r) => [r.signal, r.items]));
  assert.deepEqual(items, { traces: 3, metrics: 4, logs: 5 });
  assert.equal(await second.h.counter('sent_items'), 12);
});

test('sending_queue.storage naming a missing or non-storage extension fails start', async () => {
  const { helper } = setup(recorder().send, { queue: { storage: 'file_storage' } });
  await assert.rejects(
    helper.start(host()),
    /sending_queue\.storage: extension "file_storage" is not running/,
  );
  const other = setup(recorder().send, { queue: { storage: 'auth' } });
  await assert.rejects(
    other.helper.start(host({ auth: { async start() {}, async shutdown() {} } })),
    /not a storage extension/,
  );
});
