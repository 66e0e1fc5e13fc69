// Fuzzing the decoders: random bytes and mutated valid payloads (bit flips, byte insertions and
// deletions, truncations, corrupted length fields, huge varints, duplicated chunks) in protobuf,
// and mutated text and wrongly-typed values in JSON. Contract checked for every case:
// - the decoder returns or throws DecodeError with a message — nothing else;
// - when it returns, the result is a well-formed model: it encodes, and decodes back the same;
// - no case takes long (no hangs, no quadratic blowups), and work grows linearly with input.
// OTLP_FUZZ_CASES scales the number of cases (default 3000 per signal and format).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Signal } from '../../model/common.ts';
import { itemCount, type SignalData } from '../../model/signal.ts';
import {
  DecodeError,
  decodeExportResponse,
  decodeJsonRequest,
  decodeRequest,
  decodeRpcStatus,
  encodeJsonRequest,
  encodeRequest,
} from './index.ts';
import { logsFixture, metricsFixture, realisticTraces, tracesFixture } from './testdata/fixtures.ts';
import { canon, f, msg, request } from './testdata/pb.ts';
import { INTERNAL_ERROR } from './decode-error.ts';

const CASES = Number(process.env.OTLP_FUZZ_CASES ?? 3000);
/** Per-case bound: generous for a loaded CI machine, far below what a hang or blowup takes. */
const MAX_CASE_MS = 250;

function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/** Offsets of bytes that look like length-delimited tags followed by a one-byte length. */
function lengthFields(b: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i + 1 < b.length; i++)
    if ((b[i]! & 7) === 2 && b[i]! >>> 3 > 0 && b[i + 1]! < 0x80) out.push(i + 1);
  return out;
}

function mutate(src: Uint8Array, r: () => number): Uint8Array {
  const b = Array.from(src);
  const edits = 1 + Math.floor(r() * 4);
  for (let e = 0; e < edits; e++) {
    const pos = Math.floor(r() * (b.length + 1));
    switch (Math.floor(r() * 9)) {
      case 0: // bit flip
        if (b.length) b[pos % b.length]! ^= 1 << Math.floor(r() * 8);
        break;
      case 1: // insert a random byte
        b.splice(pos, 0, Math.floor(r() * 256));
        break;
      case 2: // delete a few bytes
        b.splice(pos, 1 + Math.floor(r() * 8));
        break;
      case 3: // truncate
        b.length = pos;
        break;
      case 4: // interesting byte values
        if (b.length) b[pos % b.length] = [0x00, 0x7f, 0x80, 0xff, 0x0a, 0x12][Math.floor(r() * 6)]!;
        break;
      case 5: // a huge (10-byte) or overlong (11-byte) varint
        b.splice(pos, 0, ...Array(9 + Math.floor(r() * 2)).fill(0xff), 0x01);
        break;
      case 6: {
        // corrupt a length field: bigger, smaller or multi-byte
        const fields = lengthFields(b);
        if (fields.length) {
          const at = fields[Math.floor(r() * fields.length)]!;
          const choice = r();
          if (choice < 0.4) b[at] = Math.min(0x7f, b[at]! + 1 + Math.floor(r() * 10));
          else if (choice < 0.7) b[at] = Math.max(0, b[at]! - 1 - Math.floor(r() * 10));
          else b.splice(at, 1, 0xff, 0xff, 0xff, 0xff, 0x0f);
        }
        break;
      }
      case 7: // duplicate a chunk somewhere else
        b.splice(pos, 0, ...b.slice(Math.floor(r() * b.length), Math.floor(r() * b.length)));
        break;
      default: // swap two chunks
        if (b.length > 8) {
          const i = Math.floor(r() * (b.length - 4));
          const j = Math.floor(r() * (b.length - 4));
          const a = b.slice(i, i + 4);
          b.splice(i, 4, ...b.slice(j, j + 4));
          b.splice(j, 4, ...a);
        }
    }
  }
  return Uint8Array.from(b);
}

