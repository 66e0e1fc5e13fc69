// A protobuf wire-format writer that writes BACKWARDS, from the end of its buffer towards the
// start. Encoders emit a message's fields last-to-first; when a nested message's body is
// complete its size is simply how far the writer moved, so the length prefix and tag are
// written right after it (i.e. in front of it). One pass, no size pre-computation, no shifting
// of bodies, no per-message allocation — this is the export hot path.
//
// Positions are handed out as `length()` (bytes written so far), which stays valid when the
// buffer grows (growth moves the written tail to the end of a bigger buffer).
//
// Contract: the writer never throws for any number or bigint it is given; out-of-range values
// are truncated the way protobuf's typed setters would (uint32 fields modulo 2^32, int64 as
// two's complement modulo 2^64, NaN as 0), so the output is always well-formed.

declare module 'node:buffer' {
  interface Buffer {
    // Node's native writer (what write() calls after its argument checks).
    utf8Write(s: string, offset: number, length: number): number;
  }
}

const TWO_32 = 4294967296;
/** Strings up to this many UTF-16 units are copied by a JS loop (ASCII); longer ones natively. */
const SHORT_STRING = 48;
/** Entries of the repeated-string field cache (only strings up to FIELD_CACHE_MAX_LEN chars). */
const FIELD_CACHE_MAX = 4096;
export const FIELD_CACHE_MAX_LEN = 256;
const fieldCache = new Map<string, Uint8Array>();

/**
 * The complete encoding of a string field (tag + length + UTF-8), cached per string, for strings
 * that repeat a lot (attribute keys): a repeat then costs a lookup and a byte copy (raw()) instead
 * of a per-character conversion. Bounded: the cache is cleared when full.
 */
export function fieldBytes(s: string, tag: number): Uint8Array {
  let e = fieldCache.get(s);
  if (e !== undefined) return e;
  if (fieldCache.size >= FIELD_CACHE_MAX) fieldCache.clear();
  const w = new ProtoWriter(s.length * 3 + 16);
  w.string(s);
  w.tag(tag);
  e = w.finish();
  fieldCache.set(s, e);
  return e;
}
/** A buffer kept for reuse larger than this is dropped after use (bounded idle memory). */
const KEEP_MAX = 8 * 1024 * 1024;
const MIN_SIZE = 64 * 1024;

export class ProtoWriter {
  buf: Buffer;
  view: DataView;
  /** buf.length, kept in a field (cheaper than the typed array's length on the hot path). */
  cap: number;
  /** Next byte goes to buf[pos - 1]. */
  pos: number;

