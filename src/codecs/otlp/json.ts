// OTLP/JSON (the protobuf JSON mapping with OTLP's exceptions): lowerCamelCase keys, trace and
// span ids as hex, bytes values as base64, 64-bit integers as decimal strings (numbers are also
// accepted on input), enums as integers (names also accepted). Unknown fields are ignored and
// null means absent. Wrong types throw DecodeError naming the JSON path.
import type { AnyValue, InstrumentationScope, KeyValue, Resource, Signal } from '../../model/common.ts';
import type { LogRecord } from '../../model/logs.ts';
import type {
  Exemplar,
  ExponentialHistogramBuckets,
  Metric,
  MetricData,
  NumberDataPoint,
} from '../../model/metrics.ts';
import type { SignalData } from '../../model/signal.ts';
import type { Span, SpanEvent, SpanLink } from '../../model/traces.ts';
import { DecodeError } from './decode-error.ts';

type J = Record<string, unknown>;
const EMPTY = new Uint8Array(0);
const MAX_DEPTH = 32;

function bad(path: string, what: string): never {
  throw new DecodeError(`${path}: ${what}`);
}

function obj(v: unknown, path: string): J | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) bad(path, 'expected an object');
  return v as J;
}

function arr(v: unknown, path: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) bad(path, 'expected an array');
  return v;
}

function str(v: unknown, path: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') bad(path, 'expected a string');
  return v;
}

function bool(v: unknown, path: string): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') bad(path, 'expected true or false');
  return v;
}

function num(v: unknown, path: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (v === 'NaN') return NaN;
    if (v === 'Infinity') return Infinity;
    if (v === '-Infinity') return -Infinity;
    const n = Number(v);
    if (v.trim() !== '' && !Number.isNaN(n)) return n;
  }
  bad(path, 'expected a number');
}

const INT_RE = /^-?\d{1,20}$/;

/** int64 as number when safe else bigint; accepts numbers and decimal strings. */
function int64(v: unknown, path: string): number | bigint {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) bad(path, 'expected an integer');
    return v;
  }
  if (typeof v === 'string' && INT_RE.test(v)) {
    const n = Number(v);
    if (Number.isSafeInteger(n)) return n;
    const b = BigInt(v);
    if (b > 0xffffffffffffffffn || b < -0x8000000000000000n) bad(path, 'integer out of 64-bit range');
    return BigInt.asIntN(64, b);
  }
  bad(path, 'expected an integer string');
}

/** Unsigned 64-bit nanosecond timestamps → bigint. */
function nanos(v: unknown, path: string): bigint {
  if (v === undefined || v === null) return 0n;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === 'string' && /^\d{1,20}$/.test(v)) {
    const b = BigInt(v);
    if (b > 0xffffffffffffffffn) bad(path, 'timestamp out of 64-bit range');
    return b;
  }
  bad(path, 'expected an integer string');
}

function uint(v: unknown, path: string): number {
  const n = int64(v, path);
  if (typeof n === 'bigint' || n < 0) bad(path, 'expected a non-negative integer');
  return n;
}

function enumValue(v: unknown, names: Record<string, number>, path: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string') {
    if (v in names) return names[v]!;
    if (/^-?\d+$/.test(v)) return Number(v);
  }
  bad(path, `expected one of ${Object.keys(names).join(', ')} or an integer`);
}

function hexId(v: unknown, size: number, path: string): Uint8Array {
  const s = str(v, path);
  if (s === '') return EMPTY;
  if (s.length !== size * 2 || !/^[0-9a-fA-F]+$/.test(s)) bad(path, `expected ${size * 2} hex digits`);
  return Buffer.from(s, 'hex');
}

function base64(v: unknown, path: string): Uint8Array {
  const s = str(v, path);
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(s)) bad(path, 'expected base64');
  return Buffer.from(s, 'base64');
}

