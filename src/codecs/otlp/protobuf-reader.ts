// A bounds-checked protobuf wire-format reader for the OTLP decoders.
//
// Contract: every read checks the buffer end first and throws DecodeError (never RangeError or
// anything else) with the byte offset. Length-delimited reads also check against the enclosing
// message's end (`end` arguments), so a nested field can never claim bytes of its parent.
// Fixed-size and varint reads only check the buffer end; a field that straddles its message's
// end is caught by `checkEnd` when that message's loop finishes.
//
// Byte fields are returned as views into the input (no copy), as the model allows.
import { DecodeError } from './decode-error.ts';

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_SGROUP = 3;
export const WIRE_EGROUP = 4;
export const WIRE_I32 = 5;

declare module 'node:buffer' {
  interface Buffer {
    // Node's native slicers (what toString() calls after its argument checks).
    latin1Slice(start: number, end: number): string;
    utf8Slice(start: number, end: number): string;
  }
}

// ---- strings --------------------------------------------------------------------------------
// Strings over CACHE_MAX_LEN bytes go to Node's native UTF-8 slicer (cheaper than TextDecoder,
// which would need a subarray per call). Shorter ones — attribute keys and many values
// (methods, routes, service names) — repeat across the items of a request and across requests:
// a direct-mapped cache keyed by the bytes returns the same string object for the same bytes,
// with no allocation and no native call on a hit (a word-wise comparison of the bytes). A miss
// builds the string in JS (asciiString) and replaces the slot. Only ASCII strings are cached
// (their bytes are their chars). Memory: about 0.4 MB of tables plus the cached strings.
const CACHE_MAX_LEN = 32;
const CACHE_SLOTS = 8192; // power of two
const CACHE_WORDS = CACHE_MAX_LEN / 4;
/** Each slot's whole 4-byte words (little-endian). */
const cacheWords = new Int32Array(CACHE_SLOTS * CACHE_WORDS);
/** Each slot's last four bytes (its only, zero-padded word when shorter). */
const cacheLast = new Int32Array(CACHE_SLOTS);
const cacheLen = new Uint8Array(CACHE_SLOTS);
const cacheStr: string[] = new Array<string>(CACHE_SLOTS).fill('');

const TWO_32 = 4294967296;

// The slow varint path leaves the two 32-bit halves here (no allocation per varint).
let vLo = 0;
let vHi = 0;

export class ProtoReader {
  /** The input as a Buffer view (for the native string slicers); never copied. */
  readonly buf: Buffer;
  readonly view: DataView;
  /** The buffer's length: the hard bound for every read. */
  readonly limit: number;
  pos: number;
  private readonly ab: ArrayBufferLike;
  private readonly offset: number;

  constructor(input: Uint8Array) {
    this.buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.limit = this.buf.length;
    this.pos = 0;
    this.ab = this.buf.buffer;
    this.offset = this.buf.byteOffset;
  }

  /** Throws DecodeError with the current offset. */
  fail(what: string): never {
    throw new DecodeError(`${what} at byte ${this.pos}`);
  }

  // ---- varints ----------------------------------------------------------------------------

  /** A tag: field number << 3 | wire type. Tags of OTLP's fields 1–15 are one byte. */
  tag(): number {
    const p = this.pos;
    if (p < this.limit) {
      const c = this.buf[p]!;
      if (c < 0x80) {
        this.pos = p + 1;
        return c;
      }
    }
    this.varintSlow();
    // A tag is a uint32 with field number >= 1; anything longer or larger is malformed.
    if (vHi !== 0) this.fail('tag out of range');
    return vLo;
  }

  /** A uint32 varint (counts, lengths): the low 32 bits, as the reference implementations do. */
  uint32(): number {
    const p = this.pos;
    if (p < this.limit) {
      const c = this.buf[p]!;
      if (c < 0x80) {
        this.pos = p + 1;
        return c;
      }
    }
    this.varintSlow();
    return vLo;
  }

  /** An int32 / enum varint: the low 32 bits as a signed number (negatives arrive as 10 bytes). */
  int32(): number {
    return this.uint32() | 0;
  }

  /** A sint32 (zigzag) varint. */
  sint32(): number {
    const n = this.uint32();
    return (n >>> 1) ^ -(n & 1);
  }

