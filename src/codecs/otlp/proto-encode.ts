// OTLP protobuf encoding, two passes over the data: the first computes every nested message's
// size (and every string's UTF-8 length) into one array in visiting order, the second writes
// into a single buffer of exactly the right size — no copying of nested messages.
import type { AnyValue, InstrumentationScope, KeyValue, Resource } from '../../model/common.ts';
import type { LogRecord, LogsData } from '../../model/logs.ts';
import type {
  Exemplar,
  ExponentialHistogramBuckets,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  Metric,
  MetricsData,
  NumberDataPoint,
  SummaryDataPoint,
} from '../../model/metrics.ts';
import type { Span, SpanEvent, SpanLink, TracesData } from '../../model/traces.ts';

// ---- sizing helpers -------------------------------------------------------------------

function varintSize(v: number): number {
  if (v < 0) return 10;
  if (v < 0x80) return 1;
  if (v < 0x4000) return 2;
  if (v < 0x200000) return 3;
  if (v < 0x10000000) return 4;
  if (v < 2 ** 35) return 5;
  if (v < 2 ** 42) return 6;
  if (v < 2 ** 49) return 7;
  if (v < 2 ** 56) return 8;
  return 9;
}

function int64VarintSize(v: number | bigint): number {
  if (typeof v === 'number') return v < 0 ? 10 : varintSize(v);
  let u = BigInt.asUintN(64, v);
  let n = 1;
  while (u >= 0x80n) {
    u >>= 7n;
    n++;
  }
  return n;
}

function utf8Length(s: string): number {
  const n = s.length;
  // Fast path: pure ASCII strings have as many bytes as characters.
  for (let i = 0; i < n; i++) if (s.charCodeAt(i) >= 0x80) return Buffer.byteLength(s, 'utf8');
  return n;
}

/** The size cache: sizes[k] is the k-th nested message size or string length, in visiting order. */
class Sizer {
  sizes: number[] = [];
  /** A string field: tag + length + bytes (records the byte length). Empty strings are omitted. */
  str(s: string): number {
    if (s.length === 0) return 0;
    const len = utf8Length(s);
    this.sizes.push(len);
    return 1 + varintSize(len) + len;
  }
  /** Reserves a slot for a nested message; call done(slot, size) after sizing its body. */
  open(): number {
    this.sizes.push(0);
    return this.sizes.length - 1;
  }
  /** Records a nested message's size; returns the bytes it takes with tag and length. */
  close(slot: number, size: number, tagSize = 1): number {
    this.sizes[slot] = size;
    return tagSize + varintSize(size) + size;
  }
}

declare module 'node:buffer' {
  interface Buffer {
    // Node's native writers (what write() calls after its argument checks).
    latin1Write(s: string, offset: number, length: number): number;
    utf8Write(s: string, offset: number, length: number): number;
  }
}

// ---- writer ----------------------------------------------------------------------------

