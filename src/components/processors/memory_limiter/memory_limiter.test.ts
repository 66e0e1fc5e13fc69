import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realisticLogs, realisticTraces } from '../../../codecs/otlp/testdata/fixtures.ts';
import type { Signal } from '../../../model/common.ts';
import type { SignalData } from '../../../model/signal.ts';
import {
  parseComponentId,
  type Consumer,
  type CreateSettings,
  type Host,
} from '../../../pipeline/component.ts';
import { RetryableError } from '../../../pipeline/errors.ts';
import { silentLogger } from '../../../telemetry/logger.ts';
import { SelfMetrics } from '../../../telemetry/self-metrics.ts';
import { createMemoryLimiterFactory } from './factory.ts';

const MiB = 1024 * 1024;

/** A limiter whose memory reading the test sets; gc() may free memory. */
function setup(config: unknown, opts: { freedByGc?: number } = {}) {
  const mem = { live: 0, gcCalls: 0 };
  const factory = createMemoryLimiterFactory({
    read: () => ({ live: mem.live, rss: mem.live }),
    gc: () => {
      mem.gcCalls++;
      mem.live -= opts.freedByGc ?? 0;
      return true;
    },
  });
  const metrics = new SelfMetrics({ processMetrics: false });
  const settings: CreateSettings = {
    id: parseComponentId('memory_limiter'),
    kind: 'processor',
    logger: silentLogger(),
    telemetry: metrics.forComponent('processor', 'memory_limiter'),
    dataDir: '/nonexistent',
  };
  const cfg = factory.configSchema.parse(config);
  const make = <S extends Signal>(signal: S) => {
    const got: Array<SignalData<S>> = [];
    let admits = 0;
    const next: Consumer<S> = {
      async consume(d) {
        got.push(d);
      },
      admit: () => void admits++,
    };
    return { p: factory.create(settings, cfg, signal, next), got, admits: () => admits };
  };
  const refused = async () => {
    const m = await metrics.registry.getSingleMetric('watchingcat_processor_refused_items_total')?.get();
    return m?.values.map((v) => ({ labels: v.labels, value: v.value })) ?? [];
  };
  return { mem, make, refused };
}

const host = {} as Host;

test('below the soft limit data passes; above it consume() and admit() refuse with a retryable error', async (t) => {
  t.mock.timers.enable({ apis: ['setInterval', 'Date'] });
  // limit 100 MiB, spike 20 MiB → soft limit 80 MiB.
  const { mem, make, refused } = setup({ limit_mib: 100, spike_limit_mib: 20, check_interval: '1s' });
  mem.live = 50 * MiB;
  const traces = make('traces');
  await traces.p.start(host);
  try {
    await traces.p.consume(realisticTraces(2), {});
    traces.p.admit!();
    assert.equal(traces.got.length, 1);
    assert.equal(traces.admits(), 1, 'admit() is forwarded downstream');

    mem.live = 85 * MiB;
    t.mock.timers.tick(1000);
    const err = await traces.p.consume(realisticTraces(3), {}).then(
      () => assert.fail('should refuse'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof RetryableError);
    assert.equal(err.reason, 'memory_pressure');
    assert.ok(err.retryAfterMs >= 1000);
    assert.match(err.message, /85 MiB in use is above the soft limit of 80 MiB/);
    assert.throws(
      () => traces.p.admit!(),
      (e: unknown) => e instanceof RetryableError && e.reason === 'memory_pressure',
    );
    assert.equal(traces.got.length, 1, 'nothing refused reached the next consumer');
    assert.equal(traces.admits(), 1);
    assert.deepEqual(await refused(), [
      { labels: { processor: 'memory_limiter', signal: 'traces', reason: 'memory_pressure' }, value: 3 },
    ]);

    mem.live = 79 * MiB;
    t.mock.timers.tick(1000);
    await traces.p.consume(realisticTraces(1), {});
    assert.equal(traces.got.length, 2, 'accepted again once below the soft limit');
  } finally {
    await traces.p.shutdown();
  }
});

test('no check happens between intervals: the decision uses the last measurement', async (t) => {
  t.mock.timers.enable({ apis: ['setInterval', 'Date'] });
  const { mem, make } = setup({ limit_mib: 100, check_interval: '5s' });
  mem.live = 10 * MiB;
  const logs = make('logs');
  await logs.p.start(host);
  try {
    mem.live = 95 * MiB;
    t.mock.timers.tick(4999);
    await logs.p.consume(realisticLogs(1), {});
    t.mock.timers.tick(1);
    await assert.rejects(logs.p.consume(realisticLogs(1), {}), RetryableError);
  } finally {
    await logs.p.shutdown();
  }
});

test('above the soft limit a GC runs first; if it frees enough, nothing is refused', async (t) => {
  t.mock.timers.enable({ apis: ['setInterval', 'Date'] });
  const { mem, make } = setup({ limit_mib: 100, check_interval: '1s' }, { freedByGc: 30 * MiB });
  mem.live = 10 * MiB;
  const logs = make('logs');
  await logs.p.start(host);
  try {
    mem.live = 90 * MiB; // above soft (80); GC brings it to 60
    t.mock.timers.tick(1000);
    assert.equal(mem.gcCalls, 1);
    await logs.p.consume(realisticLogs(1), {});
    assert.equal(logs.got.length, 1);
  } finally {
    await logs.p.shutdown();
  }
});

test('pipelines using the same memory_limiter share one measurement; shutdown stops checking', async (t) => {
  t.mock.timers.enable({ apis: ['setInterval', 'Date'] });
  const { mem, make } = setup({ limit_percentage: 50 });
  mem.live = 0;
  const a = make('traces');
  const b = make('logs');
  await a.p.start(host);
  await b.p.start(host);
  mem.live = Number.MAX_SAFE_INTEGER; // certainly above any machine's 40%
  t.mock.timers.tick(1000);
  await assert.rejects(a.p.consume(realisticTraces(1), {}), RetryableError);
  await assert.rejects(b.p.consume(realisticLogs(1), {}), RetryableError);
  await a.p.shutdown();
  await b.p.shutdown();
});