  /** A uint64 varint as a number (exact up to 2^53). */
  uint64Number(): number {
    const p = this.pos;
    if (p < this.limit) {
      const c = this.buf[p]!;
      if (c < 0x80) {
        this.pos = p + 1;
        return c;
      }
    }
    this.varintSlow();
    return vHi * TWO_32 + vLo;
  }

  /** An int64 varint: a number when it is a safe integer, otherwise a bigint. */
  int64(): number | bigint {
    const p = this.pos;
    if (p < this.limit) {
      const c = this.buf[p]!;
      if (c < 0x80) {
        this.pos = p + 1;
        return c;
      }
    }
    this.varintSlow();
    return int64Of(vLo, vHi | 0);
  }

  bool(): boolean {
    const p = this.pos;
    if (p < this.limit) {
      const c = this.buf[p]!;
      if (c < 0x80) {
        this.pos = p + 1;
        return c !== 0;
      }
    }
    this.varintSlow();
    return (vLo | vHi) !== 0;
  }

  /**
   * Reads any varint of up to 10 bytes into vLo/vHi (unsigned halves). Rejects truncation,
   * more than 10 bytes, and a 10th byte carrying bits beyond 64 (overflow), as protobuf-go does.
   * Errors report the varint's first byte.
   */
  private varintSlow(): void {
    const b = this.buf;
    const limit = this.limit;
    let p = this.pos;
    let lo = 0;
    // Bytes 0..3 fill lo bits 0..27.
    for (let shift = 0; shift < 28; shift += 7) {
      if (p >= limit) this.fail('truncated varint');
      const c = b[p++]!;
      lo |= (c & 0x7f) << shift;
      if (c < 0x80) {
        this.pos = p;
        vLo = lo >>> 0;
        vHi = 0;
        return;
      }
    }
    // Byte 4: lo bits 28..31 and hi bits 0..2.
    if (p >= limit) this.fail('truncated varint');
    let c = b[p++]!;
    lo |= (c & 0x0f) << 28;
    let hi = (c & 0x7f) >> 4;
    if (c >= 0x80) {
      // Bytes 5..9 carry hi bits 3..9, 10..16, 17..23, 24..30 and 31 (the 10th byte may only
      // carry bit 63: a larger 10th byte overflows 64 bits).
      for (let shift = 3; ; shift += 7) {
        if (p >= limit) this.fail('truncated varint');
        c = b[p++]!;
        hi |= (c & 0x7f) << shift;
        if (c < 0x80) {
          if (shift === 31 && c > 1) this.fail('varint overflows 64 bits');
          break;
        }
        if (shift === 31) this.fail('varint longer than 10 bytes');
      }
    }
    this.pos = p;
    vLo = lo >>> 0;
    vHi = hi >>> 0;
  }

  // ---- fixed-size -------------------------------------------------------------------------

  private need(n: number, what: string): number {
    const p = this.pos;
    if (p + n > this.limit) this.fail(`truncated ${what}`);
    this.pos = p + n;
    return p;
  }

  fixed32(): number {
    const p = this.need(4, 'fixed32');
    return this.view.getUint32(p, true);
  }

  /** fixed64 (timestamps) as a bigint. */
  fixed64(): bigint {
    const p = this.need(8, 'fixed64');
    return this.view.getBigUint64(p, true);
  }

  /** fixed64 counts as a number (exact up to 2^53, which no real count exceeds). */
  fixed64Number(): number {
    const p = this.need(8, 'fixed64');
    return this.view.getUint32(p + 4, true) * TWO_32 + this.view.getUint32(p, true);
  }

  /** sfixed64 values: a number when it is a safe integer, otherwise a bigint. */
  sfixed64(): number | bigint {
    const p = this.need(8, 'sfixed64');
    return int64Of(this.view.getUint32(p, true), this.view.getInt32(p + 4, true));
  }

  double(): number {
    const p = this.need(8, 'double');
    return this.view.getFloat64(p, true);
  }

  // ---- length-delimited --------------------------------------------------------------------

  /** The length of a length-delimited field; it must fit inside the enclosing message. */
  len(end: number): number {
    const start = this.pos;
    const n = this.uint32();
    if (n > end - this.pos) {
      this.pos = start;
      this.fail(`length ${n} runs past the end of the enclosing message`);
    }
    return n;
  }