class Writer {
  buf: Buffer;
  view: DataView;
  pos = 0;
  k = 0;
  readonly sizes: number[];
  constructor(total: number, sizes: number[]) {
    this.buf = Buffer.allocUnsafeSlow(total);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, total);
    this.sizes = sizes;
  }
  byte(b: number): void {
    this.buf[this.pos++] = b;
  }
  varint(v: number): void {
    const b = this.buf;
    while (v >= 0x80) {
      b[this.pos++] = (v & 0x7f) | 0x80;
      v = v >= 2 ** 32 ? Math.floor(v / 128) : v >>> 7;
    }
    b[this.pos++] = v;
  }
  int64Varint(v: number | bigint): void {
    if (typeof v === 'number' && v >= 0) return this.varint(v);
    let u = BigInt.asUintN(64, BigInt(v));
    while (u >= 0x80n) {
      this.buf[this.pos++] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    this.buf[this.pos++] = Number(u);
  }
  fixed32(v: number): void {
    this.view.setUint32(this.pos, v >>> 0, true);
    this.pos += 4;
  }
  fixed64(v: bigint): void {
    this.view.setBigUint64(this.pos, v, true);
    this.pos += 8;
  }
  fixed64Number(v: number): void {
    this.view.setUint32(this.pos, (v % 4294967296) >>> 0, true);
    this.view.setUint32(this.pos + 4, Math.floor(v / 4294967296) >>> 0, true);
    this.pos += 8;
  }
  sfixed64(v: number | bigint): void {
    if (typeof v === 'bigint') this.view.setBigInt64(this.pos, v, true);
    else {
      const hi = Math.floor(v / 4294967296);
      this.view.setUint32(this.pos, (v - hi * 4294967296) >>> 0, true);
      this.view.setInt32(this.pos + 4, hi | 0, true);
    }
    this.pos += 8;
  }
  double(v: number): void {
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }
  /** A string field whose length was recorded by Sizer.str. */
  str(tag: number, s: string): void {
    if (s.length === 0) return;
    const len = this.sizes[this.k++]!;
    this.byte(tag);
    this.varint(len);
    if (len === s.length) {
      // ASCII (byte length = character count): copy directly, natively for longer strings.
      if (len < 16) {
        const b = this.buf;
        const p = this.pos;
        for (let i = 0; i < len; i++) b[p + i] = s.charCodeAt(i);
      } else this.buf.latin1Write(s, this.pos, len);
    } else this.buf.utf8Write(s, this.pos, len);
    this.pos += len;
  }
  bytes(tag: number, b: Uint8Array): void {
    const n = b.length;
    if (n === 0) return;
    this.byte(tag);
    this.varint(n);
    if (n <= 32) {
      // Ids: a loop beats set()'s call overhead for 8 and 16 bytes.
      const out = this.buf;
      const p = this.pos;
      for (let i = 0; i < n; i++) out[p + i] = b[i]!;
    } else this.buf.set(b, this.pos);
    this.pos += n;
  }
  /** Starts a nested message sized by Sizer.open/close. */
  open(tag: number): void {
    if (tag > 0x7f) this.varint(tag);
    else this.byte(tag);
    this.varint(this.sizes[this.k++]!);
  }
}

const tag = (field: number, wire: number) => (field << 3) | wire;
const bytesField = (b: Uint8Array) => (b.length === 0 ? 0 : 1 + varintSize(b.length) + b.length);

// ---- AnyValue / KeyValue ----------------------------------------------------------------

function sizeAny(z: Sizer, v: AnyValue): number {
  if ('stringValue' in v) {
    // An empty string must still be present to keep its type: tag + 0 length.
    return v.stringValue.length === 0 ? 2 : z.str(v.stringValue);
  }
  if ('intValue' in v) return 1 + int64VarintSize(v.intValue);
  if ('boolValue' in v) return 2;
  if ('doubleValue' in v) return 9;
  if ('bytesValue' in v) return 1 + varintSize(v.bytesValue.length) + v.bytesValue.length;
  if ('arrayValue' in v) {
    const outer = z.open();
    let n = 0;
    for (const x of v.arrayValue.values) {
      const s = z.open();
      n += z.close(s, sizeAny(z, x));
    }
    return z.close(outer, n);
  }
  if ('kvlistValue' in v) {
    const outer = z.open();
    let n = 0;
    for (const kv of v.kvlistValue.values) n += sizeKv(z, kv);
    return z.close(outer, n);
  }
  return 0;
}

