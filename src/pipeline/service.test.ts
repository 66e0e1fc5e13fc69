import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { resolveConfig } from '../config/load.ts';
import { section } from '../config/schema-helpers.ts';
import type { Signal } from '../model/common.ts';
import type { SignalData } from '../model/signal.ts';
import type { TracesData } from '../model/traces.ts';
import { silentLogger } from '../telemetry/logger.ts';
import { SelfMetrics } from '../telemetry/self-metrics.ts';
import type { AnyFactory, Consumers, ConsumeContext, Consumer, Host } from './component.ts';
import { RetryableError } from './errors.ts';
import { Registry } from './registry.ts';
import { Service } from './service.ts';
import { PositionSet } from '../queue/positions.ts';

// A tiny world of fake components that record what happens to them.
function world() {
  const events: string[] = [];
  const received: Record<string, SignalData[]> = {};
  const receivers: Record<string, Consumers> = {};
  const hosts: Record<string, Host> = {};
  let failStart = '';
  let rejectWith: Error | undefined;
  const lifecycle = (name: string) => ({
    async start(_host: Host) {
      if (failStart === name) throw new Error('boom');
      events.push(`start ${name}`);
    },
    async shutdown() {
      events.push(`stop ${name}`);
    },
  });
  const factories: AnyFactory[] = [
    {
      kind: 'receiver',
      type: 'fake',
      signals: ['traces', 'logs'],
      configSchema: section({}),
      create(s, _c, next) {
        receivers[s.id.key] = next;
        const l = lifecycle(`receiver/${s.id.key}`);
        return {
          ...l,
          async start(host: Host) {
            hosts[s.id.key] = host;
            await l.start(host);
          },
        };
      },
    },
    {
      kind: 'processor',
      type: 'tag',
      signals: ['traces', 'logs'],
      mutatesData: true,
      configSchema: section({ value: z.string().default('x') }),
      create<S extends Signal>(
        s: { id: { key: string } },
        c: { value: string },
        _signal: S,
        next: Consumer<S>,
      ) {
        return {
          ...lifecycle(`processor/${s.id.key}`),
          consume(data: SignalData<S>, ctx: ConsumeContext) {
            for (const r of (data as TracesData).resourceSpans ?? [])
              r.resource.attributes.push({ key: 'tag', value: { stringValue: c.value } });
            return next.consume(data, ctx);
          },
        };
      },
    } as AnyFactory,
    {
      kind: 'exporter',
      type: 'rec',
      signals: ['traces', 'logs'],
      // positions: keeps the source positions it is given, as a persistent queue does.
      configSchema: section({ positions: z.boolean().default(false) }),
      create(s, c: { positions: boolean }) {
        const stored = c.positions ? new PositionSet() : undefined;
        return {
          ...lifecycle(`exporter/${s.id.key}`),
          consumer(signal: Signal) {
            return {
              async consume(data: SignalData, ctx: ConsumeContext) {
                if (rejectWith) throw rejectWith;
                (received[`${s.id.key}:${signal}`] ??= []).push(data);
                stored?.addAll(ctx.positions);
              },
            };
          },
          storedPositions: () => stored,
        };
      },
    },
    {
      kind: 'extension',
      type: 'ext',
      configSchema: section({}),
      create: (s) => lifecycle(`extension/${s.id.key}`),
    },
  ];
  return {
    events,
    received,
    receivers,
    hosts,
    registry: new Registry(factories),
    failStartOf: (n: string) => (failStart = n),
    rejectWith: (e: Error | undefined) => (rejectWith = e),
  };
}

const dataDir = mkdtempSync(join(tmpdir(), 'wc-svc-'));
function config(pipelines: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    receivers: { fake: {}, 'fake/2': {} },
    processors: { tag: { value: 'a' }, 'tag/b': { value: 'b' } },
    exporters: { rec: {}, 'rec/2': {} },
    extensions: { ext: {} },
    service: {
      extensions: ['ext'],
      pipelines,
      data_dir: dataDir,
      telemetry: { metrics: { address: '127.0.0.1:0' } },
      metrics_endpoint: { address: '127.0.0.1:0' },
      ...extra,
    },
  };
}