function anyValue(v: unknown, path: string, depth: number): AnyValue {
  if (depth > MAX_DEPTH) bad(path, `nested deeper than ${MAX_DEPTH}`);
  const o = obj(v, path);
  if (!o) return {};
  if (o.stringValue != null) return { stringValue: str(o.stringValue, `${path}.stringValue`) };
  if (o.boolValue != null) return { boolValue: bool(o.boolValue, `${path}.boolValue`) };
  if (o.intValue != null) return { intValue: int64(o.intValue, `${path}.intValue`) };
  if (o.doubleValue != null) return { doubleValue: num(o.doubleValue, `${path}.doubleValue`) };
  if (o.bytesValue != null) return { bytesValue: base64(o.bytesValue, `${path}.bytesValue`) };
  if (o.arrayValue != null) {
    const a = obj(o.arrayValue, `${path}.arrayValue`)!;
    return {
      arrayValue: {
        values: arr(a.values, `${path}.arrayValue.values`).map((x, i) =>
          anyValue(x, `${path}.arrayValue.values[${i}]`, depth + 1),
        ),
      },
    };
  }
  if (o.kvlistValue != null) {
    const k = obj(o.kvlistValue, `${path}.kvlistValue`)!;
    return { kvlistValue: { values: attrs(k.values, `${path}.kvlistValue.values`, depth + 1) } };
  }
  return {};
}

function attrs(v: unknown, path: string, depth = 0): KeyValue[] {
  return arr(v, path).map((x, i) => {
    const p = `${path}[${i}]`;
    const o = obj(x, p) ?? {};
    return { key: str(o.key, `${p}.key`), value: anyValue(o.value, `${p}.value`, depth + 1) };
  });
}

function resource(v: unknown, path: string): Resource {
  const o = obj(v, path) ?? {};
  return {
    attributes: attrs(o.attributes, `${path}.attributes`),
    droppedAttributesCount: uint(o.droppedAttributesCount, `${path}.droppedAttributesCount`),
  };
}

function scope(v: unknown, path: string): InstrumentationScope {
  const o = obj(v, path) ?? {};
  return {
    name: str(o.name, `${path}.name`),
    version: str(o.version, `${path}.version`),
    attributes: attrs(o.attributes, `${path}.attributes`),
    droppedAttributesCount: uint(o.droppedAttributesCount, `${path}.droppedAttributesCount`),
  };
}

const SPAN_KIND = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const STATUS_CODE = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };
const TEMPORALITY = {
  AGGREGATION_TEMPORALITY_UNSPECIFIED: 0,
  AGGREGATION_TEMPORALITY_DELTA: 1,
  AGGREGATION_TEMPORALITY_CUMULATIVE: 2,
};
const SEVERITY: Record<string, number> = { SEVERITY_NUMBER_UNSPECIFIED: 0 };
['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].forEach((n, i) => {
  SEVERITY[`SEVERITY_NUMBER_${n}`] = i * 4 + 1;
  for (let k = 2; k <= 4; k++) SEVERITY[`SEVERITY_NUMBER_${n}${k}`] = i * 4 + k;
});

