// The protobuf codec: round trips of every field, exact bytes for a small request, an
// independent decoder (protobufjs) reading our encoder's output, and the decoder's contract on
// hand-made messages (unknown fields, field order, packed/unpacked, merging, oneofs, wrong wire
// types, id validation with paths, nesting limits).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AnyValue, Signal } from '../../model/common.ts';
import type { SignalData } from '../../model/signal.ts';
import { DecodeError, decodeRequest, encodeRequest } from './index.ts';
import { MAX_ANY_DEPTH } from './proto-decode.ts';
import {
  defaultSpan,
  logsFixture,
  metricsFixture,
  realisticTraces,
  tracesFixture,
} from './testdata/fixtures.ts';
import { canon, f, msg, rawDoubles, rawFixed64, rawVarints, request } from './testdata/pb.ts';
import { pbjsDecode, requestType } from './testdata/pbjs.ts';

const same = (a: unknown, b: unknown, message?: string) =>
  assert.deepStrictEqual(canon(a), canon(b), message);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

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

for (const signal of ['traces', 'metrics', 'logs'] as const) {
  test(`${signal}: protobuf round trip keeps every field, and encoding is deterministic`, () => {
    const data = fixtures[signal]();
    const bytes = encodeRequest(signal, data);
    const back = decodeRequest(signal, bytes);
    same(back, data);
    assert.equal(hex(encodeRequest(signal, back)), hex(bytes));
  });

  test(`${signal}: an independent decoder (protobufjs) reads our encoding as the same data`, () => {
    const data = fixtures[signal]();
    same(pbjsDecode(signal, encodeRequest(signal, data)), data);
  });

  test(`${signal}: we read what protobufjs writes (declaration field order, its own choices)`, () => {
    const type = requestType(signal);
    const theirs = type.encode(type.decode(encodeRequest(signal, fixtures[signal]()))).finish();
    same(decodeRequest(signal, theirs), fixtures[signal]());
  });

  test(`${signal}: the empty request is zero bytes both ways`, () => {
    const empty = {
      traces: { resourceSpans: [] },
      metrics: { resourceMetrics: [] },
      logs: { resourceLogs: [] },
    }[signal];
    assert.equal(encodeRequest(signal, empty as SignalData<typeof signal>).length, 0);
    assert.deepStrictEqual(decodeRequest(signal, new Uint8Array(0)), empty);
  });
}

test('exact bytes of a small trace request (field order, tags, lengths, omitted defaults)', () => {
  const span = {
    ...defaultSpan(),
    traceId: new Uint8Array(16).fill(0x11),
    spanId: new Uint8Array(8).fill(0x22),
    name: 'x',
    kind: 2,
    startTimeUnixNano: 1n,
    endTimeUnixNano: 2n,
    status: { code: 2, message: '' },
    flags: 1,
  };
  const data = {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'k', value: { stringValue: 'v' } }], droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeSpans: [
          {
            scope: { name: 's', version: '', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            spans: [span],
          },
        ],
      },
    ],
  };
  const spanBody = [
    '0a10' + '11'.repeat(16), // 1 trace_id
    '1208' + '22'.repeat(8), // 2 span_id
    '2a0178', // 5 name "x"
    '3002', // 6 kind SERVER
    '390100000000000000', // 7 start_time_unix_nano (fixed64)
    '410200000000000000', // 8 end_time_unix_nano
    '7a021802', // 15 status { 3 code ERROR }
    '850101000000', // 16 flags (fixed32, two-byte tag)
  ].join('');
  assert.equal(spanBody.length / 2, 61);
  const expected = [
    '0a52', // ExportTraceServiceRequest.resource_spans, 82 bytes
    '0a0a0a080a016b12030a0176', // resource { attributes { key "k" value { string_value "v" } } }
    '1244', // scope_spans, 68 bytes
    '0a030a0173', // scope { name "s" }
    '123d' + spanBody, // spans, 61 bytes
  ].join('');
  assert.equal(hex(encodeRequest('traces', data)), expected);
  // All-default items are empty messages; Resource and InstrumentationScope are always written.
  const defaults = {
    resourceSpans: [
      {
        resource: { attributes: [], droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeSpans: [
          {
            scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            spans: [defaultSpan()],
          },
        ],
      },
    ],
  };
  // request { resource_spans { resource {} scope_spans { scope {} spans {} } } }
  assert.equal(hex(encodeRequest('traces', defaults)), '0a080a0012040a001200');
});

