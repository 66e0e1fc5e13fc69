import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendData, cloneData, emptyData, itemCount, takeItems } from './signal.ts';
import type { TracesData } from './traces.ts';
import type { MetricsData } from './metrics.ts';

function span(name: string) {
  return {
    traceId: new Uint8Array(16).fill(1),
    spanId: new Uint8Array(8).fill(2),
    traceState: '',
    parentSpanId: new Uint8Array(0),
    flags: 0,
    name,
    kind: 1,
    startTimeUnixNano: 1n,
    endTimeUnixNano: 2n,
    attributes: [{ key: 'k', value: { stringValue: name } }],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: 0, message: '' },
  };
}
const scope = { name: 's', version: '', attributes: [], droppedAttributesCount: 0 };
function traces(groups: string[][][]): TracesData {
  return {
    resourceSpans: groups.map((scopes, r) => ({
      resource: { attributes: [{ key: 'r', value: { intValue: r } }], droppedAttributesCount: 0 },
      schemaUrl: '',
      scopeSpans: scopes.map((names) => ({ scope, schemaUrl: '', spans: names.map(span) })),
    })),
  };
}
const names = (d: TracesData) =>
  d.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((x) => x.name)));

test('takeItems splits across resource and scope groups and keeps order', () => {
  const d = traces([[['a', 'b'], ['c']], [['d', 'e', 'f']]]);
  const head = takeItems('traces', d, 4);
  assert.deepEqual(names(head), ['a', 'b', 'c', 'd']);
  assert.deepEqual(names(d), ['e', 'f']);
  assert.equal(head.resourceSpans.length, 2);
  assert.equal(itemCount('traces', head), 4);
  assert.equal(itemCount('traces', d), 2);
});

test('takeItems never modifies shared resource or scope objects', () => {
  const original = traces([[['a', 'b', 'c']]]);
  const shared = original.resourceSpans[0]!;
  const view: TracesData = { resourceSpans: [...original.resourceSpans] };
  takeItems('traces', view, 2);
  assert.deepEqual(names(original), ['a', 'b', 'c']);
  assert.equal(shared.scopeSpans[0]!.spans.length, 3);
});

test('takeItems splits a metric between its data points', () => {
  const point = (v: number) => ({
    attributes: [],
    startTimeUnixNano: 0n,
    timeUnixNano: 1n,
    asDouble: v,
    exemplars: [],
    flags: 0,
  });
  const d: MetricsData = {
    resourceMetrics: [
      {
        resource: { attributes: [], droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeMetrics: [
          {
            scope,
            schemaUrl: '',
            metrics: [
              {
                name: 'm1',
                description: '',
                unit: '',
                metadata: [],
                data: { type: 'gauge', dataPoints: [point(1), point(2), point(3)] },
              },
              {
                name: 'm2',
                description: '',
                unit: '',
                metadata: [],
                data: { type: 'gauge', dataPoints: [point(4)] },
              },
            ],
          },
        ],
      },
    ],
  };
  const head = takeItems('metrics', d, 2);
  assert.equal(itemCount('metrics', head), 2);
  assert.equal(itemCount('metrics', d), 2);
  const rest = d.resourceMetrics[0]!.scopeMetrics[0]!.metrics;
  assert.deepEqual(
    rest.map((m) => m.name),
    ['m1', 'm2'],
  );
  assert.equal((rest[0]!.data!.dataPoints[0] as { asDouble: number }).asDouble, 3);
});

test('appendData and cloneData', () => {
  const into = emptyData('traces');
  appendData('traces', into, traces([[['a']]]));
  appendData('traces', into, traces([[['b']]]));
  assert.deepEqual(names(into), ['a', 'b']);
  const c = cloneData('traces', into);
  c.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.name = 'changed';
  c.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.traceId[0] = 9;
  assert.deepEqual(names(into), ['a', 'b']);
  assert.equal(into.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.traceId[0], 1);
  assert.equal(c.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.startTimeUnixNano, 1n);
});
