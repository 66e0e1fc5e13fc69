// OTLP/JSON: round trips, the output format, the input forms the spec allows, and errors that
// name the JSON path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Signal } from '../../model/common.ts';
import type { SignalData } from '../../model/signal.ts';
import { DecodeError, decodeJsonRequest, encodeJsonRequest } from './index.ts';
import { bytes, logsFixture, metricsFixture, tracesFixture } from './testdata/fixtures.ts';
import { canon } from './testdata/pb.ts';

const same = (a: unknown, b: unknown) => assert.deepStrictEqual(canon(a), canon(b));
const fixtures: { [S in Signal]: () => SignalData<S> } = {
  traces: tracesFixture,
  metrics: metricsFixture,
  logs: logsFixture,
};

function throwsDecode(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DecodeError, `expected DecodeError, got ${String(e)}`);
    assert.match(e.message, pattern);
    return true;
  });
}

/** A traces request with one span made of `span`'s fields. */
const oneSpan = (span: object) => JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] });
const firstSpan = (text: string) =>
  decodeJsonRequest('traces', text).resourceSpans[0]!.scopeSpans[0]!.spans[0]!;

for (const signal of ['traces', 'metrics', 'logs'] as const) {
  test(`${signal}: OTLP/JSON round trip keeps every field (text and bytes input)`, () => {
    const data = fixtures[signal]();
    const text = encodeJsonRequest(signal, data);
    same(decodeJsonRequest(signal, text), data);
    same(decodeJsonRequest(signal, new TextEncoder().encode(text)), data);
    assert.equal(encodeJsonRequest(signal, decodeJsonRequest(signal, text)), text);
  });

  test(`${signal}: empty requests`, () => {
    const key = { traces: 'resourceSpans', metrics: 'resourceMetrics', logs: 'resourceLogs' }[signal];
    assert.deepStrictEqual(decodeJsonRequest(signal, '{}'), { [key]: [] });
    assert.deepStrictEqual(decodeJsonRequest(signal, `{"${key}":null}`), { [key]: [] });
    assert.equal(
      encodeJsonRequest(signal, { [key]: [] } as unknown as SignalData<typeof signal>),
      `{"${key}":[]}`,
    );
  });
}

test('output: hex ids, int64 as strings, base64 bytes, enums as integers, defaults omitted', () => {
  const j = JSON.parse(encodeJsonRequest('traces', tracesFixture()));
  const [rich, client, ...rest] = j.resourceSpans[0].scopeSpans[0].spans;
  assert.equal(rest.length, 0);
  assert.equal(
    rich.traceId,
    Buffer.from(tracesFixture().resourceSpans[0]!.scopeSpans[0]!.spans[0]!.traceId).toString('hex'),
  );
  assert.match(rich.spanId, /^[0-9a-f]{16}$/);
  assert.equal(rich.startTimeUnixNano, '1700000000123456789');
  assert.equal(rich.endTimeUnixNano, '18446744073709551615');
  assert.equal(rich.kind, 2);
  assert.deepEqual(rich.status, { message: 'boom — failed', code: 2 });
  assert.equal(rich.flags, 0x301);
  const attr = (key: string) => rich.attributes.find((a: { key: string }) => a.key === key).value;
  assert.deepEqual(attr('span.13'), { intValue: '9223372036854775807' });
  assert.deepEqual(attr('span.6'), { intValue: '0' });
  assert.deepEqual(attr('span.1'), { stringValue: '' });
  assert.deepEqual(attr('span.5'), { boolValue: false });
  assert.deepEqual(attr('span.18'), { doubleValue: '-0' });
  assert.deepEqual(attr('span.19'), { doubleValue: 'NaN' });
  assert.deepEqual(attr('span.20'), { doubleValue: 'Infinity' });
  assert.deepEqual(attr('span.21'), { doubleValue: '-Infinity' });
  assert.deepEqual(attr('span.23'), { bytesValue: Buffer.from(bytes(5, 7)).toString('base64') });
  assert.deepEqual(attr('span.30'), {});
  // A span with default fields has none of them written.
  assert.deepEqual(Object.keys(client).sort(), [
    'droppedAttributesCount',
    'endTimeUnixNano',
    'flags',
    'kind',
    'name',
    'parentSpanId',
    'spanId',
    'startTimeUnixNano',
    'status',
    'traceId',
  ]);
  assert.deepEqual(j.resourceSpans[0].scopeSpans[1], { scope: {}, spans: [{}] });
  const m = JSON.parse(encodeJsonRequest('metrics', metricsFixture())).resourceMetrics[0].scopeMetrics[0]
    .metrics;
  assert.deepEqual(m[0].gauge.dataPoints[1], { timeUnixNano: '1700000060000000000', asDouble: 0 });
  assert.equal(m[3].histogram.dataPoints[0].count, '10');
  assert.deepEqual(m[3].histogram.dataPoints[0].bucketCounts, ['1', '2', '3', '4']);
  assert.equal(m[3].histogram.aggregationTemporality, 1);
  assert.deepEqual(m[4].exponentialHistogram.dataPoints[0].positive, {
    offset: -3,
    bucketCounts: ['1', '0', '300', '34359738368'],
  });
  assert.deepEqual(m[7], { name: 'empty' });
});