function writeAny(w: Writer, v: AnyValue): void {
  if ('stringValue' in v) {
    if (v.stringValue.length === 0) {
      w.byte(tag(1, 2));
      w.byte(0);
    } else w.str(tag(1, 2), v.stringValue);
  } else if ('intValue' in v) {
    w.byte(tag(3, 0));
    w.int64Varint(v.intValue);
  } else if ('boolValue' in v) {
    w.byte(tag(2, 0));
    w.byte(v.boolValue ? 1 : 0);
  } else if ('doubleValue' in v) {
    w.byte(tag(4, 1));
    w.double(v.doubleValue);
  } else if ('bytesValue' in v) {
    w.byte(tag(7, 2));
    w.varint(v.bytesValue.length);
    w.buf.set(v.bytesValue, w.pos);
    w.pos += v.bytesValue.length;
  } else if ('arrayValue' in v) {
    w.open(tag(5, 2));
    for (const x of v.arrayValue.values) {
      w.open(tag(1, 2));
      writeAny(w, x);
    }
  } else if ('kvlistValue' in v) {
    w.open(tag(6, 2));
    for (const kv of v.kvlistValue.values) writeKv(w, 1, kv);
  }
}

/**
 * A KeyValue as a nested field (tag + len + body). Only the key's and a string value's byte
 * lengths go into the size cache; the KeyValue and AnyValue message sizes are derived again
 * in the write pass (anyBodySizeAt), which halves the cache traffic on the hottest path.
 */
function sizeKv(z: Sizer, kv: KeyValue): number {
  const body = z.str(kv.key) + valueField(sizeAny(z, kv.value));
  return 1 + varintSize(body) + body;
}

const valueField = (anyBody: number) => 1 + varintSize(anyBody) + anyBody;

/** The AnyValue body size, from the size cache entries starting at `idx`. */
function anyBodySizeAt(sizes: number[], v: AnyValue, idx: number): number {
  if ('stringValue' in v) {
    if (v.stringValue.length === 0) return 2;
    const len = sizes[idx]!;
    return 1 + varintSize(len) + len;
  }
  if ('intValue' in v) return 1 + int64VarintSize(v.intValue);
  if ('boolValue' in v) return 2;
  if ('doubleValue' in v) return 9;
  if ('bytesValue' in v) return 1 + varintSize(v.bytesValue.length) + v.bytesValue.length;
  if ('arrayValue' in v || 'kvlistValue' in v) {
    const n = sizes[idx]!;
    return 1 + varintSize(n) + n;
  }
  return 0;
}

function writeKv(w: Writer, field: number, kv: KeyValue): void {
  const hasKey = kv.key.length > 0;
  const keyLen = hasKey ? w.sizes[w.k]! : 0;
  const anyBody = anyBodySizeAt(w.sizes, kv.value, hasKey ? w.k + 1 : w.k);
  w.byte(tag(field, 2));
  w.varint((hasKey ? 1 + varintSize(keyLen) + keyLen : 0) + valueField(anyBody));
  w.str(tag(1, 2), kv.key);
  w.byte(tag(2, 2));
  w.varint(anyBody);
  writeAny(w, kv.value);
}

function sizeAttrs(z: Sizer, attrs: KeyValue[], tagSize = 1): number {
  let n = 0;
  for (const kv of attrs) n += sizeKv(z, kv) + (tagSize - 1);
  return n;
}

function writeAttrs(w: Writer, field: number, attrs: KeyValue[]): void {
  for (const kv of attrs) writeKv(w, field, kv);
}

function sizeResource(z: Sizer, r: Resource): number {
  const slot = z.open();
  const n =
    sizeAttrs(z, r.attributes) + (r.droppedAttributesCount ? 1 + varintSize(r.droppedAttributesCount) : 0);
  return z.close(slot, n);
}

function writeResource(w: Writer, r: Resource): void {
  w.open(tag(1, 2));
  writeAttrs(w, 1, r.attributes);
  if (r.droppedAttributesCount) {
    w.byte(tag(2, 0));
    w.varint(r.droppedAttributesCount);
  }
}

function sizeScope(z: Sizer, s: InstrumentationScope): number {
  const slot = z.open();
  const n =
    z.str(s.name) +
    z.str(s.version) +
    sizeAttrs(z, s.attributes) +
    (s.droppedAttributesCount ? 1 + varintSize(s.droppedAttributesCount) : 0);
  return z.close(slot, n);
}

