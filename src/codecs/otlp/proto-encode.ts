// OTLP protobuf encoding of the model (Export<Signal>ServiceRequest, same layout as <Signal>Data).
//
// Contracts:
// - fields are emitted in field-number order (the order protobuf-go produces), so equal data
//   gives identical bytes;
// - proto3 defaults are omitted: zero numbers, empty strings/bytes/lists, empty Status, absent
//   log body, empty exponential-histogram buckets. Oneof members (AnyValue, NumberDataPoint and
//   Exemplar values, Metric data) and proto3 `optional` fields (sum/min/max) are emitted whenever
//   set, even when zero. Resource, InstrumentationScope and KeyValue.value are always emitted,
//   as the Collector does. A double is "default" only when it is +0 (−0 and NaN are emitted);
// - scope groups a resource group still holds as received bytes (model/encoded-groups.ts) are
//   copied verbatim, so their inner field order is the sender's;
// - the result is a fresh Buffer (a Uint8Array) the caller owns.
//
// Writing is backwards (see protobuf-writer.ts): every function below emits its message's
// fields LAST FIELD FIRST and iterates repeated fields from the last element, and nested
// messages are closed (length + tag) after their body. Read each function bottom-up to see the
// wire order.
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
import { EncodedGroup } from '../../model/encoded-groups.ts';
import { FIELD_CACHE_MAX_LEN, fieldBytes, ProtoWriter } from './protobuf-writer.ts';

const NO_SCOPES: never[] = [];

/** Deepest AnyValue nesting encoded (a cycle in the model would otherwise overflow the stack). */
const MAX_ENCODE_DEPTH = 128;

// One writer, reused: encoding is synchronous, so calls never interleave.
const w = new ProtoWriter();

/** All AnyValue members as optional properties: one load per candidate, no `in` checks. */
interface AnyFields {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | bigint;
  doubleValue?: number;
  bytesValue?: Uint8Array;
  arrayValue?: { values: AnyValue[] };
  kvlistValue?: { values: KeyValue[] };
}

/** +0 is a double's proto3 default; −0 and NaN are not. */
function isZero(v: number): boolean {
  return v === 0 && 1 / v > 0;
}

// ---- common --------------------------------------------------------------------------------

/** The body of an AnyValue: its one oneof member (an empty value writes nothing). */
function writeAnyValue(v: AnyValue, depth: number): void {
  const a = v as AnyFields;
  const s = a.stringValue;
  if (s !== undefined) {
    w.string(s);
    w.byte(0x0a);
    return;
  }
  const i = a.intValue;
  if (i !== undefined) {
    w.int64(i);
    w.byte(0x18);
    return;
  }
  const b = a.boolValue;
  if (b !== undefined) {
    w.byte(b ? 1 : 0);
    w.byte(0x10);
    return;
  }
  const d = a.doubleValue;
  if (d !== undefined) {
    w.double(d);
    w.byte(0x21);
    return;
  }
  if (depth > MAX_ENCODE_DEPTH) throw new Error(`AnyValue nested deeper than ${MAX_ENCODE_DEPTH} levels`);
  const arr = a.arrayValue;
  if (arr !== undefined) {
    const start = w.length();
    const values = arr.values;
    for (let k = values.length - 1; k >= 0; k--) {
      const vs = w.length();
      writeAnyValue(values[k]!, depth + 1);
      w.close(vs, 0x0a);
    }
    w.close(start, 0x2a);
    return;
  }
  const kvl = a.kvlistValue;
  if (kvl !== undefined) {
    const start = w.length();
    const values = kvl.values;
    for (let k = values.length - 1; k >= 0; k--) writeKeyValue(values[k]!, 0x0a, depth + 1);
    w.close(start, 0x32);
    return;
  }
  const by = a.bytesValue;
  if (by !== undefined) {
    w.bytes(by);
    w.byte(0x3a);
  }
}

