// OTLP/JSON: the protobuf JSON mapping with OTLP's exceptions.
//
// Decoding (JSON.parse, then a walk into the model):
// - keys are lowerCamelCase; the original snake_case names are accepted too (protobuf JSON
//   parsers must accept both); unknown keys are ignored; `null` means absent;
// - trace/span ids are hex (either case; `""` is empty), bytesValue is base64 (standard or
//   URL-safe, padding optional);
// - 64-bit integers are decimal strings, and JSON numbers are accepted too; other integers are
//   numbers, and decimal strings are accepted too; doubles are numbers or "NaN"/"Infinity"/
//   "-Infinity" (or numeric strings);
// - enums are integers; their names (e.g. "SPAN_KIND_SERVER") are accepted too;
// - a oneof with several members present takes the first in field-number order;
// - wrong types throw DecodeError naming the JSON path, e.g.
//   `resourceSpans[0].scopeSpans[0].spans[2].startTimeUnixNano: expected an integer string`;
//   invalid JSON or UTF-8 also throw DecodeError, and nothing else is ever thrown.
//
// Encoding writes lowerCamelCase keys, omits default values (as the decoder restores them),
// writes 64-bit integers as strings and non-finite doubles as their string names.
import type { AnyValue, InstrumentationScope, KeyValue, Resource, Signal } from '../../model/common.ts';
import type { LogRecord, LogsData } from '../../model/logs.ts';
import type {
  Exemplar,
  ExponentialHistogramBuckets,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  Metric,
  MetricData,
  MetricsData,
  NumberDataPoint,
  SummaryDataPoint,
  ValueAtQuantile,
} from '../../model/metrics.ts';
import type { SignalData } from '../../model/signal.ts';
import type { Span, SpanEvent, SpanLink, TracesData } from '../../model/traces.ts';
import { DecodeError, INTERNAL_ERROR } from './decode-error.ts';

type J = Record<string, unknown>;

/** Deepest AnyValue nesting accepted (attribute values are depth 1), as in the protobuf decoder. */
const MAX_ANY_DEPTH = 64;
const NO_BYTES: Uint8Array = new Uint8Array(0);

// ---- the JSON path, for error messages ------------------------------------------------------
// A stack of keys and indices (module state is safe: decoding is synchronous, not re-entered).
const path: (string | number)[] = [];

function pathString(): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s === '' ? p : `.${p}`;
  return s === '' ? '(root)' : s;
}

/** Throws DecodeError for the value at the current path plus `key`. */
function bad(key: string, what: string): never {
  if (key !== '') path.push(key);
  const at = pathString();
  if (key !== '') path.pop();
  throw new DecodeError(`${at}: ${what}`);
}

// ---- field readers: each takes the parent object and the field's two names -------------------

/** The field's value by its JSON name or its proto name; null counts as absent. */
function get(o: J, camel: string, snake: string): unknown {
  let v = o[camel];
  if (v === undefined && snake !== camel) v = o[snake];
  return v === null ? undefined : v;
}

function isObject(v: unknown): v is J {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function objectField(o: J, camel: string, snake: string): J | undefined {
  const v = get(o, camel, snake);
  if (v === undefined) return undefined;
  if (!isObject(v)) bad(camel, 'expected an object');
  return v;
}

function arrayField(o: J, camel: string, snake: string): unknown[] {
  const v = get(o, camel, snake);
  if (v === undefined) return [];
  if (!Array.isArray(v)) bad(camel, 'expected an array');
  return v;
}

function stringField(o: J, camel: string, snake: string): string {
  const v = get(o, camel, snake);
  if (v === undefined) return '';
  if (typeof v !== 'string') bad(camel, 'expected a string');
  return v;
}

function boolField(o: J, camel: string, snake: string): boolean {
  const v = get(o, camel, snake);
  if (v === undefined) return false;
  if (typeof v !== 'boolean') bad(camel, 'expected true or false');
  return v;
}

const DECIMAL = /^-?[0-9]+$/;

/** An integer from a JSON number or decimal string, within [min, max]. */
function integer(v: unknown, key: string, min: number, max: number, what: string): number {
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && DECIMAL.test(v)) n = Number(v);
  else bad(key, `expected ${what}`);
  if (!Number.isInteger(n) || n < min || n > max) bad(key, `expected ${what}`);
  return n;
}

function uint32Field(o: J, camel: string, snake: string): number {
  const v = get(o, camel, snake);
  return v === undefined ? 0 : integer(v, camel, 0, 0xffffffff, 'a non-negative 32-bit integer');
}

function int32Field(o: J, camel: string, snake: string): number {
  const v = get(o, camel, snake);
  return v === undefined ? 0 : integer(v, camel, -0x80000000, 0x7fffffff, 'a 32-bit integer');
}