function writeScope(w: Writer, s: InstrumentationScope): void {
  w.open(tag(1, 2));
  w.str(tag(1, 2), s.name);
  w.str(tag(2, 2), s.version);
  writeAttrs(w, 3, s.attributes);
  if (s.droppedAttributesCount) {
    w.byte(tag(4, 0));
    w.varint(s.droppedAttributesCount);
  }
}

const uintField = (v: number) => (v ? 1 + varintSize(v) : 0);
function writeUint(w: Writer, t: number, v: number): void {
  if (!v) return;
  w.byte(t);
  if (v < 0)
    w.int64Varint(v); // negative enums are 10-byte varints
  else w.varint(v);
}

// ---- generic request shape --------------------------------------------------------------

interface Shape<R, S, I> {
  scopes(r: R): S[];
  items(s: S): I[];
  resource(r: R): Resource;
  scope(s: S): InstrumentationScope;
  rUrl(r: R): string;
  sUrl(s: S): string;
  size(z: Sizer, item: I): number;
  write(w: Writer, item: I): void;
}

function encode<R, S, I>(resources: R[], shape: Shape<R, S, I>): Uint8Array {
  const z = new Sizer();
  let total = 0;
  for (const r of resources) {
    const rs = z.open();
    let rn = sizeResource(z, shape.resource(r));
    for (const s of shape.scopes(r)) {
      const ss = z.open();
      let sn = sizeScope(z, shape.scope(s));
      for (const it of shape.items(s)) {
        const is = z.open();
        sn += z.close(is, shape.size(z, it));
      }
      sn += z.str(shape.sUrl(s));
      rn += z.close(ss, sn);
    }
    rn += z.str(shape.rUrl(r));
    total += z.close(rs, rn);
  }
  const w = new Writer(total, z.sizes);
  for (const r of resources) {
    w.open(tag(1, 2));
    writeResource(w, shape.resource(r));
    for (const s of shape.scopes(r)) {
      w.open(tag(2, 2));
      writeScope(w, shape.scope(s));
      for (const it of shape.items(s)) {
        w.open(tag(2, 2));
        shape.write(w, it);
      }
      w.str(tag(3, 2), shape.sUrl(s));
    }
    w.str(tag(3, 2), shape.rUrl(r));
  }
  if (w.pos !== total) throw new Error(`internal encoder error: wrote ${w.pos} of ${total} bytes`);
  return w.buf;
}

// ---- traces ------------------------------------------------------------------------------

function sizeEvent(z: Sizer, e: SpanEvent): number {
  const slot = z.open();
  const n =
    (e.timeUnixNano ? 9 : 0) +
    z.str(e.name) +
    sizeAttrs(z, e.attributes) +
    uintField(e.droppedAttributesCount);
  return z.close(slot, n);
}

function sizeLink(z: Sizer, l: SpanLink): number {
  const slot = z.open();
  const n =
    bytesField(l.traceId) +
    bytesField(l.spanId) +
    z.str(l.traceState) +
    sizeAttrs(z, l.attributes) +
    uintField(l.droppedAttributesCount) +
    (l.flags ? 5 : 0);
  return z.close(slot, n);
}

function sizeSpan(z: Sizer, s: Span): number {
  let n =
    bytesField(s.traceId) +
    bytesField(s.spanId) +
    z.str(s.traceState) +
    bytesField(s.parentSpanId) +
    z.str(s.name);
  if (s.kind) n += 1 + varintSize(s.kind);
  if (s.startTimeUnixNano) n += 9;
  if (s.endTimeUnixNano) n += 9;
  n += sizeAttrs(z, s.attributes) + uintField(s.droppedAttributesCount);
  for (const e of s.events) n += sizeEvent(z, e);
  n += uintField(s.droppedEventsCount);
  for (const l of s.links) n += sizeLink(z, l);
  n += uintField(s.droppedLinksCount);
  if (s.status.code || s.status.message) {
    const slot = z.open();
    n += z.close(slot, z.str(s.status.message) + (s.status.code ? 1 + varintSize(s.status.code) : 0));
  }
  if (s.flags) n += 6; // field 16: two-byte tag + fixed32
  return n;
}