/**
 * A KeyValue as a field with tag `tag`; its value is at AnyValue depth `depth`. Keys repeat
 * across items, so their field encoding comes from a cache (fieldBytes) and is copied in.
 */
function writeKeyValue(kv: KeyValue, tag: number, depth: number): void {
  const key = kv.key;
  const n = key.length;
  const keyField = n !== 0 && n <= FIELD_CACHE_MAX_LEN ? fieldBytes(key, 0x0a) : NO_FIELD;
  const sv = (kv.value as AnyFields).stringValue;
  if (sv !== undefined && sv.length <= SHORT_VALUE && tag < 0x80 && (n === 0 || keyField !== NO_FIELD)) {
    if (writeShortStringPair(keyField, sv, tag)) return;
  }
  const start = w.length();
  writeAnyValue(kv.value, depth);
  w.close(start, 0x12);
  if (n !== 0) {
    if (keyField !== NO_FIELD) w.raw(keyField);
    else {
      w.string(key);
      w.byte(0x0a);
    }
  }
  w.close(start, tag);
}

const NO_FIELD = new Uint8Array(0);
/** String values up to this many chars take writeShortStringPair: all lengths fit one byte. */
const SHORT_VALUE = 60;

/**
 * The hottest shape, fused: a KeyValue with an ASCII string value of at most SHORT_VALUE chars,
 * written with one capacity check and no intermediate length computations. Returns false (having
 * written nothing) when the value is not ASCII; the caller then takes the general path.
 */
function writeShortStringPair(keyField: Uint8Array, sv: string, tag: number): boolean {
  const vn = sv.length;
  const kn = keyField.length;
  w.ensure(vn + kn + 6);
  const b = w.buf;
  let p = w.pos;
  for (let i = vn - 1; i >= 0; i--) {
    const c = sv.charCodeAt(i);
    if (c >= 0x80) return false;
    b[--p] = c;
  }
  b[--p] = vn; // AnyValue.string_value: length, tag
  b[--p] = 0x0a;
  b[--p] = vn + 2; // KeyValue.value: length (< 128), tag
  b[--p] = 0x12;
  for (let i = kn - 1; i >= 0; i--) b[--p] = keyField[i]!;
  const total = vn + 4 + kn;
  w.pos = p;
  w.uint32(total);
  w.byte(tag);
  return true;
}

function writeAttributes(attrs: KeyValue[], tag: number): void {
  for (let k = attrs.length - 1; k >= 0; k--) writeKeyValue(attrs[k]!, tag, 1);
}

function writeUint32(v: number, tag: number): void {
  if (v !== 0) {
    w.uint32(v);
    w.tag(tag);
  }
}

function writeInt32(v: number, tag: number): void {
  if (v !== 0) {
    w.int32(v);
    w.tag(tag);
  }
}

function writeString(s: string, tag: number): void {
  if (s.length !== 0) {
    w.string(s);
    w.tag(tag);
  }
}

function writeBytes(b: Uint8Array, tag: number): void {
  if (b.length !== 0) {
    w.bytes(b);
    w.tag(tag);
  }
}

function writeFixed64(v: bigint | number, tag: number): void {
  // `!= 0` is true for 0n and 0 alike (the model says bigint; a number is tolerated).
  if (v != 0) {
    w.fixed64(v);
    w.tag(tag);
  }
}

function writeFixed32(v: number, tag: number): void {
  if (v !== 0) {
    w.fixed32(v);
    w.tag(tag);
  }
}

function writeDouble(v: number, tag: number): void {
  if (!isZero(v)) {
    w.double(v);
    w.tag(tag);
  }
}

function writeOptionalDouble(v: number | undefined, tag: number): void {
  if (v !== undefined) {
    w.double(v);
    w.tag(tag);
  }
}

function writeResource(r: Resource): void {
  const start = w.length();
  writeUint32(r.droppedAttributesCount, 0x10);
  writeAttributes(r.attributes, 0x0a);
  w.close(start, 0x0a);
}