function span(v: unknown, p: string): Span {
  const o = obj(v, p) ?? {};
  const st = obj(o.status, `${p}.status`) ?? {};
  return {
    traceId: hexId(o.traceId, 16, `${p}.traceId`),
    spanId: hexId(o.spanId, 8, `${p}.spanId`),
    traceState: str(o.traceState, `${p}.traceState`),
    parentSpanId: hexId(o.parentSpanId, 8, `${p}.parentSpanId`),
    flags: uint(o.flags, `${p}.flags`),
    name: str(o.name, `${p}.name`),
    kind: enumValue(o.kind, SPAN_KIND, `${p}.kind`),
    startTimeUnixNano: nanos(o.startTimeUnixNano, `${p}.startTimeUnixNano`),
    endTimeUnixNano: nanos(o.endTimeUnixNano, `${p}.endTimeUnixNano`),
    attributes: attrs(o.attributes, `${p}.attributes`),
    droppedAttributesCount: uint(o.droppedAttributesCount, `${p}.droppedAttributesCount`),
    events: arr(o.events, `${p}.events`).map((x, i): SpanEvent => {
      const ep = `${p}.events[${i}]`;
      const e = obj(x, ep) ?? {};
      return {
        timeUnixNano: nanos(e.timeUnixNano, `${ep}.timeUnixNano`),
        name: str(e.name, `${ep}.name`),
        attributes: attrs(e.attributes, `${ep}.attributes`),
        droppedAttributesCount: uint(e.droppedAttributesCount, `${ep}.droppedAttributesCount`),
      };
    }),
    droppedEventsCount: uint(o.droppedEventsCount, `${p}.droppedEventsCount`),
    links: arr(o.links, `${p}.links`).map((x, i): SpanLink => {
      const lp = `${p}.links[${i}]`;
      const l = obj(x, lp) ?? {};
      return {
        traceId: hexId(l.traceId, 16, `${lp}.traceId`),
        spanId: hexId(l.spanId, 8, `${lp}.spanId`),
        traceState: str(l.traceState, `${lp}.traceState`),
        attributes: attrs(l.attributes, `${lp}.attributes`),
        droppedAttributesCount: uint(l.droppedAttributesCount, `${lp}.droppedAttributesCount`),
        flags: uint(l.flags, `${lp}.flags`),
      };
    }),
    droppedLinksCount: uint(o.droppedLinksCount, `${p}.droppedLinksCount`),
    status: {
      message: str(st.message, `${p}.status.message`),
      code: enumValue(st.code, STATUS_CODE, `${p}.status.code`),
    },
  };
}

function logRecord(v: unknown, p: string): LogRecord {
  const o = obj(v, p) ?? {};
  return {
    timeUnixNano: nanos(o.timeUnixNano, `${p}.timeUnixNano`),
    observedTimeUnixNano: nanos(o.observedTimeUnixNano, `${p}.observedTimeUnixNano`),
    severityNumber: enumValue(o.severityNumber, SEVERITY, `${p}.severityNumber`),
    severityText: str(o.severityText, `${p}.severityText`),
    body: anyValue(o.body, `${p}.body`, 0),
    attributes: attrs(o.attributes, `${p}.attributes`),
    droppedAttributesCount: uint(o.droppedAttributesCount, `${p}.droppedAttributesCount`),
    flags: uint(o.flags, `${p}.flags`),
    traceId: hexId(o.traceId, 16, `${p}.traceId`),
    spanId: hexId(o.spanId, 8, `${p}.spanId`),
    eventName: str(o.eventName, `${p}.eventName`),
  };
}

function optNum(v: unknown, path: string): number | undefined {
  return v === undefined || v === null ? undefined : num(v, path);
}

function numberValue(o: J, p: string, target: { asDouble?: number; asInt?: number | bigint }): void {
  if (o.asDouble != null) target.asDouble = num(o.asDouble, `${p}.asDouble`);
  else if (o.asInt != null) target.asInt = int64(o.asInt, `${p}.asInt`);
}

function exemplars(v: unknown, p: string): Exemplar[] {
  return arr(v, p).map((x, i) => {
    const ep = `${p}[${i}]`;
    const o = obj(x, ep) ?? {};
    const e: Exemplar = {
      filteredAttributes: attrs(o.filteredAttributes, `${ep}.filteredAttributes`),
      timeUnixNano: nanos(o.timeUnixNano, `${ep}.timeUnixNano`),
      spanId: hexId(o.spanId, 8, `${ep}.spanId`),
      traceId: hexId(o.traceId, 16, `${ep}.traceId`),
    };
    numberValue(o, ep, e);
    return e;
  });
}

function common(o: J, p: string) {
  return {
    attributes: attrs(o.attributes, `${p}.attributes`),
    startTimeUnixNano: nanos(o.startTimeUnixNano, `${p}.startTimeUnixNano`),
    timeUnixNano: nanos(o.timeUnixNano, `${p}.timeUnixNano`),
    flags: uint(o.flags, `${p}.flags`),
  };
}