test('input: upper-case hex, enum names, numbers for int64, strings for numbers, snake_case, null, unknown keys', () => {
  const s = firstSpan(
    oneSpan({
      trace_id: 'AB'.repeat(16),
      spanId: '0a'.repeat(8),
      kind: 'SPAN_KIND_CLIENT',
      start_time_unix_nano: 5,
      endTimeUnixNano: '18446744073709551615',
      status: { code: 'STATUS_CODE_ERROR', message: null },
      flags: '257',
      droppedAttributesCount: null,
      attributes: [
        { key: 'i', value: { intValue: 12 } },
        { key: 'd', value: { doubleValue: '2.5' } },
        { key: 'n', value: { double_value: 'NaN' } },
        { key: 'b', value: { bytesValue: '-_8' } }, // URL-safe alphabet, no padding
        { key: 'k', value: { kvlist_value: { values: [{ key: 'x', value: null }] } } },
      ],
      unknownField: { anything: [1, 2, 3] },
    }),
  );
  assert.equal(Buffer.from(s.traceId).toString('hex'), 'ab'.repeat(16));
  assert.equal(s.kind, 3);
  assert.equal(s.startTimeUnixNano, 5n);
  assert.equal(s.endTimeUnixNano, 2n ** 64n - 1n);
  assert.deepEqual(s.status, { code: 2, message: '' });
  assert.equal(s.flags, 257);
  same(s.attributes, [
    { key: 'i', value: { intValue: 12 } },
    { key: 'd', value: { doubleValue: 2.5 } },
    { key: 'n', value: { doubleValue: NaN } },
    { key: 'b', value: { bytesValue: Uint8Array.of(0xfb, 0xff) } },
    { key: 'k', value: { kvlistValue: { values: [{ key: 'x', value: {} }] } } },
  ]);
  const logs = decodeJsonRequest(
    'logs',
    '\ufeff{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"severityNumber":"SEVERITY_NUMBER_WARN3","body":{"intValue":"-9223372036854775808"}}]}]}]}',
  );
  const rec = logs.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!;
  assert.equal(rec.severityNumber, 15);
  assert.deepEqual(rec.body, { intValue: -(2n ** 63n) });
  const metrics = decodeJsonRequest(
    'metrics',
    JSON.stringify({
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  sum: {
                    aggregationTemporality: 'AGGREGATION_TEMPORALITY_DELTA',
                    isMonotonic: true,
                    dataPoints: [{ asInt: 7 }],
                  },
                },
              ],
            },
          ],
        },
      ],
    }),
  );
  same(metrics.resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]!.data, {
    type: 'sum',
    dataPoints: [
      { attributes: [], startTimeUnixNano: 0n, timeUnixNano: 0n, exemplars: [], flags: 0, asInt: 7 },
    ],
    aggregationTemporality: 1,
    isMonotonic: true,
  });
});

