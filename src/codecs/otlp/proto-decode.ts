// OTLP protobuf decoding into the model (opentelemetry-proto v1). Unknown fields are skipped;
// defaults are filled; anything malformed throws DecodeError naming the place.
import type { AnyValue, InstrumentationScope, KeyValue, Resource } from '../../model/common.ts';
import type { LogRecord, LogsData, ResourceLogs, ScopeLogs } from '../../model/logs.ts';
import type {
  Exemplar,
  ExponentialHistogramBuckets,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  Metric,
  MetricData,
  MetricsData,
  NumberDataPoint,
  ResourceMetrics,
  ScopeMetrics,
  SummaryDataPoint,
} from '../../model/metrics.ts';
import type { ResourceSpans, ScopeSpans, Span, SpanEvent, SpanLink, TracesData } from '../../model/traces.ts';
import { DecodeError } from './decode-error.ts';
import { Reader, WIRE_I32, WIRE_I64, WIRE_LEN, WIRE_VARINT } from './protobuf-reader.ts';

const MAX_DEPTH = 32;
const EMPTY = new Uint8Array(0);

function expect(r: Reader, wire: number, want: number, field: string): void {
  if (wire !== want) r.fail(`field ${field} has wire type ${wire}, expected ${want}`);
}

/** Runs `fn` over a nested message's bytes and restores the reader's end. */
function nested<T>(r: Reader, fn: (r: Reader, end: number) => T): T {
  const n = r.len();
  const outer = r.end;
  const end = r.pos + n;
  r.end = end;
  const v = fn(r, end);
  r.pos = end;
  r.end = outer;
  return v;
}

function anyValue(r: Reader, end: number, depth: number): AnyValue {
  if (depth > MAX_DEPTH) r.fail(`AnyValue nested deeper than ${MAX_DEPTH}`);
  let v: AnyValue = {};
  while (r.pos < end) {
    const tag = r.uint32();
    const f = tag >>> 3;
    const w = tag & 7;
    switch (f) {
      case 1:
        expect(r, w, WIRE_LEN, 'AnyValue.string_value');
        v = { stringValue: r.string() };
        break;
      case 2:
        expect(r, w, WIRE_VARINT, 'AnyValue.bool_value');
        v = { boolValue: r.bool() };
        break;
      case 3:
        expect(r, w, WIRE_VARINT, 'AnyValue.int_value');
        v = { intValue: r.int64() };
        break;
      case 4:
        expect(r, w, WIRE_I64, 'AnyValue.double_value');
        v = { doubleValue: r.double() };
        break;
      case 5: {
        expect(r, w, WIRE_LEN, 'AnyValue.array_value');
        const values: AnyValue[] = [];
        nested(r, (r2, e2) => {
          while (r2.pos < e2) {
            const t = r2.uint32();
            if (t >>> 3 === 1) {
              expect(r2, t & 7, WIRE_LEN, 'ArrayValue.values');
              values.push(nested(r2, (r3, e3) => anyValue(r3, e3, depth + 1)));
            } else r2.skip(t & 7);
          }
        });
        v = { arrayValue: { values } };
        break;
      }
      case 6: {
        expect(r, w, WIRE_LEN, 'AnyValue.kvlist_value');
        const values: KeyValue[] = [];
        nested(r, (r2, e2) => {
          while (r2.pos < e2) {
            const t = r2.uint32();
            if (t >>> 3 === 1) {
              expect(r2, t & 7, WIRE_LEN, 'KeyValueList.values');
              values.push(nested(r2, (r3, e3) => keyValue(r3, e3, depth + 1)));
            } else r2.skip(t & 7);
          }
        });
        v = { kvlistValue: { values } };
        break;
      }
      case 7:
        expect(r, w, WIRE_LEN, 'AnyValue.bytes_value');
        v = { bytesValue: r.bytes() };
        break;
      default:
        r.skip(w);
    }
  }
  return v;
}

