// The protobuf wire reader and writer on their own: exact bytes for known values (from the
// protobuf encoding spec), writer→reader round trips of random values, and every way the
// reader must refuse malformed input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DecodeError } from './decode-error.ts';
import { ProtoReader } from './protobuf-reader.ts';
import { ProtoWriter } from './protobuf-writer.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

/** Runs `write` on a fresh writer and returns the bytes. */
function written(write: (w: ProtoWriter) => void, initial?: number): Uint8Array {
  const w = new ProtoWriter(initial);
  write(w);
  return w.finish();
}

function throwsDecode(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DecodeError, `expected DecodeError, got ${String(e)}`);
    assert.match(e.message, pattern);
    return true;
  });
}

test('varints: exact bytes for boundary values', () => {
  const cases: [number, string][] = [
    [0, '00'],
    [1, '01'],
    [127, '7f'],
    [128, '8001'],
    [300, 'ac02'],
    [16383, 'ff7f'],
    [16384, '808001'],
    [2 ** 28 - 1, 'ffffff7f'],
    [2 ** 28, '8080808001'],
    [2 ** 32 - 1, 'ffffffff0f'],
  ];
  for (const [v, h] of cases) {
    assert.equal(hex(written((w) => w.uint32(v))), h, `uint32 ${v}`);
    const r = new ProtoReader(bytes(h));
    assert.equal(r.uint32(), v);
    assert.equal(r.pos, h.length / 2);
  }
  // 64-bit values, numbers and bigints, two's complement for negatives (10 bytes).
  const wide: [number | bigint, string][] = [
    [2 ** 32, '8080808010'],
    [2 ** 35, '808080808001'],
    [Number.MAX_SAFE_INTEGER, 'ffffffffffffff0f'],
    [-1, 'ffffffffffffffffff01'],
    [-2, 'feffffffffffffffff01'],
    [-(2 ** 32), '80808080f0ffffffff01'],
    [9223372036854775807n, 'ffffffffffffffff7f'],
    [-9223372036854775808n, '80808080808080808001'],
    [Number.MIN_SAFE_INTEGER, '81808080808080f0ff01'],
  ];
  for (const [v, h] of wide) {
    assert.equal(hex(written((w) => w.int64(v))), h, `int64 ${v}`);
    assert.equal(new ProtoReader(bytes(h)).int64(), v, `read int64 ${h}`);
  }
  assert.equal(hex(written((w) => w.uint64(2 ** 53))), '8080808080808010');
  assert.equal(new ProtoReader(bytes('ffffffffffffffffff01')).uint64Number(), 2 ** 64);
  // int32 / enums: negative values are sign-extended to 10 bytes.
  assert.equal(hex(written((w) => w.int32(-1))), 'ffffffffffffffffff01');
  assert.equal(new ProtoReader(bytes('ffffffffffffffffff01')).int32(), -1);
  // sint32 zigzag.
  for (const [v, h] of [
    [0, '00'],
    [-1, '01'],
    [1, '02'],
    [-2, '03'],
    [2147483647, 'feffffff0f'],
    [-2147483648, 'ffffffff0f'],
  ] as const) {
    assert.equal(hex(written((w) => w.sint32(v))), h);
    assert.equal(new ProtoReader(bytes(h)).sint32(), v);
  }
  // uint32 fields hold the low 32 bits of a longer varint, as protobuf's uint32 does.
  assert.equal(new ProtoReader(bytes('8180808010')).uint32(), 1);
  assert.equal(new ProtoReader(bytes('02')).bool(), true);
  assert.equal(new ProtoReader(bytes('80808080808080808001')).bool(), true); // only bit 63 set
  assert.equal(new ProtoReader(bytes('8000')).bool(), false); // a non-minimal zero
});