const U64_MAX = 0xffffffffffffffffn;
const I64_MIN = -0x8000000000000000n;
const I64_MAX = 0x7fffffffffffffffn;

/** A 64-bit integer from a decimal string or a JSON number, as a bigint within [min, max]. */
function int64Big(v: unknown, key: string, min: bigint, max: bigint): bigint {
  let b: bigint;
  if (typeof v === 'string' && DECIMAL.test(v) && v.length <= 21) b = BigInt(v);
  else if (typeof v === 'number' && Number.isInteger(v)) b = BigInt(v);
  else bad(key, 'expected an integer string');
  if (b < min || b > max) bad(key, 'integer out of 64-bit range');
  return b;
}

/** fixed64 nanosecond timestamps: bigint. */
function nanosField(o: J, camel: string, snake: string): bigint {
  const v = get(o, camel, snake);
  if (v === undefined) return 0n;
  return int64Big(v, camel, 0n, U64_MAX);
}

/** int64 / sfixed64 values: a number when safe, else a bigint. */
function int64Value(v: unknown, key: string): number | bigint {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  const b = int64Big(v, key, I64_MIN, I64_MAX);
  const n = Number(b);
  return Number.isSafeInteger(n) ? n : b;
}

/** uint64 / fixed64 counts: numbers (exact up to 2^53). */
function countValue(v: unknown, key: string): number {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  return Number(int64Big(v, key, 0n, U64_MAX));
}

function countField(o: J, camel: string, snake: string): number {
  const v = get(o, camel, snake);
  return v === undefined ? 0 : countValue(v, camel);
}

function doubleValue(v: unknown, key: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (v === 'NaN') return NaN;
    if (v === 'Infinity') return Infinity;
    if (v === '-Infinity') return -Infinity;
    const n = Number(v);
    if (v.trim() !== '' && Number.isFinite(n)) return n;
  }
  bad(key, 'expected a number');
}

function doubleField(o: J, camel: string, snake: string): number {
  const v = get(o, camel, snake);
  return v === undefined ? 0 : doubleValue(v, camel);
}

function optionalDouble(o: J, camel: string, snake: string): number | undefined {
  const v = get(o, camel, snake);
  return v === undefined ? undefined : doubleValue(v, camel);
}

function enumField(o: J, camel: string, snake: string, names: Record<string, number>): number {
  const v = get(o, camel, snake);
  if (v === undefined) return 0;
  if (typeof v === 'string' && Object.hasOwn(names, v)) return names[v]!;
  if (typeof v === 'number' && Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff) return v;
  bad(camel, 'expected an enum name or a 32-bit integer');
}

/** Nibble value of an ASCII hex digit (either case), or -1. */
const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  NIBBLE['0123456789abcdef'.charCodeAt(i)] = i;
  NIBBLE['0123456789ABCDEF'.charCodeAt(i)] = i;
}

function idField(o: J, camel: string, snake: string, size: number): Uint8Array {
  const v = get(o, camel, snake);
  if (v === undefined || v === '') return NO_BYTES;
  if (typeof v !== 'string' || v.length !== size * 2) bad(camel, `expected ${size * 2} hex digits`);
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    const hi = v.charCodeAt(2 * i);
    const lo = v.charCodeAt(2 * i + 1);
    const h = hi < 128 ? NIBBLE[hi]! : -1;
    const l = lo < 128 ? NIBBLE[lo]! : -1;
    if (h < 0 || l < 0) bad(camel, `expected ${size * 2} hex digits`);
    out[i] = (h << 4) | l;
  }
  return out;
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

function base64Value(v: unknown, key: string): Uint8Array {
  if (typeof v !== 'string' || !BASE64.test(v)) bad(key, 'expected base64');
  const data = v.replace(/=+$/, '');
  if (data.length % 4 === 1) bad(key, 'expected base64');
  return Uint8Array.from(Buffer.from(data, 'base64'));
}

/** Each element of an array field, with the path kept right. */
function each<T>(o: J, camel: string, snake: string, fn: (v: unknown) => T): T[] {
  const arr = arrayField(o, camel, snake);
  const out: T[] = [];
  path.push(camel);
  for (let i = 0; i < arr.length; i++) {
    path.push(i);
    out.push(fn(arr[i]));
    path.pop();
  }
  path.pop();
  return out;
}

/** An array element that must be an object (null counts as an empty one). */
function element(v: unknown): J {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) {
    const at = pathString();
    throw new DecodeError(`${at}: expected an object`);
  }
  return v;
}

/** A nested message field: runs `fn` on it (or on `{}` when absent) with the path extended. */
function nested<T>(o: J, camel: string, snake: string, fn: (m: J) => T): T {
  const m = objectField(o, camel, snake) ?? {};
  path.push(camel);
  const out = fn(m);
  path.pop();
  return out;
}

