// OTLP/HTTP behaviour over a real socket: formats, compression, limits, errors, auth, CORS,
// acknowledgement after the pipeline accepted, shutdown. SDK senders are in sdk.test.ts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import zlib from 'node:zlib';
import { SIGNALS, type Signal } from '../../../model/common.ts';
import { itemCount } from '../../../model/signal.ts';
import type { Extension } from '../../../pipeline/component.ts';
import { PermanentError, RetryableError } from '../../../pipeline/errors.ts';
import { httpRequest, postOtlp } from './testing/clients.ts';
import { captureLogger } from './testing/capture-logger.ts';
import { counterValue, startReceiver, waitFor, type Harness } from './testing/harness.ts';
import { readPartialSuccess, readRetryDelayMs, readStatus } from './testing/proto-reader.ts';
import { sdkRequest, SDK_REQUEST_ITEMS } from './testing/sdk-data.ts';

const PATH: Record<Signal, string> = { traces: '/v1/traces', metrics: '/v1/metrics', logs: '/v1/logs' };

describe('OTLP/HTTP receiver', () => {
  let h: Harness;
  const bodies = {} as Record<Signal, { proto: Uint8Array; json: Uint8Array }>;

  before(async () => {
    const { logger } = captureLogger();
    h = await startReceiver({ protocols: { http: { max_request_body_size: 64 * 1024 } }, logger });
    for (const s of SIGNALS)
      bodies[s] = { proto: await sdkRequest(s, 'proto'), json: await sdkRequest(s, 'json') };
  });
  after(() => h.stop());
  const reset = () => {
    h.recorder.accepted.length = 0;
    h.recorder.behavior = undefined;
  };

  test('protobuf and JSON requests of every signal are accepted, answered in their own format', async () => {
    for (const signal of SIGNALS) {
      for (const format of ['proto', 'json'] as const) {
        reset();
        const r = await postOtlp(h.httpUrl + PATH[signal], bodies[signal][format], format);
        assert.equal(r.status, 200, `${signal}/${format}: ${r.body.toString()}`);
        assert.equal(
          r.headers['content-type'],
          format === 'proto' ? 'application/x-protobuf' : 'application/json',
        );
        if (format === 'proto')
          assert.equal(readPartialSuccess(r.body), undefined, 'no partial_success when all accepted');
        else
          assert.equal(
            (JSON.parse(r.body.toString()) as { partialSuccess?: unknown }).partialSuccess,
            undefined,
          );
        const got = h.recorder.of(signal);
        assert.equal(got.length, 1);
        assert.equal(itemCount(signal, got[0]!), SDK_REQUEST_ITEMS[signal], `${signal}/${format} item count`);
        const ctx = h.recorder.accepted[0]!.ctx;
        assert.equal(ctx.clientAddress, '127.0.0.1');
        assert.equal(ctx.metadata, undefined, 'metadata only with include_metadata');
      }
    }
    assert.equal(
      await counterValue(h.metrics, 'watchingcat_receiver_accepted_items_total', {
        signal: 'traces',
        transport: 'http',
      }),
      8,
    );
  });

  test('gzip, deflate and zstd bodies are decompressed; other encodings get 415', async () => {
    reset();
    const proto = Buffer.from(bodies.traces.proto);
    const encodings: Array<[string, Buffer]> = [
      ['gzip', zlib.gzipSync(proto)],
      ['deflate', zlib.deflateSync(proto)],
    ];
    const zstd = (zlib as { zstdCompressSync?: (b: Buffer) => Buffer }).zstdCompressSync;
    if (zstd) encodings.push(['zstd', zstd(proto)]);
    for (const [enc, body] of encodings) {
      const r = await postOtlp(h.httpUrl + PATH.traces, body, 'proto', {
        headers: { 'content-encoding': enc },
      });
      assert.equal(r.status, 200, `${enc}: ${r.body.toString()}`);
    }
    assert.equal(h.recorder.of('traces').length, encodings.length);
    const br = await postOtlp(h.httpUrl + PATH.traces, zlib.brotliCompressSync(proto), 'proto', {
      headers: { 'content-encoding': 'br' },
    });
    assert.equal(br.status, 415);
    assert.match(br.body.toString(), /br.*supported: \[gzip, deflate/);
    const corrupt = await postOtlp(h.httpUrl + PATH.traces, Buffer.from('definitely not gzip'), 'json', {
      headers: { 'content-encoding': 'gzip' },
    });
    assert.equal(corrupt.status, 400);
    assert.match(
      (JSON.parse(corrupt.body.toString()) as { message: string }).message,
      /cannot decompress gzip/,
    );
  });

  test('wrong path, method or content type are refused before reading the body', async () => {
    const notFound = await postOtlp(`${h.httpUrl}/v1/spans`, bodies.traces.proto, 'proto');
    assert.equal(notFound.status, 404);
    assert.match(notFound.body.toString(), /\/v1\/traces/);
    const get = await httpRequest(h.httpUrl + PATH.traces, { method: 'GET' });
    assert.equal(get.status, 405);
    assert.equal(get.headers.allow, 'POST');
    const text = await postOtlp(h.httpUrl + PATH.traces, 'hello', 'json', {
      headers: { 'content-type': 'text/plain' },
    });
    assert.equal(text.status, 415);
    assert.match(text.body.toString(), /application\/x-protobuf/);
    // Parameters on the media type are fine.
    const withCharset = await postOtlp(h.httpUrl + PATH.logs, bodies.logs.json, 'json', {
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    assert.equal(withCharset.status, 200);
  });

  test('bodies over max_request_body_size get 413, on the wire and after decompression', async () => {
    reset();
    const limit = 64 * 1024;
    const big = Buffer.alloc(limit + 1, 0x41);
    const declared = await postOtlp(h.httpUrl + PATH.traces, big, 'proto');
    assert.equal(declared.status, 413);
    assert.match(readStatus(declared.body).message, /max_request_body_size/);
    assert.equal(declared.headers.connection, 'close', 'the oversized body is not read to its end');

    const chunked = await httpRequest(h.httpUrl + PATH.traces, {
      headers: { 'content-type': 'application/x-protobuf' },
      chunks: [Buffer.alloc(40 * 1024), Buffer.alloc(40 * 1024)],
    });
    assert.equal(chunked.status, 413, 'a chunked body is counted as it arrives');

    const bomb = zlib.gzipSync(Buffer.alloc(10 * 1024 * 1024)); // ~10 KB on the wire
    assert.ok(bomb.length < limit);
    const inflated = await postOtlp(h.httpUrl + PATH.traces, bomb, 'json', {
      headers: { 'content-encoding': 'gzip' },
    });
    assert.equal(inflated.status, 413);
    assert.match((JSON.parse(inflated.body.toString()) as { message: string }).message, /decompressed/);
    assert.equal(h.recorder.accepted.length, 0, 'nothing reached the pipeline');
    assert.equal(
      await counterValue(h.metrics, 'watchingcat_receiver_refused_requests_total', {
        reason: 'too_large',
        transport: 'http',
      }),
      3,
    );

    // The server still serves normally afterwards.
    assert.equal((await postOtlp(h.httpUrl + PATH.traces, bodies.traces.proto, 'proto')).status, 200);
  });

  test('malformed bodies get 400 with a google.rpc.Status in the request format', async () => {
    reset();
    const proto = await postOtlp(
      h.httpUrl + PATH.traces,
      Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 1]),
      'proto',
    );
    assert.equal(proto.status, 400);
    const st = readStatus(proto.body);
    assert.equal(st.code, 3, 'INVALID_ARGUMENT');
    assert.ok(st.message.length > 0, 'the message says what is wrong');

    const json = await postOtlp(h.httpUrl + PATH.metrics, '{"resourceMetrics": [ {', 'json');
    assert.equal(json.status, 400);
    assert.equal(json.headers['content-type'], 'application/json');
    const parsed = JSON.parse(json.body.toString()) as { code: number; message: string };
    assert.equal(parsed.code, 3);
    assert.ok(parsed.message.length > 0);

    const notUtf8 = await postOtlp(h.httpUrl + PATH.logs, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 'json');
    assert.equal(notUtf8.status, 400);
    assert.equal(h.recorder.accepted.length, 0);
    assert.ok(
      (await counterValue(h.metrics, 'watchingcat_receiver_refused_requests_total', {
        reason: 'decode_error',
      })) >= 3,
    );
  });

  test('the response waits until the pipeline accepted the data', async () => {
    reset();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    h.recorder.behavior = () => gate;
    let answered = false;
    const pending = postOtlp(h.httpUrl + PATH.logs, bodies.logs.proto, 'proto').then((r) => {
      answered = true;
      return r;
    });
    await waitFor('consume() to be called', () => h.recorder.calls > 0);
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(answered, false, 'no acknowledgement while the pipeline has not accepted');
    release();
    const r = await pending;
    assert.equal(r.status, 200);
    assert.equal(h.recorder.of('logs').length, 1);
  });

  test('retryable refusals: 429 for pressure, 503 for unavailable, with Retry-After and RetryInfo', async () => {
    const cases: Array<[RetryableError, number, string]> = [
      [new RetryableError('queue is full', 'queue_full', 2500), 429, '3'],
      [new RetryableError('memory limit reached', 'memory_pressure', 0), 429, '1'],
      [new RetryableError('exporter down', 'unavailable', 10_000), 503, '10'],
    ];
    for (const [err, status, retryAfter] of cases) {
      reset();
      h.recorder.behavior = () => {
        throw err;
      };
      const r = await postOtlp(h.httpUrl + PATH.traces, bodies.traces.proto, 'proto');
      assert.equal(r.status, status, err.reason);
      assert.equal(r.headers['retry-after'], retryAfter, err.reason);
      const st = readStatus(r.body);
      assert.equal(st.code, status === 429 ? 8 : 14);
      assert.equal(st.message, err.message);
      assert.equal(st.details[0]?.typeUrl, 'type.googleapis.com/google.rpc.RetryInfo');
      assert.equal(readRetryDelayMs(st.details[0]!.value), err.retryAfterMs);
    }
    assert.equal(
      await counterValue(h.metrics, 'watchingcat_receiver_refused_items_total', {
        reason: 'queue_full',
        transport: 'http',
      }),
      SDK_REQUEST_ITEMS.traces,
    );
  });

  test('a permanent refusal is 400; partial rejection is 200 with partial_success', async () => {
    reset();
    h.recorder.behavior = () => {
      throw new PermanentError('attribute limit exceeded');
    };
    const r = await postOtlp(h.httpUrl + PATH.traces, bodies.traces.json, 'json');
    assert.equal(r.status, 400);
    assert.equal((JSON.parse(r.body.toString()) as { message: string }).message, 'attribute limit exceeded');

    h.recorder.behavior = () => {
      throw Object.assign(new PermanentError('2 spans dropped by policy'), { rejectedItems: 2 });
    };
    const proto = await postOtlp(h.httpUrl + PATH.traces, bodies.traces.proto, 'proto');
    assert.equal(proto.status, 200);
    assert.deepEqual(readPartialSuccess(proto.body), {
      rejected: 2,
      errorMessage: '2 spans dropped by policy',
    });
    const json = await postOtlp(h.httpUrl + PATH.traces, bodies.traces.json, 'json');
    assert.equal(json.status, 200);
    const ps = (
      JSON.parse(json.body.toString()) as {
        partialSuccess?: { rejectedSpans?: unknown; errorMessage?: string };
      }
    ).partialSuccess;
    assert.equal(Number(ps?.rejectedSpans), 2);
    assert.equal(ps?.errorMessage, '2 spans dropped by policy');
  });

  test('an unexpected consumer failure is a 500 and an error log, and the server keeps serving', async () => {
    const { logger, lines } = captureLogger();
    const h2 = await startReceiver({ protocols: { http: null }, logger });
    try {
      h2.recorder.behavior = () => {
        throw new TypeError('cannot read properties of undefined');
      };
      const r = await postOtlp(h2.httpUrl + PATH.traces, bodies.traces.proto, 'proto');
      assert.equal(r.status, 500);
      assert.match(readStatus(r.body).message, /cannot read properties/);
      assert.ok(
        lines().some((l) => l.level === 50 && /unexpectedly/.test(String(l.msg))),
        'an error was logged',
      );
      h2.recorder.behavior = undefined;
      assert.equal((await postOtlp(h2.httpUrl + PATH.traces, bodies.traces.proto, 'proto')).status, 200);
    } finally {
      await h2.stop();
    }
  });

  test('connections are kept alive between requests', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const a = await postOtlp(h.httpUrl + PATH.traces, bodies.traces.proto, 'proto', { agent });
      const b = await postOtlp(h.httpUrl + PATH.logs, bodies.logs.proto, 'proto', { agent });
      const c = await httpRequest(h.httpUrl + PATH.logs, { method: 'GET', agent });
      const d = await postOtlp(h.httpUrl + PATH.logs, bodies.logs.proto, 'proto', { agent });
      assert.deepEqual([a.status, b.status, c.status, d.status], [200, 200, 405, 200]);
      assert.equal(a.reusedSocket, false);
      assert.equal(b.reusedSocket, true);
      assert.equal(d.reusedSocket, true, 'a small refused request does not cost the connection');
    } finally {
      agent.destroy();
    }
  });

  test('a request sent again with the same Idempotency-Key is answered 200 and not taken twice; a refused one is taken on retry', async () => {
    reset();
    const url = h.httpUrl + PATH.logs;
    const send = (key?: string) =>
      postOtlp(url, bodies.logs.proto, 'proto', key ? { headers: { 'idempotency-key': `"${key}"` } } : {});
    assert.equal((await send('q-1')).status, 200);
    assert.equal((await send('q-1')).status, 200);
    assert.equal(h.recorder.of('logs').length, 1, 'the repeat was answered, not stored');
    assert.equal((await send('q-2')).status, 200);
    await send();
    await send();
    assert.equal(h.recorder.of('logs').length, 4, 'other keys and no key: taken each time');
    // Refused by the pipeline: not remembered, so the retry is taken.
    h.recorder.behavior = () => {
      throw new RetryableError('full', 'queue_full');
    };
    assert.notEqual((await send('q-3')).status, 200);
    h.recorder.behavior = undefined;
    assert.equal((await send('q-3')).status, 200);
    assert.equal(h.recorder.of('logs').length, 5);
    assert.equal(
      await counterValue(h.metrics, 'watchingcat_receiver_repeated_requests_total', {
        signal: 'logs',
        transport: 'http',
      }),
      1,
    );
  });
});