function writeScope(s: InstrumentationScope): void {
  const start = w.length();
  writeUint32(s.droppedAttributesCount, 0x20);
  writeAttributes(s.attributes, 0x1a);
  writeString(s.version, 0x12);
  writeString(s.name, 0x0a);
  w.close(start, 0x0a);
}

// ---- the request → resource group → scope group → item layout -------------------------------

interface ResourceGroup {
  resource: Resource;
  schemaUrl: string;
}

interface ScopeGroup {
  scope: InstrumentationScope;
  schemaUrl: string;
}

/** Writes the whole request and returns a copy of the bytes. */
function encodeGroups<R extends ResourceGroup, S extends ScopeGroup, I>(
  resources: R[],
  scopesOf: (r: R) => S[],
  itemsOf: (s: S) => I[],
  writeItem: (item: I) => void,
): Buffer {
  w.reset();
  try {
    for (let i = resources.length - 1; i >= 0; i--) {
      const rg = resources[i]!;
      const rStart = w.length();
      writeString(rg.schemaUrl, 0x1a);
      // Scope groups nobody has read since they were received are copied as received.
      const encoded = rg instanceof EncodedGroup ? rg.encodedScopes() : null;
      const scopes = encoded === null ? scopesOf(rg) : NO_SCOPES;
      if (encoded !== null) w.raw(encoded);
      for (let j = scopes.length - 1; j >= 0; j--) {
        const sg = scopes[j]!;
        const sStart = w.length();
        writeString(sg.schemaUrl, 0x1a);
        const items = itemsOf(sg);
        for (let k = items.length - 1; k >= 0; k--) {
          const iStart = w.length();
          writeItem(items[k]!);
          w.close(iStart, 0x12);
        }
        writeScope(sg.scope);
        w.close(sStart, 0x12);
      }
      writeResource(rg.resource);
      w.close(rStart, 0x0a);
    }
    return w.finish();
  } finally {
    w.reset();
  }
}

// ---- traces --------------------------------------------------------------------------------

function writeEvent(e: SpanEvent): void {
  const start = w.length();
  writeUint32(e.droppedAttributesCount, 0x20);
  writeAttributes(e.attributes, 0x1a);
  writeString(e.name, 0x12);
  writeFixed64(e.timeUnixNano, 0x09);
  w.close(start, 0x5a);
}

function writeLink(l: SpanLink): void {
  const start = w.length();
  writeFixed32(l.flags, 0x35);
  writeUint32(l.droppedAttributesCount, 0x28);
  writeAttributes(l.attributes, 0x22);
  writeString(l.traceState, 0x1a);
  writeBytes(l.spanId, 0x12);
  writeBytes(l.traceId, 0x0a);
  w.close(start, 0x6a);
}

function writeSpan(s: Span): void {
  writeFixed32(s.flags, 0x85); // field 16: a two-byte tag
  const st = s.status;
  if (st.code !== 0 || st.message.length !== 0) {
    const start = w.length();
    writeInt32(st.code, 0x18);
    writeString(st.message, 0x12);
    w.close(start, 0x7a);
  }
  writeUint32(s.droppedLinksCount, 0x70);
  const links = s.links;
  for (let k = links.length - 1; k >= 0; k--) writeLink(links[k]!);
  writeUint32(s.droppedEventsCount, 0x60);
  const events = s.events;
  for (let k = events.length - 1; k >= 0; k--) writeEvent(events[k]!);
  writeUint32(s.droppedAttributesCount, 0x50);
  writeAttributes(s.attributes, 0x4a);
  writeFixed64(s.endTimeUnixNano, 0x41);
  writeFixed64(s.startTimeUnixNano, 0x39);
  writeInt32(s.kind, 0x30);
  writeString(s.name, 0x2a);
  writeBytes(s.parentSpanId, 0x22);
  writeString(s.traceState, 0x1a);
  writeBytes(s.spanId, 0x12);
  writeBytes(s.traceId, 0x0a);
}