  /** A length-delimited field's bytes, as a view into the input. */
  bytes(end: number): Uint8Array {
    const n = this.len(end);
    const p = this.pos;
    this.pos = p + n;
    return new Uint8Array(this.ab, this.offset + p, n);
  }

  /** A length-delimited UTF-8 string. */
  string(end: number): string {
    const n = this.len(end);
    const p = this.pos;
    this.pos = p + n;
    return this.stringAt(p, n);
  }

  /**
   * The UTF-8 string in buf[p, p + n), which the caller has bounds-checked. Invalid UTF-8
   * becomes U+FFFD, as Buffer#toString does (the Collector does not reject it either).
   */
  stringAt(p: number, n: number): string {
    if (n === 0) return '';
    if (n <= CACHE_MAX_LEN) return this.shortString(p, n);
    return this.buf.utf8Slice(p, p + n);
  }

  private shortString(p: number, n: number): string {
    const v = this.view;
    // O(1) hash of the length and the first and last four bytes; the full comparison below
    // makes collisions harmless (they only cost a miss).
    let h: number;
    if (n >= 4) {
      h = Math.imul(v.getInt32(p, true), 0x9e3779b1) ^ Math.imul(v.getInt32(p + n - 4, true), 0x85ebca77) ^ n;
    } else {
      const b = this.buf;
      h = n;
      for (let i = p; i < p + n; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
    }
    const slot = (h ^ (h >>> 15)) & (CACHE_SLOTS - 1);
    if (cacheLen[slot] === n) {
      // Word-wise against the cached copy: the whole words, then the last four bytes (which
      // overlap the last whole word unless n is a multiple of 4). Strings under 4 bytes are
      // compared by their zero-padded single word.
      if (n >= 4) {
        const base = slot * CACHE_WORDS;
        const full = n >>> 2;
        let i = 0;
        while (i < full && cacheWords[base + i] === v.getInt32(p + 4 * i, true)) i++;
        // Only ASCII strings are cached, so equal bytes are ASCII and the string is theirs.
        if (i === full && cacheLast[slot] === v.getInt32(p + n - 4, true)) return cacheStr[slot]!;
      } else {
        const b = this.buf;
        const word =
          n === 1 ? b[p]! : n === 2 ? b[p]! | (b[p + 1]! << 8) : b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16);
        if (cacheLast[slot] === word) return cacheStr[slot]!;
      }
    }
    return this.miss(p, n, slot);
  }

  private miss(p: number, n: number, slot: number): string {
    const b = this.buf;
    let or = 0;
    for (let i = p; i < p + n; i++) or |= b[i]!;
    if (or >= 0x80) return b.utf8Slice(p, p + n);
    const s = n <= 16 ? asciiString(b, p, n) : b.latin1Slice(p, p + n);
    // Remember the bytes as words: the whole words, and the last four bytes (or, for strings
    // under 4 bytes, their zero-padded word).
    const base = slot * CACHE_WORDS;
    const full = n >>> 2;
    for (let w = 0; w < full; w++) cacheWords[base + w] = this.view.getInt32(p + 4 * w, true);
    cacheLast[slot] =
      n >= 4
        ? this.view.getInt32(p + n - 4, true)
        : n === 1
          ? b[p]!
          : n === 2
            ? b[p]! | (b[p + 1]! << 8)
            : b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16);
    cacheLen[slot] = n;
    cacheStr[slot] = s;
    return s;
  }

  // ---- structure -----------------------------------------------------------------------

  /**
   * Skips a field the caller does not know. Groups (wire types 3/4, deprecated and unused by
   * OTLP) and the undefined wire types 6/7 are errors, as is field number 0.
   */
  skip(tag: number, end: number): void {
    if (tag >>> 3 === 0) this.fail('invalid field number 0');
    switch (tag & 7) {
      case WIRE_VARINT:
        this.uint64Number();
        return;
      case WIRE_I64:
        this.need(8, 'fixed64');
        return;
      case WIRE_LEN: {
        const n = this.len(end);
        this.pos += n;
        return;
      }
      case WIRE_I32:
        this.need(4, 'fixed32');
        return;
      case WIRE_SGROUP:
      case WIRE_EGROUP:
        this.fail(`unsupported group (wire type ${tag & 7}) in field ${tag >>> 3}`);
        break;
      default:
        this.fail(`invalid wire type ${tag & 7} in field ${tag >>> 3}`);
    }
  }

  /** After a message's fields: the last field must have ended exactly at the message's end. */
  checkEnd(end: number): void {
    if (this.pos !== end) this.fail(`field runs ${this.pos - end} bytes past the end of its message`);
  }
}

