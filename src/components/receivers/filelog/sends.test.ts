import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogRecord } from '../../../model/logs.ts';
import { PermanentError } from '../../../pipeline/errors.ts';
import { FileSends } from './sends.ts';

const rec = (n: number) => Array.from({ length: n }, () => ({}) as LogRecord);

/** A pipeline whose sends settle when the test says. */
function manual() {
  const calls: { n: number; resolve: () => void; reject: (e: unknown) => void }[] = [];
  const acks: number[] = [];
  const sends = new FileSends({
    send: (records) =>
      new Promise<void>((resolve, reject) => calls.push({ n: records.length, resolve, reject })),
    permanent: (err) => err instanceof PermanentError,
    onAck: (o) => acks.push(o),
  });
  return { sends, calls, acks };
}

const tick = () => new Promise((r) => setImmediate(r));

test('acknowledged in order: a later send accepted first waits for the earlier one', async () => {
  const m = manual();
  void m.sends.start(rec(2), 100);
  void m.sends.start(rec(3), 200);
  void m.sends.start([], 250); // an acknowledgement only, in its turn
  assert.equal(m.sends.records, 5);
  m.calls[1]!.resolve();
  await tick();
  assert.deepEqual(m.acks, []);
  m.calls[0]!.resolve();
  await tick();
  assert.deepEqual(m.acks, [250]);
  assert.equal(m.sends.records, 0);
});

test('a refused send keeps its records and blocks acknowledgement until it is accepted on retry', async () => {
  const m = manual();
  void m.sends.start(rec(2), 100);
  void m.sends.start(rec(1), 200);
  m.calls[0]!.reject(new Error('queue full'));
  m.calls[1]!.resolve();
  await tick();
  assert.ok(m.sends.hasFailed);
  assert.deepEqual(m.acks, []);
  assert.equal(m.sends.records, 2);
  const retry = m.sends.retryFailed();
  await tick();
  assert.equal(m.calls.length, 3);
  assert.equal(m.calls[2]!.n, 2, 'the same records again');
  m.calls[2]!.resolve();
  assert.equal(await retry, true);
  assert.deepEqual(m.acks, [200]);
  assert.ok(!m.sends.hasFailed);
});

test('a permanent refusal is dropped (acknowledged); retryFailed reports a refusal that persists', async () => {
  const m = manual();
  void m.sends.start(rec(1), 10);
  m.calls[0]!.reject(new PermanentError('bad'));
  await tick();
  assert.deepEqual(m.acks, [10]);
  void m.sends.start(rec(1), 20);
  m.calls[1]!.reject(new Error('full'));
  await tick();
  const retry = m.sends.retryFailed();
  await tick();
  m.calls[2]!.reject(new Error('still full'));
  assert.equal(await retry, false);
  assert.deepEqual(m.acks, [10]);
});

test('with nothing in flight an empty send acknowledges at once', () => {
  const m = manual();
  void m.sends.start([], 42);
  assert.deepEqual(m.acks, [42]);
});