/** Encodes an ExportTraceServiceRequest. */
export function encodeTracesRequest(data: TracesData): Buffer {
  return encodeGroups(
    data.resourceSpans,
    (r) => r.scopeSpans,
    (s) => s.spans,
    writeSpan,
  );
}

// ---- logs ----------------------------------------------------------------------------------

function isEmptyValue(v: AnyValue): boolean {
  for (const _ in v) return false;
  return true;
}

function writeLogRecord(l: LogRecord): void {
  writeString(l.eventName, 0x62);
  writeFixed64(l.observedTimeUnixNano, 0x59);
  writeBytes(l.spanId, 0x52);
  writeBytes(l.traceId, 0x4a);
  writeFixed32(l.flags, 0x45);
  writeUint32(l.droppedAttributesCount, 0x38);
  writeAttributes(l.attributes, 0x32);
  if (!isEmptyValue(l.body)) {
    const start = w.length();
    writeAnyValue(l.body, 1);
    w.close(start, 0x2a);
  }
  writeString(l.severityText, 0x1a);
  writeInt32(l.severityNumber, 0x10);
  writeFixed64(l.timeUnixNano, 0x09);
}

/** Encodes an ExportLogsServiceRequest. */
export function encodeLogsRequest(data: LogsData): Buffer {
  return encodeGroups(
    data.resourceLogs,
    (r) => r.scopeLogs,
    (s) => s.logRecords,
    writeLogRecord,
  );
}

// ---- metrics -------------------------------------------------------------------------------

function writeExemplars(exemplars: Exemplar[], tag: number): void {
  for (let k = exemplars.length - 1; k >= 0; k--) {
    const e = exemplars[k]!;
    const start = w.length();
    writeAttributes(e.filteredAttributes, 0x3a);
    if (e.asDouble === undefined && e.asInt !== undefined) {
      w.sfixed64(e.asInt);
      w.byte(0x31);
    }
    writeBytes(e.traceId, 0x2a);
    writeBytes(e.spanId, 0x22);
    if (e.asDouble !== undefined) {
      w.double(e.asDouble);
      w.byte(0x19);
    }
    writeFixed64(e.timeUnixNano, 0x11);
    w.close(start, tag);
  }
}

function writeNumberPoint(p: NumberDataPoint): void {
  writeUint32(p.flags, 0x40);
  writeAttributes(p.attributes, 0x3a);
  // Oneof value: as_double wins when both are (wrongly) set, as the JSON encoder does.
  if (p.asDouble === undefined && p.asInt !== undefined) {
    w.sfixed64(p.asInt);
    w.byte(0x31);
  }
  writeExemplars(p.exemplars, 0x2a);
  if (p.asDouble !== undefined) {
    w.double(p.asDouble);
    w.byte(0x21);
  }
  writeFixed64(p.timeUnixNano, 0x19);
  writeFixed64(p.startTimeUnixNano, 0x11);
}

/** A packed repeated fixed64 (counts) or double field. */
function writePacked(values: number[], tag: number, asDouble: boolean): void {
  const n = values.length;
  if (n === 0) return;
  const start = w.length();
  if (asDouble) for (let k = n - 1; k >= 0; k--) w.double(values[k]!);
  else for (let k = n - 1; k >= 0; k--) w.fixed64(values[k]!);
  w.close(start, tag);
}

function writeHistogramPoint(p: HistogramDataPoint): void {
  writeOptionalDouble(p.max, 0x61);
  writeOptionalDouble(p.min, 0x59);
  writeUint32(p.flags, 0x50);
  writeAttributes(p.attributes, 0x4a);
  writeExemplars(p.exemplars, 0x42);
  writePacked(p.explicitBounds, 0x3a, true);
  writePacked(p.bucketCounts, 0x32, false);
  writeOptionalDouble(p.sum, 0x29);
  writeFixed64(p.count, 0x21);
  writeFixed64(p.timeUnixNano, 0x19);
  writeFixed64(p.startTimeUnixNano, 0x11);
}