function writeSpan(w: Writer, s: Span): void {
  w.bytes(tag(1, 2), s.traceId);
  w.bytes(tag(2, 2), s.spanId);
  w.str(tag(3, 2), s.traceState);
  w.bytes(tag(4, 2), s.parentSpanId);
  w.str(tag(5, 2), s.name);
  writeUint(w, tag(6, 0), s.kind);
  if (s.startTimeUnixNano) {
    w.byte(tag(7, 1));
    w.fixed64(s.startTimeUnixNano);
  }
  if (s.endTimeUnixNano) {
    w.byte(tag(8, 1));
    w.fixed64(s.endTimeUnixNano);
  }
  writeAttrs(w, 9, s.attributes);
  writeUint(w, tag(10, 0), s.droppedAttributesCount);
  for (const e of s.events) {
    w.open(tag(11, 2));
    if (e.timeUnixNano) {
      w.byte(tag(1, 1));
      w.fixed64(e.timeUnixNano);
    }
    w.str(tag(2, 2), e.name);
    writeAttrs(w, 3, e.attributes);
    writeUint(w, tag(4, 0), e.droppedAttributesCount);
  }
  writeUint(w, tag(12, 0), s.droppedEventsCount);
  for (const l of s.links) {
    w.open(tag(13, 2));
    w.bytes(tag(1, 2), l.traceId);
    w.bytes(tag(2, 2), l.spanId);
    w.str(tag(3, 2), l.traceState);
    writeAttrs(w, 4, l.attributes);
    writeUint(w, tag(5, 0), l.droppedAttributesCount);
    if (l.flags) {
      w.byte(tag(6, 5));
      w.fixed32(l.flags);
    }
  }
  writeUint(w, tag(14, 0), s.droppedLinksCount);
  if (s.status.code || s.status.message) {
    w.open(tag(15, 2));
    w.str(tag(2, 2), s.status.message);
    writeUint(w, tag(3, 0), s.status.code);
  }
  if (s.flags) {
    w.varint(tag(16, 5));
    w.fixed32(s.flags);
  }
}

export function encodeTracesRequest(data: TracesData): Uint8Array {
  return encode(data.resourceSpans, {
    scopes: (r) => r.scopeSpans,
    items: (s) => s.spans,
    resource: (r) => r.resource,
    scope: (s) => s.scope,
    rUrl: (r) => r.schemaUrl,
    sUrl: (s) => s.schemaUrl,
    size: sizeSpan,
    write: writeSpan,
  });
}

// ---- logs ---------------------------------------------------------------------------------

function sizeLog(z: Sizer, l: LogRecord): number {
  let n =
    (l.timeUnixNano ? 9 : 0) +
    (l.severityNumber ? 1 + varintSize(l.severityNumber) : 0) +
    z.str(l.severityText);
  if (Object.keys(l.body).length) {
    const slot = z.open();
    n += z.close(slot, sizeAny(z, l.body));
  }
  n += sizeAttrs(z, l.attributes) + uintField(l.droppedAttributesCount) + (l.flags ? 5 : 0);
  n += bytesField(l.traceId) + bytesField(l.spanId) + (l.observedTimeUnixNano ? 9 : 0) + z.str(l.eventName);
  return n;
}

function writeLog(w: Writer, l: LogRecord): void {
  if (l.timeUnixNano) {
    w.byte(tag(1, 1));
    w.fixed64(l.timeUnixNano);
  }
  writeUint(w, tag(2, 0), l.severityNumber);
  w.str(tag(3, 2), l.severityText);
  if (Object.keys(l.body).length) {
    w.open(tag(5, 2));
    writeAny(w, l.body);
  }
  writeAttrs(w, 6, l.attributes);
  writeUint(w, tag(7, 0), l.droppedAttributesCount);
  if (l.flags) {
    w.byte(tag(8, 5));
    w.fixed32(l.flags);
  }
  w.bytes(tag(9, 2), l.traceId);
  w.bytes(tag(10, 2), l.spanId);
  if (l.observedTimeUnixNano) {
    w.byte(tag(11, 1));
    w.fixed64(l.observedTimeUnixNano);
  }
  w.str(tag(12, 2), l.eventName);
}

