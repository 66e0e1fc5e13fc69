// Writes TabSeparated rows straight into UTF-8 bytes, without building a string per row: the
// string builders spent more time in garbage collection than in formatting. Same escaping
// contracts as tsv.ts (checked against chDB in tsv.test.ts):
// - `field` escapes backslash, tab, newline, CR and NUL; `quoted` (inside arrays and maps) also
//   the single quote and wraps the value in quotes.
// - UTF-16 is encoded by hand; a lone surrogate (no UTF-8 form) becomes U+FFFD, as Buffer.from does.
//
// Bounds: rows are collected into chunks; once a chunk reaches `chunkBytes` at a row boundary it
// is sealed and a new one started, so one insert payload stays near `chunkBytes` (a single row
// larger than that gets a chunk of its own). A sealed chunk is never written again, so it may be
// handed to the engine while later rows are built.

const HEX = '0123456789abcdef';
const HEX_CODES = Array.from(HEX, (c) => c.charCodeAt(0));

// Escape letter per ASCII code for the characters `field` escapes (0 = no escape).
const TOP_ESCAPE = new Uint8Array(128);
TOP_ESCAPE[0x5c] = 0x5c; // backslash
TOP_ESCAPE[0x09] = 0x74; // \t
TOP_ESCAPE[0x0a] = 0x6e; // \n
TOP_ESCAPE[0x0d] = 0x72; // \r
TOP_ESCAPE[0x00] = 0x30; // \0
const QUOTED_ESCAPE = Uint8Array.from(TOP_ESCAPE);
QUOTED_ESCAPE[0x27] = 0x27; // \'

const MAX_DATETIME64_NS = 2n ** 63n - 1n;
const NS_PER_S = 1_000_000_000n;

export class TsvBuffer {
  private buf: Buffer;
  private pos = 0;
  private rowStart = 0;
  private readonly chunks: Buffer[] = [];
  private readonly chunkBytes: number;

  constructor(chunkBytes: number, initialBytes = 1 << 16) {
    if (!(chunkBytes > 0)) throw new Error(`TsvBuffer: chunkBytes must be positive, got ${chunkBytes}`);
    this.chunkBytes = chunkBytes;
    this.buf = Buffer.allocUnsafe(Math.min(initialBytes, chunkBytes));
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

  /** Text known to need no escaping and to be ASCII: numbers, separators, kinds. */
  ascii(s: string): this {
    const n = s.length;
    this.ensure(n);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i);
    this.pos = p;
    return this;
  }

  byte(c: number): this {
    this.ensure(1);
    this.buf[this.pos++] = c;
    return this;
  }

  /** Bytes already in this format (e.g. fields shared by many rows, written once). */
  bytes(src: Uint8Array): this {
    this.ensure(src.length);
    this.buf.set(src, this.pos);
    this.pos += src.length;
    return this;
  }

  tab(): this {
    return this.byte(0x09);
  }

  num(n: number | bigint): this {
    return this.ascii(String(n));
  }

  private text(s: string, esc: Uint8Array): void {
    const n = s.length;
    // Worst case: an escaped ASCII char takes 2 bytes, any other UTF-16 unit at most 3.
    this.ensure(3 * n);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) {
        const e = esc[c]!;
        if (e !== 0) {
          b[p++] = 0x5c;
          b[p++] = e;
        } else b[p++] = c;
      } else if (c < 0x800) {
        b[p++] = 0xc0 | (c >> 6);
        b[p++] = 0x80 | (c & 0x3f);
      } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(++i) - 0xdc00);
        b[p++] = 0xf0 | (cp >> 18);
        b[p++] = 0x80 | ((cp >> 12) & 0x3f);
        b[p++] = 0x80 | ((cp >> 6) & 0x3f);
        b[p++] = 0x80 | (cp & 0x3f);
      } else if (c >= 0xd800 && c <= 0xdfff) {
        b[p++] = 0xef; // lone surrogate: U+FFFD
        b[p++] = 0xbf;
        b[p++] = 0xbd;
      } else {
        b[p++] = 0xe0 | (c >> 12);
        b[p++] = 0x80 | ((c >> 6) & 0x3f);
        b[p++] = 0x80 | (c & 0x3f);
      }
    }
    this.pos = p;
  }

  /** A String column's field. */
  field(s: string): this {
    this.text(s, TOP_ESCAPE);
    return this;
  }

  /** A string inside an array or map: `'…'`. */
  quoted(s: string): this {
    this.byte(0x27);
    this.text(s, QUOTED_ESCAPE);
    return this.byte(0x27);
  }

  /** Lowercase hex of `bytes` (ids), optionally quoted for use inside an array. */
  hex(bytes: Uint8Array, quote = false): this {
    const n = bytes.length;
    this.ensure(2 * n + 2);
    const b = this.buf;
    let p = this.pos;
    if (quote) b[p++] = 0x27;
    for (let i = 0; i < n; i++) {
      const x = bytes[i]!;
      b[p++] = HEX_CODES[x >> 4]!;
      b[p++] = HEX_CODES[x & 15]!;
    }
    if (quote) b[p++] = 0x27;
    this.pos = p;
    return this;
  }

  /**
   * A DateTime64(9) field from Unix nanoseconds clamped into [0, 2^63 - 1], as zero-padded
   * `SSSSSSSSSS.NNNNNNNNN` (see tsv.ts for why not a bare integer).
   */
  datetime64(ns: bigint): this {
    const v = ns < 0n ? 0n : ns > MAX_DATETIME64_NS ? MAX_DATETIME64_NS : ns;
    const s = String(v / NS_PER_S);
    const f = String(v % NS_PER_S);
    return this.ascii('0000000000'.slice(s.length) + s + '.' + '000000000'.slice(f.length) + f);
  }

  /** Ends a row; seals the chunk when it reached `chunkBytes`. */
  endRow(): void {
    this.byte(0x0a);
    this.rowStart = this.pos;
    if (this.pos >= this.chunkBytes) this.seal();
  }

  private seal(): void {
    if (this.rowStart === 0) return;
    // A copy of exactly the sealed bytes, so the working buffer can be reused for the next chunk.
    this.chunks.push(Buffer.from(this.buf.subarray(0, this.rowStart)));
    this.buf.copy(this.buf, 0, this.rowStart, this.pos);
    this.pos -= this.rowStart;
    this.rowStart = 0;
  }

  /** Whether sealed chunks are waiting to be taken (see `takeSealed`). */
  hasSealed(): boolean {
    return this.chunks.length > 0;
  }

  /**
   * Removes and returns the chunks sealed so far, so they can be inserted while later rows are
   * built; `finish` then returns only the rest.
   */
  takeSealed(): Buffer[] {
    return this.chunks.splice(0, this.chunks.length);
  }

  /** All complete rows as payloads of about `chunkBytes` each; a partial last row is an error. */
  finish(): Buffer[] {
    if (this.pos !== this.rowStart) throw new Error('TsvBuffer.finish: the last row was not ended');
    this.seal();
    return this.chunks;
  }
}