test('wrong types are DecodeErrors naming the JSON path', () => {
  const cases: [string, RegExp][] = [
    [
      oneSpan({ startTimeUnixNano: 'soon' }),
      /^resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.startTimeUnixNano: expected an integer string$/,
    ],
    [oneSpan({ startTimeUnixNano: '-1' }), /startTimeUnixNano: integer out of 64-bit range/],
    [
      oneSpan({ startTimeUnixNano: '18446744073709551616' }),
      /startTimeUnixNano: integer out of 64-bit range/,
    ],
    [oneSpan({ startTimeUnixNano: 1.5 }), /startTimeUnixNano: expected an integer string/],
    [oneSpan({ traceId: 'abc' }), /spans\[0\]\.traceId: expected 32 hex digits/],
    [oneSpan({ spanId: 'zz'.repeat(8) }), /spans\[0\]\.spanId: expected 16 hex digits/],
    [oneSpan({ name: 5 }), /spans\[0\]\.name: expected a string/],
    [oneSpan({ kind: 'SERVER' }), /spans\[0\]\.kind: expected an enum name or a 32-bit integer/],
    [oneSpan({ flags: -1 }), /spans\[0\]\.flags: expected a non-negative 32-bit integer/],
    [oneSpan({ attributes: {} }), /spans\[0\]\.attributes: expected an array/],
    [oneSpan({ attributes: [5] }), /spans\[0\]\.attributes\[0\]: expected an object/],
    [
      oneSpan({ attributes: [{ key: 'k', value: { intValue: '1e3' } }] }),
      /attributes\[0\]\.value\.intValue: expected an integer string/,
    ],
    [
      oneSpan({ attributes: [{ key: 'k', value: { bytesValue: 'a' } }] }),
      /attributes\[0\]\.value\.bytesValue: expected base64/,
    ],
    [
      oneSpan({ attributes: [{ key: 'k', value: { boolValue: 'true' } }] }),
      /value\.boolValue: expected true or false/,
    ],
    [
      oneSpan({ attributes: [{ key: 'k', value: { arrayValue: { values: [{}, { doubleValue: 'x' }] } } }] }),
      /attributes\[0\]\.value\.arrayValue\.values\[1\]\.doubleValue: expected a number/,
    ],
    [oneSpan({ links: [{}, { traceId: 1 }] }), /spans\[0\]\.links\[1\]\.traceId: expected 32 hex digits/],
    [oneSpan({ status: [] }), /spans\[0\]\.status: expected an object/],
    ['[]', /^\(root\): expected an object$/],
    ['{"resourceSpans":{}}', /^resourceSpans: expected an array$/],
    [
      '{"resourceSpans":[{"resource":{"droppedAttributesCount":"x"}}]}',
      /^resourceSpans\[0\]\.resource\.droppedAttributesCount:/,
    ],
  ];
  for (const [text, pattern] of cases) throwsDecode(() => decodeJsonRequest('traces', text), pattern);
  throwsDecode(
    () =>
      decodeJsonRequest(
        'metrics',
        '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"histogram":{"dataPoints":[{"bucketCounts":["1","x"]}]}}]}]}]}',
      ),
    /^resourceMetrics\[0\]\.scopeMetrics\[0\]\.metrics\[0\]\.histogram\.dataPoints\[0\]\.bucketCounts\[1\]: expected an integer string$/,
  );
  throwsDecode(
    () =>
      decodeJsonRequest(
        'logs',
        '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"severityNumber":"LOUD"}]}]}]}',
      ),
    /logRecords\[0\]\.severityNumber: expected an enum name/,
  );
});

test('invalid JSON, invalid UTF-8 and deep nesting are DecodeErrors', () => {
  throwsDecode(() => decodeJsonRequest('logs', '{not json'), /^invalid JSON: /);
  throwsDecode(() => decodeJsonRequest('logs', ''), /^invalid JSON: /);
  throwsDecode(() => decodeJsonRequest('logs', Uint8Array.of(0x7b, 0xff, 0x7d)), /not valid UTF-8/);
  const nest = (levels: number) => {
    let v: object = { stringValue: 'x' };
    for (let i = 1; i < levels; i++) v = { arrayValue: { values: [v] } };
    return JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: v }] }] }] });
  };
  assert.ok(decodeJsonRequest('logs', nest(64)));
  throwsDecode(
    () => decodeJsonRequest('logs', nest(65)),
    /body(\.arrayValue\.values\[0\])+: AnyValue nested deeper than 64 levels/,
  );
  // Deeper than JSON.parse itself can go: still a DecodeError.
  throwsDecode(() => decodeJsonRequest('logs', '['.repeat(1_000_000)), /^invalid JSON/);
});