export function encodeLogsRequest(data: LogsData): Uint8Array {
  return encode(data.resourceLogs, {
    scopes: (r) => r.scopeLogs,
    items: (s) => s.logRecords,
    resource: (r) => r.resource,
    scope: (s) => s.scope,
    rUrl: (r) => r.schemaUrl,
    sUrl: (s) => s.schemaUrl,
    size: sizeLog,
    write: writeLog,
  });
}

// ---- metrics ------------------------------------------------------------------------------

function sizeExemplar(z: Sizer, e: Exemplar): number {
  const slot = z.open();
  let n = sizeAttrs(z, e.filteredAttributes) + (e.timeUnixNano ? 9 : 0);
  if (e.asDouble !== undefined) n += 9;
  else if (e.asInt !== undefined) n += 9;
  n += bytesField(e.spanId) + bytesField(e.traceId);
  return z.close(slot, n);
}

function writeExemplar(w: Writer, field: number, e: Exemplar): void {
  w.open(tag(field, 2));
  writeAttrs(w, 7, e.filteredAttributes);
  if (e.timeUnixNano) {
    w.byte(tag(2, 1));
    w.fixed64(e.timeUnixNano);
  }
  if (e.asDouble !== undefined) {
    w.byte(tag(3, 1));
    w.double(e.asDouble);
  } else if (e.asInt !== undefined) {
    w.byte(tag(6, 1));
    w.sfixed64(e.asInt);
  }
  w.bytes(tag(4, 2), e.spanId);
  w.bytes(tag(5, 2), e.traceId);
}

const times = (p: { startTimeUnixNano: bigint; timeUnixNano: bigint }) =>
  (p.startTimeUnixNano ? 9 : 0) + (p.timeUnixNano ? 9 : 0);
function writeTimes(w: Writer, p: { startTimeUnixNano: bigint; timeUnixNano: bigint }): void {
  if (p.startTimeUnixNano) {
    w.byte(tag(2, 1));
    w.fixed64(p.startTimeUnixNano);
  }
  if (p.timeUnixNano) {
    w.byte(tag(3, 1));
    w.fixed64(p.timeUnixNano);
  }
}

function sizeNumberPoint(z: Sizer, p: NumberDataPoint): number {
  let n = sizeAttrs(z, p.attributes) + times(p);
  if (p.asDouble !== undefined || p.asInt !== undefined) n += 9;
  for (const e of p.exemplars) n += sizeExemplar(z, e);
  return n + uintField(p.flags);
}

function writeNumberPoint(w: Writer, p: NumberDataPoint): void {
  writeAttrs(w, 7, p.attributes);
  writeTimes(w, p);
  if (p.asDouble !== undefined) {
    w.byte(tag(4, 1));
    w.double(p.asDouble);
  } else if (p.asInt !== undefined) {
    w.byte(tag(6, 1));
    w.sfixed64(p.asInt);
  }
  for (const e of p.exemplars) writeExemplar(w, 5, e);
  writeUint(w, tag(8, 0), p.flags);
}

const packed = (count: number, each: number) => (count ? 1 + varintSize(count * each) + count * each : 0);

function sizeHistogramPoint(z: Sizer, p: HistogramDataPoint): number {
  let n = sizeAttrs(z, p.attributes) + times(p) + (p.count ? 9 : 0) + (p.sum !== undefined ? 9 : 0);
  n += packed(p.bucketCounts.length, 8) + packed(p.explicitBounds.length, 8);
  for (const e of p.exemplars) n += sizeExemplar(z, e);
  return n + uintField(p.flags) + (p.min !== undefined ? 9 : 0) + (p.max !== undefined ? 9 : 0);
}

