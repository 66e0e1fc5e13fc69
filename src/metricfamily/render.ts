// The text exposition of metric families, written as UTF-8 straight into one buffer.
//
// Why bytes and not a string: the body goes out as bytes anyway, and building it as a string
// made ~4 short-lived strings per sample plus a flattening copy of the whole body — a host
// scrape's rendering was a quarter of what the scrape allocated, and on an agent with a 1 MiB
// young generation every allocated megabyte is a scavenge per scrape (bench/RESULTS.md, host
// metrics). Here a sample allocates nothing but its value's digits when they are not an integer
// below 1e6.
//
// Contracts (with family.ts): samples keep their label order; empty families are left out; a
// label set shared by identity across families (cAdvisor's rows) is escaped once and copied as
// bytes afterwards; the output is byte-for-byte what renderFamilies returns as a string.
import type { ExpositionFormat } from '../telemetry/exposition.ts';
import type { Family, Labels } from './family.ts';
import { escapeHelp, escapeLabelValue, formatValue } from './text.ts';

/** Strings up to this long are copied in JavaScript (see ByteWriter.text). */
const SHORT_STRING = 96;
const SPACE = 0x20;
const NEWLINE = 0x0a;

/** A growable byte buffer: ASCII bytes are stored directly, strings through Buffer.write. */
class ByteWriter {
  buf: Buffer;
  n = 0;

  constructor(initial: number) {
    this.buf = Buffer.allocUnsafe(Math.max(256, initial));
  }

  private room(bytes: number): void {
    if (this.n + bytes <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.n + bytes));
    this.buf.copy(grown, 0, 0, this.n);
    this.buf = grown;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.n++] = b;
  }

  /**
   * A string as UTF-8 (a UTF-16 code unit is at most 3 bytes). Short ASCII strings (metric and
   * label names, most label values) are copied char by char: cheaper than a call into
   * Buffer#write, which costs more than the copy for strings this short.
   */
  text(s: string): void {
    const len = s.length;
    this.room(len * 3);
    const buf = this.buf;
    const n = this.n;
    if (len <= SHORT_STRING) {
      let i = 0;
      for (; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[n + i] = c;
      }
      if (i === len) {
        this.n = n + len;
        return;
      }
    }
    this.n = n + buf.write(s, n, 'utf8'); // from the start: overwrites the ASCII prefix
  }

  /** A non-negative integer below 1e6, digit by digit. */
  smallUint(v: number): void {
    this.room(7);
    let div = 1;
    while (div * 10 <= v) div *= 10;
    for (; div >= 1; div /= 10) {
      const d = Math.floor(v / div);
      this.buf[this.n++] = 0x30 + d;
      v -= d * div;
    }
  }

  /** A sample value as formatValue writes it. */
  value(v: number): void {
    if (Number.isInteger(v) && v >= 0 && v < 1e6) this.smallUint(v);
    else this.text(formatValue(v));
  }

  /** Copies bytes already written (an earlier label set) to the end. */
  again(start: number, end: number): void {
    this.room(end - start);
    this.buf.copyWithin(this.n, start, end); // a V8 builtin: no view objects, unlike Buffer#copy
    this.n += end - start;
  }
}

/** Rough bytes per sample, for the first buffer: grown by doubling when short. */
const BYTES_PER_SAMPLE_GUESS = 96;

function writeHeader(w: ByteWriter, f: Family, format: ExpositionFormat): void {
  let name = f.name;
  let type: string = f.type;
  if (format === 'openmetrics') {
    if (type === 'untyped') type = 'unknown';
    else if (type === 'counter') {
      if (name.endsWith('_total')) name = name.slice(0, -6);
      else type = 'unknown';
    }
  }
  w.text('# HELP ');
  w.text(name);
  w.byte(SPACE);
  w.text(escapeHelp(f.help));
  w.text('\n# TYPE ');
  w.text(name);
  w.byte(SPACE);
  w.text(type);
  w.byte(NEWLINE);
}

function writeLabels(w: ByteWriter, labels: Labels): void {
  w.byte(0x7b); // {
  for (let i = 0; i < labels.length; i++) {
    const [k, v] = labels[i]!;
    if (i > 0) w.byte(0x2c); // ,
    w.text(k);
    w.byte(0x3d); // =
    w.byte(0x22); // "
    w.text(escapeLabelValue(v));
    w.byte(0x22);
  }
  w.byte(0x7d); // }
}

/**
 * Carried from one render to the next by a caller that renders the same kind of body again (an
 * endpoint): the first buffer is then sized from the last body instead of grown by doubling
 * (each growth is a copy and fresh pages to fault in; a 4 MiB cAdvisor body grew twice).
 */
export interface RenderSizeHint {
  bytes: number;
}

/** The families as one exposition body in bytes (no `# EOF`: the registry adds it). */
export function renderFamiliesToBuffer(
  families: Iterable<Family>,
  format: ExpositionFormat = 'text',
  hint?: RenderSizeHint,
): Buffer {
  const list = Array.isArray(families) ? (families as Family[]) : [...families];
  let guess = 0;
  if (hint && hint.bytes > 0) guess = Math.ceil(hint.bytes * 1.05);
  else {
    for (const f of list) guess += f.samples.length * BYTES_PER_SAMPLE_GUESS;
    guess += list.length * 128;
  }
  const w = new ByteWriter(guess);
  // Where each non-empty label set was first written: later samples with the same array copy it.
  const written = new Map<Labels, number>();
  // One call per family rather than one long loop here: V8 optimizes a function that is called
  // often early, while a single long-running loop waits for on-stack replacement and was
  // deoptimized again at every return (measured: the first ~15 renders of 13k samples took
  // ~30 ms each instead of ~6).
  for (const f of list) if (f.samples.length > 0) writeFamily(w, f, format, written);
  if (hint) hint.bytes = w.n;
  return w.buf.subarray(0, w.n);
}

function writeFamily(w: ByteWriter, f: Family, format: ExpositionFormat, written: Map<Labels, number>): void {
  writeHeader(w, f, format);
  for (const s of f.samples) {
    w.text(f.name);
    if (s.labels.length > 0) {
      const at = written.get(s.labels);
      if (at !== undefined) w.again(at >>> 0, (at >>> 0) + Math.floor(at / 2 ** 32));
      else {
        const start = w.n;
        writeLabels(w, s.labels);
        // start and length in one number (both < 2^32 for any body we could hold).
        written.set(s.labels, (w.n - start) * 2 ** 32 + start);
      }
    }
    w.byte(SPACE);
    w.value(s.value);
    if (s.timestampMs !== undefined) {
      w.byte(SPACE);
      // OpenMetrics timestamps are seconds; the text format's are milliseconds.
      w.text(
        format === 'openmetrics' ? formatValue(s.timestampMs / 1000) : String(Math.trunc(s.timestampMs)),
      );
    }
    w.byte(NEWLINE);
  }
}