function buckets(v: unknown, p: string): ExponentialHistogramBuckets {
  const o = obj(v, p) ?? {};
  return {
    offset: Number(int64(o.offset, `${p}.offset`)),
    bucketCounts: arr(o.bucketCounts, `${p}.bucketCounts`).map((c, i) => uint(c, `${p}.bucketCounts[${i}]`)),
  };
}

function metric(v: unknown, p: string): Metric {
  const o = obj(v, p) ?? {};
  const m: Metric = {
    name: str(o.name, `${p}.name`),
    description: str(o.description, `${p}.description`),
    unit: str(o.unit, `${p}.unit`),
    metadata: attrs(o.metadata, `${p}.metadata`),
    data: null,
  };
  const points = (body: J, bp: string) =>
    arr(body.dataPoints, `${bp}.dataPoints`).map(
      (x, i) => [obj(x, `${bp}.dataPoints[${i}]`) ?? {}, `${bp}.dataPoints[${i}]`] as const,
    );
  const temporality = (body: J, bp: string) =>
    enumValue(body.aggregationTemporality, TEMPORALITY, `${bp}.aggregationTemporality`);
  let d: MetricData | null = null;
  if (o.gauge != null || o.sum != null) {
    const key = o.gauge != null ? 'gauge' : 'sum';
    const bp = `${p}.${key}`;
    const body = obj(o[key], bp)!;
    const dataPoints = points(body, bp).map(([x, pp]) => {
      const pt: NumberDataPoint = { ...common(x, pp), exemplars: exemplars(x.exemplars, `${pp}.exemplars`) };
      numberValue(x, pp, pt);
      return pt;
    });
    d =
      key === 'gauge'
        ? { type: 'gauge', dataPoints }
        : {
            type: 'sum',
            dataPoints,
            aggregationTemporality: temporality(body, bp),
            isMonotonic: bool(body.isMonotonic, `${bp}.isMonotonic`),
          };
  } else if (o.histogram != null) {
    const bp = `${p}.histogram`;
    const body = obj(o.histogram, bp)!;
    d = {
      type: 'histogram',
      aggregationTemporality: temporality(body, bp),
      dataPoints: points(body, bp).map(([x, pp]) => ({
        ...common(x, pp),
        count: uint(x.count, `${pp}.count`),
        sum: optNum(x.sum, `${pp}.sum`),
        bucketCounts: arr(x.bucketCounts, `${pp}.bucketCounts`).map((c, i) =>
          uint(c, `${pp}.bucketCounts[${i}]`),
        ),
        explicitBounds: arr(x.explicitBounds, `${pp}.explicitBounds`).map((c, i) =>
          num(c, `${pp}.explicitBounds[${i}]`),
        ),
        exemplars: exemplars(x.exemplars, `${pp}.exemplars`),
        min: optNum(x.min, `${pp}.min`),
        max: optNum(x.max, `${pp}.max`),
      })),
    };
  } else if (o.exponentialHistogram != null) {
    const bp = `${p}.exponentialHistogram`;
    const body = obj(o.exponentialHistogram, bp)!;
    d = {
      type: 'exponentialHistogram',
      aggregationTemporality: temporality(body, bp),
      dataPoints: points(body, bp).map(([x, pp]) => ({
        ...common(x, pp),
        count: uint(x.count, `${pp}.count`),
        sum: optNum(x.sum, `${pp}.sum`),
        scale: Number(int64(x.scale, `${pp}.scale`)),
        zeroCount: uint(x.zeroCount, `${pp}.zeroCount`),
        positive: buckets(x.positive, `${pp}.positive`),
        negative: buckets(x.negative, `${pp}.negative`),
        exemplars: exemplars(x.exemplars, `${pp}.exemplars`),
        min: optNum(x.min, `${pp}.min`),
        max: optNum(x.max, `${pp}.max`),
        zeroThreshold: num(x.zeroThreshold, `${pp}.zeroThreshold`),
      })),
    };
  } else if (o.summary != null) {
    const bp = `${p}.summary`;
    const body = obj(o.summary, bp)!;
    d = {
      type: 'summary',
      dataPoints: points(body, bp).map(([x, pp]) => ({
        ...common(x, pp),
        count: uint(x.count, `${pp}.count`),
        sum: num(x.sum, `${pp}.sum`),
        quantileValues: arr(x.quantileValues, `${pp}.quantileValues`).map((q, i) => {
          const qo = obj(q, `${pp}.quantileValues[${i}]`) ?? {};
          return {
            quantile: num(qo.quantile, `${pp}.quantileValues[${i}].quantile`),
            value: num(qo.value, `${pp}.quantileValues[${i}].value`),
          };
        }),
      })),
    };
  }
  // Optional numeric fields that were absent must not appear as `undefined` keys with values.
  if (d)
    for (const pt of d.dataPoints as unknown as Array<Record<string, unknown>>)
      for (const k of ['sum', 'min', 'max']) if (pt[k] === undefined) delete pt[k];
  m.data = d;
  return m;
}