function keyValue(r: Reader, end: number, depth: number): KeyValue {
  let key = '';
  let value: AnyValue = {};
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 0x0a) key = r.string();
    else if (tag === 0x12) {
      // Inlined nested() — this is the hottest path of every decode.
      const n = r.len();
      const outer = r.end;
      const vEnd = r.pos + n;
      r.end = vEnd;
      value = anyValue(r, vEnd, depth + 1);
      r.pos = vEnd;
      r.end = outer;
    } else if (tag >>> 3 === 1 || tag >>> 3 === 2)
      r.fail(`field KeyValue.${tag >>> 3 === 1 ? 'key' : 'value'} has wire type ${tag & 7}, expected 2`);
    else r.skip(tag & 7);
  }
  return { key, value };
}

function attr(r: Reader, w: number, list: KeyValue[], field: string): void {
  expect(r, w, WIRE_LEN, field);
  const n = r.len();
  const outer = r.end;
  const end = r.pos + n;
  r.end = end;
  list.push(keyValue(r, end, 0));
  r.pos = end;
  r.end = outer;
}

function resource(r: Reader, end: number): Resource {
  const res: Resource = { attributes: [], droppedAttributesCount: 0 };
  while (r.pos < end) {
    const tag = r.uint32();
    const f = tag >>> 3;
    const w = tag & 7;
    if (f === 1) attr(r, w, res.attributes, 'Resource.attributes');
    else if (f === 2 && w === WIRE_VARINT) res.droppedAttributesCount = r.uint32();
    else r.skip(w);
  }
  return res;
}

function scope(r: Reader, end: number): InstrumentationScope {
  const s: InstrumentationScope = { name: '', version: '', attributes: [], droppedAttributesCount: 0 };
  while (r.pos < end) {
    const tag = r.uint32();
    const f = tag >>> 3;
    const w = tag & 7;
    if (f === 1 && w === WIRE_LEN) s.name = r.string();
    else if (f === 2 && w === WIRE_LEN) s.version = r.string();
    else if (f === 3) attr(r, w, s.attributes, 'InstrumentationScope.attributes');
    else if (f === 4 && w === WIRE_VARINT) s.droppedAttributesCount = r.uint32();
    else r.skip(w);
  }
  return s;
}

function id(r: Reader, w: number, size: number, field: string, where: () => string): Uint8Array {
  expect(r, w, WIRE_LEN, field);
  const b = r.bytes();
  if (b.length !== 0 && b.length !== size)
    throw new DecodeError(`invalid ${field} length ${b.length} (want ${size} or 0) at ${where()}`);
  return b;
}

// ---------------------------------------------------------------- traces

function span(r: Reader, end: number, where: () => string): Span {
  const s: Span = {
    traceId: EMPTY,
    spanId: EMPTY,
    traceState: '',
    parentSpanId: EMPTY,
    flags: 0,
    name: '',
    kind: 0,
    startTimeUnixNano: 0n,
    endTimeUnixNano: 0n,
    attributes: [],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { message: '', code: 0 },
  };
  while (r.pos < end) {
    const tag = r.uint32();
    const w = tag & 7;
    switch (tag >>> 3) {
      case 1:
        s.traceId = id(r, w, 16, 'trace_id', where);
        break;
      case 2:
        s.spanId = id(r, w, 8, 'span_id', where);
        break;
      case 3:
        expect(r, w, WIRE_LEN, 'Span.trace_state');
        s.traceState = r.string();
        break;
      case 4:
        s.parentSpanId = id(r, w, 8, 'parent_span_id', where);
        break;
      case 5:
        expect(r, w, WIRE_LEN, 'Span.name');
        s.name = r.string();
        break;
      case 6:
        expect(r, w, WIRE_VARINT, 'Span.kind');
        s.kind = r.int32();
        break;
      case 7:
        expect(r, w, WIRE_I64, 'Span.start_time_unix_nano');
        s.startTimeUnixNano = r.fixed64();
        break;
      case 8:
        expect(r, w, WIRE_I64, 'Span.end_time_unix_nano');
        s.endTimeUnixNano = r.fixed64();
        break;
      case 9:
        attr(r, w, s.attributes, 'Span.attributes');
        break;
      case 10:
        expect(r, w, WIRE_VARINT, 'Span.dropped_attributes_count');
        s.droppedAttributesCount = r.uint32();
        break;
      case 11:
        expect(r, w, WIRE_LEN, 'Span.events');
        s.events.push(nested(r, spanEvent));
        break;
      case 12:
        expect(r, w, WIRE_VARINT, 'Span.dropped_events_count');
        s.droppedEventsCount = r.uint32();
        break;
      case 13:
        expect(r, w, WIRE_LEN, 'Span.links');
        s.links.push(nested(r, (r2, e2) => spanLink(r2, e2, where)));
        break;
      case 14:
        expect(r, w, WIRE_VARINT, 'Span.dropped_links_count');
        s.droppedLinksCount = r.uint32();
        break;
      case 15:
        expect(r, w, WIRE_LEN, 'Span.status');
        s.status = nested(r, (r2, e2) => {
          const st = { message: '', code: 0 };
          while (r2.pos < e2) {
            const t = r2.uint32();
            if (t >>> 3 === 2 && (t & 7) === WIRE_LEN) st.message = r2.string();
            else if (t >>> 3 === 3 && (t & 7) === WIRE_VARINT) st.code = r2.int32();
            else r2.skip(t & 7);
          }
          return st;
        });
        break;
      case 16:
        expect(r, w, WIRE_I32, 'Span.flags');
        s.flags = r.fixed32();
        break;
      default:
        r.skip(w);
    }
  }
  return s;
}