function writeBuckets(b: ExponentialHistogramBuckets, tag: number): void {
  const counts = b.bucketCounts;
  if (b.offset === 0 && counts.length === 0) return;
  const start = w.length();
  if (counts.length !== 0) {
    const cStart = w.length();
    for (let k = counts.length - 1; k >= 0; k--) w.uint64(counts[k]!);
    w.close(cStart, 0x12);
  }
  if (b.offset !== 0) {
    w.sint32(b.offset);
    w.byte(0x08);
  }
  w.close(start, tag);
}

function writeExpPoint(p: ExponentialHistogramDataPoint): void {
  writeDouble(p.zeroThreshold, 0x71);
  writeOptionalDouble(p.max, 0x69);
  writeOptionalDouble(p.min, 0x61);
  writeExemplars(p.exemplars, 0x5a);
  writeUint32(p.flags, 0x50);
  writeBuckets(p.negative, 0x4a);
  writeBuckets(p.positive, 0x42);
  writeFixed64(p.zeroCount, 0x39);
  if (p.scale !== 0) {
    w.sint32(p.scale);
    w.byte(0x30);
  }
  writeOptionalDouble(p.sum, 0x29);
  writeFixed64(p.count, 0x21);
  writeFixed64(p.timeUnixNano, 0x19);
  writeFixed64(p.startTimeUnixNano, 0x11);
  writeAttributes(p.attributes, 0x0a);
}

function writeSummaryPoint(p: SummaryDataPoint): void {
  writeUint32(p.flags, 0x40);
  writeAttributes(p.attributes, 0x3a);
  const qs = p.quantileValues;
  for (let k = qs.length - 1; k >= 0; k--) {
    const q = qs[k]!;
    const start = w.length();
    writeDouble(q.value, 0x11);
    writeDouble(q.quantile, 0x09);
    w.close(start, 0x32);
  }
  writeDouble(p.sum, 0x29);
  writeFixed64(p.count, 0x21);
  writeFixed64(p.timeUnixNano, 0x19);
  writeFixed64(p.startTimeUnixNano, 0x11);
}

function writePoints<P>(points: P[], write: (p: P) => void): void {
  for (let k = points.length - 1; k >= 0; k--) {
    const start = w.length();
    write(points[k]!);
    w.close(start, 0x0a);
  }
}

function writeMetric(m: Metric): void {
  writeAttributes(m.metadata, 0x62);
  const d = m.data;
  if (d !== null && d !== undefined) {
    const start = w.length();
    switch (d.type) {
      case 'gauge':
        writePoints(d.dataPoints, writeNumberPoint);
        w.close(start, 0x2a);
        break;
      case 'sum':
        if (d.isMonotonic) {
          w.byte(1);
          w.byte(0x18);
        }
        writeInt32(d.aggregationTemporality, 0x10);
        writePoints(d.dataPoints, writeNumberPoint);
        w.close(start, 0x3a);
        break;
      case 'histogram':
        writeInt32(d.aggregationTemporality, 0x10);
        writePoints(d.dataPoints, writeHistogramPoint);
        w.close(start, 0x4a);
        break;
      case 'exponentialHistogram':
        writeInt32(d.aggregationTemporality, 0x10);
        writePoints(d.dataPoints, writeExpPoint);
        w.close(start, 0x52);
        break;
      case 'summary':
        writePoints(d.dataPoints, writeSummaryPoint);
        w.close(start, 0x5a);
        break;
    }
  }
  writeString(m.unit, 0x1a);
  writeString(m.description, 0x12);
  writeString(m.name, 0x0a);
}

/** Encodes an ExportMetricsServiceRequest. */
export function encodeMetricsRequest(data: MetricsData): Buffer {
  return encodeGroups(
    data.resourceMetrics,
    (r) => r.scopeMetrics,
    (s) => s.metrics,
    writeMetric,
  );
}
