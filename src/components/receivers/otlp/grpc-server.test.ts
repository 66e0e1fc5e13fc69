// OTLP/gRPC behaviour over a real connection, with raw request bytes: status codes, RetryInfo,
// compression, size limit, auth, metadata, acknowledgement after the pipeline accepted.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { status } from '@grpc/grpc-js';
import net from 'node:net';
import zlib from 'node:zlib';
import { SIGNALS, type Signal } from '../../../model/common.ts';
import { itemCount } from '../../../model/signal.ts';
import type { Extension } from '../../../pipeline/component.ts';
import { PermanentError, RetryableError } from '../../../pipeline/errors.ts';
import { EXPORT_PATHS } from './grpc-server.ts';
import { RpcCode } from './outcome.ts';
import { RawGrpcClient } from './testing/clients.ts';
import { counterValue, startReceiver, waitFor, type Harness } from './testing/harness.ts';
import { readPartialSuccess, readRetryDelayMs, readStatus } from './testing/proto-reader.ts';
import { sdkRequest, SDK_REQUEST_ITEMS } from './testing/sdk-data.ts';

test('our google.rpc.Code numbers are the ones grpc-js uses', () => {
  assert.equal(RpcCode.INVALID_ARGUMENT, status.INVALID_ARGUMENT);
  assert.equal(RpcCode.RESOURCE_EXHAUSTED, status.RESOURCE_EXHAUSTED);
  assert.equal(RpcCode.UNAVAILABLE, status.UNAVAILABLE);
  assert.equal(RpcCode.UNAUTHENTICATED, status.UNAUTHENTICATED);
  assert.equal(RpcCode.INTERNAL, status.INTERNAL);
});

