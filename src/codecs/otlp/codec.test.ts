// The OTLP codecs against themselves (round trips of every field) and against the
// OpenTelemetry JS SDK's own serializers (what real senders put on the wire).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  JsonLogsSerializer,
  JsonMetricsSerializer,
  JsonTraceSerializer,
  ProtobufLogsSerializer,
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import { attrsToJs, hex, makeLogs, makeMetrics, makeSpans } from '../../../test/helpers/sdk.ts';
import type { AnyValue, Signal } from '../../model/common.ts';
import type { SignalData } from '../../model/signal.ts';
import {
  decodeExportResponse,
  decodeJsonRequest,
  decodeRequest,
  decodeRetryInfoDelayMs,
  decodeRpcStatus,
  DecodeError,
  encodeExportResponse,
  encodeJsonRequest,
  encodeRequest,
  encodeRetryInfo,
  encodeRpcStatus,
} from './index.ts';
import { logsFixture, metricsFixture, tracesFixture } from './testdata/fixtures.ts';

/** Byte arrays compare by content whatever their class (decoders return Buffer views). */
function canon(v: unknown): unknown {
  if (v instanceof Uint8Array) return `bytes:${Buffer.from(v).toString('hex')}`;
  if (Array.isArray(v)) return v.map(canon);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, canon(x)]));
  return v;
}
const same = (a: unknown, b: unknown, msg?: string) => assert.deepEqual(canon(a), canon(b), msg);

const fixtures: { [S in Signal]: () => SignalData<S> } = {
  traces: tracesFixture,
  metrics: metricsFixture,
  logs: logsFixture,
};

for (const signal of ['traces', 'metrics', 'logs'] as const) {
  test(`${signal}: protobuf round trip keeps every field`, () => {
    const data = fixtures[signal]();
    const bytes = encodeRequest(signal, data);
    const back = decodeRequest(signal, bytes);
    same(back, data);
    // Encoding is deterministic.
    assert.deepEqual(Buffer.from(encodeRequest(signal, back)), Buffer.from(bytes));
  });

  test(`${signal}: OTLP/JSON round trip keeps every field`, () => {
    const data = fixtures[signal]();
    const text = encodeJsonRequest(signal, data);
    same(decodeJsonRequest(signal, text), data);
    same(decodeJsonRequest(signal, Buffer.from(text)), data);
  });

  test(`${signal}: empty request`, () => {
    const empty = {
      traces: { resourceSpans: [] },
      metrics: { resourceMetrics: [] },
      logs: { resourceLogs: [] },
    }[signal];
    assert.deepEqual(decodeRequest(signal, new Uint8Array(0)), empty);
    assert.deepEqual(decodeJsonRequest(signal, '{}'), empty);
  });
}

test('JSON ids are hex, int64 are strings, bytes are base64', () => {
  const text = encodeJsonRequest('traces', tracesFixture());
  const j = JSON.parse(text);
  const span = j.resourceSpans[0].scopeSpans[0].spans[0];
  assert.match(span.traceId, /^[0-9a-f]{32}$/);
  assert.equal(span.startTimeUnixNano, '1700000000123456789');
  const attrs = Object.fromEntries(
    span.attributes.map((a: { key: string; value: unknown }) => [a.key, a.value]),
  );
  assert.deepEqual(attrs['span.8'], { intValue: '9223372036854775807' });
  assert.deepEqual(attrs['span.12'], {
    bytesValue: Buffer.from(Uint8Array.from({ length: 5 }, (_, i) => (i * 31 + 7) & 0xff)).toString('base64'),
  });
});

test('JSON input accepts enum names, numeric int64 and upper-case hex', () => {
  const d = decodeJsonRequest(
    'traces',
    JSON.stringify({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  traceId: 'AB'.repeat(16),
                  spanId: '0A'.repeat(8),
                  kind: 'SPAN_KIND_CLIENT',
                  startTimeUnixNano: 5,
                  status: { code: 'STATUS_CODE_ERROR' },
                  unknownField: 1,
                },
              ],
            },
          ],
        },
      ],
    }),
  );
  const s = d.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
  assert.equal(s.kind, 3);
  assert.equal(s.status.code, 2);
  assert.equal(s.startTimeUnixNano, 5n);
  assert.equal(hex(s.traceId), 'ab'.repeat(16));
});

test('decode errors name what is wrong and where', () => {
  assert.throws(
    () =>
      decodeJsonRequest(
        'traces',
        '{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":"soon"}]}]}]}',
      ),
    (e: unknown) => {
      assert.ok(e instanceof DecodeError);
      assert.match(
        e.message,
        /resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.startTimeUnixNano: expected an integer string/,
      );
      return true;
    },
  );
  assert.throws(() => decodeJsonRequest('logs', '{not json'), /invalid JSON/);
  const bad = tracesFixture();
  bad.resourceSpans[0]!.scopeSpans[0]!.spans[1]!.traceId = new Uint8Array(5);
  assert.throws(
    () => decodeRequest('traces', encodeRequest('traces', bad)),
    /invalid trace_id length 5 .* at resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[1\]/,
  );
  assert.throws(
    () => decodeRequest('traces', Uint8Array.from([0x0a, 0x05, 0x01])),
    /length 5 runs past the end/,
  );
});