// ---- common messages ---------------------------------------------------------------------

function anyValue(o: J, depth: number): AnyValue {
  if (depth > MAX_ANY_DEPTH) {
    const at = pathString();
    throw new DecodeError(`${at}: AnyValue nested deeper than ${MAX_ANY_DEPTH} levels`);
  }
  let v = get(o, 'stringValue', 'string_value');
  if (v !== undefined) return { stringValue: stringField(o, 'stringValue', 'string_value') };
  v = get(o, 'boolValue', 'bool_value');
  if (v !== undefined) return { boolValue: boolField(o, 'boolValue', 'bool_value') };
  v = get(o, 'intValue', 'int_value');
  if (v !== undefined) return { intValue: int64Value(v, 'intValue') };
  v = get(o, 'doubleValue', 'double_value');
  if (v !== undefined) return { doubleValue: doubleValue(v, 'doubleValue') };
  v = get(o, 'arrayValue', 'array_value');
  if (v !== undefined) {
    const values = nested(o, 'arrayValue', 'array_value', (a) =>
      each(a, 'values', 'values', (x) => anyValue(element(x), depth + 1)),
    );
    return { arrayValue: { values } };
  }
  v = get(o, 'kvlistValue', 'kvlist_value');
  if (v !== undefined) {
    const values = nested(o, 'kvlistValue', 'kvlist_value', (k) =>
      each(k, 'values', 'values', (x) => keyValue(element(x), depth + 1)),
    );
    return { kvlistValue: { values } };
  }
  v = get(o, 'bytesValue', 'bytes_value');
  if (v !== undefined) return { bytesValue: base64Value(v, 'bytesValue') };
  return {};
}

function keyValue(o: J, depth: number): KeyValue {
  return {
    key: stringField(o, 'key', 'key'),
    value: nested(o, 'value', 'value', (v) => anyValue(v, depth)),
  };
}

function attributes(o: J, camel: string, snake: string): KeyValue[] {
  return each(o, camel, snake, (x) => keyValue(element(x), 1));
}

function resource(o: J): Resource {
  return {
    attributes: attributes(o, 'attributes', 'attributes'),
    droppedAttributesCount: uint32Field(o, 'droppedAttributesCount', 'dropped_attributes_count'),
  };
}

function scope(o: J): InstrumentationScope {
  return {
    name: stringField(o, 'name', 'name'),
    version: stringField(o, 'version', 'version'),
    attributes: attributes(o, 'attributes', 'attributes'),
    droppedAttributesCount: uint32Field(o, 'droppedAttributesCount', 'dropped_attributes_count'),
  };
}

// ---- enums -----------------------------------------------------------------------------------

const SPAN_KIND: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const STATUS_CODE: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };
const TEMPORALITY: Record<string, number> = {
  AGGREGATION_TEMPORALITY_UNSPECIFIED: 0,
  AGGREGATION_TEMPORALITY_DELTA: 1,
  AGGREGATION_TEMPORALITY_CUMULATIVE: 2,
};
const SEVERITY: Record<string, number> = { SEVERITY_NUMBER_UNSPECIFIED: 0 };
for (const [i, n] of ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].entries()) {
  SEVERITY[`SEVERITY_NUMBER_${n}`] = i * 4 + 1;
  for (let k = 2; k <= 4; k++) SEVERITY[`SEVERITY_NUMBER_${n}${k}`] = i * 4 + k;
}

// ---- traces ---------------------------------------------------------------------------------

function span(o: J): Span {
  return {
    traceId: idField(o, 'traceId', 'trace_id', 16),
    spanId: idField(o, 'spanId', 'span_id', 8),
    traceState: stringField(o, 'traceState', 'trace_state'),
    parentSpanId: idField(o, 'parentSpanId', 'parent_span_id', 8),
    flags: uint32Field(o, 'flags', 'flags'),
    name: stringField(o, 'name', 'name'),
    kind: enumField(o, 'kind', 'kind', SPAN_KIND),
    startTimeUnixNano: nanosField(o, 'startTimeUnixNano', 'start_time_unix_nano'),
    endTimeUnixNano: nanosField(o, 'endTimeUnixNano', 'end_time_unix_nano'),
    attributes: attributes(o, 'attributes', 'attributes'),
    droppedAttributesCount: uint32Field(o, 'droppedAttributesCount', 'dropped_attributes_count'),
    events: each(o, 'events', 'events', (x) => event(element(x))),
    droppedEventsCount: uint32Field(o, 'droppedEventsCount', 'dropped_events_count'),
    links: each(o, 'links', 'links', (x) => link(element(x))),
    droppedLinksCount: uint32Field(o, 'droppedLinksCount', 'dropped_links_count'),
    status: nested(o, 'status', 'status', (st) => ({
      message: stringField(st, 'message', 'message'),
      code: enumField(st, 'code', 'code', STATUS_CODE),
    })),
  };
}