describe('OTLP/gRPC receiver', () => {
  let h: Harness;
  let client: RawGrpcClient;
  const bodies = {} as Record<Signal, Uint8Array>;

  before(async () => {
    h = await startReceiver({ protocols: { grpc: { max_recv_msg_size_mib: 0.25, include_metadata: true } } });
    client = new RawGrpcClient(h.grpcTarget);
    for (const s of SIGNALS) bodies[s] = await sdkRequest(s, 'proto');
  });
  after(async () => {
    client.close();
    await h.stop();
  });
  const reset = () => {
    h.recorder.accepted.length = 0;
    h.recorder.behavior = undefined;
  };

  test('Export of every signal is accepted with an empty response', async () => {
    for (const signal of SIGNALS) {
      reset();
      const r = await client.call(EXPORT_PATHS[signal], bodies[signal], { 'x-tenant': 'acme' });
      assert.equal(r.error, undefined, `${signal}: ${r.error?.message}`);
      assert.equal(readPartialSuccess(r.response!), undefined);
      const got = h.recorder.of(signal);
      assert.equal(got.length, 1);
      assert.equal(itemCount(signal, got[0]!), SDK_REQUEST_ITEMS[signal]);
      const ctx = h.recorder.accepted[0]!.ctx;
      assert.equal(ctx.clientAddress, '127.0.0.1');
      assert.equal(ctx.metadata?.['x-tenant'], 'acme', 'include_metadata');
    }
    assert.equal(
      await counterValue(h.metrics, 'watchingcat_receiver_accepted_items_total', {
        signal: 'logs',
        transport: 'grpc',
      }),
      3,
    );
  });

  test('gzip-compressed request messages are accepted (grpc-js decompresses)', async () => {
    reset();
    const gz = new RawGrpcClient(h.grpcTarget, { gzip: true });
    try {
      const r = await gz.call(EXPORT_PATHS.traces, bodies.traces);
      assert.equal(r.error, undefined, r.error?.message);
      assert.equal(h.recorder.of('traces').length, 1);
    } finally {
      gz.close();
    }
  });

  test('messages over max_recv_msg_size_mib are refused with RESOURCE_EXHAUSTED, compressed or not', async () => {
    reset();
    const big = Buffer.alloc(300 * 1024); // > 0.25 MiB
    const plain = await client.call(EXPORT_PATHS.traces, big);
    assert.equal(plain.error?.code, status.RESOURCE_EXHAUSTED);
    const gz = new RawGrpcClient(h.grpcTarget, { gzip: true });
    try {
      const r = await gz.call(EXPORT_PATHS.traces, big); // ~300 bytes on the wire, 300 KiB inflated
      assert.equal(r.error?.code, status.RESOURCE_EXHAUSTED, 'the limit applies to the decompressed message');
    } finally {
      gz.close();
    }
    assert.equal(h.recorder.accepted.length, 0);
    assert.ok(zlib.gzipSync(big).length < 1024);
  });

  test('a malformed message is INVALID_ARGUMENT with a message', async () => {
    reset();
    const r = await client.call(EXPORT_PATHS.metrics, Buffer.from([0x0a, 0x05, 0x0a, 0x03, 0xff]));
    assert.equal(r.error?.code, status.INVALID_ARGUMENT);
    assert.ok((r.error?.details ?? '').length > 0);
    assert.equal(h.recorder.accepted.length, 0);
  });

  test('queue_full / memory_pressure → RESOURCE_EXHAUSTED with RetryInfo; unavailable → UNAVAILABLE', async () => {
    const cases: Array<[RetryableError, number]> = [
      [new RetryableError('queue is full', 'queue_full', 1500), status.RESOURCE_EXHAUSTED],
      [new RetryableError('memory limit', 'memory_pressure', 3000), status.RESOURCE_EXHAUSTED],
      [new RetryableError('exporter down', 'unavailable', 5000), status.UNAVAILABLE],
    ];
    for (const [err, code] of cases) {
      reset();
      h.recorder.behavior = () => {
        throw err;
      };
      const r = await client.call(EXPORT_PATHS.logs, bodies.logs);
      assert.equal(r.error?.code, code, err.reason);
      assert.equal(r.error?.details, err.message);
      const bin = r.error?.metadata.get('grpc-status-details-bin')[0];
      assert.ok(Buffer.isBuffer(bin), 'grpc-status-details-bin is present');
      const st = readStatus(bin);
      assert.equal(st.code, code);
      assert.equal(st.details[0]?.typeUrl, 'type.googleapis.com/google.rpc.RetryInfo');
      assert.equal(readRetryDelayMs(st.details[0]!.value), err.retryAfterMs);
    }
  });

  test('permanent refusal → INVALID_ARGUMENT; partial rejection → OK with partial_success', async () => {
    reset();
    h.recorder.behavior = () => {
      throw new PermanentError('rejected by policy');
    };
    const r = await client.call(EXPORT_PATHS.traces, bodies.traces);
    assert.equal(r.error?.code, status.INVALID_ARGUMENT);
    assert.equal(r.error?.details, 'rejected by policy');

    h.recorder.behavior = () => {
      throw Object.assign(new PermanentError('1 log dropped'), { rejectedItems: 1 });
    };
    const p = await client.call(EXPORT_PATHS.logs, bodies.logs);
    assert.equal(p.error, undefined);
    assert.deepEqual(readPartialSuccess(p.response!), { rejected: 1, errorMessage: '1 log dropped' });
    assert.equal(
      (await counterValue(h.metrics, 'watchingcat_receiver_accepted_items_total', {
        signal: 'logs',
        transport: 'grpc',
      })) >= 2,
      true,
    );
  });

  test('an unexpected consumer failure is INTERNAL, not a crash', async () => {
    reset();
    h.recorder.behavior = () => Promise.reject(new Error('bug'));
    const r = await client.call(EXPORT_PATHS.traces, bodies.traces);
    assert.equal(r.error?.code, status.INTERNAL);
    reset();
    assert.equal((await client.call(EXPORT_PATHS.traces, bodies.traces)).error, undefined);
  });

  test('the response waits until the pipeline accepted the data', async () => {
    reset();
    let release!: () => void;
    h.recorder.behavior = () => new Promise<void>((r) => (release = r));
    const calls = h.recorder.calls;
    let answered = false;
    const pending = client.call(EXPORT_PATHS.traces, bodies.traces).then((r) => {
      answered = true;
      return r;
    });
    await waitFor('consume() to be called', () => h.recorder.calls > calls);
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(answered, false);
    release();
    assert.equal((await pending).error, undefined);
  });
});

