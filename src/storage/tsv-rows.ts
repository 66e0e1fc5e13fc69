// OTLP model data as TabSeparated rows of the tables in schema.ts (the embedded chDB insert path).
//
// Contract: every builder returns rows whose fields are in the order of its `*_COLUMNS` list, each
// row ending in '\n'; the insert names those columns explicitly, so a reordered schema cannot
// shift values into the wrong column, and MATERIALIZED columns are left to ClickHouse. The values
// are the same as in the JSONEachRow rows (json-rows.ts): both must read back identically.
import type { InstrumentationScope, KeyValue, Resource } from '../model/common.ts';
import type { LogsData } from '../model/logs.ts';
import type { Exemplar, MetricsData } from '../model/metrics.ts';
import { encodeValue, hex } from './attributes.ts';
import { array, datetime64, f64, field, optF64, optInArray, quoted } from './tsv.ts';
import type { MetricRows } from './json-rows.ts';

/** The two maps of an attribute set (see schema.ts), as TSV fields; key order is kept. */
export function attributeMaps(kvs: readonly KeyValue[]): [values: string, types: string] {
  if (kvs.length === 0) return ['{}', '{}'];
  let values = '{';
  let types = '{';
  for (const kv of kvs) {
    const [text, kind] = encodeValue(kv.value);
    const k = quoted(kv.key);
    values += (values.length > 1 ? ',' : '') + k + ':' + quoted(text);
    if (kind !== '') types += (types.length > 1 ? ',' : '') + k + ":'" + kind + "'";
  }
  return [values + '}', types + '}'];
}

const attrColumns = (name: string): string[] => [name, `${name}_types`];

const GROUP_COLUMNS = [
  ...attrColumns('resource_attributes'),
  'resource_dropped_attributes',
  'resource_schema_url',
  'scope_name',
  'scope_version',
  ...attrColumns('scope_attributes'),
  'scope_dropped_attributes',
  'scope_schema_url',
];

function groupFields(
  resource: Resource,
  resourceSchemaUrl: string,
  scope: InstrumentationScope,
  scopeSchemaUrl: string,
): string {
  const [ra, rt] = attributeMaps(resource.attributes);
  const [sa, st] = attributeMaps(scope.attributes);
  return [
    ra,
    rt,
    resource.droppedAttributesCount,
    field(resourceSchemaUrl),
    field(scope.name),
    field(scope.version),
    sa,
    st,
    scope.droppedAttributesCount,
    field(scopeSchemaUrl),
  ].join('\t');
}

export const SPAN_COLUMNS: readonly string[] = [
  'timestamp',
  'end_time_unix_nano',
  'duration_ns',
  'trace_id',
  'span_id',
  'parent_span_id',
  'trace_state',
  'flags',
  'name',
  'kind',
  ...GROUP_COLUMNS,
  ...attrColumns('attributes'),
  'dropped_attributes',
  'status_code',
  'status_message',
  'events_time_unix_nano',
  'events_name',
  ...attrColumns('events_attributes'),
  'events_dropped_attributes',
  'dropped_events',
  'links_trace_id',
  'links_span_id',
  'links_trace_state',
  ...attrColumns('links_attributes'),
  'links_dropped_attributes',
  'links_flags',
  'dropped_links',
  'schema_url',
];

export const LOG_COLUMNS: readonly string[] = [
  'timestamp',
  'has_time',
  'observed_time_unix_nano',
  'trace_id',
  'span_id',
  'flags',
  'severity_text',
  'severity_number',
  'event_name',
  'body',
  'body_type',
  ...GROUP_COLUMNS,
  ...attrColumns('attributes'),
  'dropped_attributes',
];

export function logRowsTsv(data: LogsData): string[] {
  const rows: string[] = [];
  const now = BigInt(Date.now()) * 1_000_000n;
  for (const rl of data.resourceLogs) {
    for (const sl of rl.scopeLogs) {
      if (sl.logRecords.length === 0) continue;
      const group = groupFields(rl.resource, rl.schemaUrl, sl.scope, sl.schemaUrl);
      for (const r of sl.logRecords) {
        // As in json-rows.ts: a record without a time is filed under its observed time (or now).
        const hasTime = r.timeUnixNano !== 0n;
        const t = hasTime ? r.timeUnixNano : r.observedTimeUnixNano !== 0n ? r.observedTimeUnixNano : now;
        const [body, bodyType] = encodeValue(r.body);
        const [a, at] = attributeMaps(r.attributes);
        rows.push(
          [
            datetime64(t),
            hasTime ? 1 : 0,
            r.observedTimeUnixNano,
            hex(r.traceId),
            hex(r.spanId),
            r.flags,
            field(r.severityText),
            r.severityNumber,
            field(r.eventName),
            field(body),
            bodyType,
            group,
            a,
            at,
            r.droppedAttributesCount,
          ].join('\t') + '\n',
        );
      }
    }
  }
  return rows;
}

const METRIC_COMMON_COLUMNS = [
  'timestamp',
  'start_time_unix_nano',
  ...GROUP_COLUMNS,
  'metric_name',
  'metric_description',
  'metric_unit',
  ...attrColumns('metric_metadata'),
  'aggregation_temporality',
  ...attrColumns('attributes'),
  'flags',
];

