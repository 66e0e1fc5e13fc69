// OTLP model data as JSONEachRow rows of the tables in schema.ts (the ClickHouse server insert path).
//
// Rows are built as JSON text by hand: map key order is kept, int64/uint64 go out as unquoted
// integers (ClickHouse parses them exactly) and doubles that JSON cannot spell (NaN, ±Infinity, -0)
// are written in ClickHouse's notation. The values match the Native blocks of the embedded path
// (native/): both must store the same rows (native/native.test.ts).
import type { InstrumentationScope, Resource } from '../model/common.ts';
import type { LogsData } from '../model/logs.ts';
import type { Exemplar, MetricsData } from '../model/metrics.ts';
import type { TracesData } from '../model/traces.ts';
import { encodeAttributes, encodeValue, hex } from './attributes.ts';

const MAX_DATETIME64_NS = 2n ** 63n - 1n;

/** A DateTime64(9) value: nanoseconds as an integer, clamped into the type's range. */
function ts(ns: bigint): string {
  return String(ns < 0n ? 0n : ns > MAX_DATETIME64_NS ? MAX_DATETIME64_NS : ns);
}

function f64(d: number): string {
  if (Number.isNaN(d)) return '"nan"';
  if (d === Infinity) return '"inf"';
  if (d === -Infinity) return '"-inf"';
  return Object.is(d, -0) ? '-0' : String(d);
}

const optF64 = (d: number | undefined): string => (d === undefined ? 'null' : f64(d));
// A lone UTF-16 surrogate has no UTF-8 form: JSON.stringify writes it as a `\udXXX` escape,
// which ClickHouse refuses, failing the whole batch. It is stored as U+FFFD, as the Native path
// (Buffer's UTF-8 encoder) does.
const str = (s: string): string => JSON.stringify(s.toWellFormed());
const arr = (xs: readonly string[]): string => '[' + xs.join(',') + ']';

function attrFields(name: string, kvs: Parameters<typeof encodeAttributes>[0]): string {
  const [values, types] = encodeAttributes(kvs);
  return `"${name}":${values},"${name}_types":${types}`;
}

function groupFields(
  resource: Resource,
  resourceSchemaUrl: string,
  scope: InstrumentationScope,
  scopeSchemaUrl: string,
): string {
  return [
    attrFields('resource_attributes', resource.attributes),
    `"resource_dropped_attributes":${resource.droppedAttributesCount}`,
    `"resource_schema_url":${str(resourceSchemaUrl)}`,
    `"scope_name":${str(scope.name)}`,
    `"scope_version":${str(scope.version)}`,
    attrFields('scope_attributes', scope.attributes),
    `"scope_dropped_attributes":${scope.droppedAttributesCount}`,
    `"scope_schema_url":${str(scopeSchemaUrl)}`,
  ].join(',');
}