function spanEvent(r: Reader, end: number): SpanEvent {
  const e: SpanEvent = { timeUnixNano: 0n, name: '', attributes: [], droppedAttributesCount: 0 };
  while (r.pos < end) {
    const tag = r.uint32();
    const f = tag >>> 3;
    const w = tag & 7;
    if (f === 1 && w === WIRE_I64) e.timeUnixNano = r.fixed64();
    else if (f === 2 && w === WIRE_LEN) e.name = r.string();
    else if (f === 3) attr(r, w, e.attributes, 'Span.Event.attributes');
    else if (f === 4 && w === WIRE_VARINT) e.droppedAttributesCount = r.uint32();
    else r.skip(w);
  }
  return e;
}

function spanLink(r: Reader, end: number, where: () => string): SpanLink {
  const l: SpanLink = {
    traceId: EMPTY,
    spanId: EMPTY,
    traceState: '',
    attributes: [],
    droppedAttributesCount: 0,
    flags: 0,
  };
  while (r.pos < end) {
    const tag = r.uint32();
    const f = tag >>> 3;
    const w = tag & 7;
    if (f === 1) l.traceId = id(r, w, 16, 'link trace_id', where);
    else if (f === 2) l.spanId = id(r, w, 8, 'link span_id', where);
    else if (f === 3 && w === WIRE_LEN) l.traceState = r.string();
    else if (f === 4) attr(r, w, l.attributes, 'Span.Link.attributes');
    else if (f === 5 && w === WIRE_VARINT) l.droppedAttributesCount = r.uint32();
    else if (f === 6 && w === WIRE_I32) l.flags = r.fixed32();
    else r.skip(w);
  }
  return l;
}

