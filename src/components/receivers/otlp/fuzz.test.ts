// Fuzzing over the network: random and mutated (bit-flipped, truncated, spliced) protobuf and
// JSON bodies, some gzip-compressed, over HTTP and gRPC. Every request must get 200 (it happened
// to decode) or 400 / INVALID_ARGUMENT — never a 500, a hang or a crash — and the server must keep
// serving valid requests afterwards. The PRNG is seeded; set OTLP_FUZZ_SEED to replay a run.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import zlib from 'node:zlib';
import { status } from '@grpc/grpc-js';
import { SIGNALS, type Signal } from '../../../model/common.ts';
import { EXPORT_PATHS } from './grpc-server.ts';
import { postOtlp, RawGrpcClient } from './testing/clients.ts';
import { startReceiver, type Harness } from './testing/harness.ts';
import { readStatus } from './testing/proto-reader.ts';
import { sdkRequest } from './testing/sdk-data.ts';

const SEED = Number(process.env.OTLP_FUZZ_SEED ?? Date.now() % 1e9);
const CASES_PER_TRANSPORT = Number(process.env.OTLP_FUZZ_CASES ?? 400);

/** mulberry32: small, fast, good enough to drive mutations reproducibly. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(seed: Uint8Array, rnd: () => number): Buffer {
  const int = (n: number) => Math.floor(rnd() * n);
  const b = Buffer.from(seed);
  switch (int(6)) {
    case 0: {
      // Bit flips.
      const flips = 1 + int(8);
      for (let i = 0; i < flips && b.length; i++) b[int(b.length)]! ^= 1 << int(8);
      return b;
    }
    case 1:
      return b.subarray(0, int(b.length)); // truncation
    case 2: {
      // Random bytes overwritten.
      const n = 1 + int(16);
      for (let i = 0; i < n && b.length; i++) b[int(b.length)] = int(256);
      return b;
    }
    case 3: {
      // Splice: a copy of one region inserted elsewhere (duplicated fields, bad lengths).
      const from = int(b.length);
      const piece = b.subarray(from, from + int(64));
      const at = int(b.length);
      return Buffer.concat([b.subarray(0, at), piece, b.subarray(at)]);
    }
    case 4: {
      // Pure noise.
      const n = int(512);
      const out = Buffer.alloc(n);
      for (let i = 0; i < n; i++) out[i] = int(256);
      return out;
    }
    default: {
      // Huge length prefixes and varints at a random place.
      const at = int(b.length + 1);
      const junk = Buffer.from([
        0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x12, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01,
      ]);
      return Buffer.concat([b.subarray(0, at), junk.subarray(0, 1 + int(junk.length)), b.subarray(at)]);
    }
  }
}

async function pool<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

describe(`otlp receiver fuzz (seed ${SEED}, replay with OTLP_FUZZ_SEED=${SEED})`, () => {
  let h: Harness;
  const seeds = {} as Record<Signal, { proto: Uint8Array; json: Uint8Array }>;
  const crashes: unknown[] = [];
  const onCrash = (e: unknown) => crashes.push(e);

  before(async () => {
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);
    h = await startReceiver({ protocols: { http: { max_request_body_size: 256 * 1024 }, grpc: null } });
    for (const s of SIGNALS)
      seeds[s] = { proto: await sdkRequest(s, 'proto'), json: await sdkRequest(s, 'json') };
  });
  after(async () => {
    await h.stop();
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  });

  test('HTTP: mutated protobuf and JSON bodies get 200 or 400 with a Status, never anything else', async () => {
    const rnd = prng(SEED);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const seen = new Map<number, number>();
    const cases = Array.from({ length: CASES_PER_TRANSPORT }, (_, i) => {
      const signal = SIGNALS[i % 3]!;
      const format = rnd() < 0.5 ? ('proto' as const) : ('json' as const);
      let body = mutate(seeds[signal][format], rnd);
      const gzip = rnd() < 0.15;
      if (gzip) body = rnd() < 0.5 ? zlib.gzipSync(body) : mutate(zlib.gzipSync(seeds[signal][format]), rnd);
      return { i, signal, format, body, gzip };
    });
    try {
      await pool(cases, 8, async (c) => {
        const r = await postOtlp(`${h.httpUrl}/v1/${c.signal}`, c.body, c.format, {
          agent,
          headers: c.gzip ? { 'content-encoding': 'gzip' } : {},
        });
        seen.set(r.status, (seen.get(r.status) ?? 0) + 1);
        const where = `case ${c.i} (${c.signal}/${c.format}${c.gzip ? '/gzip' : ''}, seed ${SEED}): ${r.status} ${r.body.toString().slice(0, 200)}`;
        assert.ok(r.status === 200 || r.status === 400, where);
        if (r.status === 400) {
          const message =
            c.format === 'json'
              ? (JSON.parse(r.body.toString()) as { message: string }).message
              : readStatus(r.body).message;
          assert.ok(message.length > 0, `${where}: the Status says what is wrong`);
        }
      });
    } finally {
      agent.destroy();
    }
    assert.ok(
      (seen.get(400) ?? 0) > CASES_PER_TRANSPORT / 4,
      `mostly refused, got ${JSON.stringify([...seen])}`,
    );
    for (const s of SIGNALS) {
      const ok = await postOtlp(`${h.httpUrl}/v1/${s}`, seeds[s].proto, 'proto');
      assert.equal(ok.status, 200, `still serving ${s}`);
    }
    assert.deepEqual(crashes, []);
  });

  test('gRPC: mutated protobuf messages get OK or INVALID_ARGUMENT, never anything else', async () => {
    const rnd = prng(SEED + 1);
    const client = new RawGrpcClient(h.grpcTarget);
    const seen = new Map<number, number>();
    try {
      const cases = Array.from({ length: CASES_PER_TRANSPORT }, (_, i) => ({
        i,
        signal: SIGNALS[i % 3]!,
        body: mutate(seeds[SIGNALS[i % 3]!].proto, rnd),
      }));
      await pool(cases, 8, async (c) => {
        const r = await client.call(EXPORT_PATHS[c.signal], c.body);
        const code = r.error?.code ?? status.OK;
        seen.set(code, (seen.get(code) ?? 0) + 1);
        assert.ok(
          code === status.OK || code === status.INVALID_ARGUMENT,
          `case ${c.i} (${c.signal}, seed ${SEED}): ${r.error?.message}`,
        );
      });
      for (const s of SIGNALS) {
        const ok = await client.call(EXPORT_PATHS[s], seeds[s].proto);
        assert.equal(ok.error, undefined, `still serving ${s}`);
      }
    } finally {
      client.close();
    }
    assert.ok((seen.get(status.INVALID_ARGUMENT) ?? 0) > CASES_PER_TRANSPORT / 4, JSON.stringify([...seen]));
    assert.deepEqual(crashes, []);
  });
});