export function spanRows(data: TracesData): string[] {
  const rows: string[] = [];
  for (const rs of data.resourceSpans) {
    for (const ss of rs.scopeSpans) {
      if (ss.spans.length === 0) continue;
      const group = groupFields(rs.resource, rs.schemaUrl, ss.scope, ss.schemaUrl);
      for (const s of ss.spans) {
        const dur = s.endTimeUnixNano > s.startTimeUnixNano ? s.endTimeUnixNano - s.startTimeUnixNano : 0n;
        const evAttrs = s.events.map((e) => encodeAttributes(e.attributes));
        const lnAttrs = s.links.map((l) => encodeAttributes(l.attributes));
        rows.push(
          '{' +
            [
              `"timestamp":${ts(s.startTimeUnixNano)}`,
              `"end_time_unix_nano":${s.endTimeUnixNano}`,
              `"duration_ns":${dur}`,
              `"trace_id":"${hex(s.traceId)}"`,
              `"span_id":"${hex(s.spanId)}"`,
              `"parent_span_id":"${hex(s.parentSpanId)}"`,
              `"trace_state":${str(s.traceState)}`,
              `"flags":${s.flags}`,
              `"name":${str(s.name)}`,
              `"kind":${s.kind}`,
              group,
              attrFields('attributes', s.attributes),
              `"dropped_attributes":${s.droppedAttributesCount}`,
              `"status_code":${s.status.code}`,
              `"status_message":${str(s.status.message)}`,
              `"events_time_unix_nano":${arr(s.events.map((e) => String(e.timeUnixNano)))}`,
              `"events_name":${arr(s.events.map((e) => str(e.name)))}`,
              `"events_attributes":${arr(evAttrs.map((a) => a[0]))}`,
              `"events_attributes_types":${arr(evAttrs.map((a) => a[1]))}`,
              `"events_dropped_attributes":${arr(s.events.map((e) => String(e.droppedAttributesCount)))}`,
              `"dropped_events":${s.droppedEventsCount}`,
              `"links_trace_id":${arr(s.links.map((l) => `"${hex(l.traceId)}"`))}`,
              `"links_span_id":${arr(s.links.map((l) => `"${hex(l.spanId)}"`))}`,
              `"links_trace_state":${arr(s.links.map((l) => str(l.traceState)))}`,
              `"links_attributes":${arr(lnAttrs.map((a) => a[0]))}`,
              `"links_attributes_types":${arr(lnAttrs.map((a) => a[1]))}`,
              `"links_dropped_attributes":${arr(s.links.map((l) => String(l.droppedAttributesCount)))}`,
              `"links_flags":${arr(s.links.map((l) => String(l.flags)))}`,
              `"dropped_links":${s.droppedLinksCount}`,
              `"schema_url":${str(ss.schemaUrl)}`,
            ].join(',') +
            '}',
        );
      }
    }
  }
  return rows;
}

export function logRows(data: LogsData): string[] {
  const rows: string[] = [];
  const now = BigInt(Date.now()) * 1_000_000n;
  for (const rl of data.resourceLogs) {
    for (const sl of rl.scopeLogs) {
      if (sl.logRecords.length === 0) continue;
      const group = groupFields(rl.resource, rl.schemaUrl, sl.scope, sl.schemaUrl);
      for (const r of sl.logRecords) {
        // A record without a time is filed under its observed time (or now), so that it is
        // neither partitioned into 1970 nor expired at once; has_time keeps the original.
        const hasTime = r.timeUnixNano !== 0n;
        const t = hasTime ? r.timeUnixNano : r.observedTimeUnixNano !== 0n ? r.observedTimeUnixNano : now;
        const [body, bodyType] = encodeValue(r.body);
        rows.push(
          '{' +
            [
              `"timestamp":${ts(t)}`,
              `"has_time":${hasTime ? 1 : 0}`,
              `"observed_time_unix_nano":${r.observedTimeUnixNano}`,
              `"trace_id":"${hex(r.traceId)}"`,
              `"span_id":"${hex(r.spanId)}"`,
              `"flags":${r.flags}`,
              `"severity_text":${str(r.severityText)}`,
              `"severity_number":${r.severityNumber}`,
              `"event_name":${str(r.eventName)}`,
              `"body":${str(body)}`,
              `"body_type":"${bodyType}"`,
              group,
              attrFields('attributes', r.attributes),
              `"dropped_attributes":${r.droppedAttributesCount}`,
            ].join(',') +
            '}',
        );
      }
    }
  }
  return rows;
}

function exemplarFields(ex: readonly Exemplar[]): string {
  const attrs = ex.map((e) => encodeAttributes(e.filteredAttributes));
  return [
    `"exemplars_time_unix_nano":${arr(ex.map((e) => String(e.timeUnixNano)))}`,
    `"exemplars_value_double":${arr(ex.map((e) => optF64(e.asDouble)))}`,
    `"exemplars_value_int":${arr(ex.map((e) => (e.asInt === undefined ? 'null' : String(e.asInt))))}`,
    `"exemplars_span_id":${arr(ex.map((e) => `"${hex(e.spanId)}"`))}`,
    `"exemplars_trace_id":${arr(ex.map((e) => `"${hex(e.traceId)}"`))}`,
    `"exemplars_attributes":${arr(attrs.map((a) => a[0]))}`,
    `"exemplars_attributes_types":${arr(attrs.map((a) => a[1]))}`,
  ].join(',');
}