/** Shared walk of Export*ServiceRequest → Resource* → Scope* → items. */
function grouped<R, S, I>(
  buf: Uint8Array,
  makeResource: (resource: Resource, scopes: S[], schemaUrl: string) => R,
  makeScope: (scope: InstrumentationScope, items: I[], schemaUrl: string) => S,
  item: (r: Reader, end: number, where: () => string) => I,
  names: [string, string, string],
): R[] {
  const r = new Reader(buf);
  const out: R[] = [];
  let ri = 0;
  while (r.pos < r.end) {
    const tag = r.uint32();
    if (tag >>> 3 !== 1) {
      r.skip(tag & 7);
      continue;
    }
    expect(r, tag & 7, WIRE_LEN, names[0]);
    const rIndex = ri++;
    out.push(
      nested(r, (r1, e1) => {
        let res: Resource = { attributes: [], droppedAttributesCount: 0 };
        const scopes: S[] = [];
        let schemaUrl = '';
        let si = 0;
        while (r1.pos < e1) {
          const t1 = r1.uint32();
          const f1 = t1 >>> 3;
          const w1 = t1 & 7;
          if (f1 === 1 && w1 === WIRE_LEN) res = nested(r1, resource);
          else if (f1 === 3 && w1 === WIRE_LEN) schemaUrl = r1.string();
          else if (f1 === 2) {
            expect(r1, w1, WIRE_LEN, names[1]);
            const sIndex = si++;
            scopes.push(
              nested(r1, (r2, e2) => {
                let sc: InstrumentationScope = {
                  name: '',
                  version: '',
                  attributes: [],
                  droppedAttributesCount: 0,
                };
                const items: I[] = [];
                let sUrl = '';
                while (r2.pos < e2) {
                  const t2 = r2.uint32();
                  const f2 = t2 >>> 3;
                  const w2 = t2 & 7;
                  if (f2 === 1 && w2 === WIRE_LEN) sc = nested(r2, scope);
                  else if (f2 === 3 && w2 === WIRE_LEN) sUrl = r2.string();
                  else if (f2 === 2) {
                    expect(r2, w2, WIRE_LEN, names[2]);
                    const iIndex = items.length;
                    items.push(
                      nested(r2, (r3, e3) =>
                        item(
                          r3,
                          e3,
                          () => `${names[0]}[${rIndex}].${names[1]}[${sIndex}].${names[2]}[${iIndex}]`,
                        ),
                      ),
                    );
                  } else r2.skip(w2);
                }
                return makeScope(sc, items, sUrl);
              }),
            );
          } else r1.skip(w1);
        }
        return makeResource(res, scopes, schemaUrl);
      }),
    );
  }
  return out;
}

function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof DecodeError) throw e;
    // Defensive: nothing else should escape, but a decoder must never throw anything else.
    throw new DecodeError(`malformed message: ${(e as Error).message}`);
  }
}

export function decodeTracesRequest(buf: Uint8Array): TracesData {
  return guard(() => ({
    resourceSpans: grouped<ResourceSpans, ScopeSpans, Span>(
      buf,
      (resource, scopeSpans, schemaUrl) => ({ resource, scopeSpans, schemaUrl }),
      (scope, spans, schemaUrl) => ({ scope, spans, schemaUrl }),
      span,
      ['resourceSpans', 'scopeSpans', 'spans'],
    ),
  }));
}

// ---------------------------------------------------------------- logs

function logRecord(r: Reader, end: number, where: () => string): LogRecord {
  const l: LogRecord = {
    timeUnixNano: 0n,
    observedTimeUnixNano: 0n,
    severityNumber: 0,
    severityText: '',
    body: {},
    attributes: [],
    droppedAttributesCount: 0,
    flags: 0,
    traceId: EMPTY,
    spanId: EMPTY,
    eventName: '',
  };
  while (r.pos < end) {
    const tag = r.uint32();
    const w = tag & 7;
    switch (tag >>> 3) {
      case 1:
        expect(r, w, WIRE_I64, 'LogRecord.time_unix_nano');
        l.timeUnixNano = r.fixed64();
        break;
      case 2:
        expect(r, w, WIRE_VARINT, 'LogRecord.severity_number');
        l.severityNumber = r.int32();
        break;
      case 3:
        expect(r, w, WIRE_LEN, 'LogRecord.severity_text');
        l.severityText = r.string();
        break;
      case 5:
        expect(r, w, WIRE_LEN, 'LogRecord.body');
        l.body = nested(r, (r2, e2) => anyValue(r2, e2, 0));
        break;
      case 6:
        attr(r, w, l.attributes, 'LogRecord.attributes');
        break;
      case 7:
        expect(r, w, WIRE_VARINT, 'LogRecord.dropped_attributes_count');
        l.droppedAttributesCount = r.uint32();
        break;
      case 8:
        expect(r, w, WIRE_I32, 'LogRecord.flags');
        l.flags = r.fixed32();
        break;
      case 9:
        l.traceId = id(r, w, 16, 'trace_id', where);
        break;
      case 10:
        l.spanId = id(r, w, 8, 'span_id', where);
        break;
      case 11:
        expect(r, w, WIRE_I64, 'LogRecord.observed_time_unix_nano');
        l.observedTimeUnixNano = r.fixed64();
        break;
      case 12:
        expect(r, w, WIRE_LEN, 'LogRecord.event_name');
        l.eventName = r.string();
        break;
      default:
        r.skip(w);
    }
  }
  return l;
}