const fromCharCode = String.fromCharCode;

/**
 * An ASCII string of 1–16 bytes. One fromCharCode call with one argument per byte builds the
 * string directly and costs about half of a native slice call (whose overhead dominates at
 * these lengths); a loop of concatenations would be slower still.
 */
function asciiString(b: Uint8Array, p: number, n: number): string {
  switch (n) {
    case 1:
      return fromCharCode(b[p]!);
    case 2:
      return fromCharCode(b[p]!, b[p + 1]!);
    case 3:
      return fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!);
    case 4:
      return fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!);
    case 5:
      return fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!);
    case 6:
      return fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!);
    case 7:
      return fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!);
    case 8:
      return fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!, b[p + 7]!);
    case 9:
      return fromCharCode(
        b[p]!,
        b[p + 1]!,
        b[p + 2]!,
        b[p + 3]!,
        b[p + 4]!,
        b[p + 5]!,
        b[p + 6]!,
        b[p + 7]!,
        b[p + 8]!,
      );
    case 10:
      return fromCharCode(
        b[p]!,
        b[p + 1]!,
        b[p + 2]!,
        b[p + 3]!,
        b[p + 4]!,
        b[p + 5]!,
        b[p + 6]!,
        b[p + 7]!,
        b[p + 8]!,
        b[p + 9]!,
      );
    case 11:
      return fromCharCode(
        b[p]!,
        b[p + 1]!,
        b[p + 2]!,
        b[p + 3]!,
        b[p + 4]!,
        b[p + 5]!,
        b[p + 6]!,
        b[p + 7]!,
        b[p + 8]!,
        b[p + 9]!,
        b[p + 10]!,
      );
    case 12:
      return fromCharCode(
        b[p]!,
        b[p + 1]!,
        b[p + 2]!,
        b[p + 3]!,
        b[p + 4]!,
        b[p + 5]!,
        b[p + 6]!,
        b[p + 7]!,
        b[p + 8]!,
        b[p + 9]!,
        b[p + 10]!,
        b[p + 11]!,
      );
    case 13:
      return fromCharCode(
        b[p]!,
        b[p + 1]!,
        b[p + 2]!,
        b[p + 3]!,
        b[p + 4]!,
        b[p + 5]!,
        b[p + 6]!,
        b[p + 7]!,
        b[p + 8]!,
        b[p + 9]!,
        b[p + 10]!,
        b[p + 11]!,
        b[p + 12]!,
      );
    case 14:
      return fromCharCode(
        b[p]!,
        b[p + 1]!,
        b[p + 2]!,
        b[p + 3]!,
        b[p + 4]!,
        b[p + 5]!,
        b[p + 6]!,
        b[p + 7]!,
        b[p + 8]!,
        b[p + 9]!,
        b[p + 10]!,
        b[p + 11]!,
        b[p + 12]!,
        b[p + 13]!,
      );
    case 15:
      return fromCharCode(
        b[p]!,
        b[p + 1]!,
        b[p + 2]!,
        b[p + 3]!,
        b[p + 4]!,
        b[p + 5]!,
        b[p + 6]!,
        b[p + 7]!,
        b[p + 8]!,
        b[p + 9]!,
        b[p + 10]!,
        b[p + 11]!,
        b[p + 12]!,
        b[p + 13]!,
        b[p + 14]!,
      );
    case 16:
      return fromCharCode(
        b[p]!,
        b[p + 1]!,
        b[p + 2]!,
        b[p + 3]!,
        b[p + 4]!,
        b[p + 5]!,
        b[p + 6]!,
        b[p + 7]!,
        b[p + 8]!,
        b[p + 9]!,
        b[p + 10]!,
        b[p + 11]!,
        b[p + 12]!,
        b[p + 13]!,
        b[p + 14]!,
        b[p + 15]!,
      );
    default:
      return '';
  }
}

/** Two's-complement halves → a number when safe, else a bigint. */
function int64Of(lo: number, hi: number): number | bigint {
  const v = hi * TWO_32 + lo;
  if (Number.isSafeInteger(v)) return v;
  return BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0));
}
