import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realisticMetrics, realisticTraces } from '../../../codecs/otlp/testdata/fixtures.ts';
import type { Signal } from '../../../model/common.ts';
import { itemCount, type SignalData } from '../../../model/signal.ts';
import type { TracesData } from '../../../model/traces.ts';
import type { ConsumeContext, Consumer, Host } from '../../../pipeline/component.ts';
import { PermanentError } from '../../../pipeline/errors.ts';
import { factory } from './factory.ts';

/** A downstream whose every consume() waits until the test settles it. */
function downstream<S extends Signal>(signal: S) {
  const calls: Array<{
    items: number;
    data: SignalData<S>;
    ctx: ConsumeContext;
    resolve: () => void;
    reject: (e: unknown) => void;
  }> = [];
  let admits = 0;
  const next: Consumer<S> = {
    consume(data, ctx) {
      return new Promise<void>((resolve, reject) =>
        calls.push({ items: itemCount(signal, data), data, ctx, resolve, reject }),
      );
    },
    admit: () => void admits++,
  };
  return { next, calls, admits: () => admits };
}

function batch<S extends Signal>(signal: S, config: unknown) {
  const d = downstream(signal);
  const p = factory.create({} as never, factory.configSchema.parse(config), signal, d.next);
  return { p, ...d };
}

/** Tracks whether a promise has settled, without awaiting it. */
function watch(p: Promise<void>) {
  const s = { state: 'pending' as 'pending' | 'resolved' | 'rejected', error: undefined as unknown };
  p.then(
    () => (s.state = 'resolved'),
    (e: unknown) => ((s.state = 'rejected'), (s.error = e)),
  );
  return s;
}
const settle = () => new Promise((r) => setImmediate(r));
const host = {} as Host;

test('send_batch_size triggers a send; callers resolve only once downstream accepted the batch', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { p, calls } = batch('traces', { send_batch_size: 5, timeout: '10s' });
  await p.start(host);
  const a = watch(p.consume(realisticTraces(2), {}));
  const b = watch(p.consume(realisticTraces(2), {}));
  await settle();
  assert.equal(calls.length, 0, '4 < 5 items: still buffered');
  const c = watch(p.consume(realisticTraces(2), {}));
  await settle();
  assert.deepEqual(
    calls.map((x) => x.items),
    [6],
  );
  assert.equal((calls[0]!.data as TracesData).resourceSpans.length, 3, 'resource groups are kept');
  assert.deepEqual([a.state, b.state, c.state], ['pending', 'pending', 'pending']);
  calls[0]!.resolve();
  await settle();
  assert.deepEqual([a.state, b.state, c.state], ['resolved', 'resolved', 'resolved']);
  await p.shutdown();
});

test('timeout sends what is buffered that long after the first item; timeout 0 sends at once', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { p, calls } = batch('traces', { send_batch_size: 100, timeout: '200ms' });
  const a = watch(p.consume(realisticTraces(2), {}));
  t.mock.timers.tick(150);
  watch(p.consume(realisticTraces(1), {}));
  t.mock.timers.tick(49);
  await settle();
  assert.equal(calls.length, 0);
  t.mock.timers.tick(1);
  await settle();
  assert.deepEqual(
    calls.map((x) => x.items),
    [3],
  );
  calls[0]!.resolve();
  await settle();
  assert.equal(a.state, 'resolved');

  const now = batch('traces', { timeout: 0 });
  watch(now.p.consume(realisticTraces(1), {}));
  watch(now.p.consume(realisticTraces(1), {}));
  await settle();
  assert.deepEqual(
    now.calls.map((x) => x.items),
    [1, 1],
  );
  now.calls.forEach((c) => c.resolve());
  await p.shutdown();
  await now.p.shutdown();
});

test('send_batch_max_size splits a batch; the request waits for every part and fails with any', async () => {
  const { p, calls } = batch('metrics', { send_batch_size: 4, send_batch_max_size: 4, timeout: '1s' });
  const r = watch(p.consume(realisticMetrics(10), {}));
  await settle();
  assert.deepEqual(
    calls.map((x) => x.items),
    [4, 4, 2],
    'data points of one metric are split across batches',
  );
  calls[0]!.resolve();
  calls[2]!.resolve();
  await settle();
  assert.equal(r.state, 'pending', 'one part is still in flight');
  const boom = new Error('export failed');
  calls[1]!.reject(boom);
  await settle();
  assert.equal(r.state, 'rejected');
  assert.equal(r.error, boom, 'the downstream error reaches the caller');

  // 0 = no limit: one batch however large.
  const unlimited = batch('metrics', { send_batch_size: 4, timeout: '1s' });
  watch(unlimited.p.consume(realisticMetrics(10), {}));
  await settle();
  assert.deepEqual(
    unlimited.calls.map((x) => x.items),
    [10],
  );
  unlimited.calls[0]!.resolve();
  await p.shutdown();
  await unlimited.p.shutdown();
});