export function decodeLogsRequest(buf: Uint8Array): LogsData {
  return guard(() => ({
    resourceLogs: grouped<ResourceLogs, ScopeLogs, LogRecord>(
      buf,
      (resource, scopeLogs, schemaUrl) => ({ resource, scopeLogs, schemaUrl }),
      (scope, logRecords, schemaUrl) => ({ scope, logRecords, schemaUrl }),
      logRecord,
      ['resourceLogs', 'scopeLogs', 'logRecords'],
    ),
  }));
}

// ---------------------------------------------------------------- metrics

function exemplar(r: Reader, end: number, where: () => string): Exemplar {
  const e: Exemplar = { filteredAttributes: [], timeUnixNano: 0n, spanId: EMPTY, traceId: EMPTY };
  while (r.pos < end) {
    const tag = r.uint32();
    const f = tag >>> 3;
    const w = tag & 7;
    if (f === 7) attr(r, w, e.filteredAttributes, 'Exemplar.filtered_attributes');
    else if (f === 2 && w === WIRE_I64) e.timeUnixNano = r.fixed64();
    else if (f === 3 && w === WIRE_I64) e.asDouble = r.double();
    else if (f === 6 && w === WIRE_I64) e.asInt = r.sfixed64();
    else if (f === 4) e.spanId = id(r, w, 8, 'exemplar span_id', where);
    else if (f === 5) e.traceId = id(r, w, 16, 'exemplar trace_id', where);
    else r.skip(w);
  }
  return e;
}

/** Repeated scalar that may arrive packed (LEN) or one per tag. */
function repeated(r: Reader, w: number, one: () => number, out: number[], field: string): void {
  if (w === WIRE_LEN) {
    nested(r, (r2, e2) => {
      while (r2.pos < e2) out.push(one());
    });
  } else out.push(one());
  if (out.length > 1e7) r.fail(`${field} has too many values`);
}

function numberPoint(r: Reader, end: number, where: () => string): NumberDataPoint {
  const p: NumberDataPoint = {
    attributes: [],
    startTimeUnixNano: 0n,
    timeUnixNano: 0n,
    exemplars: [],
    flags: 0,
  };
  while (r.pos < end) {
    const tag = r.uint32();
    const f = tag >>> 3;
    const w = tag & 7;
    if (f === 7) attr(r, w, p.attributes, 'NumberDataPoint.attributes');
    else if (f === 2 && w === WIRE_I64) p.startTimeUnixNano = r.fixed64();
    else if (f === 3 && w === WIRE_I64) p.timeUnixNano = r.fixed64();
    else if (f === 4 && w === WIRE_I64) {
      p.asDouble = r.double();
      delete p.asInt;
    } else if (f === 6 && w === WIRE_I64) {
      p.asInt = r.sfixed64();
      delete p.asDouble;
    } else if (f === 5 && w === WIRE_LEN) p.exemplars.push(nested(r, (r2, e2) => exemplar(r2, e2, where)));
    else if (f === 8 && w === WIRE_VARINT) p.flags = r.uint32();
    else r.skip(w);
  }
  return p;
}

function histogramPoint(r: Reader, end: number, where: () => string): HistogramDataPoint {
  const p: HistogramDataPoint = {
    attributes: [],
    startTimeUnixNano: 0n,
    timeUnixNano: 0n,
    count: 0,
    bucketCounts: [],
    explicitBounds: [],
    exemplars: [],
    flags: 0,
  };
  while (r.pos < end) {
    const tag = r.uint32();
    const f = tag >>> 3;
    const w = tag & 7;
    if (f === 9) attr(r, w, p.attributes, 'HistogramDataPoint.attributes');
    else if (f === 2 && w === WIRE_I64) p.startTimeUnixNano = r.fixed64();
    else if (f === 3 && w === WIRE_I64) p.timeUnixNano = r.fixed64();
    else if (f === 4 && w === WIRE_I64) p.count = r.fixed64Number();
    else if (f === 5 && w === WIRE_I64) p.sum = r.double();
    else if (f === 6 && (w === WIRE_LEN || w === WIRE_I64))
      repeated(r, w, () => r.fixed64Number(), p.bucketCounts, 'bucket_counts');
    else if (f === 7 && (w === WIRE_LEN || w === WIRE_I64))
      repeated(r, w, () => r.double(), p.explicitBounds, 'explicit_bounds');
    else if (f === 8 && w === WIRE_LEN) p.exemplars.push(nested(r, (r2, e2) => exemplar(r2, e2, where)));
    else if (f === 10 && w === WIRE_VARINT) p.flags = r.uint32();
    else if (f === 11 && w === WIRE_I64) p.min = r.double();
    else if (f === 12 && w === WIRE_I64) p.max = r.double();
    else r.skip(w);
  }
  return p;
}

