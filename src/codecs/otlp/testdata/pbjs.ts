// An independent OTLP protobuf decoder for tests: protobufjs (a separate implementation of the
// wire format) with the message definitions in otlp.proto, converted into our model. Tests
// decode our encoder's bytes with it to prove they are wire-correct, and encode with it to feed
// our decoder. (protobufjs comes with @grpc/grpc-js's proto-loader.)
import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import type { AnyValue, InstrumentationScope, KeyValue, Resource, Signal } from '../../../model/common.ts';
import type { LogRecord } from '../../../model/logs.ts';
import type {
  Exemplar,
  ExponentialHistogramBuckets,
  Metric,
  MetricData,
  NumberDataPoint,
} from '../../../model/metrics.ts';
import type { SignalData } from '../../../model/signal.ts';
import type { Span } from '../../../model/traces.ts';

export const root = protobuf.parse(readFileSync(new URL('./otlp.proto', import.meta.url), 'utf8')).root;

const REQUEST: Record<Signal, string> = {
  traces: 'otlp.ExportTraceServiceRequest',
  metrics: 'otlp.ExportMetricsServiceRequest',
  logs: 'otlp.ExportLogsServiceRequest',
};

export function requestType(signal: Signal): protobuf.Type {
  return root.lookupType(REQUEST[signal]);
}

type O = Record<string, unknown>;

const TO_OBJECT: protobuf.IConversionOptions = { longs: String, defaults: true, arrays: true, oneofs: true };

/** Decodes a request with protobufjs and converts it into our model. */
export function pbjsDecode<S extends Signal>(signal: S, bytes: Uint8Array): SignalData<S> {
  const type = requestType(signal);
  const o = type.toObject(type.decode(bytes), TO_OBJECT) as O;
  const [rk, sk, ik] = (
    {
      traces: ['resourceSpans', 'scopeSpans', 'spans'],
      metrics: ['resourceMetrics', 'scopeMetrics', 'metrics'],
      logs: ['resourceLogs', 'scopeLogs', 'logRecords'],
    } as const
  )[signal];
  const item = { traces: span, metrics: metric, logs: logRecord }[signal] as (x: O) => unknown;
  return {
    [rk]: (o[rk] as O[]).map((r) => ({
      resource: resource(r.resource as O | null),
      [sk]: (r[sk] as O[]).map((s) => ({
        scope: scope(s.scope as O | null),
        [ik]: (s[ik] as O[]).map(item),
        schemaUrl: s.schemaUrl,
      })),
      schemaUrl: r.schemaUrl,
    })),
  } as unknown as SignalData<S>;
}

const big = (s: unknown): bigint => BigInt(s as string);
const int64 = (s: unknown): number | bigint => {
  const n = Number(s as string);
  return Number.isSafeInteger(n) ? n : BigInt(s as string);
};
const num = (s: unknown): number => Number(s as string);
const u8 = (b: unknown): Uint8Array => Uint8Array.from(b as Uint8Array);

function anyValue(v: O | null | undefined): AnyValue {
  if (!v || !v.value) return {};
  switch (v.value) {
    case 'stringValue':
      return { stringValue: v.stringValue as string };
    case 'boolValue':
      return { boolValue: v.boolValue as boolean };
    case 'intValue':
      return { intValue: int64(v.intValue) };
    case 'doubleValue':
      return { doubleValue: v.doubleValue as number };
    case 'bytesValue':
      return { bytesValue: u8(v.bytesValue) };
    case 'arrayValue':
      return { arrayValue: { values: ((v.arrayValue as O).values as O[]).map(anyValue) } };
    case 'kvlistValue':
      return { kvlistValue: { values: attrs((v.kvlistValue as O).values) } };
  }
  throw new Error(`unexpected AnyValue member ${String(v.value)}`);
}

function attrs(list: unknown): KeyValue[] {
  return (list as O[]).map((kv) => ({ key: kv.key as string, value: anyValue(kv.value as O | null) }));
}

function resource(r: O | null): Resource {
  if (!r) return { attributes: [], droppedAttributesCount: 0 };
  return { attributes: attrs(r.attributes), droppedAttributesCount: r.droppedAttributesCount as number };
}

function scope(s: O | null): InstrumentationScope {
  if (!s) return { name: '', version: '', attributes: [], droppedAttributesCount: 0 };
  return {
    name: s.name as string,
    version: s.version as string,
    attributes: attrs(s.attributes),
    droppedAttributesCount: s.droppedAttributesCount as number,
  };
}

function span(s: O): Span {
  const st = s.status as O | null;
  return {
    traceId: u8(s.traceId),
    spanId: u8(s.spanId),
    traceState: s.traceState as string,
    parentSpanId: u8(s.parentSpanId),
    flags: s.flags as number,
    name: s.name as string,
    kind: s.kind as number,
    startTimeUnixNano: big(s.startTimeUnixNano),
    endTimeUnixNano: big(s.endTimeUnixNano),
    attributes: attrs(s.attributes),
    droppedAttributesCount: s.droppedAttributesCount as number,
    events: (s.events as O[]).map((e) => ({
      timeUnixNano: big(e.timeUnixNano),
      name: e.name as string,
      attributes: attrs(e.attributes),
      droppedAttributesCount: e.droppedAttributesCount as number,
    })),
    droppedEventsCount: s.droppedEventsCount as number,
    links: (s.links as O[]).map((l) => ({
      traceId: u8(l.traceId),
      spanId: u8(l.spanId),
      traceState: l.traceState as string,
      attributes: attrs(l.attributes),
      droppedAttributesCount: l.droppedAttributesCount as number,
      flags: l.flags as number,
    })),
    droppedLinksCount: s.droppedLinksCount as number,
    status: { message: st ? (st.message as string) : '', code: st ? (st.code as number) : 0 },
  };
}