test('a downstream error rejects every caller whose data was in the batch', async () => {
  const { p, calls } = batch('traces', { send_batch_size: 3, timeout: '1s' });
  const a = watch(p.consume(realisticTraces(1), {}));
  const b = watch(p.consume(realisticTraces(2), {}));
  await settle();
  calls[0]!.reject(new Error('queue full'));
  await settle();
  assert.deepEqual([a.state, b.state], ['rejected', 'rejected']);
  assert.match(String(a.error), /queue full/);
  await p.shutdown();
});

test('shutdown flushes the buffer and waits until downstream accepted it', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { p, calls } = batch('traces', { send_batch_size: 100, timeout: '1h' });
  const a = watch(p.consume(realisticTraces(3), {}));
  const stopped = watch(p.shutdown());
  await settle();
  assert.deepEqual(
    calls.map((x) => x.items),
    [3],
  );
  assert.equal(stopped.state, 'pending', 'shutdown waits for the flush to be accepted');
  calls[0]!.resolve();
  await settle();
  assert.deepEqual([a.state, stopped.state], ['resolved', 'resolved']);
});

test('admit() is forwarded; empty requests resolve at once without a send', async () => {
  const { p, calls, admits } = batch('traces', {});
  p.admit!();
  assert.equal(admits(), 1);
  await p.consume({ resourceSpans: [] }, {});
  assert.equal(calls.length, 0);
  await p.shutdown();
});

test('metadata_keys: one batch per value combination, carrying that metadata; the cardinality limit holds', async () => {
  const { p, calls } = batch('traces', {
    send_batch_size: 2,
    timeout: '1s',
    metadata_keys: ['X-Tenant'],
    metadata_cardinality_limit: 2,
  });
  const ctx = (tenant: string) => ({ metadata: { 'x-tenant': tenant, other: 'dropped' } });
  watch(p.consume(realisticTraces(1), ctx('a')));
  watch(p.consume(realisticTraces(1), ctx('b')));
  await settle();
  assert.equal(calls.length, 0, 'each tenant has one item: no batch is full');
  watch(p.consume(realisticTraces(1), ctx('a')));
  await settle();
  assert.deepEqual(
    calls.map((c) => [c.items, c.ctx]),
    [[2, { metadata: { 'x-tenant': 'a' } }]],
  );
  await assert.rejects(p.consume(realisticTraces(1), ctx('c')), (e: unknown) => {
    assert.ok(e instanceof PermanentError);
    assert.match(e.message, /metadata_cardinality_limit \(2\)/);
    return true;
  });
  const stopped = watch(p.shutdown());
  await settle();
  assert.deepEqual(calls.map((c) => [c.items, c.ctx]).slice(1), [[1, { metadata: { 'x-tenant': 'b' } }]]);
  calls.forEach((c) => c.resolve());
  await settle();
  assert.equal(stopped.state, 'resolved');
});

test('config: Collector defaults; send_batch_max_size must be 0 or ≥ send_batch_size', () => {
  assert.deepEqual(factory.configSchema.parse(null), {
    send_batch_size: 8192,
    timeout: 200,
    send_batch_max_size: 0,
    metadata_keys: [],
    metadata_cardinality_limit: 1000,
  });
  const r = factory.configSchema.safeParse({ send_batch_size: 100, send_batch_max_size: 50 });
  assert.equal(r.success, false);
  assert.deepEqual(r.error!.issues[0]!.path, ['send_batch_max_size']);
  assert.equal(factory.configSchema.safeParse({ timeout: '10s', send_batch_size: 1024 }).success, true);
  assert.equal(factory.configSchema.safeParse({ timeout: 'later' }).success, false);
  assert.equal(factory.configSchema.safeParse({ batch_size: 1 }).success, false);
  assert.equal(factory.mutatesData, false);
});

test('source positions of merged requests travel with the batch; a split batch carries them on its last part', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { p, calls } = batch('traces', { send_batch_size: 4, send_batch_max_size: 4, timeout: '10s' });
  await p.start(host);
  watch(p.consume(realisticTraces(1), { positions: [{ key: 'a', from: 0, to: 10 }] }));
  watch(p.consume(realisticTraces(1), {}));
  watch(p.consume(realisticTraces(2), { positions: [{ key: 'b', from: 5, to: 9 }] }));
  await settle();
  assert.equal(calls.length, 1);
  assert.deepEqual(calls[0]!.ctx.positions, [
    { key: 'a', from: 0, to: 10 },
    { key: 'b', from: 5, to: 9 },
  ]);
  calls[0]!.resolve();
  // 3 + 4 items buffered, then flushed as two parts of at most 4.
  watch(p.consume(realisticTraces(3), { positions: [{ key: 'a', from: 10, to: 20 }] }));
  watch(p.consume(realisticTraces(4), {}));
  await settle();
  assert.deepEqual(
    calls.slice(1).map((c) => [c.items, c.ctx.positions]),
    [
      [4, undefined],
      [3, [{ key: 'a', from: 10, to: 20 }]],
    ],
  );
});