const LAYOUT = {
  traces: ['resourceSpans', 'scopeSpans', 'spans', span],
  metrics: ['resourceMetrics', 'scopeMetrics', 'metrics', metric],
  logs: ['resourceLogs', 'scopeLogs', 'logRecords', logRecord],
} as const;

export function decodeJsonRequest<S extends Signal>(signal: S, text: string | Uint8Array): SignalData<S> {
  let root: unknown;
  try {
    root = JSON.parse(
      typeof text === 'string'
        ? text
        : Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString('utf8'),
    );
  } catch (e) {
    throw new DecodeError(`invalid JSON: ${(e as Error).message}`);
  }
  const [rk, sk, ik, item] = LAYOUT[signal];
  try {
    const top = obj(root, '(root)') ?? {};
    const resources = arr(top[rk], rk).map((r, ri) => {
      const rp = `${rk}[${ri}]`;
      const ro = obj(r, rp) ?? {};
      return {
        resource: resource(ro.resource, `${rp}.resource`),
        schemaUrl: str(ro.schemaUrl, `${rp}.schemaUrl`),
        [sk]: arr(ro[sk], `${rp}.${sk}`).map((s, si) => {
          const sp = `${rp}.${sk}[${si}]`;
          const so = obj(s, sp) ?? {};
          return {
            scope: scope(so.scope, `${sp}.scope`),
            schemaUrl: str(so.schemaUrl, `${sp}.schemaUrl`),
            [ik]: arr(so[ik], `${sp}.${ik}`).map((x, i) =>
              (item as (v: unknown, p: string) => unknown)(x, `${sp}.${ik}[${i}]`),
            ),
          };
        }),
      };
    });
    return { [rk]: resources } as unknown as SignalData<S>;
  } catch (e) {
    if (e instanceof DecodeError) throw e;
    throw new DecodeError(`malformed OTLP/JSON: ${(e as Error).message}`);
  }
}

// ---- encoding -----------------------------------------------------------------------------

function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/** Converts model values to OTLP/JSON values (bigint → string, ids → hex, bytes → base64). */
function toJson(v: unknown, key: string): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) {
    if (key === 'bytesValue') return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
    return hex(v);
  }
  if (Array.isArray(v)) return v.map((x) => toJson(x, ''));
  if (v && typeof v === 'object') {
    const out: J = {};
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined) continue;
      if (k === 'data' && x && typeof x === 'object' && 'type' in x) {
        // Metric.data → the OTLP oneof key.
        const { type, ...body } = x as { type: string };
        out[type] = toJson(body, type);
        continue;
      }
      if ((k === 'intValue' || k === 'asInt') && typeof x === 'number') out[k] = String(x);
      else if (k === 'count' || k === 'zeroCount') out[k] = String(x);
      else if (k === 'bucketCounts') out[k] = (x as number[]).map(String);
      else out[k] = toJson(x, k);
    }
    return out;
  }
  if (typeof v === 'number' && !Number.isFinite(v))
    return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  return v;
}

export function encodeJsonRequest<S extends Signal>(_signal: S, data: SignalData<S>): string {
  return JSON.stringify(toJson(data, ''));
}
