// Cached lines → OTLP: the line parser (escapes) and batching (bounded batches, nothing lost).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MetricsData } from '../model/metrics.ts';
import { resourceByName, selectFamilies } from './catalog.ts';
import { parseSeriesLine, toOtlp, toOtlpBatches } from './otlp.ts';
import { contextFor } from './render.ts';
import { ResourceMetricsStore } from './store.ts';

test('parseSeriesLine: labels in order, escapes undone, special values', () => {
  const s = parseSeriesLine('m{a="x",b="q\\"uo\\\\te\\nnl",c=""} 1.5e+09')!;
  assert.equal(s.name, 'm');
  assert.deepEqual(
    s.labels.map((l) => [l.key, (l.value as { stringValue: string }).stringValue]),
    [
      ['a', 'x'],
      ['b', 'q"uo\\te\nnl'],
      ['c', ''],
    ],
  );
  assert.equal(s.value, 1.5e9);
  assert.equal(parseSeriesLine('m +Inf')!.value, Infinity);
  assert.deepEqual(parseSeriesLine('m 2')!.labels, []);
  assert.equal(parseSeriesLine('garbage'), undefined);
  assert.equal(parseSeriesLine('m{a="unterminated} 1'), undefined);
});

function points(batches: MetricsData[]): string[] {
  const out: string[] = [];
  for (const b of batches)
    for (const rm of b.resourceMetrics)
      for (const sm of rm.scopeMetrics)
        for (const m of sm.metrics)
          for (const p of (m.data as { dataPoints: Array<{ attributes: Array<{ value: unknown }> }> })
            .dataPoints)
            out.push(`${m.name} ${JSON.stringify(p.attributes.map((a) => a.value))}`);
  return out.sort();
}

test('batches hold at most maxPoints points and together are exactly the whole', () => {
  const def = resourceByName('configmaps')!;
  const store = new ResourceMetricsStore(
    def,
    selectFamilies(def, {}),
    contextFor('configmaps', undefined, undefined),
  );
  const objects = ['a', 'b', 'c', 'd', 'e'].map((name) =>
    store.serialize({
      metadata: { name, namespace: 'n', resourceVersion: '3', creationTimestamp: '2026-01-01T00:00:00Z' },
    }),
  );
  const opts = { timeUnixNano: 2n, startTimeUnixNano: 1n };
  const batches = [...toOtlpBatches([{ store, objects }], opts, 4)];
  const sizes = batches.map((b) => points([b]).length);
  assert.ok(
    sizes.every((n) => n <= 4 && n > 0),
    `batch sizes ${sizes.join(',')}`,
  );
  const whole = points([toOtlp([{ store, objects }], opts)]);
  assert.equal(whole.length, 15, '5 objects × info, created, resource version');
  assert.deepEqual(points(batches), whole);
});