/** JSONEachRow rows per metric table. */
export interface MetricRows {
  number: string[];
  histogram: string[];
  expHistogram: string[];
  summary: string[];
}

/** Rows per metric table. Metrics without points (or without data) have nothing to store. */
export function metricRows(data: MetricsData): MetricRows {
  const out: MetricRows = { number: [], histogram: [], expHistogram: [], summary: [] };
  for (const rm of data.resourceMetrics) {
    for (const sm of rm.scopeMetrics) {
      const group = groupFields(rm.resource, rm.schemaUrl, sm.scope, sm.schemaUrl);
      for (const m of sm.metrics) {
        const d = m.data;
        if (d === null) continue;
        const metric = [
          group,
          `"metric_name":${str(m.name)}`,
          `"metric_description":${str(m.description)}`,
          `"metric_unit":${str(m.unit)}`,
          attrFields('metric_metadata', m.metadata),
          `"aggregation_temporality":${'aggregationTemporality' in d ? d.aggregationTemporality : 0}`,
        ].join(',');
        const common = (p: {
          attributes: Parameters<typeof encodeAttributes>[0];
          startTimeUnixNano: bigint;
          timeUnixNano: bigint;
          flags: number;
        }): string =>
          [
            `"timestamp":${ts(p.timeUnixNano)}`,
            `"start_time_unix_nano":${p.startTimeUnixNano}`,
            metric,
            attrFields('attributes', p.attributes),
            `"flags":${p.flags}`,
          ].join(',');
        switch (d.type) {
          case 'gauge':
          case 'sum':
            for (const p of d.dataPoints) {
              out.number.push(
                `{${common(p)},"metric_type":"${d.type}","is_monotonic":${d.type === 'sum' && d.isMonotonic}` +
                  `,"value_double":${optF64(p.asDouble)},"value_int":${p.asInt === undefined ? 'null' : String(p.asInt)}` +
                  `,${exemplarFields(p.exemplars)}}`,
              );
            }
            break;
          case 'histogram':
            for (const p of d.dataPoints) {
              out.histogram.push(
                `{${common(p)},"count":${p.count},"sum":${optF64(p.sum)},"min":${optF64(p.min)},"max":${optF64(p.max)}` +
                  `,"bucket_counts":${arr(p.bucketCounts.map(String))},"explicit_bounds":${arr(p.explicitBounds.map(f64))}` +
                  `,${exemplarFields(p.exemplars)}}`,
              );
            }
            break;
          case 'exponentialHistogram':
            for (const p of d.dataPoints) {
              out.expHistogram.push(
                `{${common(p)},"count":${p.count},"sum":${optF64(p.sum)},"min":${optF64(p.min)},"max":${optF64(p.max)}` +
                  `,"scale":${p.scale},"zero_count":${p.zeroCount},"zero_threshold":${f64(p.zeroThreshold)}` +
                  `,"positive_offset":${p.positive.offset},"positive_bucket_counts":${arr(p.positive.bucketCounts.map(String))}` +
                  `,"negative_offset":${p.negative.offset},"negative_bucket_counts":${arr(p.negative.bucketCounts.map(String))}` +
                  `,${exemplarFields(p.exemplars)}}`,
              );
            }
            break;
          case 'summary':
            for (const p of d.dataPoints) {
              out.summary.push(
                `{${common(p)},"count":${p.count},"sum":${f64(p.sum)}` +
                  `,"quantiles":${arr(p.quantileValues.map((q) => f64(q.quantile)))}` +
                  `,"quantile_values":${arr(p.quantileValues.map((q) => f64(q.value)))}}`,
              );
            }
            break;
        }
      }
    }
  }
  return out;
}
