// Export responses, google.rpc.Status and RetryInfo: exact bytes, round trips, an independent
// decoder (protobufjs), leniency where promised and DecodeError otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DecodeError,
  decodeExportResponse,
  decodeRetryInfoDelayMs,
  decodeRpcStatus,
  encodeExportResponse,
  encodeRetryInfo,
  encodeRpcStatus,
} from './index.ts';
import { RETRY_INFO_TYPE_URL } from './responses.ts';
import { f, msg } from './testdata/pb.ts';
import { root } from './testdata/pbjs.ts';

const hex = (b: Uint8Array | string) => Buffer.from(b as Uint8Array).toString('hex');

test('export responses: exact bytes, JSON form, round trips for every signal', () => {
  // partial_success { rejected = 3, error_message = "bad" }
  assert.equal(
    hex(encodeExportResponse('traces', { rejected: 3, errorMessage: 'bad' }, 'proto')),
    '0a0708031203626164',
  );
  assert.equal(hex(encodeExportResponse('logs', { rejected: 0, errorMessage: '' }, 'proto')), '');
  assert.equal(
    hex(encodeExportResponse('logs', { rejected: 0, errorMessage: 'note' }, 'proto')),
    '0a0612046e6f7465',
  );
  assert.equal(
    encodeExportResponse('metrics', { rejected: 2, errorMessage: 'x' }, 'json'),
    '{"partialSuccess":{"rejectedDataPoints":"2","errorMessage":"x"}}',
  );
  assert.equal(encodeExportResponse('logs', { rejected: 0, errorMessage: '' }, 'json'), '{}');
  for (const signal of ['traces', 'metrics', 'logs'] as const)
    for (const format of ['proto', 'json'] as const)
      for (const resp of [
        { rejected: 3, errorMessage: 'bad points ✓' },
        { rejected: 0, errorMessage: '' },
        { rejected: 2 ** 40, errorMessage: '' },
      ]) {
        const enc = encodeExportResponse(signal, resp, format);
        const buf = typeof enc === 'string' ? new TextEncoder().encode(enc) : enc;
        assert.deepEqual(decodeExportResponse(signal, buf, format), resp, `${signal} ${format}`);
      }
  const T = root.lookupType('otlp.ExportResponse');
  const o = T.toObject(
    T.decode(encodeExportResponse('traces', { rejected: 5, errorMessage: 'm' }, 'proto') as Uint8Array),
    {
      longs: Number,
    },
  );
  assert.deepEqual(o, { partialSuccess: { rejected: 5, errorMessage: 'm' } });
});

test('export responses: lenient about absence, DecodeError for malformed bodies', () => {
  const zero = { rejected: 0, errorMessage: '' };
  assert.deepEqual(decodeExportResponse('traces', new Uint8Array(0), 'proto'), zero);
  assert.deepEqual(decodeExportResponse('traces', new Uint8Array(0), 'json'), zero);
  assert.deepEqual(decodeExportResponse('traces', new TextEncoder().encode(' {} '), 'json'), zero);
  assert.deepEqual(
    decodeExportResponse(
      'logs',
      new TextEncoder().encode('{"partial_success":{"rejected_log_records":4,"extra":1}}'),
      'json',
    ),
    { rejected: 4, errorMessage: '' },
  );
  // Unknown fields are skipped.
  assert.deepEqual(
    decodeExportResponse('traces', msg(f.unknown(), f.len(1, msg(f.unknown(), f.varint(1, 7)))), 'proto'),
    { rejected: 7, errorMessage: '' },
  );
  for (const [body, format] of [
    [Uint8Array.of(0x0a, 0x05, 0x08), 'proto'],
    [Uint8Array.of(0x0b), 'proto'],
    [new TextEncoder().encode('{"partialSuccess":'), 'json'],
    [new TextEncoder().encode('[1]'), 'json'],
    [new TextEncoder().encode('{"partialSuccess":{"rejectedSpans":"many"}}'), 'json'],
    [Uint8Array.of(0xff), 'json'],
  ] as const)
    assert.throws(
      () => decodeExportResponse('traces', body, format),
      (e: unknown) => e instanceof DecodeError && /^invalid export response: /.test(e.message),
    );
});

test('google.rpc.Status with RetryInfo: exact bytes, round trip, protobufjs agrees', () => {
  const retry = encodeRetryInfo(2500);
  assert.equal(retry.typeUrl, RETRY_INFO_TYPE_URL);
  // retry_delay { seconds: 2, nanos: 500000000 }
  assert.equal(hex(retry.value), '0a0808021080cab5ee01');
  const status = {
    code: 8,
    message: 'slow down',
    details: [{ typeUrl: 'x/other', value: Uint8Array.of(1) }, retry],
  };
  const bytes = encodeRpcStatus(status);
  const back = decodeRpcStatus(bytes);
  assert.deepEqual(back, {
    code: 8,
    message: 'slow down',
    details: status.details.map((d) => ({ ...d, value: Uint8Array.from(d.value) })),
  });
  assert.equal(decodeRetryInfoDelayMs(back), 2500);
  const S = root.lookupType('otlp.RpcStatus');
  const o = S.toObject(S.decode(bytes), { bytes: Array }) as {
    code: number;
    message: string;
    details: { typeUrl: string }[];
  };
  assert.equal(o.code, 8);
  assert.equal(o.message, 'slow down');
  assert.deepEqual(
    o.details.map((d) => d.typeUrl),
    ['x/other', RETRY_INFO_TYPE_URL],
  );
  const R = root.lookupType('otlp.RetryInfo');
  assert.deepEqual(R.toObject(R.decode(retry.value), { longs: Number }), {
    retryDelay: { seconds: 2, nanos: 500_000_000 },
  });
  // Negative codes survive (int32 as a 10-byte varint).
  assert.equal(decodeRpcStatus(encodeRpcStatus({ code: -1, message: '', details: [] })).code, -1);
  assert.deepEqual(decodeRpcStatus(new Uint8Array(0)), { code: 0, message: '', details: [] });
});

test('RetryInfo: rounding, zero, absence and garbage', () => {
  assert.equal(decodeRetryInfoDelayMs({ code: 14, message: '', details: [encodeRetryInfo(0)] }), 0);
  assert.equal(decodeRetryInfoDelayMs({ code: 14, message: '', details: [encodeRetryInfo(1.6)] }), 2);
  assert.equal(decodeRetryInfoDelayMs({ code: 14, message: '', details: [encodeRetryInfo(-5)] }), 0);
  assert.equal(decodeRetryInfoDelayMs({ code: 14, message: '', details: [encodeRetryInfo(NaN)] }), 0);
  assert.equal(decodeRetryInfoDelayMs({ code: 14, message: '', details: [encodeRetryInfo(90_000)] }), 90_000);
  assert.equal(decodeRetryInfoDelayMs({ code: 14, message: '', details: [] }), undefined);
  assert.equal(
    decodeRetryInfoDelayMs({
      code: 14,
      message: '',
      details: [{ typeUrl: RETRY_INFO_TYPE_URL, value: Uint8Array.of(0x0a, 9) }],
    }),
    undefined,
  );
  // A negative duration counts as no wait.
  const negative = msg(f.len(1, msg(f.varint(1, -3))));
  assert.equal(
    decodeRetryInfoDelayMs({
      code: 14,
      message: '',
      details: [{ typeUrl: RETRY_INFO_TYPE_URL, value: negative }],
    }),
    0,
  );
  assert.throws(() => decodeRpcStatus(Uint8Array.of(0x1a, 0x05)), DecodeError);
});