test('fixed-width values and strings: exact bytes', () => {
  assert.equal(hex(written((w) => w.fixed32(0x01020304))), '04030201');
  assert.equal(hex(written((w) => w.fixed64(0x0102030405060708n))), '0807060504030201');
  assert.equal(hex(written((w) => w.fixed64(2 ** 40 + 5))), '0500000000010000');
  assert.equal(hex(written((w) => w.sfixed64(-2))), 'feffffffffffffff');
  assert.equal(hex(written((w) => w.sfixed64(-(2n ** 63n)))), '0000000000000080');
  assert.equal(hex(written((w) => w.double(1))), '000000000000f03f');
  assert.equal(hex(written((w) => w.string('hi'))), '026869');
  assert.equal(hex(written((w) => w.string('é'))), '02c3a9');
  assert.equal(hex(written((w) => w.string('🐈'))), '04f09f9088');
  // A lone surrogate is not valid UTF-16: it becomes U+FFFD, consistently in length and bytes.
  assert.equal(hex(written((w) => w.string('a\ud800'))), '0461efbfbd');
  assert.equal(hex(written((w) => w.bytes(Uint8Array.of(1, 2, 3)))), '03010203');
  const r = new ProtoReader(bytes('04030201 0807060504030201 feffffffffffffff 000000000000f03f'));
  assert.equal(r.fixed32(), 0x01020304);
  assert.equal(r.fixed64(), 0x0102030405060708n);
  assert.equal(r.sfixed64(), -2);
  assert.equal(r.double(), 1);
  assert.equal(new ProtoReader(bytes('0000000000000080')).sfixed64(), -(2n ** 63n));
  assert.equal(new ProtoReader(bytes('ffffffffffffffff')).fixed64(), 2n ** 64n - 1n);
});

test('nested messages: close() writes the length and tag in front of the body', () => {
  const out = written((w) => {
    const start = w.length();
    w.string('x'); // field 2
    w.byte(0x12);
    w.uint32(150); // field 1
    w.byte(0x08);
    w.close(start, 0x1a); // field 3, length 6
  });
  assert.equal(hex(out), '1a06089601120178');
});

test('writer: random values round trip through the reader, across buffer growth', () => {
  let seed = 12345;
  const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const values: { kind: string; v: unknown }[] = [];
  for (let i = 0; i < 5000; i++) {
    const k = Math.floor(rand() * 7);
    if (k === 0) values.push({ kind: 'uint32', v: Math.floor(rand() * 2 ** 32) });
    else if (k === 1) values.push({ kind: 'int64', v: Math.floor((rand() - 0.5) * 2 ** 53) });
    else if (k === 2)
      values.push({ kind: 'int64', v: BigInt.asIntN(64, BigInt(Math.floor(rand() * 2 ** 32)) << 31n) });
    else if (k === 3) values.push({ kind: 'fixed64', v: BigInt(Math.floor(rand() * 2 ** 53)) * 1000n });
    else if (k === 4) values.push({ kind: 'double', v: (rand() - 0.5) * 1e300 });
    else if (k === 5)
      values.push({
        kind: 'string',
        v: String.fromCodePoint(
          ...Array.from({ length: Math.floor(rand() * 80) }, () => Math.floor(rand() * 0x2ffff)),
        ),
      });
    else values.push({ kind: 'sint32', v: Math.floor((rand() - 0.5) * 2 ** 32) });
  }
  // Start tiny so the writer grows many times; write backwards (last value first).
  const w = new ProtoWriter(16);
  for (let i = values.length - 1; i >= 0; i--) {
    const { kind, v } = values[i]!;
    if (kind === 'uint32') w.uint32(v as number);
    else if (kind === 'int64') w.int64(v as number | bigint);
    else if (kind === 'fixed64') w.fixed64(v as bigint);
    else if (kind === 'double') w.double(v as number);
    else if (kind === 'string') w.string(v as string);
    else w.sint32(v as number);
  }
  const r = new ProtoReader(w.finish());
  for (const { kind, v } of values) {
    if (kind === 'uint32') assert.equal(r.uint32(), v);
    else if (kind === 'int64') {
      const got = r.int64();
      assert.equal(typeof got === 'bigint' ? got : BigInt(got), BigInt(v as number | bigint));
    } else if (kind === 'fixed64') assert.equal(r.fixed64(), v);
    else if (kind === 'double') assert.equal(r.double(), v);
    else if (kind === 'string') {
      // Lone surrogates become U+FFFD; everything else survives.
      assert.equal(r.string(r.limit), (v as string).toWellFormed());
    } else assert.equal(r.sint32(), v);
  }
  assert.equal(r.pos, r.limit);
});

