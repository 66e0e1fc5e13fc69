import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { parseComponentId, type CreateSettings } from '../../../pipeline/component.ts';
import { SelfMetrics } from '../../../telemetry/self-metrics.ts';
import { sample } from '../../../exporterhelper/testing/data.ts';
import { factory } from './factory.ts';
import { Sampler } from './sampler.ts';

/** A debug exporter whose log lines are captured as parsed JSON. */
function capture(config: Record<string, unknown>) {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  const metrics = new SelfMetrics({ processMetrics: false });
  const settings: CreateSettings = {
    id: parseComponentId('debug'),
    kind: 'exporter',
    logger: pino({ level: 'info' }, stream),
    telemetry: metrics.forComponent('exporter', 'debug'),
    dataDir: '/nonexistent',
  };
  const exporter = factory.create(settings, factory.configSchema.parse(config));
  const flush = () => new Promise((r) => setImmediate(r));
  return { exporter, lines, metrics, flush };
}

test('basic: one line per batch with the counts', async () => {
  const { exporter, lines, flush } = capture({});
  await exporter.consumer('traces').consume(sample('traces', 3), {});
  await exporter.consumer('metrics').consume(sample('metrics', 4), {});
  await exporter.consumer('logs').consume(sample('logs', 2), {});
  await flush();
  assert.equal(lines.length, 3);
  assert.equal(lines[0]!.msg, 'Traces');
  assert.equal(lines[0]!.spans, 3);
  assert.equal(lines[0]!['resource spans'], 1);
  assert.equal(lines[1]!['data points'], 4);
  assert.equal(lines[1]!.metrics, 1);
  assert.equal(lines[2]!['log records'], 2);
});

test('normal: a line per item after the summary', async () => {
  const { exporter, lines, flush } = capture({ verbosity: 'normal' });
  await exporter.consumer('logs').consume(sample('logs', 2, 'hello'), {});
  await exporter.consumer('metrics').consume(sample('metrics', 2, 'm'), {});
  await flush();
  assert.deepEqual(
    lines.map((l) => l.msg),
    ['Logs', 'hello-0', 'hello-1', 'Metrics', 'm.gauge{p=0} 0.5', 'm.gauge{p=1} 1.5'],
  );
});

test('detailed: a full dump with ids, names and typed attributes', async () => {
  const { exporter, lines, flush } = capture({ verbosity: 'detailed' });
  await exporter.consumer('traces').consume(sample('traces', 2, 'op'), {});
  await flush();
  const text = String(lines[1]!.msg);
  assert.match(text, /^ResourceSpans #0/);
  assert.match(text, /-> service\.name: Str\(svc\)/);
  assert.match(text, /Span #1\n {4}Trace ID {7}: (02){16}\n/);
  assert.match(text, /Name {11}: op-1/);
  assert.match(text, /Kind {11}: Server/);
  assert.match(text, /-> i: Int\(1\)/);
});

test('sent items are counted even when sampling hides the batch', async () => {
  const { exporter, lines, metrics, flush } = capture({ sampling_initial: 1, sampling_thereafter: 100 });
  for (let i = 0; i < 5; i++) await exporter.consumer('traces').consume(sample('traces', 2), {});
  await flush();
  assert.equal(lines.length, 1, 'only the first batch of the second is logged');
  const m = await metrics.registry.getSingleMetric('watchingcat_exporter_sent_items_total')!.get();
  assert.equal(m.values[0]!.value, 10);
});

test('sampler: the first N per second, then every Mth; a new second starts over', () => {
  let t = 0;
  const s = new Sampler(2, 3, () => t);
  const first = Array.from({ length: 8 }, () => s.sample());
  assert.deepEqual(first, [true, true, false, false, true, false, false, true]);
  t = 1000;
  assert.deepEqual([s.sample(), s.sample(), s.sample()], [true, true, false]);
});

test('config: defaults and a misspelt verbosity named by path', () => {
  assert.deepEqual(factory.configSchema.parse(undefined), {
    verbosity: 'basic',
    sampling_initial: 2,
    sampling_thereafter: 1,
    use_internal_logger: true,
  });
  const r = factory.configSchema.safeParse({ verbosity: 'loud' });
  assert.equal(r.success, false);
  assert.deepEqual(r.error!.issues[0]!.path, ['verbosity']);
});

test('use_internal_logger: false writes plain text to stdout instead of the log', async () => {
  const { exporter, lines } = capture({ use_internal_logger: false, verbosity: 'normal' });
  const written: string[] = [];
  const original = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  try {
    await exporter.consumer('logs').consume(sample('logs', 2, 'out'), {});
  } finally {
    process.stdout.write = original;
  }
  assert.equal(lines.length, 0, 'nothing went to the log');
  assert.equal(written.join(''), 'Logs {"resource logs":1,"log records":2}\nout-0\nout-1\n');
});