describe('OTLP/HTTP receiver options', () => {
  let bodies: Record<'traces' | 'logs', Uint8Array>;
  before(async () => {
    bodies = { traces: await sdkRequest('traces', 'proto'), logs: await sdkRequest('logs', 'json') };
  });

  test('include_metadata passes lower-cased headers; custom url paths are served', async () => {
    const h = await startReceiver({
      protocols: { http: { include_metadata: true, traces_url_path: '/otlp/spans' } },
    });
    try {
      const r = await postOtlp(`${h.httpUrl}/otlp/spans`, bodies.traces, 'proto', {
        headers: { 'X-Tenant': 'acme' },
      });
      assert.equal(r.status, 200);
      assert.equal(h.recorder.accepted[0]?.ctx.metadata?.['x-tenant'], 'acme');
      assert.equal((await postOtlp(`${h.httpUrl}/v1/traces`, bodies.traces, 'proto')).status, 404);
    } finally {
      await h.stop();
    }
  });

  test('a signal without a pipeline gets 404', async () => {
    const h = await startReceiver({ protocols: { http: null }, signals: ['traces'] });
    try {
      const r = await postOtlp(`${h.httpUrl}/v1/logs`, bodies.logs, 'json');
      assert.equal(r.status, 404);
      assert.match(r.body.toString(), /no logs pipeline/);
    } finally {
      await h.stop();
    }
  });

  test('auth: requests without an accepted authorization header get 401', async () => {
    const auth: Extension = {
      authenticator: { authenticate: (v) => v === 'Bearer s3cret', clientHeaders: () => ({}) },
      start: async () => {},
      shutdown: async () => {},
    };
    const h = await startReceiver({
      protocols: { http: { auth: { authenticator: 'bearertokenauth' } } },
      extensions: { bearertokenauth: auth },
    });
    try {
      const none = await postOtlp(`${h.httpUrl}/v1/traces`, bodies.traces, 'proto');
      assert.equal(none.status, 401);
      assert.equal(readStatus(none.body).code, 16, 'UNAUTHENTICATED');
      const wrong = await postOtlp(`${h.httpUrl}/v1/traces`, bodies.traces, 'proto', {
        headers: { authorization: 'Bearer nope' },
      });
      assert.equal(wrong.status, 401);
      assert.equal(h.recorder.calls, 0);
      const ok = await postOtlp(`${h.httpUrl}/v1/traces`, bodies.traces, 'proto', {
        headers: { authorization: 'Bearer s3cret' },
      });
      assert.equal(ok.status, 200);
      assert.equal(
        await counterValue(h.metrics, 'watchingcat_receiver_refused_requests_total', {
          reason: 'unauthenticated',
        }),
        2,
      );
    } finally {
      await h.stop();
    }
  });

  test('auth: the credentials are read from the header the authenticator names', async () => {
    const auth: Extension = {
      authenticator: {
        header: 'x-api-key',
        authenticate: (v) => v === 'Bearer k1',
        clientHeaders: () => ({}),
      },
      start: async () => {},
      shutdown: async () => {},
    };
    const h = await startReceiver({
      protocols: { http: { auth: { authenticator: 'bearertokenauth' } } },
      extensions: { bearertokenauth: auth },
    });
    try {
      const inAuthorization = await postOtlp(`${h.httpUrl}/v1/traces`, bodies.traces, 'proto', {
        headers: { authorization: 'Bearer k1' },
      });
      assert.equal(inAuthorization.status, 401, 'authorization is not the configured header');
      const ok = await postOtlp(`${h.httpUrl}/v1/traces`, bodies.traces, 'proto', {
        headers: { 'X-Api-Key': 'Bearer k1' },
      });
      assert.equal(ok.status, 200);
    } finally {
      await h.stop();
    }
  });

  test('auth naming a missing extension fails start with a clear message', async () => {
    await assert.rejects(
      startReceiver({ protocols: { http: { auth: { authenticator: 'bearertokenauth/missing' } } } }),
      /protocols\.http\.auth\.authenticator: extension "bearertokenauth\/missing" is not running/,
    );
  });

  test('CORS: allowed origins get preflight answers and headers, others do not', async () => {
    const h = await startReceiver({
      protocols: {
        http: {
          cors: { allowed_origins: ['https://*.example.com'], allowed_headers: ['X-Tenant'], max_age: 600 },
        },
      },
    });
    try {
      const preflight = (origin: string, headers = 'content-type') =>
        httpRequest(`${h.httpUrl}/v1/traces`, {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': headers,
          },
        });
      const ok = await preflight('https://app.example.com', 'content-type, x-tenant');
      assert.equal(ok.status, 204);
      assert.equal(ok.headers['access-control-allow-origin'], 'https://app.example.com');
      assert.equal(ok.headers['access-control-allow-methods'], 'POST');
      assert.equal(ok.headers['access-control-max-age'], '600');
      const evil = await preflight('https://evil.test');
      assert.equal(evil.headers['access-control-allow-origin'], undefined);
      const badHeader = await preflight('https://app.example.com', 'x-secret');
      assert.equal(badHeader.headers['access-control-allow-origin'], undefined);

      const post = await postOtlp(`${h.httpUrl}/v1/traces`, bodies.traces, 'proto', {
        headers: { origin: 'https://app.example.com' },
      });
      assert.equal(post.status, 200);
      assert.equal(post.headers['access-control-allow-origin'], 'https://app.example.com');
    } finally {
      await h.stop();
    }
  });

  test('a taken port fails start with the endpoint and the reason', async () => {
    const first = await startReceiver({ protocols: { http: null } });
    const port = first.receiver.boundAddresses().http!.port;
    try {
      await assert.rejects(startReceiver({ protocols: { http: { endpoint: `127.0.0.1:${port}` } } }), {
        message: `otlp receiver: cannot listen on 127.0.0.1:${port}: address already in use`,
      });
    } finally {
      await first.stop();
    }
  });

  test('shutdown lets a request in flight finish, then stops listening', async () => {
    const h = await startReceiver({ protocols: { http: null } });
    let release!: () => void;
    h.recorder.behavior = () => new Promise<void>((r) => (release = r));
    const pending = postOtlp(`${h.httpUrl}/v1/traces`, bodies.traces, 'proto');
    await waitFor('consume() to be called', () => h.recorder.calls > 0);
    const stopped = h.stop();
    setTimeout(() => release(), 100);
    const r = await pending;
    assert.equal(r.status, 200, 'the in-flight request was answered');
    assert.equal(r.headers.connection, 'close');
    await stopped;
    await assert.rejects(postOtlp(`${h.httpUrl}/v1/traces`, bodies.traces, 'proto'), /ECONNREFUSED/);
  });
});