const EXEMPLAR_COLUMNS = [
  'exemplars_time_unix_nano',
  'exemplars_value_double',
  'exemplars_value_int',
  'exemplars_span_id',
  'exemplars_trace_id',
  ...attrColumns('exemplars_attributes'),
];

export const METRIC_COLUMNS = {
  number: [
    ...METRIC_COMMON_COLUMNS,
    'metric_type',
    'is_monotonic',
    'value_double',
    'value_int',
    ...EXEMPLAR_COLUMNS,
  ],
  histogram: [
    ...METRIC_COMMON_COLUMNS,
    'count',
    'sum',
    'min',
    'max',
    'bucket_counts',
    'explicit_bounds',
    ...EXEMPLAR_COLUMNS,
  ],
  expHistogram: [
    ...METRIC_COMMON_COLUMNS,
    'count',
    'sum',
    'min',
    'max',
    'scale',
    'zero_count',
    'zero_threshold',
    'positive_offset',
    'positive_bucket_counts',
    'negative_offset',
    'negative_bucket_counts',
    ...EXEMPLAR_COLUMNS,
  ],
  summary: [...METRIC_COMMON_COLUMNS, 'count', 'sum', 'quantiles', 'quantile_values'],
} as const satisfies Record<string, readonly string[]>;

function exemplarFields(ex: readonly Exemplar[]): string {
  if (ex.length === 0) return '[]\t[]\t[]\t[]\t[]\t[]\t[]';
  const attrs = ex.map((e) => attributeMaps(e.filteredAttributes));
  return [
    array(ex.map((e) => String(e.timeUnixNano))),
    array(ex.map((e) => optInArray(e.asDouble === undefined ? undefined : f64(e.asDouble)))),
    array(ex.map((e) => optInArray(e.asInt === undefined ? undefined : String(e.asInt)))),
    array(ex.map((e) => `'${hex(e.spanId)}'`)),
    array(ex.map((e) => `'${hex(e.traceId)}'`)),
    array(attrs.map((a) => a[0])),
    array(attrs.map((a) => a[1])),
  ].join('\t');
}

/** Rows per metric table. Metrics without points (or without data) have nothing to store. */
export function metricRowsTsv(data: MetricsData): MetricRows {
  const out: MetricRows = { number: [], histogram: [], expHistogram: [], summary: [] };
  for (const rm of data.resourceMetrics) {
    for (const sm of rm.scopeMetrics) {
      const group = groupFields(rm.resource, rm.schemaUrl, sm.scope, sm.schemaUrl);
      for (const m of sm.metrics) {
        const d = m.data;
        if (d === null) continue;
        const [mm, mt] = attributeMaps(m.metadata);
        const metric = [
          group,
          field(m.name),
          field(m.description),
          field(m.unit),
          mm,
          mt,
          'aggregationTemporality' in d ? d.aggregationTemporality : 0,
        ].join('\t');
        const common = (p: {
          attributes: readonly KeyValue[];
          startTimeUnixNano: bigint;
          timeUnixNano: bigint;
          flags: number;
        }): string => {
          const [a, at] = attributeMaps(p.attributes);
          return [datetime64(p.timeUnixNano), p.startTimeUnixNano, metric, a, at, p.flags].join('\t');
        };
        switch (d.type) {
          case 'gauge':
          case 'sum':
            for (const p of d.dataPoints) {
              const row = [
                common(p),
                d.type,
                d.type === 'sum' && d.isMonotonic ? 'true' : 'false',
                optF64(p.asDouble),
                p.asInt === undefined ? '\\N' : String(p.asInt),
                exemplarFields(p.exemplars),
              ];
              out.number.push(row.join('\t') + '\n');
            }
            break;
          case 'histogram':
            for (const p of d.dataPoints) {
              const row = [
                common(p),
                p.count,
                optF64(p.sum),
                optF64(p.min),
                optF64(p.max),
                array(p.bucketCounts.map(String)),
                array(p.explicitBounds.map(f64)),
                exemplarFields(p.exemplars),
              ];
              out.histogram.push(row.join('\t') + '\n');
            }
            break;
          case 'exponentialHistogram':
            for (const p of d.dataPoints) {
              const row = [
                common(p),
                p.count,
                optF64(p.sum),
                optF64(p.min),
                optF64(p.max),
                p.scale,
                p.zeroCount,
                f64(p.zeroThreshold),
                p.positive.offset,
                array(p.positive.bucketCounts.map(String)),
                p.negative.offset,
                array(p.negative.bucketCounts.map(String)),
                exemplarFields(p.exemplars),
              ];
              out.expHistogram.push(row.join('\t') + '\n');
            }
            break;
          case 'summary':
            for (const p of d.dataPoints) {
              const row = [
                common(p),
                p.count,
                f64(p.sum),
                array(p.quantileValues.map((q) => f64(q.quantile))),
                array(p.quantileValues.map((q) => f64(q.value))),
              ];
              out.summary.push(row.join('\t') + '\n');
            }
            break;
        }
      }
    }
  }
  return out;
}