test('oneof members and proto3 optionals are written even when zero; other zeros are not', () => {
  const point = (extra: object) => ({
    resourceMetrics: [
      {
        resource: { attributes: [], droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeMetrics: [
          {
            scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            metrics: [
              {
                name: '',
                description: '',
                unit: '',
                metadata: [],
                data: {
                  type: 'histogram' as const,
                  aggregationTemporality: 0,
                  dataPoints: [
                    {
                      attributes: [],
                      startTimeUnixNano: 0n,
                      timeUnixNano: 0n,
                      count: 0,
                      bucketCounts: [],
                      explicitBounds: [],
                      exemplars: [],
                      flags: 0,
                      ...extra,
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  });
  const pointBytes = (extra: object) => {
    const b = encodeRequest('metrics', point(extra));
    return hex(b).slice(hex(b).indexOf('4a') + 4 + 4); // Metric.histogram → data_points body
  };
  assert.equal(pointBytes({}), '');
  assert.equal(pointBytes({ sum: 0 }), '290000000000000000');
  assert.equal(pointBytes({ min: 0, max: -0 }), '5900000000000000006100000000000000' + '80');
  // AnyValue: an empty string, false and 0 keep their type.
  const kv = (value: AnyValue) =>
    hex(
      encodeRequest('logs', {
        resourceLogs: [
          {
            resource: { attributes: [{ key: '', value }], droppedAttributesCount: 0 },
            schemaUrl: '',
            scopeLogs: [],
          },
        ],
      }),
    ).slice(12);
  assert.equal(kv({ stringValue: '' }), '12020a00');
  assert.equal(kv({ boolValue: false }), '12021000');
  assert.equal(kv({ intValue: 0 }), '12021800');
  assert.equal(kv({}), '1200');
});

test('unknown fields of every wire type are skipped at every level', () => {
  const U = f.unknown();
  const kv = msg(U, f.len(1, 'k'), U, f.len(2, msg(U, f.len(1, 'v'), U)), U);
  const link = msg(U, f.len(1, new Uint8Array(16).fill(3)), U, f.len(4, kv), U);
  const event = msg(U, f.fixed64(1, 5n), U, f.len(3, kv), U);
  const status = msg(U, f.varint(3, 1), U);
  const span = msg(
    U,
    f.len(5, 'name'),
    U,
    f.len(9, kv),
    f.len(11, event),
    f.len(13, link),
    f.len(15, status),
    U,
  );
  const scope = msg(U, f.len(1, 'lib'), U, f.len(3, kv), U);
  const resource = msg(U, f.len(1, kv), U);
  const bytes = msg(
    U,
    f.len(
      1,
      msg(
        U,
        f.len(1, resource),
        U,
        f.len(2, msg(U, f.len(1, scope), U, f.len(2, span), U, f.len(3, 'url'))),
        U,
      ),
    ),
    U,
  );
  const d = decodeRequest('traces', bytes);
  const rs = d.resourceSpans[0]!;
  const s = rs.scopeSpans[0]!.spans[0]!;
  const attr = [{ key: 'k', value: { stringValue: 'v' } }];
  same(rs.resource.attributes, attr);
  same(rs.scopeSpans[0]!.scope, { name: 'lib', version: '', attributes: attr, droppedAttributesCount: 0 });
  assert.equal(rs.scopeSpans[0]!.schemaUrl, 'url');
  assert.equal(s.name, 'name');
  same(s.attributes, attr);
  same(s.events, [{ timeUnixNano: 5n, name: '', attributes: attr, droppedAttributesCount: 0 }]);
  same(s.links[0]!.attributes, attr);
  assert.equal(s.status.code, 1);
});

test('fields in any order; repeated singular messages merge; the last oneof member wins', () => {
  const kv = (k: string, v: Uint8Array) => msg(f.len(1, k), f.len(2, v));
  const span = msg(
    f.len(15, msg(f.len(2, 'first'))),
    f.fixed32(16, 7),
    f.len(5, 'late-name'),
    f.len(15, msg(f.varint(3, 2))), // merges: message stays, code added
    f.len(1, new Uint8Array(16).fill(1)),
    f.len(9, kv('a', msg(f.len(1, 'text'), f.varint(3, 5)))), // string then int: int wins
    f.len(9, msg(f.len(2, msg(f.varint(2, 1))), f.len(1, 'b'))), // value before key
  );
  const bytes = msg(
    f.len(1, msg(f.len(2, msg(f.len(2, span))), f.len(1, msg(f.len(1, kv('r1', msg(f.len(1, 'x')))))))),
  );
  const twice = msg(
    f.len(
      1,
      msg(
        f.len(1, msg(f.len(1, kv('r1', msg(f.len(1, 'x')))))),
        f.len(1, msg(f.len(1, kv('r2', msg(f.len(1, 'y')))), f.varint(2, 3))),
        f.len(2, msg(f.len(2, span))),
      ),
    ),
  );
  for (const b of [bytes, twice]) {
    const s = decodeRequest('traces', b).resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    assert.equal(s.name, 'late-name');
    assert.equal(s.flags, 7);
    same(s.status, { message: 'first', code: 2 });
    same(s.attributes, [
      { key: 'a', value: { intValue: 5 } },
      { key: 'b', value: { boolValue: true } },
    ]);
  }
  const res = decodeRequest('traces', twice).resourceSpans[0]!.resource;
  same(res, {
    attributes: [
      { key: 'r1', value: { stringValue: 'x' } },
      { key: 'r2', value: { stringValue: 'y' } },
    ],
    droppedAttributesCount: 3,
  });
});

test('repeated scalars are accepted packed and unpacked, also mixed', () => {
  const hist = msg(
    f.packed(6, rawFixed64([1, 2])),
    f.fixed64(6, 3n),
    f.double(7, 0.5),
    f.packed(7, rawDoubles([1.5, 2.5])),
    f.fixed64(4, 6n),
  );
  const buckets = msg(f.sint(1, -3), f.packed(2, rawVarints([1, 300])), f.varint(2, 2 ** 40));
  const exp = msg(f.len(8, buckets), f.len(8, msg(f.varint(2, 7))), f.sint(6, -1));
  const metrics = request(
    msg(f.len(1, 'h'), f.len(9, msg(f.len(1, hist)))),
    msg(f.len(1, 'e'), f.len(10, msg(f.len(1, exp)))),
  );
  const [h, e] = decodeRequest('metrics', metrics).resourceMetrics[0]!.scopeMetrics[0]!.metrics;
  assert.equal(h!.data!.type, 'histogram');
  const hp = h!.data!.dataPoints[0] as { bucketCounts: number[]; explicitBounds: number[]; count: number };
  assert.deepEqual(hp.bucketCounts, [1, 2, 3]);
  assert.deepEqual(hp.explicitBounds, [0.5, 1.5, 2.5]);
  assert.equal(hp.count, 6);
  const ep = e!.data!.dataPoints[0] as {
    positive: { offset: number; bucketCounts: number[] };
    scale: number;
  };
  // The second `positive` merges into the first (counts appended, offset kept).
  assert.deepEqual(ep.positive, { offset: -3, bucketCounts: [1, 300, 2 ** 40, 7] });
  assert.equal(ep.scale, -1);
  throwsDecode(
    () =>
      decodeRequest('metrics', request(msg(f.len(9, msg(f.len(1, msg(f.packed(6, new Uint8Array(9))))))))),
    /packed fixed64 length 9 is not a multiple of 8/,
  );
});

test('metric data: the same type twice merges, another type replaces', () => {
  const gauge = (v: number) => f.len(5, msg(f.len(1, msg(f.double(4, v)))));
  const sum = f.len(7, msg(f.len(1, msg(f.double(4, 9))), f.varint(2, 2), f.varint(3, 1)));
  const m = decodeRequest('metrics', request(msg(gauge(1), gauge(2)), msg(gauge(1), sum))).resourceMetrics[0]!
    .scopeMetrics[0]!.metrics;
  same(m[0]!.data, {
    type: 'gauge',
    dataPoints: [1, 2].map((v) => ({
      attributes: [],
      startTimeUnixNano: 0n,
      timeUnixNano: 0n,
      asDouble: v,
      exemplars: [],
      flags: 0,
    })),
  });
  same(m[1]!.data, {
    type: 'sum',
    dataPoints: [
      { attributes: [], startTimeUnixNano: 0n, timeUnixNano: 0n, asDouble: 9, exemplars: [], flags: 0 },
    ],
    aggregationTemporality: 2,
    isMonotonic: true,
  });
});

test('int64 values: numbers when safe, bigints otherwise', () => {
  const values = [
    0,
    1,
    -1,
    2 ** 53 - 1,
    -(2 ** 53 - 1),
    2n ** 53n,
    -(2n ** 53n),
    2n ** 63n - 1n,
    -(2n ** 63n),
  ];
  const body = msg(...values.map((v, i) => f.len(6, msg(f.len(1, `k${i}`), f.len(2, msg(f.varint(3, v)))))));
  const got = decodeRequest(
    'logs',
    request(body),
  ).resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!.attributes.map(
    (a) => (a.value as { intValue: number | bigint }).intValue,
  );
  assert.deepStrictEqual(got, [
    0,
    1,
    -1,
    2 ** 53 - 1,
    -(2 ** 53 - 1),
    2n ** 53n,
    -(2n ** 53n),
    2n ** 63n - 1n,
    -(2n ** 63n),
  ]);
});

test('decoded ids and bytes are views into the input (no copies)', () => {
  const input = encodeRequest('traces', tracesFixture());
  const s = decodeRequest('traces', input).resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
  assert.equal(s.traceId.buffer, input.buffer);
  assert.equal(s.traceId.length, 16);
});

test('wrong wire type for a known field is an error naming the field', () => {
  throwsDecode(
    () => decodeRequest('traces', request(msg(f.varint(5, 1)))),
    /wrong wire type 0 for field Span\.name \(5\) at byte \d+ in resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]/,
  );
  throwsDecode(() => decodeRequest('traces', request(msg(f.fixed32(7, 1)))), /Span\.start_time_unix_nano/);
  throwsDecode(() => decodeRequest('logs', request(msg(f.varint(8, 1)))), /LogRecord\.flags/);
  throwsDecode(() => decodeRequest('metrics', msg(f.varint(1, 1))), /wrong wire type 0 for field request/);
  throwsDecode(
    () => decodeRequest('logs', request(msg(f.len(6, msg(f.len(2, msg(f.fixed64(1, 1n)))))))),
    /AnyValue\.string_value/,
  );
  // Group wire types anywhere are refused.
  throwsDecode(() => decodeRequest('traces', request(Uint8Array.of(0xfb, 0x01))), /unsupported group/);
});

test('ids must be 16 / 8 bytes or empty, with the item path in the message', () => {
  const id = (n: number) => new Uint8Array(n).fill(1);
  const spans = (bad: Uint8Array) =>
    msg(f.len(1, msg(f.len(2, msg(f.len(2, msg()), f.len(2, msg()), f.len(2, bad), f.len(2, msg()))))));
  throwsDecode(
    () => decodeRequest('traces', spans(msg(f.len(1, id(5))))),
    /^invalid trace_id length 5 at resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[2\]$/,
  );
  throwsDecode(
    () => decodeRequest('traces', spans(msg(f.len(2, id(16))))),
    /invalid span_id length 16 at .*spans\[2\]$/,
  );
  throwsDecode(() => decodeRequest('traces', spans(msg(f.len(4, id(7))))), /invalid parent_span_id length 7/);
  throwsDecode(
    () => decodeRequest('traces', spans(msg(f.len(13, msg()), f.len(13, msg(f.len(1, id(8))))))),
    /invalid trace_id length 8 at resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[2\]\.links\[1\]$/,
  );
  throwsDecode(
    () => decodeRequest('logs', request(msg(f.len(10, id(4))))),
    /invalid span_id length 4 at resourceLogs\[0\]\.scopeLogs\[0\]\.logRecords\[0\]$/,
  );
  throwsDecode(
    () =>
      decodeRequest(
        'metrics',
        request(
          msg(f.len(7, msg(f.len(1, msg()), f.len(1, msg(f.len(5, msg()), f.len(5, msg(f.len(5, id(3))))))))),
        ),
      ),
    /invalid trace_id length 3 at resourceMetrics\[0\]\.scopeMetrics\[0\]\.metrics\[0\]\.sum\.dataPoints\[1\]\.exemplars\[1\]$/,
  );
  // Empty ids are fine.
  const ok = decodeRequest('traces', spans(msg(f.len(1, new Uint8Array(0)))));
  assert.equal(ok.resourceSpans[0]!.scopeSpans[0]!.spans[2]!.traceId.length, 0);
});

test('truncation and overlong lengths are errors with the byte offset and item path', () => {
  const good = encodeRequest('traces', realisticTraces(3));
  throwsDecode(
    () => decodeRequest('traces', good.subarray(0, good.length - 3)),
    /runs past the end|truncated/,
  );
  // A span whose length claims more than its scope group holds.
  throwsDecode(
    () => decodeRequest('traces', msg(f.len(1, msg(f.len(2, Uint8Array.of(0x12, 0x05, 0x2a, 0x00)))))),
    /length 5 runs past the end of the enclosing message at byte 5 in resourceSpans\[0\]\.scopeSpans\[0\]/,
  );
  // A fixed64 straddling the end of its span.
  throwsDecode(
    () =>
      decodeRequest('traces', request(Uint8Array.of(0x39, 1, 2, 3), Uint8Array.of(0x2a, 0x00, 0x2a, 0x00))),
    /field runs 5 bytes past the end of its message .* in resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]/,
  );
});

test(`AnyValue nesting: ${MAX_ANY_DEPTH} levels decode, one more is refused`, () => {
  const nest = (levels: number) => {
    let v = msg(f.len(1, 'leaf'));
    for (let i = 1; i < levels; i++) v = msg(f.len(5, msg(f.len(1, v))));
    return request(msg(f.len(5, v)));
  };
  const deep = decodeRequest('logs', nest(MAX_ANY_DEPTH)).resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!.body;
  let levels = 1;
  let v: AnyValue = deep;
  while ('arrayValue' in v) {
    v = v.arrayValue.values[0]!;
    levels++;
  }
  assert.equal(levels, MAX_ANY_DEPTH);
  same(v, { stringValue: 'leaf' });
  throwsDecode(() => decodeRequest('logs', nest(MAX_ANY_DEPTH + 1)), /AnyValue nested deeper than 64 levels/);
  // Far deeper input is refused the same way (no stack overflow).
  throwsDecode(() => decodeRequest('logs', nest(5000)), /AnyValue nested deeper than 64 levels/);
});

test('the encoder refuses cyclic AnyValues instead of overflowing the stack', () => {
  const cyc: { kvlistValue: { values: { key: string; value: AnyValue }[] } } = {
    kvlistValue: { values: [] },
  };
  cyc.kvlistValue.values.push({ key: 'self', value: cyc });
  const data = logsFixture();
  data.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!.body = cyc;
  assert.throws(() => encodeRequest('logs', data), /nested deeper than/);
  // The shared writer is usable afterwards.
  same(decodeRequest('logs', encodeRequest('logs', logsFixture())), logsFixture());
});