/** Runs one case: returns the result or undefined for a DecodeError; fails on anything else. */
function contained<T>(fn: () => T, describe: () => string): T | undefined {
  const started = performance.now();
  let out: T | undefined;
  try {
    out = fn();
  } catch (e) {
    if (!(e instanceof DecodeError)) assert.fail(`threw ${String(e)} (not a DecodeError) for ${describe()}`);
    assert.ok(e.message.length > 0, 'DecodeError without a message');
    // A wrapped unexpected exception is a decoder bug even though the contract holds.
    assert.ok(!e.message.includes(INTERNAL_ERROR), `${e.message} for ${describe()}`);
  }
  const ms = performance.now() - started;
  assert.ok(ms < MAX_CASE_MS, `one decode took ${ms.toFixed(0)} ms for ${describe()}`);
  return out;
}

function errorOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

function keptOrError(signal: Signal, input: Uint8Array): { data?: SignalData; error?: string } {
  try {
    return { data: decodeRequest(signal, input, { keepEncoded: true }) };
  } catch (e) {
    assert.ok(e instanceof DecodeError, `keepEncoded threw ${String(e)}`);
    return { error: e.message };
  }
}

const valid: { [S in Signal]: () => SignalData<S> } = {
  traces: tracesFixture,
  metrics: metricsFixture,
  logs: logsFixture,
};

for (const signal of ['traces', 'metrics', 'logs'] as const) {
  test(`${signal}: ${CASES} random and mutated protobuf inputs`, () => {
    const r = prng(signal.length * 7919 + 1);
    // The traces payload is also a valid-looking message of the other signals (field numbers
    // overlap): a good seed of "plausible but wrong" input.
    const seeds = [encodeRequest(signal, valid[signal]()), encodeRequest('traces', realisticTraces(3))];
    let decoded = 0;
    for (let i = 0; i < CASES; i++) {
      const input =
        i % 6 === 0
          ? Uint8Array.from({ length: Math.floor(r() * 400) }, () => Math.floor(r() * 256))
          : mutate(seeds[i % 2]!, r);
      const describe = () => Buffer.from(input).toString('hex');
      const data = contained(() => decodeRequest(signal, input), describe);
      // Receivers decode keeping scope groups encoded: the same input must be refused with the
      // same message, and what it keeps must forward as the same data with the same count.
      const kept = keptOrError(signal, input);
      if (data === undefined) {
        assert.equal(
          kept.error,
          errorOf(() => decodeRequest(signal, input)),
          `keepEncoded on ${describe()}`,
        );
        continue;
      }
      assert.equal(kept.error, undefined, `keepEncoded refused ${describe()}`);
      assert.equal(itemCount(signal, kept.data!), itemCount(signal, data), `count for ${describe()}`);
      const forwarded = decodeRequest(signal, encodeRequest(signal, kept.data!));
      assert.deepStrictEqual(canon(forwarded), canon(data), `forwarding kept bytes of ${describe()}`);
      decoded++;
      // Whatever decodes is a well-formed model: it encodes and survives a round trip.
      const again = decodeRequest(signal, encodeRequest(signal, data));
      assert.deepStrictEqual(canon(again), canon(data), `round trip after decoding ${describe()}`);
    }
    // Mutations must not all be rejected (or the round-trip check above would test nothing).
    assert.ok(decoded > CASES / 100, `only ${decoded} of ${CASES} mutated inputs decoded`);
  });

  test(`${signal}: ${CASES} mutated and wrongly-typed OTLP/JSON inputs`, () => {
    const r = prng(signal.length * 104729 + 3);
    const text = encodeJsonRequest(signal, valid[signal]());
    const tree = JSON.parse(text) as unknown;
    const odd = [
      null,
      1.5,
      -1,
      'x',
      true,
      [],
      {},
      '18446744073709551616',
      'zz',
      [[[]]],
      2 ** 64,
      '1e3',
      'NaN',
      '',
    ];
    const poke = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(poke);
      if (v && typeof v === 'object')
        return Object.fromEntries(
          Object.entries(v).map(([k, x]) => [k, r() < 0.04 ? odd[Math.floor(r() * odd.length)] : poke(x)]),
        );
      return v;
    };
    const bytes = new TextEncoder().encode(text);
    let decoded = 0;
    for (let i = 0; i < CASES; i++) {
      const input: string | Uint8Array = i % 3 === 0 ? JSON.stringify(poke(tree)) : mutate(bytes, r);
      const describe = () => (typeof input === 'string' ? input : Buffer.from(input).toString('utf8'));
      const data = contained(() => decodeJsonRequest(signal, input), describe);
      if (data === undefined) continue;
      decoded++;
      const again = decodeJsonRequest(signal, encodeJsonRequest(signal, data));
      assert.deepStrictEqual(canon(again), canon(data), `JSON round trip after decoding ${describe()}`);
      assert.deepStrictEqual(canon(decodeRequest(signal, encodeRequest(signal, data))), canon(data));
    }
    assert.ok(decoded > CASES / 20, `only ${decoded} of ${CASES} JSON inputs decoded`);
  });
}