test('unknown fields are skipped (forward compatibility)', () => {
  const known = encodeRequest('logs', logsFixture());
  // field 15, varint 1; field 14, length-delimited "xyz"; field 13, fixed32
  const extra = Buffer.from([0x78, 0x01, 0x72, 0x03, 0x78, 0x79, 0x7a, 0x6d, 1, 2, 3, 4]);
  same(decodeRequest('logs', Buffer.concat([extra, Buffer.from(known), extra])), logsFixture());
});

test('deeply nested AnyValues are refused, not a stack overflow', () => {
  let v: object = { stringValue: 'x' };
  for (let i = 0; i < 100; i++) v = { arrayValue: { values: [v] } };
  const text = JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: v }] }] }] });
  assert.throws(() => decodeJsonRequest('logs', text), /nested deeper than/);
  const data = logsFixture();
  let deep: AnyValue = { stringValue: 'x' };
  for (let i = 0; i < 100; i++) deep = { arrayValue: { values: [deep] } };
  data.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!.body = deep;
  assert.throws(() => decodeRequest('logs', encodeRequest('logs', data)), DecodeError);
});

test('SDK protobuf and JSON traces decode to what the SDK recorded', () => {
  const spans = makeSpans('sdk', 5);
  for (const decoded of [
    decodeRequest('traces', ProtobufTraceSerializer.serializeRequest(spans)!),
    decodeJsonRequest('traces', JsonTraceSerializer.serializeRequest(spans)!),
  ]) {
    const got = decoded.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
    assert.equal(got.length, spans.length);
    for (const want of spans) {
      const s = got.find((x) => x.name === want.name)!;
      assert.equal(hex(s.traceId), want.spanContext().traceId);
      assert.equal(hex(s.spanId), want.spanContext().spanId);
      assert.deepEqual(attrsToJs(s.attributes), want.attributes);
      assert.equal(s.endTimeUnixNano, BigInt(want.endTime[0]) * 1_000_000_000n + BigInt(want.endTime[1]));
      assert.deepEqual(
        s.links.map((l) => hex(l.spanId)),
        want.links.map((l) => l.context.spanId),
      );
    }
    // Our encoding of it decodes to the same data.
    same(decodeRequest('traces', encodeRequest('traces', decoded)), decoded);
  }
});

test('SDK logs and metrics decode identically from protobuf and JSON', async () => {
  const logs = makeLogs('sdk', 4);
  const lp = decodeRequest('logs', ProtobufLogsSerializer.serializeRequest(logs)!);
  const lj = decodeJsonRequest('logs', JsonLogsSerializer.serializeRequest(logs)!);
  same(lj, lp);
  assert.equal(lp.resourceLogs[0]!.scopeLogs[0]!.logRecords.length, 4);
  const rm = await makeMetrics('sdk', 3);
  const mp = decodeRequest('metrics', ProtobufMetricsSerializer.serializeRequest(rm)!);
  const mj = decodeJsonRequest('metrics', JsonMetricsSerializer.serializeRequest(rm)!);
  same(mj, mp);
  const names = mp.resourceMetrics[0]!.scopeMetrics[0]!.metrics.map(
    (m) => `${m.name}:${m.data?.type}:${m.data?.dataPoints.length}`,
  );
  assert.deepEqual(names, [
    'sdk.requests:sum:3',
    'sdk.inflight:sum:3',
    'sdk.latency:histogram:3',
    'sdk.temperature:gauge:3',
  ]);
});

test('export responses, rpc status and retry info', () => {
  for (const signal of ['traces', 'metrics', 'logs'] as const) {
    for (const format of ['proto', 'json'] as const) {
      const enc = encodeExportResponse(signal, { rejected: 3, errorMessage: 'bad points' }, format);
      const buf = typeof enc === 'string' ? Buffer.from(enc) : enc;
      assert.deepEqual(decodeExportResponse(signal, buf, format), {
        rejected: 3,
        errorMessage: 'bad points',
      });
      const none = encodeExportResponse(signal, { rejected: 0, errorMessage: '' }, format);
      assert.deepEqual(
        decodeExportResponse(signal, typeof none === 'string' ? Buffer.from(none) : none, format),
        { rejected: 0, errorMessage: '' },
      );
    }
  }
  const status = { code: 8, message: 'slow down', details: [encodeRetryInfo(2500)] };
  const back = decodeRpcStatus(encodeRpcStatus(status));
  assert.equal(back.code, 8);
  assert.equal(back.message, 'slow down');
  assert.equal(decodeRetryInfoDelayMs(back), 2500);
  assert.equal(decodeRetryInfoDelayMs({ code: 14, message: '', details: [] }), undefined);
});
