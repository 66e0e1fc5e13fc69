// Fuzzing the decoders: random bytes and mutated valid payloads (bit flips, insertions,
// deletions, truncations, corrupted lengths, huge varints) in protobuf and JSON. Every input
// must decode or throw DecodeError — nothing else, and quickly. OTLP_FUZZ_CASES scales it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Signal } from '../../model/common.ts';
import { DecodeError, decodeJsonRequest, decodeRequest, encodeJsonRequest, encodeRequest } from './index.ts';
import { logsFixture, metricsFixture, tracesFixture } from './testdata/fixtures.ts';

const CASES = Number(process.env.OTLP_FUZZ_CASES ?? 3000);

function prng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

function mutate(src: Uint8Array, r: () => number): Uint8Array {
  const b = Array.from(src);
  const edits = 1 + Math.floor(r() * 6);
  for (let i = 0; i < edits; i++) {
    const pos = Math.floor(r() * (b.length + 1));
    const op = Math.floor(r() * 7);
    if (op === 0 && b.length) b[pos % b.length]! ^= 1 << Math.floor(r() * 8);
    else if (op === 1) b.splice(pos, 0, Math.floor(r() * 256));
    else if (op === 2) b.splice(pos, 1 + Math.floor(r() * 8));
    else if (op === 3) b.length = pos;
    else if (op === 4 && b.length) b[pos % b.length] = [0x00, 0x7f, 0x80, 0xff][Math.floor(r() * 4)]!;
    else if (op === 5) b.splice(pos, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01);
    else b.splice(pos, 0, ...b.slice(Math.floor(r() * b.length), Math.floor(r() * b.length)));
  }
  return Uint8Array.from(b);
}

function mustOnlyThrowDecodeError(fn: () => unknown, input: () => string): void {
  const started = performance.now();
  try {
    fn();
  } catch (e) {
    if (!(e instanceof DecodeError)) assert.fail(`threw ${String(e)} (not DecodeError) for ${input()}`);
    assert.ok(e.message.length > 0);
  }
  const ms = performance.now() - started;
  assert.ok(ms < 200, `one decode took ${ms.toFixed(0)} ms for ${input()}`);
}

const payloads: Record<Signal, () => unknown> = {
  traces: tracesFixture,
  metrics: metricsFixture,
  logs: logsFixture,
};

for (const signal of ['traces', 'metrics', 'logs'] as const) {
  test(`${signal}: mutated and random protobuf`, () => {
    const r = prng(signal.length * 7919);
    const valid = encodeRequest(signal, payloads[signal]() as never);
    for (let i = 0; i < CASES; i++) {
      const input =
        i % 5 === 0
          ? Uint8Array.from({ length: Math.floor(r() * 300) }, () => Math.floor(r() * 256))
          : mutate(valid, r);
      mustOnlyThrowDecodeError(
        () => decodeRequest(signal, input),
        () => Buffer.from(input).toString('hex'),
      );
    }
  });

  test(`${signal}: mutated and random JSON`, () => {
    const r = prng(signal.length * 104729);
    const valid = Buffer.from(encodeJsonRequest(signal, payloads[signal]() as never));
    for (let i = 0; i < Math.ceil(CASES / 3); i++) {
      let input: Uint8Array;
      if (i % 4 === 0) {
        // Structurally valid JSON with wrong types in random places.
        const j = JSON.parse(valid.toString()) as unknown;
        const values = [null, 1.5, -1, 'x', true, [], {}, '18446744073709551616', 'zz', [[[]]]];
        const poke = (v: unknown): unknown => {
          if (Array.isArray(v)) return v.map(poke);
          if (v && typeof v === 'object')
            return Object.fromEntries(
              Object.entries(v).map(([k, x]) => [
                k,
                r() < 0.05 ? values[Math.floor(r() * values.length)] : poke(x),
              ]),
            );
          return v;
        };
        input = Buffer.from(JSON.stringify(poke(j)));
      } else input = mutate(valid, r);
      mustOnlyThrowDecodeError(
        () => decodeJsonRequest(signal, input),
        () => Buffer.from(input).toString('utf8'),
      );
    }
  });
}

test('huge declared lengths and counts do not allocate or hang', () => {
  // resource_logs with a length of 2^32-1 and a 10-byte varint of all ones.
  for (const input of [
    Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]),
    Uint8Array.from([0x08, ...Array(10).fill(0xff), 0x01]),
    new Uint8Array(1_000_000),
  ]) {
    mustOnlyThrowDecodeError(
      () => decodeRequest('logs', input),
      () => `${input.length} bytes`,
    );
  }
});