function buckets(r: Reader, end: number): ExponentialHistogramBuckets {
  const b: ExponentialHistogramBuckets = { offset: 0, bucketCounts: [] };
  while (r.pos < end) {
    const tag = r.uint32();
    const f = tag >>> 3;
    const w = tag & 7;
    if (f === 1 && w === WIRE_VARINT) b.offset = r.sint32();
    else if (f === 2 && (w === WIRE_LEN || w === WIRE_VARINT))
      repeated(r, w, () => r.uint64Number(), b.bucketCounts, 'bucket_counts');
    else r.skip(w);
  }
  return b;
}

function expHistogramPoint(r: Reader, end: number, where: () => string): ExponentialHistogramDataPoint {
  const p: ExponentialHistogramDataPoint = {
    attributes: [],
    startTimeUnixNano: 0n,
    timeUnixNano: 0n,
    count: 0,
    scale: 0,
    zeroCount: 0,
    positive: { offset: 0, bucketCounts: [] },
    negative: { offset: 0, bucketCounts: [] },
    flags: 0,
    exemplars: [],
    zeroThreshold: 0,
  };
  while (r.pos < end) {
    const tag = r.uint32();
    const f = tag >>> 3;
    const w = tag & 7;
    if (f === 1) attr(r, w, p.attributes, 'ExponentialHistogramDataPoint.attributes');
    else if (f === 2 && w === WIRE_I64) p.startTimeUnixNano = r.fixed64();
    else if (f === 3 && w === WIRE_I64) p.timeUnixNano = r.fixed64();
    else if (f === 4 && w === WIRE_I64) p.count = r.fixed64Number();
    else if (f === 5 && w === WIRE_I64) p.sum = r.double();
    else if (f === 6 && w === WIRE_VARINT) p.scale = r.sint32();
    else if (f === 7 && w === WIRE_I64) p.zeroCount = r.fixed64Number();
    else if (f === 8 && w === WIRE_LEN) p.positive = nested(r, buckets);
    else if (f === 9 && w === WIRE_LEN) p.negative = nested(r, buckets);
    else if (f === 10 && w === WIRE_VARINT) p.flags = r.uint32();
    else if (f === 11 && w === WIRE_LEN) p.exemplars.push(nested(r, (r2, e2) => exemplar(r2, e2, where)));
    else if (f === 12 && w === WIRE_I64) p.min = r.double();
    else if (f === 13 && w === WIRE_I64) p.max = r.double();
    else if (f === 14 && w === WIRE_I64) p.zeroThreshold = r.double();
    else r.skip(w);
  }
  return p;
}