const traces = (): TracesData => ({
  resourceSpans: [{ resource: { attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', scopeSpans: [] }],
});

test('start is downstream-first and stop upstream-first', async () => {
  const w = world();
  const cfg = resolveConfig(
    config({ traces: { receivers: ['fake'], processors: ['tag', 'tag/b'], exporters: ['rec'] } }),
    w.registry,
  );
  const svc = new Service(cfg, {
    logger: silentLogger(),
    metrics: new SelfMetrics({ processMetrics: false }),
  });
  await svc.start();
  assert.ok(svc.host.isReady());
  await svc.shutdown();
  assert.deepEqual(w.events, [
    'start extension/ext',
    'start exporter/rec',
    'start processor/tag/b',
    'start processor/tag',
    'start receiver/fake',
    'stop receiver/fake',
    'stop processor/tag',
    'stop processor/tag/b',
    'stop exporter/rec',
    'stop extension/ext',
  ]);
  assert.equal(svc.host.isReady(), false);
});

test('one receiver feeds several pipelines; mutating pipelines get their own copy', async () => {
  const w = world();
  const cfg = resolveConfig(
    config({
      traces: { receivers: ['fake'], processors: ['tag'], exporters: ['rec'] },
      'traces/b': { receivers: ['fake'], processors: ['tag/b'], exporters: ['rec/2'] },
      logs: { receivers: ['fake'], exporters: ['rec', 'rec/2'] },
    }),
    w.registry,
  );
  const svc = new Service(cfg, {
    logger: silentLogger(),
    metrics: new SelfMetrics({ processMetrics: false }),
  });
  await svc.start();
  try {
    const sent = traces();
    await w.receivers.fake!.traces!.consume(sent, {});
    const tagsOf = (d: SignalData) =>
      (d as TracesData).resourceSpans[0]!.resource.attributes.map(
        (a) => (a.value as { stringValue: string }).stringValue,
      );
    assert.deepEqual(tagsOf(w.received['rec:traces']![0]!), ['a']);
    assert.deepEqual(tagsOf(w.received['rec/2:traces']![0]!), ['b']);
    // Fan-out to two exporters in one pipeline delivers to both.
    await w.receivers.fake!.logs!.consume({ resourceLogs: [] }, {});
    assert.equal(w.received['rec:logs']!.length, 1);
    assert.equal(w.received['rec/2:logs']!.length, 1);
    assert.equal(w.receivers['fake/2'], undefined, 'an unused receiver is not created');
  } finally {
    await svc.shutdown();
  }
});

test('a rejection downstream reaches the receiver', async () => {
  const w = world();
  const cfg = resolveConfig(
    config({ traces: { receivers: ['fake'], exporters: ['rec', 'rec/2'] } }),
    w.registry,
  );
  const svc = new Service(cfg, {
    logger: silentLogger(),
    metrics: new SelfMetrics({ processMetrics: false }),
  });
  await svc.start();
  try {
    w.rejectWith(new RetryableError('full', 'queue_full'));
    await assert.rejects(w.receivers.fake!.traces!.consume(traces(), {}), RetryableError);
  } finally {
    await svc.shutdown();
  }
});

test('a component that fails to start stops everything already started and names itself', async () => {
  const w = world();
  w.failStartOf('processor/tag');
  const cfg = resolveConfig(
    config({ traces: { receivers: ['fake'], processors: ['tag'], exporters: ['rec'] } }),
    w.registry,
  );
  const svc = new Service(cfg, {
    logger: silentLogger(),
    metrics: new SelfMetrics({ processMetrics: false }),
  });
  await assert.rejects(svc.start(), /processor\/tag in pipeline traces failed to start: boom/);
  assert.deepEqual(w.events, [
    'start extension/ext',
    'start exporter/rec',
    'stop exporter/rec',
    'stop extension/ext',
  ]);
});

test('own metrics and the metrics endpoint are served', async () => {
  const w = world();
  const cfg = resolveConfig(config({ traces: { receivers: ['fake'], exporters: ['rec'] } }), w.registry);
  const metrics = new SelfMetrics();
  const svc = new Service(cfg, { logger: silentLogger(), metrics });
  await svc.start();
  try {
    metrics.forComponent('receiver', 'fake').accepted('traces', 7, 'http');
    const tel = svc.boundAddresses.get('telemetry')!;
    const text = await (await fetch(`http://127.0.0.1:${tel.port}/metrics`)).text();
    assert.match(
      text,
      /watchingcat_receiver_accepted_items_total\{receiver="fake",signal="traces",transport="http"\} 7/,
    );
    assert.match(text, /watchingcat_process_resident_memory_bytes \d+/);
    const m = svc.boundAddresses.get('metrics')!;
    svc.exposition.register('node', () => 'node_load1 0.5\n');
    const all = await fetch(`http://127.0.0.1:${m.port}/metrics`);
    assert.equal(await all.text(), 'node_load1 0.5\n');
    const ks = await fetch(`http://127.0.0.1:${m.port}/metrics/kubestate`);
    assert.equal(ks.status, 404);
    assert.match(await ks.text(), /nothing serves \/metrics\/kubestate/);
  } finally {
    await svc.shutdown();
  }
});

test('storedPositions: what every exporter downstream of the receiver stored; none when one keeps none', async () => {
  for (const [exporters, expected] of [
    [{ rec: { positions: true }, 'rec/2': { positions: true } }, 60],
    [{ rec: { positions: true }, 'rec/2': {} }, undefined],
  ] as const) {
    const w = world();
    const cfg = resolveConfig(
      {
        ...config({
          traces: { receivers: ['fake'], exporters: ['rec'] },
          logs: { receivers: ['fake', 'fake/2'], exporters: ['rec/2'] },
        }),
        exporters,
      },
      w.registry,
    );
    const svc = new Service(cfg, {
      logger: silentLogger(),
      metrics: new SelfMetrics({ processMetrics: false }),
    });
    await svc.start();
    try {
      await w.receivers.fake!.traces!.consume(traces(), { positions: [{ key: 'f', from: 0, to: 100 }] });
      await w.receivers.fake!.logs!.consume(
        { resourceLogs: [] },
        { positions: [{ key: 'f', from: 0, to: 60 }] },
      );
      const host = w.hosts.fake!;
      const stored = host.storedPositions?.({ type: 'fake', name: '', key: 'fake' });
      assert.equal(stored?.reach('f', 0), expected);
    } finally {
      await svc.shutdown();
    }
  }
});