describe('OTLP/gRPC receiver options', () => {
  let traces: Uint8Array;
  before(async () => {
    traces = await sdkRequest('traces', 'proto');
  });

  test('a signal without a pipeline is UNIMPLEMENTED', async () => {
    const h = await startReceiver({ protocols: { grpc: null }, signals: ['traces'] });
    const client = new RawGrpcClient(h.grpcTarget);
    try {
      const r = await client.call(EXPORT_PATHS.logs, await sdkRequest('logs', 'proto'));
      assert.equal(r.error?.code, status.UNIMPLEMENTED);
      assert.equal((await client.call(EXPORT_PATHS.traces, traces)).error, undefined);
    } finally {
      client.close();
      await h.stop();
    }
  });

  test('auth: the authorization metadata decides; otherwise UNAUTHENTICATED', async () => {
    const auth: Extension = {
      authenticator: { authenticate: (v) => v === 'Bearer s3cret', clientHeaders: () => ({}) },
      start: async () => {},
      shutdown: async () => {},
    };
    const h = await startReceiver({
      protocols: { grpc: { auth: { authenticator: 'bearertokenauth' } } },
      extensions: { bearertokenauth: auth },
    });
    const client = new RawGrpcClient(h.grpcTarget);
    try {
      assert.equal((await client.call(EXPORT_PATHS.traces, traces)).error?.code, status.UNAUTHENTICATED);
      assert.equal(
        (await client.call(EXPORT_PATHS.traces, traces, { authorization: 'Bearer x' })).error?.code,
        status.UNAUTHENTICATED,
      );
      assert.equal(h.recorder.calls, 0);
      assert.equal(
        (await client.call(EXPORT_PATHS.traces, traces, { authorization: 'Bearer s3cret' })).error,
        undefined,
      );
      assert.equal(h.recorder.accepted.length, 1);
    } finally {
      client.close();
      await h.stop();
    }
  });

  test('a taken port fails start with the endpoint and the reason', async () => {
    const first = await startReceiver({ protocols: { grpc: null } });
    const port = first.receiver.boundAddresses().grpc!.port;
    try {
      await assert.rejects(startReceiver({ protocols: { grpc: { endpoint: `127.0.0.1:${port}` } } }), {
        message: `otlp receiver: cannot listen on 127.0.0.1:${port}: address already in use`,
      });
    } finally {
      await first.stop();
    }
  });

  test('when HTTP cannot bind, the already bound gRPC port is released', async () => {
    const first = await startReceiver({ protocols: { http: null } });
    const httpPort = first.receiver.boundAddresses().http!.port;
    const grpcPort = await freePort();
    try {
      await assert.rejects(
        startReceiver({
          protocols: {
            grpc: { endpoint: `127.0.0.1:${grpcPort}` },
            http: { endpoint: `127.0.0.1:${httpPort}` },
          },
        }),
        { message: `otlp receiver: cannot listen on 127.0.0.1:${httpPort}: address already in use` },
      );
      // The gRPC server bound first; it must have been closed again.
      const probe = net.createServer();
      await new Promise<void>((resolve, reject) =>
        probe.once('error', reject).listen(grpcPort, '127.0.0.1', resolve),
      );
      await new Promise<void>((r) => probe.close(() => r()));
    } finally {
      await first.stop();
    }
  });

  test('shutdown waits for a call in flight, then refuses new ones', async () => {
    const h = await startReceiver({ protocols: { grpc: null } });
    const client = new RawGrpcClient(h.grpcTarget);
    try {
      let release!: () => void;
      h.recorder.behavior = () => new Promise<void>((r) => (release = r));
      const pending = client.call(EXPORT_PATHS.traces, traces);
      await waitFor('consume() to be called', () => h.recorder.calls > 0);
      const stopped = h.stop();
      setTimeout(() => release(), 100);
      assert.equal((await pending).error, undefined, 'the in-flight call completed');
      await stopped;
      assert.deepEqual(h.receiver.boundAddresses(), {});
      const after = await client.call(EXPORT_PATHS.traces, traces);
      assert.equal(after.error?.code, status.UNAVAILABLE);
    } finally {
      client.close();
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

test('gRPC: a request sent again with the same idempotency-key metadata is answered OK and not taken twice', async () => {
  const h = await startReceiver({ protocols: { grpc: {} } });
  const client = new RawGrpcClient(h.grpcTarget);
  try {
    const body = await sdkRequest('traces', 'proto');
    for (const key of ['"k-1"', '"k-1"', '"k-2"']) {
      const r = await client.call(EXPORT_PATHS.traces, body, { 'idempotency-key': key });
      assert.equal(r.error, undefined, r.error?.message);
    }
    assert.equal(h.recorder.of('traces').length, 2);
    assert.equal(
      await counterValue(h.metrics, 'watchingcat_receiver_repeated_requests_total', {
        signal: 'traces',
        transport: 'grpc',
      }),
      1,
    );
  } finally {
    client.close();
    await h.stop();
  }
});