function event(o: J): SpanEvent {
  return {
    timeUnixNano: nanosField(o, 'timeUnixNano', 'time_unix_nano'),
    name: stringField(o, 'name', 'name'),
    attributes: attributes(o, 'attributes', 'attributes'),
    droppedAttributesCount: uint32Field(o, 'droppedAttributesCount', 'dropped_attributes_count'),
  };
}

function link(o: J): SpanLink {
  return {
    traceId: idField(o, 'traceId', 'trace_id', 16),
    spanId: idField(o, 'spanId', 'span_id', 8),
    traceState: stringField(o, 'traceState', 'trace_state'),
    attributes: attributes(o, 'attributes', 'attributes'),
    droppedAttributesCount: uint32Field(o, 'droppedAttributesCount', 'dropped_attributes_count'),
    flags: uint32Field(o, 'flags', 'flags'),
  };
}

// ---- logs -----------------------------------------------------------------------------------

function logRecord(o: J): LogRecord {
  return {
    timeUnixNano: nanosField(o, 'timeUnixNano', 'time_unix_nano'),
    observedTimeUnixNano: nanosField(o, 'observedTimeUnixNano', 'observed_time_unix_nano'),
    severityNumber: enumField(o, 'severityNumber', 'severity_number', SEVERITY),
    severityText: stringField(o, 'severityText', 'severity_text'),
    body: nested(o, 'body', 'body', (b) => anyValue(b, 1)),
    attributes: attributes(o, 'attributes', 'attributes'),
    droppedAttributesCount: uint32Field(o, 'droppedAttributesCount', 'dropped_attributes_count'),
    flags: uint32Field(o, 'flags', 'flags'),
    traceId: idField(o, 'traceId', 'trace_id', 16),
    spanId: idField(o, 'spanId', 'span_id', 8),
    eventName: stringField(o, 'eventName', 'event_name'),
  };
}

// ---- metrics --------------------------------------------------------------------------------

/** Sets asDouble or asInt (the oneof) on `target` when present. */
function numberValue(o: J, target: { asDouble?: number; asInt?: number | bigint }): void {
  const d = get(o, 'asDouble', 'as_double');
  if (d !== undefined) {
    target.asDouble = doubleValue(d, 'asDouble');
    return;
  }
  const i = get(o, 'asInt', 'as_int');
  if (i !== undefined) target.asInt = int64Value(i, 'asInt');
}

function exemplar(o: J): Exemplar {
  const e: Exemplar = {
    filteredAttributes: attributes(o, 'filteredAttributes', 'filtered_attributes'),
    timeUnixNano: nanosField(o, 'timeUnixNano', 'time_unix_nano'),
    spanId: idField(o, 'spanId', 'span_id', 8),
    traceId: idField(o, 'traceId', 'trace_id', 16),
  };
  numberValue(o, e);
  return e;
}

function exemplars(o: J): Exemplar[] {
  return each(o, 'exemplars', 'exemplars', (x) => exemplar(element(x)));
}

function numberPoint(o: J): NumberDataPoint {
  const p: NumberDataPoint = {
    attributes: attributes(o, 'attributes', 'attributes'),
    startTimeUnixNano: nanosField(o, 'startTimeUnixNano', 'start_time_unix_nano'),
    timeUnixNano: nanosField(o, 'timeUnixNano', 'time_unix_nano'),
    exemplars: exemplars(o),
    flags: uint32Field(o, 'flags', 'flags'),
  };
  numberValue(o, p);
  return p;
}

/** Optional doubles exist as keys only when present. */
function setOptional(p: { sum?: number; min?: number; max?: number }, o: J): void {
  const sum = optionalDouble(o, 'sum', 'sum');
  if (sum !== undefined) p.sum = sum;
  const min = optionalDouble(o, 'min', 'min');
  if (min !== undefined) p.min = min;
  const max = optionalDouble(o, 'max', 'max');
  if (max !== undefined) p.max = max;
}

function histogramPoint(o: J): HistogramDataPoint {
  const p: HistogramDataPoint = {
    attributes: attributes(o, 'attributes', 'attributes'),
    startTimeUnixNano: nanosField(o, 'startTimeUnixNano', 'start_time_unix_nano'),
    timeUnixNano: nanosField(o, 'timeUnixNano', 'time_unix_nano'),
    count: countField(o, 'count', 'count'),
    bucketCounts: each(o, 'bucketCounts', 'bucket_counts', (x) => countValue(x, '')),
    explicitBounds: each(o, 'explicitBounds', 'explicit_bounds', (x) => doubleValue(x, '')),
    exemplars: exemplars(o),
    flags: uint32Field(o, 'flags', 'flags'),
  };
  setOptional(p, o);
  return p;
}

