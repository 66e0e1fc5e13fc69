import { test } from 'node:test';
import assert from 'node:assert/strict';
import { retrySettings } from '../config/schema-helpers.ts';
import { silentLogger } from '../telemetry/logger.ts';
import { deliver, type DeliverOptions } from './retry.ts';
import type { SendFunction, SendRequest, SendResult } from './types.ts';

const req: SendRequest = { signal: 'traces', items: 3, payload: new Uint8Array([1, 2, 3]) };

function opts(
  o: Partial<Omit<DeliverOptions, 'retry'>> & { retry?: Record<string, unknown> } = {},
): DeliverOptions {
  const { retry, ...rest } = o;
  return {
    retry: retrySettings().parse({
      initial_interval: '10ms',
      max_interval: '40ms',
      randomization_factor: 0,
      ...retry,
    }),
    timeoutMs: 1000,
    stopping: new AbortController().signal,
    hardStop: new AbortController().signal,
    lastAttemptOnStop: false,
    logger: silentLogger(),
    ...rest,
  };
}

/** A send that answers from a script, then succeeds; records attempt times. */
function scripted(script: SendResult[]): SendFunction & { times: number[] } {
  const times: number[] = [];
  const f = (async () => {
    times.push(Date.now());
    return script.shift() ?? { kind: 'ok' };
  }) as unknown as SendFunction & { times: number[] };
  f.times = times;
  return f;
}

test('retryable failures are retried until the send succeeds', async () => {
  const send = scripted([
    { kind: 'retryable', message: 'HTTP 503' },
    { kind: 'retryable', message: 'ECONNREFUSED' },
  ]);
  const out = await deliver(send, req, opts());
  assert.deepEqual(out, { kind: 'ok', rejected: 0, message: undefined });
  assert.equal(send.times.length, 3);
});

test('a permanent failure is not retried', async () => {
  const send = scripted([{ kind: 'permanent', message: 'HTTP 400: bad' }]);
  const out = await deliver(send, req, opts());
  assert.deepEqual(out, { kind: 'permanent', message: 'HTTP 400: bad' });
  assert.equal(send.times.length, 1);
});

test("the destination's delay is honoured when longer than the backoff", async () => {
  const send = scripted([{ kind: 'retryable', message: '429', retryAfterMs: 300 }]);
  const out = await deliver(send, req, opts());
  assert.equal(out.kind, 'ok');
  const gap = send.times[1]! - send.times[0]!;
  assert.ok(gap >= 290, `waited ${gap} ms, expected ≥ 300 (the server's delay, not the 10 ms backoff)`);
});

test('max_elapsed_time ends the retries; the outcome says so', async () => {
  const send: SendFunction = async () => ({ kind: 'retryable', message: 'down' });
  const started = Date.now();
  const out = await deliver(send, req, opts({ retry: { max_elapsed_time: '150ms' } }));
  assert.equal(out.kind, 'exhausted');
  assert.ok(Date.now() - started < 1000);
});

test('a server delay longer than max_elapsed_time gives up at once instead of waiting', async () => {
  const send = scripted([{ kind: 'retryable', message: '503', retryAfterMs: 60_000 }]);
  const started = Date.now();
  const out = await deliver(send, req, opts({ retry: { max_elapsed_time: '1s' } }));
  assert.deepEqual(out, { kind: 'exhausted', message: '503', retryAfterMs: 60_000 });
  assert.ok(Date.now() - started < 500);
});

test('retry_on_failure.enabled: false makes one attempt', async () => {
  const send = scripted([{ kind: 'retryable', message: 'down' }]);
  const out = await deliver(send, req, opts({ retry: { enabled: false } }));
  assert.equal(out.kind, 'exhausted');
  assert.equal(send.times.length, 1);
});

test('each attempt is bounded by the timeout, and a timed-out attempt is retried', async () => {
  let calls = 0;
  const send: SendFunction = (_r, abort) => {
    calls++;
    if (calls > 1) return Promise.resolve({ kind: 'ok' });
    // Hangs until aborted, like a destination that never answers.
    return new Promise((resolve) =>
      abort.addEventListener('abort', () => resolve({ kind: 'retryable', message: 'aborted' })),
    );
  };
  const started = Date.now();
  const out = await deliver(send, req, opts({ timeoutMs: 100 }));
  assert.equal(out.kind, 'ok');
  assert.equal(calls, 2);
  assert.ok(Date.now() - started < 1000);
});

test('a throwing send counts as a retryable failure', async () => {
  let calls = 0;
  const send: SendFunction = async () => {
    if (calls++ === 0) throw new Error('socket hang up');
    return { kind: 'ok', rejected: 2, message: 'two bad spans' };
  };
  assert.deepEqual(await deliver(send, req, opts()), { kind: 'ok', rejected: 2, message: 'two bad spans' });
});

test('shutdown interrupts a backoff wait: give up at once, or make one last attempt', async () => {
  for (const lastAttemptOnStop of [false, true]) {
    const stop = new AbortController();
    const send = scripted([{ kind: 'retryable', message: 'down' }]);
    setTimeout(() => stop.abort(), 50);
    const started = Date.now();
    const out = await deliver(
      send,
      req,
      opts({ stopping: stop.signal, lastAttemptOnStop, retry: { initial_interval: '10s' } }),
    );
    assert.ok(Date.now() - started < 1000, 'the 10 s wait was cut short');
    if (lastAttemptOnStop) {
      assert.equal(out.kind, 'ok');
      assert.equal(send.times.length, 2);
    } else {
      assert.deepEqual(out, { kind: 'shutdown', message: 'down' });
      assert.equal(send.times.length, 1);
    }
  }
});

test('a hard stop aborts the in-flight attempt', async () => {
  const hard = new AbortController();
  const send: SendFunction = (_r, abort) =>
    new Promise((resolve) =>
      abort.addEventListener('abort', () => resolve({ kind: 'retryable', message: 'aborted' })),
    );
  setTimeout(() => hard.abort(), 30);
  const out = await deliver(send, req, opts({ hardStop: hard.signal, timeoutMs: 0 }));
  assert.equal(out.kind, 'shutdown');
});