function logRecord(l: O): LogRecord {
  return {
    timeUnixNano: big(l.timeUnixNano),
    observedTimeUnixNano: big(l.observedTimeUnixNano),
    severityNumber: l.severityNumber as number,
    severityText: l.severityText as string,
    body: anyValue(l.body as O | null),
    attributes: attrs(l.attributes),
    droppedAttributesCount: l.droppedAttributesCount as number,
    flags: l.flags as number,
    traceId: u8(l.traceId),
    spanId: u8(l.spanId),
    eventName: l.eventName as string,
  };
}

/** Sets the oneof value (asDouble / asInt) the way our model holds it. */
function withValue<T extends object>(target: T, o: O): T {
  if (o.value === 'asDouble') (target as { asDouble?: number }).asDouble = o.asDouble as number;
  else if (o.value === 'asInt') (target as { asInt?: number | bigint }).asInt = int64(o.asInt);
  return target;
}

function exemplar(e: O): Exemplar {
  return withValue(
    {
      filteredAttributes: attrs(e.filteredAttributes),
      timeUnixNano: big(e.timeUnixNano),
      spanId: u8(e.spanId),
      traceId: u8(e.traceId),
    },
    e,
  );
}

function numberPoint(p: O): NumberDataPoint {
  return withValue(
    {
      attributes: attrs(p.attributes),
      startTimeUnixNano: big(p.startTimeUnixNano),
      timeUnixNano: big(p.timeUnixNano),
      exemplars: (p.exemplars as O[]).map(exemplar),
      flags: p.flags as number,
    },
    p,
  );
}

/** proto3 `optional` doubles: present only when protobufjs saw them (its synthetic oneofs). */
function optionals<T extends object>(target: T, p: O): T {
  for (const k of ['sum', 'min', 'max'])
    if (p[`_${k}`] === k) (target as Record<string, unknown>)[k] = p[k] as number;
  return target;
}

function buckets(b: O | null): ExponentialHistogramBuckets {
  if (!b) return { offset: 0, bucketCounts: [] };
  return { offset: b.offset as number, bucketCounts: (b.bucketCounts as unknown[]).map(num) };
}

function metricData(m: O): MetricData | null {
  const d = m[m.data as string] as O | undefined;
  switch (m.data) {
    case 'gauge':
      return { type: 'gauge', dataPoints: (d!.dataPoints as O[]).map(numberPoint) };
    case 'sum':
      return {
        type: 'sum',
        dataPoints: (d!.dataPoints as O[]).map(numberPoint),
        aggregationTemporality: d!.aggregationTemporality as number,
        isMonotonic: d!.isMonotonic as boolean,
      };
    case 'histogram':
      return {
        type: 'histogram',
        aggregationTemporality: d!.aggregationTemporality as number,
        dataPoints: (d!.dataPoints as O[]).map((p) =>
          optionals(
            {
              attributes: attrs(p.attributes),
              startTimeUnixNano: big(p.startTimeUnixNano),
              timeUnixNano: big(p.timeUnixNano),
              count: num(p.count),
              bucketCounts: (p.bucketCounts as unknown[]).map(num),
              explicitBounds: p.explicitBounds as number[],
              exemplars: (p.exemplars as O[]).map(exemplar),
              flags: p.flags as number,
            },
            p,
          ),
        ),
      };
    case 'exponentialHistogram':
      return {
        type: 'exponentialHistogram',
        aggregationTemporality: d!.aggregationTemporality as number,
        dataPoints: (d!.dataPoints as O[]).map((p) =>
          optionals(
            {
              attributes: attrs(p.attributes),
              startTimeUnixNano: big(p.startTimeUnixNano),
              timeUnixNano: big(p.timeUnixNano),
              count: num(p.count),
              scale: p.scale as number,
              zeroCount: num(p.zeroCount),
              positive: buckets(p.positive as O | null),
              negative: buckets(p.negative as O | null),
              flags: p.flags as number,
              exemplars: (p.exemplars as O[]).map(exemplar),
              zeroThreshold: p.zeroThreshold as number,
            },
            p,
          ),
        ),
      };
    case 'summary':
      return {
        type: 'summary',
        dataPoints: (d!.dataPoints as O[]).map((p) => ({
          attributes: attrs(p.attributes),
          startTimeUnixNano: big(p.startTimeUnixNano),
          timeUnixNano: big(p.timeUnixNano),
          count: num(p.count),
          sum: p.sum as number,
          quantileValues: (p.quantileValues as O[]).map((q) => ({
            quantile: q.quantile as number,
            value: q.value as number,
          })),
          flags: p.flags as number,
        })),
      };
  }
  return null;
}

function metric(m: O): Metric {
  return {
    name: m.name as string,
    description: m.description as string,
    unit: m.unit as string,
    metadata: attrs(m.metadata),
    data: metricData(m),
  };
}