function buckets(o: J): ExponentialHistogramBuckets {
  return {
    offset: int32Field(o, 'offset', 'offset'),
    bucketCounts: each(o, 'bucketCounts', 'bucket_counts', (x) => countValue(x, '')),
  };
}

function expPoint(o: J): ExponentialHistogramDataPoint {
  const p: ExponentialHistogramDataPoint = {
    attributes: attributes(o, 'attributes', 'attributes'),
    startTimeUnixNano: nanosField(o, 'startTimeUnixNano', 'start_time_unix_nano'),
    timeUnixNano: nanosField(o, 'timeUnixNano', 'time_unix_nano'),
    count: countField(o, 'count', 'count'),
    scale: int32Field(o, 'scale', 'scale'),
    zeroCount: countField(o, 'zeroCount', 'zero_count'),
    positive: nested(o, 'positive', 'positive', buckets),
    negative: nested(o, 'negative', 'negative', buckets),
    flags: uint32Field(o, 'flags', 'flags'),
    exemplars: exemplars(o),
    zeroThreshold: doubleField(o, 'zeroThreshold', 'zero_threshold'),
  };
  setOptional(p, o);
  return p;
}

function quantile(o: J): ValueAtQuantile {
  return { quantile: doubleField(o, 'quantile', 'quantile'), value: doubleField(o, 'value', 'value') };
}

function summaryPoint(o: J): SummaryDataPoint {
  return {
    attributes: attributes(o, 'attributes', 'attributes'),
    startTimeUnixNano: nanosField(o, 'startTimeUnixNano', 'start_time_unix_nano'),
    timeUnixNano: nanosField(o, 'timeUnixNano', 'time_unix_nano'),
    count: countField(o, 'count', 'count'),
    sum: doubleField(o, 'sum', 'sum'),
    quantileValues: each(o, 'quantileValues', 'quantile_values', (x) => quantile(element(x))),
    flags: uint32Field(o, 'flags', 'flags'),
  };
}

function points<P>(d: J, fn: (o: J) => P): P[] {
  return each(d, 'dataPoints', 'data_points', (x) => fn(element(x)));
}

function temporality(d: J): number {
  return enumField(d, 'aggregationTemporality', 'aggregation_temporality', TEMPORALITY);
}

function metricData(o: J): MetricData | null {
  if (get(o, 'gauge', 'gauge') !== undefined)
    return nested(o, 'gauge', 'gauge', (d) => ({ type: 'gauge', dataPoints: points(d, numberPoint) }));
  if (get(o, 'sum', 'sum') !== undefined)
    return nested(o, 'sum', 'sum', (d) => ({
      type: 'sum',
      dataPoints: points(d, numberPoint),
      aggregationTemporality: temporality(d),
      isMonotonic: boolField(d, 'isMonotonic', 'is_monotonic'),
    }));
  if (get(o, 'histogram', 'histogram') !== undefined)
    return nested(o, 'histogram', 'histogram', (d) => ({
      type: 'histogram',
      dataPoints: points(d, histogramPoint),
      aggregationTemporality: temporality(d),
    }));
  if (get(o, 'exponentialHistogram', 'exponential_histogram') !== undefined)
    return nested(o, 'exponentialHistogram', 'exponential_histogram', (d) => ({
      type: 'exponentialHistogram',
      dataPoints: points(d, expPoint),
      aggregationTemporality: temporality(d),
    }));
  if (get(o, 'summary', 'summary') !== undefined)
    return nested(o, 'summary', 'summary', (d) => ({ type: 'summary', dataPoints: points(d, summaryPoint) }));
  return null;
}

function metric(o: J): Metric {
  return {
    name: stringField(o, 'name', 'name'),
    description: stringField(o, 'description', 'description'),
    unit: stringField(o, 'unit', 'unit'),
    metadata: attributes(o, 'metadata', 'metadata'),
    data: metricData(o),
  };
}

// ---- request layout ---------------------------------------------------------------------------

interface JsonLayout {
  /** JSON and proto names of the resource groups, scope groups and items. */
  names: readonly [string, string, string, string, string, string];
  item(o: J): unknown;
}

