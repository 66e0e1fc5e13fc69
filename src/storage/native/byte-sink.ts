// A growable little-endian byte buffer: the storage of one column of a ClickHouse Native block.
//
// Contracts:
// - `str` writes a ClickHouse String: the UTF-8 byte length as a LEB128 varint, then the bytes.
//   UTF-16 is encoded as Buffer.write does: a lone surrogate becomes U+FFFD, so the bytes are
//   always valid UTF-8 and read back as the JS string (except such surrogates).
// - Integers are written from numbers or bigints; a number must be an integer within the type's
//   range (the model guarantees it; the encoders do not re-check every value).
// - `parts()` returns views of the written bytes, valid until the next write.

const HEX_CODES = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

// Bigints go through a typed-array slot: Buffer's writeBig*64LE shift and mask the bigint, which
// allocates two more per value (measured as GC time in the span encoder's profile).
const BIG = new BigUint64Array(1);
const BIG_SIGNED = new BigInt64Array(BIG.buffer);
const BIG_BYTES = new Uint8Array(BIG.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const BIG_WORDS = new Uint32Array(BIG.buffer);
const LO = LITTLE_ENDIAN ? 0 : 1;
const HI = 1 - LO;

export class ByteSink {
  private buf: Buffer;
  private pos = 0;

  constructor(initialBytes = 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  get length(): number {
    return this.pos;
  }

  private ensure(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  u32(v: number): void {
    this.ensure(4);
    const b = this.buf;
    const p = this.pos;
    b[p] = v;
    b[p + 1] = v >>> 8;
    b[p + 2] = v >>> 16;
    b[p + 3] = v >>> 24;
    this.pos = p + 4;
  }

  private big(): void {
    this.ensure(8);
    // Eight bytes by hand: cheaper than a TypedArray.set call for so few.
    const b = this.buf;
    const p = this.pos;
    if (LITTLE_ENDIAN) for (let i = 0; i < 8; i++) b[p + i] = BIG_BYTES[i]!;
    else for (let i = 0; i < 8; i++) b[p + i] = BIG_BYTES[7 - i]!;
    this.pos = p + 8;
  }

  /**
   * UInt64 `end - start` of two nanosecond times, 0 when end < start, without allocating the
   * bigint difference (a span's duration, once per row).
   */
  u64Diff(end: bigint, start: bigint): void {
    BIG[0] = end;
    const eLo = BIG_WORDS[LO]!;
    const eHi = BIG_WORDS[HI]!;
    BIG[0] = start;
    const sLo = BIG_WORDS[LO]!;
    const sHi = BIG_WORDS[HI]!;
    if (eHi < sHi || (eHi === sHi && eLo <= sLo)) {
      this.u32(0);
      this.u32(0);
      return;
    }
    const borrow = eLo < sLo ? 1 : 0;
    this.u32((eLo - sLo + 0x1_0000_0000) % 0x1_0000_0000);
    this.u32(eHi - sHi - borrow);
  }

  i32(v: number): void {
    this.ensure(4);
    this.buf.writeInt32LE(v, this.pos);
    this.pos += 4;
  }

  /** UInt64 from a non-negative number (≤ 2^53) or bigint (< 2^64). */
  u64(v: number | bigint): void {
    if (typeof v === 'number') {
      // Two 32-bit halves avoid a BigInt allocation for the common case.
      this.u32(v % 0x1_0000_0000);
      this.u32(Math.floor(v / 0x1_0000_0000));
      return;
    }
    BIG[0] = v;
    this.big();
  }

  /** Int64 from a safe-integer number or a bigint in [-2^63, 2^63). */
  i64(v: number | bigint): void {
    if (typeof v === 'number' && v >= 0) return this.u64(v);
    BIG_SIGNED[0] = typeof v === 'number' ? BigInt(v) : v;
    this.big();
  }

  f64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  varint(v: number): void {
    this.ensure(10);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }

  /** A String value. */
  str(s: string): void {
    const n = s.length;
    // Short strings: any UTF-16 unit takes at most 3 bytes, so a one-byte length prefix fits;
    // ASCII is copied by hand (cheaper than a native call per value), anything else by Buffer.write.
    if (n <= 42) {
      this.ensure(1 + 3 * n);
      const b = this.buf;
      const start = this.pos + 1;
      let p = start;
      for (let i = 0; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) {
          p = start + b.write(s, start, 'utf8');
          break;
        }
        b[p++] = c;
      }
      b[this.pos] = p - start;
      this.pos = p;
      return;
    }
    const len = Buffer.byteLength(s, 'utf8');
    this.varint(len);
    this.ensure(len);
    this.buf.write(s, this.pos, len, 'utf8');
    this.pos += len;
  }

  /** A String value holding the lowercase hex of `bytes` (ids). */
  hexStr(bytes: Uint8Array): void {
    const n = bytes.length;
    let p: number;
    if (n < 64) {
      // Ids (8 or 16 bytes): the length fits one varint byte.
      this.ensure(1 + 2 * n);
      p = this.pos;
      this.buf[p++] = 2 * n;
    } else {
      this.varint(2 * n);
      this.ensure(2 * n);
      p = this.pos;
    }
    const b = this.buf;
    for (let i = 0; i < n; i++) {
      const x = bytes[i]!;
      b[p++] = HEX_CODES[x >> 4]!;
      b[p++] = HEX_CODES[x & 15]!;
    }
    this.pos = p;
  }

  /** `raw` for a few bytes (a cached key): copied by hand, cheaper than a native call. */
  small(src: Uint8Array): void {
    const n = src.length;
    this.ensure(n);
    const b = this.buf;
    const p = this.pos;
    for (let i = 0; i < n; i++) b[p + i] = src[i]!;
    this.pos = p + n;
  }

  /** Bytes already in this sink's format (values encoded once and repeated on many rows). */
  raw(src: Uint8Array): void {
    this.ensure(src.length);
    this.buf.set(src, this.pos);
    this.pos += src.length;
  }

  /** A copy of the bytes written (for values encoded once and reused). */
  copy(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }

  view(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** Forgets the bytes written, keeping the allocation. */
  reset(): void {
    this.pos = 0;
  }
}