test('writer: reuse after finish, and no exceptions for out-of-range numbers', () => {
  const w = new ProtoWriter(8);
  w.string('x'.repeat(100));
  assert.equal(w.finish().length, 101);
  w.uint32(5);
  assert.equal(hex(w.finish()), '05');
  // Truncated the way typed protobuf setters truncate; never a throw, always well-formed.
  assert.equal(hex(written((x) => x.uint32(2 ** 32 + 1))), '01');
  assert.equal(hex(written((x) => x.uint32(-1))), 'ffffffff0f');
  assert.equal(hex(written((x) => x.int64(NaN))), '00');
  assert.equal(hex(written((x) => x.int64(1.9))), '01');
  assert.equal(hex(written((x) => x.uint64(-5))), '00');
  assert.equal(hex(written((x) => x.fixed64(2n ** 64n + 1n))), '0100000000000000');
});

test('reader: strings are decoded (and cached) correctly, including colliding and non-ASCII bytes', () => {
  // Same length and same first/last four bytes (the cache's hash inputs), different middles.
  const a = 'abcd-one-wxyz';
  const b = 'abcd-two-wxyz';
  const w = new ProtoWriter();
  for (const s of [a, b, a, b, 'ünï', 'x', '', 'é'.repeat(20)].reverse()) w.string(s);
  const r = new ProtoReader(w.finish());
  assert.deepEqual(
    Array.from({ length: 8 }, () => r.string(r.limit)),
    [a, b, a, b, 'ünï', 'x', '', 'é'.repeat(20)],
  );
  // Invalid UTF-8 becomes U+FFFD rather than an error (as the Collector accepts it).
  assert.equal(new ProtoReader(bytes('03 61 ff 62')).string(4), 'a\ufffdb');
  // Bytes are views into the input, not copies.
  const input = bytes('03 010203');
  const view = new ProtoReader(input).bytes(4);
  assert.equal(view.buffer, input.buffer);
  assert.deepEqual([...view], [1, 2, 3]);
});

test('reader: every kind of malformed input is a DecodeError with the offset', () => {
  throwsDecode(() => new ProtoReader(bytes('')).uint32(), /truncated varint at byte 0/);
  throwsDecode(() => new ProtoReader(bytes('8080')).uint32(), /truncated varint at byte 0/);
  const second = new ProtoReader(bytes('01 8080'));
  second.uint32();
  throwsDecode(() => second.uint32(), /truncated varint at byte 1/);
  throwsDecode(
    () => new ProtoReader(bytes('ffffffffffffffffffff01')).int64(),
    /longer than 10 bytes at byte 0/,
  );
  throwsDecode(() => new ProtoReader(bytes('ffffffffffffffffff02')).int64(), /overflows 64 bits at byte 0/);
  throwsDecode(() => new ProtoReader(bytes('010203')).fixed32(), /truncated fixed32 at byte 0/);
  throwsDecode(() => new ProtoReader(bytes('01020304050607')).fixed64(), /truncated fixed64/);
  throwsDecode(() => new ProtoReader(bytes('01020304050607')).double(), /truncated double/);
  throwsDecode(() => new ProtoReader(bytes('05 0102')).bytes(3), /length 5 runs past the end .* at byte 0/);
  // A length inside a nested message may not run past that message's end either.
  throwsDecode(() => new ProtoReader(bytes('03 616263 00')).string(2), /length 3 runs past/);
  const skip = (h: string) => {
    const r = new ProtoReader(bytes(h));
    r.skip(r.tag(), r.limit);
    return r.pos;
  };
  // Skipping works for every wire type protobuf still uses...
  assert.equal(skip('08 96 01'), 3);
  assert.equal(skip('09 0102030405060708'), 9);
  assert.equal(skip('12 02 6162'), 4);
  assert.equal(skip('15 01020304'), 5);
  // ...and refuses groups, undefined wire types and field number 0.
  throwsDecode(() => skip('0b 0c'), /unsupported group \(wire type 3\) in field 1/);
  throwsDecode(() => skip('0c'), /unsupported group \(wire type 4\)/);
  throwsDecode(() => skip('0e'), /invalid wire type 6 in field 1/);
  throwsDecode(() => skip('0f'), /invalid wire type 7 in field 1/);
  throwsDecode(() => skip('00'), /invalid field number 0/);
  throwsDecode(() => skip('12 05 61'), /length 5 runs past/);
  throwsDecode(() => skip('09 0102'), /truncated fixed64/);
  throwsDecode(() => new ProtoReader(bytes('8080808080808001')).tag(), /tag out of range/);
});