  constructor(initialSize = MIN_SIZE) {
    this.buf = Buffer.allocUnsafeSlow(initialSize);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, initialSize);
    this.cap = initialSize;
    this.pos = initialSize;
  }

  private use(buf: Buffer, used: number): void {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.length);
    this.cap = buf.length;
    this.pos = buf.length - used;
  }

  /** Bytes written so far. A nested message's size is `length()` after minus before. */
  length(): number {
    return this.cap - this.pos;
  }

  /** Makes room for at least `n` more bytes. */
  ensure(n: number): void {
    if (this.pos < n) this.grow(n);
  }

  private grow(n: number): void {
    const used = this.cap - this.pos;
    let size = this.cap * 2;
    while (size - used < n) size *= 2;
    const next = Buffer.allocUnsafeSlow(size);
    this.buf.copy(next, size - used, this.pos);
    this.use(next, used);
  }

  /**
   * A copy of everything written, as a Buffer the caller owns; the writer is reset for reuse.
   * (Handing the buffer itself over instead measured no faster and would pin its slack.)
   */
  finish(): Buffer {
    const out = Buffer.allocUnsafeSlow(this.cap - this.pos);
    this.buf.copy(out, 0, this.pos);
    this.reset();
    return out;
  }

  /** Drops anything written (and a buffer grown beyond KEEP_MAX). */
  reset(): void {
    if (this.cap > KEEP_MAX) this.use(Buffer.allocUnsafeSlow(MIN_SIZE), 0);
    else this.pos = this.cap;
  }

  // ---- scalars (each writes its bytes in front of what is already written) ----------------

  byte(b: number): void {
    if (this.pos < 1) this.grow(1);
    this.buf[--this.pos] = b;
  }

  /** A tag (field << 3 | wire type), given precomputed. */
  tag(t: number): void {
    if (t < 0x80) this.byte(t);
    else this.uint32(t);
  }

  /** A uint32 varint; other numbers are taken modulo 2^32 (as a uint32 field holds them). */
  uint32(v: number): void {
    v = v >>> 0;
    if (v < 0x80) {
      this.byte(v);
      return;
    }
    const n = v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;
    if (this.pos < n) this.grow(n);
    const b = this.buf;
    let p = (this.pos -= n);
    while (v >= 0x80) {
      b[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    b[p] = v;
  }

  /** An int32 / enum varint: negative values take 10 bytes (sign-extended), as protobuf does. */
  int32(v: number): void {
    v = v | 0;
    if (v >= 0) this.uint32(v);
    else this.varint64(v >>> 0, 0xffffffff);
  }

  /** A sint32 (zigzag) varint. */
  sint32(v: number): void {
    v = v | 0;
    this.uint32(((v << 1) ^ (v >> 31)) >>> 0);
  }

  /** A uint64 varint from a non-negative number (counts); fractions are truncated. */
  uint64(v: number): void {
    if (v >= 0 && v < TWO_32) this.uint32(v);
    else if (v >= TWO_32) this.varint64(v >>> 0, Math.floor(v / TWO_32) >>> 0);
    else this.byte(0); // negative or NaN: not a uint64
  }

  /** An int64 varint (AnyValue.int_value) from a number or bigint, two's complement. */
  int64(v: number | bigint): void {
    if (typeof v === 'number') {
      if (v >= 0 && v < TWO_32) {
        this.uint32(v);
        return;
      }
      splitNumber(v);
    } else splitBigint(v);
    this.varint64(sLo, sHi);
  }

  /** A 64-bit varint from its unsigned 32-bit halves. */
  varint64(lo: number, hi: number): void {
    if (hi === 0) {
      this.uint32(lo);
      return;
    }
    // Size: bytes needed for the 64-bit value (hi != 0 here, so at least 5).
    const n =
      hi < 0x8 ? 5 : hi < 0x400 ? 6 : hi < 0x20000 ? 7 : hi < 0x1000000 ? 8 : hi < 0x80000000 ? 9 : 10;
    if (this.pos < n) this.grow(n);
    const b = this.buf;
    let p = (this.pos -= n);
    // Low 28 bits, then the 4 remaining bits of lo joined with hi.
    b[p++] = (lo & 0x7f) | 0x80;
    b[p++] = ((lo >>> 7) & 0x7f) | 0x80;
    b[p++] = ((lo >>> 14) & 0x7f) | 0x80;
    b[p++] = ((lo >>> 21) & 0x7f) | 0x80;
    let v = hi;
    let c = ((lo >>> 28) | ((v & 0x7) << 4)) & 0x7f;
    v >>>= 3;
    while (v !== 0) {
      b[p++] = c | 0x80;
      c = v & 0x7f;
      v >>>= 7;
    }
    b[p] = c;
  }

  fixed32(v: number): void {
    if (this.pos < 4) this.grow(4);
    this.pos -= 4;
    this.view.setUint32(this.pos, v >>> 0, true);
  }

  /** fixed64 from a bigint (timestamps; taken modulo 2^64) or a non-negative number (counts). */
  fixed64(v: bigint | number): void {
    if (this.pos < 8) this.grow(8);
    const p = (this.pos -= 8);
    if (typeof v === 'bigint') this.view.setBigUint64(p, v, true);
    else {
      splitNumber(v);
      this.view.setUint32(p, sLo, true);
      this.view.setUint32(p + 4, sHi, true);
    }
  }

  /** sfixed64 from a number or bigint (two's complement). */
  sfixed64(v: number | bigint): void {
    if (this.pos < 8) this.grow(8);
    const p = (this.pos -= 8);
    if (typeof v === 'bigint') this.view.setBigInt64(p, v, true);
    else {
      splitNumber(v);
      this.view.setUint32(p, sLo, true);
      this.view.setUint32(p + 4, sHi, true);
    }
  }

  double(v: number): void {
    if (this.pos < 8) this.grow(8);
    this.pos -= 8;
    this.view.setFloat64(this.pos, v, true);
  }

  // ---- length-delimited ------------------------------------------------------------------

  /** A string's UTF-8 bytes preceded by their length (the caller writes the tag in front). */
  string(s: string): void {
    const n = s.length;
    if (n <= SHORT_STRING) {
      // ASCII fast path: bytes are the char codes. Bail out to the native path on the first
      // non-ASCII char (nothing is committed until the loop completes).
      if (this.pos < n + 1) this.grow(n + 1);
      const b = this.buf;
      let p = this.pos;
      for (let i = n - 1; i >= 0; i--) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) {
          this.stringNative(s);
          return;
        }
        b[--p] = c;
      }
      this.pos = p;
      this.byte(n); // n <= 48 < 128: a one-byte length
      return;
    }
    this.stringNative(s);
  }

  private stringNative(s: string): void {
    // Lone surrogates count and encode as U+FFFD (3 bytes) in both calls, consistently.
    const len = Buffer.byteLength(s, 'utf8');
    if (this.pos < len) this.grow(len);
    this.pos -= len;
    this.buf.utf8Write(s, this.pos, len);
    this.uint32(len);
  }

  /** Raw bytes, as they are (e.g. a field from fieldBytes()). */
  raw(e: Uint8Array): void {
    const n = e.length;
    if (this.pos < n) this.grow(n);
    const b = this.buf;
    const p = (this.pos -= n);
    if (n > 32) b.set(e, p);
    else for (let i = 0; i < n; i++) b[p + i] = e[i]!;
  }

  /** Bytes preceded by their length. */
  bytes(v: Uint8Array): void {
    const n = v.length;
    if (this.pos < n) this.grow(n);
    if (n <= 32) {
      // Ids (8/16 bytes): a loop beats set()'s call overhead.
      const b = this.buf;
      const p = (this.pos -= n);
      for (let i = 0; i < n; i++) b[p + i] = v[i]!;
    } else {
      this.pos -= n;
      this.buf.set(v, this.pos);
    }
    this.uint32(n);
  }

  /**
   * Finishes a nested message whose body was written since `start` (a `length()` value):
   * writes its length and then its tag in front of it.
   */
  close(start: number, tag: number): void {
    this.uint32(this.cap - this.pos - start);
    this.tag(tag);
  }
}

// splitNumber/splitBigint leave a 64-bit two's-complement value's unsigned halves here.
let sLo = 0;
let sHi = 0;

/** A number as 64-bit two's complement halves (fractions truncated toward zero, NaN → 0). */
function splitNumber(v: number): void {
  if (!(v === v) || v === 0) {
    sLo = 0;
    sHi = 0;
    return;
  }
  const neg = v < 0;
  const a = Math.trunc(neg ? -v : v);
  let lo = (a % TWO_32) >>> 0;
  let hi = (Math.floor(a / TWO_32) % TWO_32) >>> 0;
  if (neg) {
    // Two's complement: invert and add one.
    lo = ~lo >>> 0;
    hi = ~hi >>> 0;
    lo = (lo + 1) >>> 0;
    if (lo === 0) hi = (hi + 1) >>> 0;
  }
  sLo = lo;
  sHi = hi;
}

function splitBigint(v: bigint): void {
  const u = BigInt.asUintN(64, v);
  sLo = Number(u & 0xffffffffn);
  sHi = Number(u >> 32n);
}

/** Tag value for a field number and wire type. */
export function tagOf(field: number, wire: number): number {
  return ((field << 3) | wire) >>> 0;
}
