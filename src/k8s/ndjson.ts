// Incremental newline-delimited JSON framing for watch streams.
//
// A watch response is one JSON object per line, arriving in arbitrary chunks: a chunk may hold
// many lines or a fraction of one. The splitter keeps the unfinished tail as a list of Buffer
// slices (no repeated concatenation, so a large object split over many chunks stays linear) and
// decodes a line only once it is complete — splitting on the byte 0x0A is safe in UTF-8, since
// that byte never occurs inside a multi-byte sequence.
//
// Bounded: the unfinished tail may not exceed `maxLineBytes`. Exceeding it throws
// `LineTooLongError` instead of growing without limit (a misbehaving server or a proxy that
// strips newlines would otherwise eat the process's memory).

export class LineTooLongError extends Error {
  readonly limit: number;
  constructor(limit: number) {
    super(`watch event line exceeds ${limit} bytes`);
    this.name = 'LineTooLongError';
    this.limit = limit;
  }
}

export class LineSplitter {
  private readonly maxLineBytes: number;
  private parts: Buffer[] = [];
  private partBytes = 0;

  constructor(maxLineBytes: number) {
    if (!(maxLineBytes > 0)) throw new RangeError('maxLineBytes must be > 0');
    this.maxLineBytes = maxLineBytes;
  }

  /** Bytes of an unfinished line held right now. */
  get pendingBytes(): number {
    return this.partBytes;
  }

  /**
   * Feeds a chunk; calls onLine for every complete, non-blank line (without the newline, and
   * without a trailing '\r'). Throws LineTooLongError when a line exceeds the cap; an exception
   * from onLine propagates and leaves the rest of this chunk unconsumed.
   */
  push(chunk: Buffer, onLine: (line: string) => void): void {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(10, start);
      if (nl === -1) {
        const rest = chunk.length - start;
        if (this.partBytes + rest > this.maxLineBytes) {
          this.reset();
          throw new LineTooLongError(this.maxLineBytes);
        }
        // subarray shares memory with the chunk: no copy until the line completes.
        this.parts.push(start === 0 ? chunk : chunk.subarray(start));
        this.partBytes += rest;
        return;
      }
      const len = nl - start;
      if (this.partBytes + len > this.maxLineBytes) {
        this.reset();
        throw new LineTooLongError(this.maxLineBytes);
      }
      let line: string;
      if (this.parts.length === 0) {
        line = chunk.toString('utf8', start, nl);
      } else {
        this.parts.push(chunk.subarray(start, nl));
        line = Buffer.concat(this.parts, this.partBytes + len).toString('utf8');
        this.reset();
      }
      start = nl + 1;
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (line.trim() !== '') onLine(line);
    }
  }

  /** At end of stream: the unfinished tail, if any (a complete event always ends with '\n'). */
  finish(): string | undefined {
    if (this.partBytes === 0) return undefined;
    const tail = Buffer.concat(this.parts, this.partBytes).toString('utf8');
    this.reset();
    return tail.trim() === '' ? undefined : tail;
  }

  reset(): void {
    this.parts = [];
    this.partBytes = 0;
  }
}