test('responses and rpc status decoders only throw DecodeError', () => {
  const r = prng(99);
  const seed = msg(
    f.len(1, msg(f.varint(1, 3), f.len(2, 'msg'))),
    f.len(3, msg(f.len(1, 'type'), f.len(2, 'v'))),
  );
  for (let i = 0; i < CASES; i++) {
    const input =
      i % 4 === 0
        ? Uint8Array.from({ length: Math.floor(r() * 40) }, () => Math.floor(r() * 256))
        : mutate(seed, r);
    contained(
      () => decodeExportResponse('traces', input, 'proto'),
      () => Buffer.from(input).toString('hex'),
    );
    contained(
      () => decodeExportResponse('logs', input, 'json'),
      () => Buffer.from(input).toString('hex'),
    );
    contained(
      () => decodeRpcStatus(input),
      () => Buffer.from(input).toString('hex'),
    );
  }
});

/** `part` n times over (without spreading n arguments). */
function repeat(part: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(part.length * n);
  for (let i = 0; i < n; i++) out.set(part, i * part.length);
  return out;
}

test('pathological inputs: huge lengths and counts, deep nesting, big inputs — bounded and linear', () => {
  for (const input of [
    Uint8Array.of(0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f), // a 4 GiB resource group
    Uint8Array.of(0x08, ...Array(10).fill(0xff), 0x01), // an 11-byte varint
    new Uint8Array(1_000_000), // field number 0
    new Uint8Array(1_000_000).fill(0x80), // one endless varint
    repeat(f.fixed64(2000, 1n), 100_000), // 100k unknown fields
  ])
    contained(
      () => decodeRequest('logs', input),
      () => `${input.length} bytes starting ${Buffer.from(input.subarray(0, 16)).toString('hex')}`,
    );
  // Many maximally nested values: time must grow linearly with their number.
  const deepValue = () => {
    let v = msg(f.len(1, 'x'));
    for (let i = 1; i < 64; i++) v = msg(f.len(5, msg(f.len(1, v))));
    return v;
  };
  const body = (n: number) => request(repeat(f.len(6, msg(f.len(1, 'k'), f.len(2, deepValue()))), n));
  const time = (b: Uint8Array) => {
    let best = Infinity;
    for (let k = 0; k < 5; k++) {
      const t = performance.now();
      decodeRequest('logs', b);
      best = Math.min(best, performance.now() - t);
    }
    return best;
  };
  const small = body(200);
  const large = body(1600);
  time(small);
  const ratio = time(large) / Math.max(time(small), 0.05);
  assert.ok(ratio < 8 * 3, `8× the input took ${ratio.toFixed(1)}× the time`);
  // Empty messages cost memory per byte: a 1 MB request of empty spans still decodes promptly.
  const empties = msg(f.len(1, msg(f.len(2, repeat(Uint8Array.of(0x12, 0x00), 100_000)))));
  const spans = contained(
    () => decodeRequest('traces', empties),
    () => 'empty spans',
  );
  assert.equal(spans!.resourceSpans[0]!.scopeSpans[0]!.spans.length, 100_000);
});