function writeHistogramPoint(w: Writer, p: HistogramDataPoint): void {
  writeAttrs(w, 9, p.attributes);
  writeTimes(w, p);
  if (p.count) {
    w.byte(tag(4, 1));
    w.fixed64Number(p.count);
  }
  if (p.sum !== undefined) {
    w.byte(tag(5, 1));
    w.double(p.sum);
  }
  if (p.bucketCounts.length) {
    w.byte(tag(6, 2));
    w.varint(p.bucketCounts.length * 8);
    for (const c of p.bucketCounts) w.fixed64Number(c);
  }
  if (p.explicitBounds.length) {
    w.byte(tag(7, 2));
    w.varint(p.explicitBounds.length * 8);
    for (const b of p.explicitBounds) w.double(b);
  }
  for (const e of p.exemplars) writeExemplar(w, 8, e);
  writeUint(w, tag(10, 0), p.flags);
  if (p.min !== undefined) {
    w.byte(tag(11, 1));
    w.double(p.min);
  }
  if (p.max !== undefined) {
    w.byte(tag(12, 1));
    w.double(p.max);
  }
}

const zigzag = (v: number) => (v >= 0 ? v * 2 : -v * 2 - 1);

function sizeBuckets(z: Sizer, b: ExponentialHistogramBuckets): number {
  if (b.offset === 0 && b.bucketCounts.length === 0) return 0;
  const slot = z.open();
  let counts = 0;
  for (const c of b.bucketCounts) counts += varintSize(c);
  const n =
    (b.offset ? 1 + varintSize(zigzag(b.offset)) : 0) +
    (b.bucketCounts.length ? 1 + varintSize(counts) + counts : 0);
  return z.close(slot, n);
}

function writeBuckets(w: Writer, field: number, b: ExponentialHistogramBuckets): void {
  if (b.offset === 0 && b.bucketCounts.length === 0) return;
  w.open(tag(field, 2));
  writeUint(w, tag(1, 0), zigzag(b.offset));
  if (b.bucketCounts.length) {
    let counts = 0;
    for (const c of b.bucketCounts) counts += varintSize(c);
    w.byte(tag(2, 2));
    w.varint(counts);
    for (const c of b.bucketCounts) w.varint(c);
  }
}

function sizeExpPoint(z: Sizer, p: ExponentialHistogramDataPoint): number {
  let n = sizeAttrs(z, p.attributes) + times(p) + (p.count ? 9 : 0) + (p.sum !== undefined ? 9 : 0);
  n += p.scale ? 1 + varintSize(zigzag(p.scale)) : 0;
  n += p.zeroCount ? 9 : 0;
  n += sizeBuckets(z, p.positive) + sizeBuckets(z, p.negative) + uintField(p.flags);
  for (const e of p.exemplars) n += sizeExemplar(z, e);
  return n + (p.min !== undefined ? 9 : 0) + (p.max !== undefined ? 9 : 0) + (p.zeroThreshold ? 9 : 0);
}

function writeExpPoint(w: Writer, p: ExponentialHistogramDataPoint): void {
  writeAttrs(w, 1, p.attributes);
  writeTimes(w, p);
  if (p.count) {
    w.byte(tag(4, 1));
    w.fixed64Number(p.count);
  }
  if (p.sum !== undefined) {
    w.byte(tag(5, 1));
    w.double(p.sum);
  }
  writeUint(w, tag(6, 0), zigzag(p.scale));
  if (p.zeroCount) {
    w.byte(tag(7, 1));
    w.fixed64Number(p.zeroCount);
  }
  writeBuckets(w, 8, p.positive);
  writeBuckets(w, 9, p.negative);
  writeUint(w, tag(10, 0), p.flags);
  for (const e of p.exemplars) writeExemplar(w, 11, e);
  if (p.min !== undefined) {
    w.byte(tag(12, 1));
    w.double(p.min);
  }
  if (p.max !== undefined) {
    w.byte(tag(13, 1));
    w.double(p.max);
  }
  if (p.zeroThreshold) {
    w.byte(tag(14, 1));
    w.double(p.zeroThreshold);
  }
}

