// ByteSink against independent references: Buffer's own writers for integers and doubles,
// Buffer.from for UTF-8 (including its U+FFFD for lone surrogates), and literal LEB128 bytes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ByteSink } from './byte-sink.ts';

/** The bytes one call writes into a fresh sink (a 1-byte start, so every write grows it). */
function bytesOf(write: (s: ByteSink) => void): number[] {
  const s = new ByteSink(1);
  write(s);
  assert.equal(s.length, s.view().length);
  return [...s.view()];
}

/** LEB128 written out by hand, for lengths. */
function leb128(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

test('varint: LEB128 at the byte boundaries', () => {
  const cases: [number, number[]][] = [
    [0, [0x00]],
    [1, [0x01]],
    [127, [0x7f]],
    [128, [0x80, 0x01]],
    [300, [0xac, 0x02]],
    [16383, [0xff, 0x7f]],
    [16384, [0x80, 0x80, 0x01]],
    [2 ** 21 - 1, [0xff, 0xff, 0x7f]],
    [2 ** 21, [0x80, 0x80, 0x80, 0x01]],
    [2 ** 31, [0x80, 0x80, 0x80, 0x80, 0x08]],
    [2 ** 32 - 1, [0xff, 0xff, 0xff, 0xff, 0x0f]],
    [2 ** 32, [0x80, 0x80, 0x80, 0x80, 0x10]],
  ];
  for (const [v, want] of cases) {
    assert.deepEqual(
      bytesOf((s) => s.varint(v)),
      want,
      `varint(${v})`,
    );
    assert.deepEqual(leb128(v), want, `reference leb128(${v})`);
  }
});

test('str: UTF-8 bytes after their length, as Buffer.from writes them, on both paths', () => {
  const cases: [string, string][] = [
    ['empty', ''],
    ['ascii', 'hello'],
    ['ascii 42 (fast path)', 'a'.repeat(42)],
    ['ascii 43 (general path)', 'b'.repeat(43)],
    ['ascii 127 bytes', 'c'.repeat(127)],
    ['ascii 128 bytes (two-byte length)', 'd'.repeat(128)],
    ['ascii long', 'e'.repeat(70_000)],
    ['control characters', '\0\t\n\r\\\'"\x7f'],
    ['non-ASCII short', 'é'],
    ['non-ASCII after 41 ASCII', 'x'.repeat(41) + 'é'],
    ['2-byte chars, 42 units', 'é'.repeat(42)],
    ['3-byte chars, 42 units (126 bytes)', '€'.repeat(42)],
    ['astral, 42 units', '😀'.repeat(21)],
    ['2-byte chars, 43 units', 'é'.repeat(43)],
    ['non-ASCII long', 'ü'.repeat(5000) + '日本語' + '\u{10ffff}'],
    ['lone high surrogate, short', 'a\ud800b'],
    ['lone low surrogate, short', '\udc00'],
    ['reversed pair, short', '\udc00\ud800'],
    ['high surrogate at the end, short', 'x'.repeat(41) + '\ud83d'],
    ['lone surrogate, long', 'y'.repeat(50) + '\ud800' + 'z'.repeat(50)],
    ['split pair, long', '😀'.repeat(30) + '\ud83d' + 'q' + '\ude00'],
  ];
  for (const [name, str] of cases) {
    const utf8 = Buffer.from(str, 'utf8');
    const got = bytesOf((s) => s.str(str));
    assert.deepEqual(got, [...leb128(utf8.length), ...utf8], name);
    // The bytes are valid UTF-8 and decode to the string with lone surrogates as U+FFFD.
    const body = Buffer.from(got.slice(leb128(utf8.length).length));
    assert.equal(body.toString('utf8'), str.toWellFormed(), `${name}: decodes back`);
  }
  assert.deepEqual(
    bytesOf((s) => s.str('a\ud800')),
    [4, 0x61, 0xef, 0xbf, 0xbd],
  );
});

test('str: consecutive values keep their own length prefixes', () => {
  const values = ['', 'é', 'x'.repeat(43), '\ud800', 'plain', '😀'.repeat(100)];
  const want = values.flatMap((v) => {
    const b = Buffer.from(v);
    return [...leb128(b.length), ...b];
  });
  assert.deepEqual(
    bytesOf((s) => values.forEach((v) => s.str(v))),
    want,
  );
});

function le(write: (b: Buffer) => void, n: number): number[] {
  const b = Buffer.alloc(n);
  write(b);
  return [...b];
}

test('u64: numbers and bigints, little-endian', () => {
  const nums = [0, 1, 255, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 53 - 1, 2 ** 53];
  for (const v of nums)
    assert.deepEqual(
      bytesOf((s) => s.u64(v)),
      le((b) => b.writeBigUInt64LE(BigInt(v)), 8),
      `u64(${v})`,
    );
  const bigs = [0n, 1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n];
  for (const v of bigs)
    assert.deepEqual(
      bytesOf((s) => s.u64(v)),
      le((b) => b.writeBigUInt64LE(v), 8),
      `u64(${v}n)`,
    );
  assert.deepEqual(
    bytesOf((s) => s.u64(2n ** 64n - 1n)),
    Array(8).fill(0xff),
  );
});

test('i64: numbers and bigints, two’s complement little-endian', () => {
  const nums = [0, 1, -1, 2 ** 32, -(2 ** 32), Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
  for (const v of nums)
    assert.deepEqual(
      bytesOf((s) => s.i64(v)),
      le((b) => b.writeBigInt64LE(BigInt(v)), 8),
      `i64(${v})`,
    );
  const bigs = [0n, -1n, 2n ** 53n, -(2n ** 53n) - 1n, 2n ** 63n - 1n, -(2n ** 63n)];
  for (const v of bigs)
    assert.deepEqual(
      bytesOf((s) => s.i64(v)),
      le((b) => b.writeBigInt64LE(v), 8),
      `i64(${v}n)`,
    );
  assert.deepEqual(
    bytesOf((s) => s.i64(-(2n ** 63n))),
    [0, 0, 0, 0, 0, 0, 0, 0x80],
  );
});

test('u8, u32, i32: little-endian at their limits', () => {
  for (const v of [0, 1, 127, 128, 255])
    assert.deepEqual(
      bytesOf((s) => s.u8(v)),
      [v],
      `u8(${v})`,
    );
  for (const v of [0, 1, 0x7fffffff, 0x80000000, 0xffffffff])
    assert.deepEqual(
      bytesOf((s) => s.u32(v)),
      le((b) => b.writeUInt32LE(v), 4),
      `u32(${v})`,
    );
  assert.deepEqual(
    bytesOf((s) => s.u32(0xffffffff)),
    [0xff, 0xff, 0xff, 0xff],
  );
  for (const v of [0, -1, 2 ** 31 - 1, -(2 ** 31)])
    assert.deepEqual(
      bytesOf((s) => s.i32(v)),
      le((b) => b.writeInt32LE(v), 4),
      `i32(${v})`,
    );
});

test('f64: IEEE 754 little-endian, NaN, -0 and infinities included', () => {
  for (const v of [0, -0, NaN, Infinity, -Infinity, 5e-324, Number.MAX_VALUE, 0.1, -1.5])
    assert.deepEqual(
      bytesOf((s) => s.f64(v)),
      le((b) => b.writeDoubleLE(v), 8),
      `f64(${v})`,
    );
  assert.deepEqual(
    bytesOf((s) => s.f64(-0)),
    [0, 0, 0, 0, 0, 0, 0, 0x80],
  );
  assert.deepEqual(
    bytesOf((s) => s.f64(Infinity)),
    [0, 0, 0, 0, 0, 0, 0xf0, 0x7f],
  );
});

test('hexStr: a String of the lowercase hex of the bytes', () => {
  const cases = [
    new Uint8Array(0),
    Uint8Array.from([0x00, 0x0f, 0xa0, 0xff]),
    Uint8Array.from({ length: 16 }, (_, i) => i * 17),
  ];
  for (const b of cases) {
    const text = Buffer.from(b).toString('hex');
    assert.deepEqual(
      bytesOf((s) => s.hexStr(b)),
      [...leb128(text.length), ...Buffer.from(text)],
      text,
    );
  }
  // 64 bytes: a 128-character string, whose length takes two varint bytes.
  const long = Uint8Array.from({ length: 64 }, (_, i) => 255 - i);
  assert.deepEqual(bytesOf((s) => s.hexStr(long)).slice(0, 2), [0x80, 0x01]);
});

test('raw, copy, view and reset', () => {
  const s = new ByteSink(2);
  s.u8(1);
  s.raw(Uint8Array.from([2, 3, 4]));
  const copy = s.copy();
  assert.deepEqual([...copy], [1, 2, 3, 4]);
  s.reset();
  assert.equal(s.length, 0);
  s.u8(9);
  assert.deepEqual([...s.view()], [9]);
  // The copy is its own memory: later writes do not change it.
  assert.deepEqual([...copy], [1, 2, 3, 4]);
});
