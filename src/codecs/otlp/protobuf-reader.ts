// A bounds-checked protobuf wire-format reader. Every read checks the buffer end and throws
// DecodeError (never a RangeError or anything else) on malformed input.
import { DecodeError } from './decode-error.ts';

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

// Short ASCII strings (attribute keys, method names, routes, service names) repeat across every
// item of a request and across requests. A direct-mapped cache returns the same string object
// for the same bytes: no allocation, no garbage, and V8 compares such strings by pointer.
const CACHED_MAX = 32;
const CACHE_SLOTS = 8192;
const cacheBytes = new Uint8Array(CACHE_SLOTS * CACHED_MAX);
const cacheLen = new Uint8Array(CACHE_SLOTS);
const cacheStr: (string | undefined)[] = new Array<string | undefined>(CACHE_SLOTS).fill(undefined);

/** The string for buf[start, start+n) when it is ASCII (cached), else undefined. */
function cachedAscii(buf: Buffer, start: number, n: number): string | undefined {
  let h = n;
  for (let i = start; i < start + n; i++) {
    const c = buf[i]!;
    if (c >= 0x80) return undefined;
    h = Math.imul(h ^ c, 0x01000193);
  }
  const slot = (h >>> 0) & (CACHE_SLOTS - 1);
  const base = slot * CACHED_MAX;
  const hit = cacheStr[slot];
  if (hit !== undefined && cacheLen[slot] === n) {
    let same = true;
    for (let i = 0; i < n; i++) {
      if (cacheBytes[base + i] !== buf[start + i]) {
        same = false;
        break;
      }
    }
    if (same) return hit;
  }
  const s = buf.latin1Slice(start, start + n);
  cacheBytes.set(buf.subarray(start, start + n), base);
  cacheLen[slot] = n;
  cacheStr[slot] = s;
  return s;
}

declare module 'node:buffer' {
  interface Buffer {
    // Node's native slicers (what toString() calls after its argument checks).
    latin1Slice(start: number, end: number): string;
    utf8Slice(start: number, end: number): string;
  }
}

export class Reader {
  readonly buf: Buffer;
  readonly view: DataView;
  pos: number;
  end: number;

  constructor(input: Uint8Array, pos = 0, end = input.length) {
    this.buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.pos = pos;
    this.end = end;
  }

  fail(what: string): never {
    throw new DecodeError(`${what} at byte ${this.pos}`);
  }

  /** A varint that must fit in 32 bits (tags, lengths, enums, uint32 counts). */
  uint32(): number {
    const b = this.buf;
    let p = this.pos;
    if (p >= this.end) this.fail('truncated varint');
    let c = b[p++]!;
    let v = c & 0x7f;
    if (c < 0x80) {
      this.pos = p;
      return v;
    }
    let shift = 7;
    for (;;) {
      if (p >= this.end) this.fail('truncated varint');
      c = b[p++]!;
      if (shift < 28) v |= (c & 0x7f) << shift;
      else if (shift === 28) v = (v | ((c & 0x0f) << 28)) >>> 0;
      if (c < 0x80) break;
      shift += 7;
      if (shift > 63) this.fail('varint longer than 10 bytes');
    }
    this.pos = p;
    return v >>> 0;
  }

  /** int32 / enum values: negative numbers arrive as 10-byte varints. */
  int32(): number {
    return this.uint32() | 0;
  }

  /** uint64 varint as a number (exact up to 2^53). */
  uint64Number(): number {
    const b = this.buf;
    let p = this.pos;
    let v = 0;
    let mul = 1;
    for (let i = 0; ; i++) {
      if (p >= this.end) this.fail('truncated varint');
      if (i >= 10) this.fail('varint longer than 10 bytes');
      const c = b[p++]!;
      v += (c & 0x7f) * mul;
      if (c < 0x80) break;
      mul *= 128;
    }
    this.pos = p;
    return v;
  }

  sint32(): number {
    const n = this.uint32();
    return (n >>> 1) ^ -(n & 1);
  }

  private need(n: number, what: string): void {
    if (this.pos + n > this.end) this.fail(`truncated ${what}`);
  }

  fixed32(): number {
    this.need(4, 'fixed32');
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  fixed64(): bigint {
    this.need(8, 'fixed64');
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** fixed64 counts as numbers (exact up to 2^53, which no real count exceeds). */
  fixed64Number(): number {
    this.need(8, 'fixed64');
    const lo = this.view.getUint32(this.pos, true);
    const hi = this.view.getUint32(this.pos + 4, true);
    this.pos += 8;
    return hi * 4294967296 + lo;
  }

  /** sfixed64 / int64 values: a number when safe, else a bigint. */
  sfixed64(): number | bigint {
    this.need(8, 'sfixed64');
    const lo = this.view.getUint32(this.pos, true);
    const hi = this.view.getInt32(this.pos + 4, true);
    this.pos += 8;
    if (hi >= -0x200000 && hi < 0x200000) return hi * 4294967296 + lo;
    return this.view.getBigInt64(this.pos - 8, true);
  }

  /** int64 varint: a number when safe, else a bigint. */
  int64(): number | bigint {
    const start = this.pos;
    const b = this.buf;
    let p = start;
    let lo = 0;
    let hi = 0;
    let shift = 0;
    for (let i = 0; ; i++) {
      if (p >= this.end) this.fail('truncated varint');
      if (i >= 10) this.fail('varint longer than 10 bytes');
      const c = b[p++]!;
      if (shift < 28) lo |= (c & 0x7f) << shift;
      else if (shift === 28) {
        lo |= (c & 0x0f) << 28;
        hi |= (c & 0x7f) >> 4;
      } else hi |= (c & 0x7f) << (shift - 32);
      if (c < 0x80) break;
      shift += 7;
    }
    this.pos = p;
    lo >>>= 0;
    hi |= 0;
    if (hi >= -0x200000 && hi < 0x200000) return hi * 4294967296 + lo;
    return BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo));
  }

  double(): number {
    this.need(8, 'double');
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  bool(): boolean {
    return this.uint64Number() !== 0;
  }

  /** Length of a length-delimited field, checked against the buffer. */
  len(): number {
    const n = this.uint32();
    if (n > this.end - this.pos) this.fail(`length ${n} runs past the end of the message`);
    return n;
  }

  bytes(): Uint8Array {
    const n = this.len();
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  string(): string {
    const n = this.len();
    const start = this.pos;
    this.pos += n;
    if (n === 0) return '';
    if (n <= CACHED_MAX) return cachedAscii(this.buf, start, n) ?? this.buf.utf8Slice(start, start + n);
    return this.buf.utf8Slice(start, start + n);
  }

  skip(wire: number): void {
    switch (wire) {
      case WIRE_VARINT:
        this.uint64Number();
        return;
      case WIRE_I64:
        this.need(8, 'fixed64');
        this.pos += 8;
        return;
      case WIRE_LEN: {
        // Not `this.pos += this.len()`: that reads pos before len() advances it.
        const n = this.len();
        this.pos += n;
        return;
      }
      case WIRE_I32:
        this.need(4, 'fixed32');
        this.pos += 4;
        return;
      default:
        this.fail(`unsupported wire type ${wire}`);
    }
  }
}