function sizeSummaryPoint(z: Sizer, p: SummaryDataPoint): number {
  let n = sizeAttrs(z, p.attributes) + times(p) + (p.count ? 9 : 0) + (p.sum ? 9 : 0);
  for (const q of p.quantileValues) {
    const slot = z.open();
    n += z.close(slot, (q.quantile ? 9 : 0) + (q.value ? 9 : 0));
  }
  return n + uintField(p.flags);
}

function writeSummaryPoint(w: Writer, p: SummaryDataPoint): void {
  writeAttrs(w, 7, p.attributes);
  writeTimes(w, p);
  if (p.count) {
    w.byte(tag(4, 1));
    w.fixed64Number(p.count);
  }
  if (p.sum) {
    w.byte(tag(5, 1));
    w.double(p.sum);
  }
  for (const q of p.quantileValues) {
    w.open(tag(6, 2));
    if (q.quantile) {
      w.byte(tag(1, 1));
      w.double(q.quantile);
    }
    if (q.value) {
      w.byte(tag(2, 1));
      w.double(q.value);
    }
  }
  writeUint(w, tag(8, 0), p.flags);
}

const DATA_FIELD = { gauge: 5, sum: 7, histogram: 9, exponentialHistogram: 10, summary: 11 } as const;

function sizeMetric(z: Sizer, m: Metric): number {
  let n = z.str(m.name) + z.str(m.description) + z.str(m.unit);
  const d = m.data;
  if (d) {
    const slot = z.open();
    let dn = 0;
    for (const p of d.dataPoints as unknown[]) {
      const ps = z.open();
      let pn: number;
      if (d.type === 'gauge' || d.type === 'sum') pn = sizeNumberPoint(z, p as NumberDataPoint);
      else if (d.type === 'histogram') pn = sizeHistogramPoint(z, p as HistogramDataPoint);
      else if (d.type === 'exponentialHistogram') pn = sizeExpPoint(z, p as ExponentialHistogramDataPoint);
      else pn = sizeSummaryPoint(z, p as SummaryDataPoint);
      dn += z.close(ps, pn);
    }
    if ('aggregationTemporality' in d && d.aggregationTemporality)
      dn += 1 + varintSize(d.aggregationTemporality);
    if (d.type === 'sum' && d.isMonotonic) dn += 2;
    n += z.close(slot, dn);
  }
  return n + sizeAttrs(z, m.metadata);
}

function writeMetric(w: Writer, m: Metric): void {
  w.str(tag(1, 2), m.name);
  w.str(tag(2, 2), m.description);
  w.str(tag(3, 2), m.unit);
  const d = m.data;
  if (d) {
    w.open(tag(DATA_FIELD[d.type], 2));
    for (const p of d.dataPoints as unknown[]) {
      w.open(tag(1, 2));
      if (d.type === 'gauge' || d.type === 'sum') writeNumberPoint(w, p as NumberDataPoint);
      else if (d.type === 'histogram') writeHistogramPoint(w, p as HistogramDataPoint);
      else if (d.type === 'exponentialHistogram') writeExpPoint(w, p as ExponentialHistogramDataPoint);
      else writeSummaryPoint(w, p as SummaryDataPoint);
    }
    if ('aggregationTemporality' in d) writeUint(w, tag(2, 0), d.aggregationTemporality);
    if (d.type === 'sum' && d.isMonotonic) {
      w.byte(tag(3, 0));
      w.byte(1);
    }
  }
  writeAttrs(w, 12, m.metadata);
}

export function encodeMetricsRequest(data: MetricsData): Uint8Array {
  return encode(data.resourceMetrics, {
    scopes: (r) => r.scopeMetrics,
    items: (s) => s.metrics,
    resource: (r) => r.resource,
    scope: (s) => s.scope,
    rUrl: (r) => r.schemaUrl,
    sUrl: (s) => s.schemaUrl,
    size: sizeMetric,
    write: writeMetric,
  });
}