const LAYOUTS: Record<Signal, JsonLayout> = {
  traces: {
    names: ['resourceSpans', 'resource_spans', 'scopeSpans', 'scope_spans', 'spans', 'spans'],
    item: span,
  },
  metrics: {
    names: ['resourceMetrics', 'resource_metrics', 'scopeMetrics', 'scope_metrics', 'metrics', 'metrics'],
    item: metric,
  },
  logs: {
    names: ['resourceLogs', 'resource_logs', 'scopeLogs', 'scope_logs', 'logRecords', 'log_records'],
    item: logRecord,
  },
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes an Export<Signal>ServiceRequest in OTLP/JSON (text, or UTF-8 bytes). */
export function decodeJsonRequest<S extends Signal>(signal: S, text: string | Uint8Array): SignalData<S> {
  let source: string;
  if (typeof text === 'string') source = text;
  else {
    try {
      source = utf8.decode(text);
    } catch {
      throw new DecodeError('invalid JSON: the body is not valid UTF-8');
    }
  }
  let root: unknown;
  try {
    // A byte order mark is not JSON, but harmless (TextDecoder already drops it from bytes).
    root = JSON.parse(source.charCodeAt(0) === 0xfeff ? source.slice(1) : source);
  } catch (e) {
    throw new DecodeError(`invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const [rc, rs, sc, ss, ic, is] = LAYOUTS[signal].names;
  const item = LAYOUTS[signal].item;
  path.length = 0;
  try {
    if (!isObject(root)) throw new DecodeError('(root): expected an object');
    const groups = each(root, rc, rs, (r) => {
      const ro = element(r);
      return {
        resource: nested(ro, 'resource', 'resource', resource),
        [sc]: each(ro, sc, ss, (s) => {
          const so = element(s);
          return {
            scope: nested(so, 'scope', 'scope', scope),
            [ic]: each(so, ic, is, (x) => item(element(x))),
            schemaUrl: stringField(so, 'schemaUrl', 'schema_url'),
          };
        }),
        schemaUrl: stringField(ro, 'schemaUrl', 'schema_url'),
      };
    });
    return { [rc]: groups } as unknown as SignalData<S>;
  } catch (e) {
    if (e instanceof DecodeError) throw e;
    // Defensive: nothing else should escape, but only DecodeError may. The prefix marks a
    // decoder bug (the fuzz tests look for it).
    throw new DecodeError(
      `${INTERNAL_ERROR} at ${pathString()}: ${e instanceof Error ? e.message : String(e)}`,
    );
  } finally {
    path.length = 0;
  }
}

// ---- encoding -------------------------------------------------------------------------------

const HEX_BYTE: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX_BYTE[b[i]!]!;
  return s;
}

function base64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
}

/** A double as OTLP/JSON writes it: non-finite values by name, −0 as "-0" (JSON numbers lose it). */
function dbl(v: number): number | string {
  if (v === 0 && 1 / v < 0) return '-0';
  if (Number.isFinite(v)) return v;
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}

/** +0 is a double's default; −0 and NaN are kept. */
function isZero(v: number): boolean {
  return v === 0 && 1 / v > 0;
}

function anyJson(v: AnyValue): J {
  const a = v as {
    stringValue?: string;
    boolValue?: boolean;
    intValue?: number | bigint;
    doubleValue?: number;
    bytesValue?: Uint8Array;
    arrayValue?: { values: AnyValue[] };
    kvlistValue?: { values: KeyValue[] };
  };
  if (a.stringValue !== undefined) return { stringValue: a.stringValue };
  if (a.intValue !== undefined) return { intValue: String(a.intValue) };
  if (a.boolValue !== undefined) return { boolValue: a.boolValue };
  if (a.doubleValue !== undefined) return { doubleValue: dbl(a.doubleValue) };
  if (a.arrayValue !== undefined) return { arrayValue: { values: a.arrayValue.values.map(anyJson) } };
  if (a.kvlistValue !== undefined) return { kvlistValue: { values: a.kvlistValue.values.map(kvJson) } };
  if (a.bytesValue !== undefined) return { bytesValue: base64(a.bytesValue) };
  return {};
}

function kvJson(kv: KeyValue): J {
  return { key: kv.key, value: anyJson(kv.value) };
}

/** Sets `key` on `o` unless `v` is the default (0, '', empty list/bytes, 0n). */
function put(o: J, key: string, v: unknown): void {
  if (v === 0 || v === '' || v === 0n || v === false) return;
  if (Array.isArray(v) && v.length === 0) return;
  o[key] = v;
}

function putAttrs(o: J, key: string, attrs: KeyValue[]): void {
  if (attrs.length !== 0) o[key] = attrs.map(kvJson);
}

function putId(o: J, key: string, id: Uint8Array): void {
  if (id.length !== 0) o[key] = hex(id);
}

function putNanos(o: J, key: string, v: bigint | number): void {
  if (v != 0) o[key] = String(v);
}

function resourceJson(r: Resource): J {
  const o: J = {};
  putAttrs(o, 'attributes', r.attributes);
  put(o, 'droppedAttributesCount', r.droppedAttributesCount);
  return o;
}

function scopeJson(s: InstrumentationScope): J {
  const o: J = {};
  put(o, 'name', s.name);
  put(o, 'version', s.version);
  putAttrs(o, 'attributes', s.attributes);
  put(o, 'droppedAttributesCount', s.droppedAttributesCount);
  return o;
}

function spanJson(s: Span): J {
  const o: J = {};
  putId(o, 'traceId', s.traceId);
  putId(o, 'spanId', s.spanId);
  put(o, 'traceState', s.traceState);
  putId(o, 'parentSpanId', s.parentSpanId);
  put(o, 'flags', s.flags);
  put(o, 'name', s.name);
  put(o, 'kind', s.kind);
  putNanos(o, 'startTimeUnixNano', s.startTimeUnixNano);
  putNanos(o, 'endTimeUnixNano', s.endTimeUnixNano);
  putAttrs(o, 'attributes', s.attributes);
  put(o, 'droppedAttributesCount', s.droppedAttributesCount);
  if (s.events.length !== 0)
    o.events = s.events.map((e) => {
      const eo: J = {};
      putNanos(eo, 'timeUnixNano', e.timeUnixNano);
      put(eo, 'name', e.name);
      putAttrs(eo, 'attributes', e.attributes);
      put(eo, 'droppedAttributesCount', e.droppedAttributesCount);
      return eo;
    });
  put(o, 'droppedEventsCount', s.droppedEventsCount);
  if (s.links.length !== 0)
    o.links = s.links.map((l) => {
      const lo: J = {};
      putId(lo, 'traceId', l.traceId);
      putId(lo, 'spanId', l.spanId);
      put(lo, 'traceState', l.traceState);
      putAttrs(lo, 'attributes', l.attributes);
      put(lo, 'droppedAttributesCount', l.droppedAttributesCount);
      put(lo, 'flags', l.flags);
      return lo;
    });
  put(o, 'droppedLinksCount', s.droppedLinksCount);
  if (s.status.code !== 0 || s.status.message !== '') {
    const st: J = {};
    put(st, 'message', s.status.message);
    put(st, 'code', s.status.code);
    o.status = st;
  }
  return o;
}

function isEmptyValue(v: AnyValue): boolean {
  for (const _ in v) return false;
  return true;
}

function logJson(l: LogRecord): J {
  const o: J = {};
  putNanos(o, 'timeUnixNano', l.timeUnixNano);
  putNanos(o, 'observedTimeUnixNano', l.observedTimeUnixNano);
  put(o, 'severityNumber', l.severityNumber);
  put(o, 'severityText', l.severityText);
  if (!isEmptyValue(l.body)) o.body = anyJson(l.body);
  putAttrs(o, 'attributes', l.attributes);
  put(o, 'droppedAttributesCount', l.droppedAttributesCount);
  put(o, 'flags', l.flags);
  putId(o, 'traceId', l.traceId);
  putId(o, 'spanId', l.spanId);
  put(o, 'eventName', l.eventName);
  return o;
}

function putValue(o: J, p: { asDouble?: number; asInt?: number | bigint }): void {
  if (p.asDouble !== undefined) o.asDouble = dbl(p.asDouble);
  else if (p.asInt !== undefined) o.asInt = String(p.asInt);
}

function exemplarJson(e: Exemplar): J {
  const o: J = {};
  putAttrs(o, 'filteredAttributes', e.filteredAttributes);
  putNanos(o, 'timeUnixNano', e.timeUnixNano);
  putValue(o, e);
  putId(o, 'spanId', e.spanId);
  putId(o, 'traceId', e.traceId);
  return o;
}

function pointBase(p: {
  attributes: KeyValue[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  flags: number;
}): J {
  const o: J = {};
  putAttrs(o, 'attributes', p.attributes);
  putNanos(o, 'startTimeUnixNano', p.startTimeUnixNano);
  putNanos(o, 'timeUnixNano', p.timeUnixNano);
  put(o, 'flags', p.flags);
  return o;
}

function putExemplars(o: J, ex: Exemplar[]): void {
  if (ex.length !== 0) o.exemplars = ex.map(exemplarJson);
}

function putCount(o: J, key: string, v: number): void {
  if (v !== 0) o[key] = String(v);
}

function putOptional(o: J, p: { sum?: number; min?: number; max?: number }): void {
  if (p.sum !== undefined) o.sum = dbl(p.sum);
  if (p.min !== undefined) o.min = dbl(p.min);
  if (p.max !== undefined) o.max = dbl(p.max);
}

function numberPointJson(p: NumberDataPoint): J {
  const o = pointBase(p);
  putValue(o, p);
  putExemplars(o, p.exemplars);
  return o;
}

function histogramPointJson(p: HistogramDataPoint): J {
  const o = pointBase(p);
  putCount(o, 'count', p.count);
  if (p.bucketCounts.length !== 0) o.bucketCounts = p.bucketCounts.map(String);
  if (p.explicitBounds.length !== 0) o.explicitBounds = p.explicitBounds.map(dbl);
  putExemplars(o, p.exemplars);
  putOptional(o, p);
  return o;
}

function bucketsJson(b: ExponentialHistogramBuckets): J | undefined {
  if (b.offset === 0 && b.bucketCounts.length === 0) return undefined;
  const o: J = {};
  put(o, 'offset', b.offset);
  if (b.bucketCounts.length !== 0) o.bucketCounts = b.bucketCounts.map(String);
  return o;
}

function expPointJson(p: ExponentialHistogramDataPoint): J {
  const o = pointBase(p);
  putCount(o, 'count', p.count);
  put(o, 'scale', p.scale);
  putCount(o, 'zeroCount', p.zeroCount);
  const pos = bucketsJson(p.positive);
  if (pos) o.positive = pos;
  const neg = bucketsJson(p.negative);
  if (neg) o.negative = neg;
  putExemplars(o, p.exemplars);
  putOptional(o, p);
  if (!isZero(p.zeroThreshold)) o.zeroThreshold = dbl(p.zeroThreshold);
  return o;
}

function summaryPointJson(p: SummaryDataPoint): J {
  const o = pointBase(p);
  putCount(o, 'count', p.count);
  if (!isZero(p.sum)) o.sum = dbl(p.sum);
  if (p.quantileValues.length !== 0)
    o.quantileValues = p.quantileValues.map((q) => {
      const qo: J = {};
      if (!isZero(q.quantile)) qo.quantile = dbl(q.quantile);
      if (!isZero(q.value)) qo.value = dbl(q.value);
      return qo;
    });
  return o;
}

function metricJson(m: Metric): J {
  const o: J = {};
  put(o, 'name', m.name);
  put(o, 'description', m.description);
  put(o, 'unit', m.unit);
  const d = m.data;
  if (d) {
    const body: J = {};
    switch (d.type) {
      case 'gauge':
        body.dataPoints = d.dataPoints.map(numberPointJson);
        break;
      case 'sum':
        body.dataPoints = d.dataPoints.map(numberPointJson);
        put(body, 'aggregationTemporality', d.aggregationTemporality);
        put(body, 'isMonotonic', d.isMonotonic);
        break;
      case 'histogram':
        body.dataPoints = d.dataPoints.map(histogramPointJson);
        put(body, 'aggregationTemporality', d.aggregationTemporality);
        break;
      case 'exponentialHistogram':
        body.dataPoints = d.dataPoints.map(expPointJson);
        put(body, 'aggregationTemporality', d.aggregationTemporality);
        break;
      case 'summary':
        body.dataPoints = d.dataPoints.map(summaryPointJson);
        break;
    }
    o[d.type] = body;
  }
  putAttrs(o, 'metadata', m.metadata);
  return o;
}

function groupsJson<
  R extends { resource: Resource; schemaUrl: string },
  S extends { scope: InstrumentationScope; schemaUrl: string },
  I,
>(
  resources: R[],
  names: readonly [string, string],
  scopesOf: (r: R) => S[],
  itemsOf: (s: S) => I[],
  item: (i: I) => J,
): J[] {
  return resources.map((r) => {
    const ro: J = { resource: resourceJson(r.resource) };
    ro[names[0]] = scopesOf(r).map((s) => {
      const so: J = { scope: scopeJson(s.scope) };
      so[names[1]] = itemsOf(s).map(item);
      put(so, 'schemaUrl', s.schemaUrl);
      return so;
    });
    put(ro, 'schemaUrl', r.schemaUrl);
    return ro;
  });
}

/** Encodes an Export<Signal>ServiceRequest as OTLP/JSON text. */
export function encodeJsonRequest<S extends Signal>(signal: S, data: SignalData<S>): string {
  switch (signal) {
    case 'traces': {
      const d = data as TracesData;
      return JSON.stringify({
        resourceSpans: groupsJson(
          d.resourceSpans,
          ['scopeSpans', 'spans'],
          (r) => r.scopeSpans,
          (s) => s.spans,
          spanJson,
        ),
      });
    }
    case 'metrics': {
      const d = data as MetricsData;
      return JSON.stringify({
        resourceMetrics: groupsJson(
          d.resourceMetrics,
          ['scopeMetrics', 'metrics'],
          (r) => r.scopeMetrics,
          (s) => s.metrics,
          metricJson,
        ),
      });
    }
    default: {
      const d = data as LogsData;
      return JSON.stringify({
        resourceLogs: groupsJson(
          d.resourceLogs,
          ['scopeLogs', 'logRecords'],
          (r) => r.scopeLogs,
          (s) => s.logRecords,
          logJson,
        ),
      });
    }
  }
}