function summaryPoint(r: Reader, end: number): SummaryDataPoint {
  const p: SummaryDataPoint = {
    attributes: [],
    startTimeUnixNano: 0n,
    timeUnixNano: 0n,
    count: 0,
    sum: 0,
    quantileValues: [],
    flags: 0,
  };
  while (r.pos < end) {
    const tag = r.uint32();
    const f = tag >>> 3;
    const w = tag & 7;
    if (f === 7) attr(r, w, p.attributes, 'SummaryDataPoint.attributes');
    else if (f === 2 && w === WIRE_I64) p.startTimeUnixNano = r.fixed64();
    else if (f === 3 && w === WIRE_I64) p.timeUnixNano = r.fixed64();
    else if (f === 4 && w === WIRE_I64) p.count = r.fixed64Number();
    else if (f === 5 && w === WIRE_I64) p.sum = r.double();
    else if (f === 6 && w === WIRE_LEN)
      p.quantileValues.push(
        nested(r, (r2, e2) => {
          const q = { quantile: 0, value: 0 };
          while (r2.pos < e2) {
            const t = r2.uint32();
            if (t >>> 3 === 1 && (t & 7) === WIRE_I64) q.quantile = r2.double();
            else if (t >>> 3 === 2 && (t & 7) === WIRE_I64) q.value = r2.double();
            else r2.skip(t & 7);
          }
          return q;
        }),
      );
    else if (f === 8 && w === WIRE_VARINT) p.flags = r.uint32();
    else r.skip(w);
  }
  return p;
}

/** Gauge/Sum/Histogram/ExponentialHistogram/Summary bodies. */
function metricData(r: Reader, end: number, type: MetricData['type'], where: () => string): MetricData {
  const points: unknown[] = [];
  let temporality = 0;
  let monotonic = false;
  while (r.pos < end) {
    const tag = r.uint32();
    const f = tag >>> 3;
    const w = tag & 7;
    if (f === 1 && w === WIRE_LEN) {
      points.push(
        nested(r, (r2, e2) => {
          switch (type) {
            case 'gauge':
            case 'sum':
              return numberPoint(r2, e2, where);
            case 'histogram':
              return histogramPoint(r2, e2, where);
            case 'exponentialHistogram':
              return expHistogramPoint(r2, e2, where);
            default:
              return summaryPoint(r2, e2);
          }
        }),
      );
    } else if (f === 2 && w === WIRE_VARINT && type !== 'gauge' && type !== 'summary')
      temporality = r.int32();
    else if (f === 3 && w === WIRE_VARINT && type === 'sum') monotonic = r.bool();
    else r.skip(w);
  }
  switch (type) {
    case 'gauge':
      return { type, dataPoints: points as NumberDataPoint[] };
    case 'sum':
      return {
        type,
        dataPoints: points as NumberDataPoint[],
        aggregationTemporality: temporality,
        isMonotonic: monotonic,
      };
    case 'histogram':
      return { type, dataPoints: points as HistogramDataPoint[], aggregationTemporality: temporality };
    case 'exponentialHistogram':
      return {
        type,
        dataPoints: points as ExponentialHistogramDataPoint[],
        aggregationTemporality: temporality,
      };
    default:
      return { type: 'summary', dataPoints: points as SummaryDataPoint[] };
  }
}

const DATA_FIELDS: Record<number, MetricData['type']> = {
  5: 'gauge',
  7: 'sum',
  9: 'histogram',
  10: 'exponentialHistogram',
  11: 'summary',
};

function metric(r: Reader, end: number, where: () => string): Metric {
  const m: Metric = { name: '', description: '', unit: '', metadata: [], data: null };
  while (r.pos < end) {
    const tag = r.uint32();
    const f = tag >>> 3;
    const w = tag & 7;
    if (f === 1 && w === WIRE_LEN) m.name = r.string();
    else if (f === 2 && w === WIRE_LEN) m.description = r.string();
    else if (f === 3 && w === WIRE_LEN) m.unit = r.string();
    else if (f === 12) attr(r, w, m.metadata, 'Metric.metadata');
    else if (DATA_FIELDS[f] && w === WIRE_LEN) {
      const type = DATA_FIELDS[f]!;
      m.data = nested(r, (r2, e2) => metricData(r2, e2, type, where));
    } else r.skip(w);
  }
  return m;
}

export function decodeMetricsRequest(buf: Uint8Array): MetricsData {
  return guard(() => ({
    resourceMetrics: grouped<ResourceMetrics, ScopeMetrics, Metric>(
      buf,
      (resource, scopeMetrics, schemaUrl) => ({ resource, scopeMetrics, schemaUrl }),
      (scope, metrics, schemaUrl) => ({ scope, metrics, schemaUrl }),
      metric,
      ['resourceMetrics', 'scopeMetrics', 'metrics'],
    ),
  }));
}
