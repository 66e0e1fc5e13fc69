// Reading metric points back exactly: each stored row is one data point, returned as a Metric
// whose data holds that single point (with its resource, scope and metric metadata).
import type { KeyValue } from '../model/common.ts';
import type { Exemplar, Metric, MetricData, NumberDataPoint } from '../model/metrics.ts';
import { doubleFromString, fromHex, intFromString } from './attributes.ts';
import type { Storage } from './connection.ts';
import {
  GROUP_COLS,
  arrAttrCols,
  arrAttrs,
  attrCols,
  attrs,
  checkLimit,
  f,
  group,
  n,
  optF,
  rows,
  s,
} from './read-common.ts';
import type { Row, StoredGroup } from './read-common.ts';
import { TABLES } from './schema.ts';

export interface StoredMetricPoint extends StoredGroup {
  /** The metric with exactly one data point in `data.dataPoints`. */
  metric: Metric & { data: MetricData };
}

const COMMON = [
  'toString(toUnixTimestamp64Nano(timestamp)) AS t_ns',
  'toString(start_time_unix_nano) AS start_ns',
  GROUP_COLS,
  'metric_name, metric_description, metric_unit',
  attrCols('metric_metadata'),
  attrCols('attributes'),
  'flags, aggregation_temporality',
].join(', ');

const EXEMPLAR_COLS = [
  'arrayMap(x -> toString(x), exemplars_time_unix_nano) AS ex_time',
  'arrayMap(x -> toString(x), exemplars_value_double) AS ex_double',
  'arrayMap(x -> toString(x), exemplars_value_int) AS ex_int',
  'exemplars_span_id, exemplars_trace_id',
  arrAttrCols('exemplars_attributes'),
].join(', ');

const strArr = (r: Row, k: string): string[] => r[k] as string[];
const numArr = (r: Row, k: string): number[] => strArr(r, k).map(Number);

function exemplars(r: Row): Exemplar[] {
  const dbl = r['ex_double'] as (string | null)[];
  const int = r['ex_int'] as (string | null)[];
  return strArr(r, 'ex_time').map((t, i) => {
    const e: Exemplar = {
      filteredAttributes: arrAttrs(r, 'exemplars_attributes', i),
      timeUnixNano: BigInt(t),
      spanId: fromHex(strArr(r, 'exemplars_span_id')[i]!),
      traceId: fromHex(strArr(r, 'exemplars_trace_id')[i]!),
    };
    if (dbl[i] !== null) e.asDouble = doubleFromString(dbl[i]!);
    if (int[i] !== null) e.asInt = intFromString(int[i]!);
    return e;
  });
}

/** Optional double fields are present only when stored (the model distinguishes absent from 0). */
function optional<T extends object>(p: T, r: Row, fields: [prop: string, col: string][]): T {
  for (const [prop, col] of fields) {
    const v = optF(r, col);
    if (v !== undefined) (p as Record<string, unknown>)[prop] = v;
  }
  return p;
}

function base(
  r: Row,
): Omit<StoredMetricPoint, 'metric'> & { name: string; description: string; unit: string } {
  return {
    ...group(r),
    name: s(r, 'metric_name'),
    description: s(r, 'metric_description'),
    unit: s(r, 'metric_unit'),
  };
}

function point(r: Row): {
  attributes: KeyValue[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  flags: number;
} {
  return {
    attributes: attrs(r, 'attributes'),
    startTimeUnixNano: BigInt(s(r, 'start_ns')),
    timeUnixNano: BigInt(s(r, 't_ns')),
    flags: n(r, 'flags'),
  };
}

function assemble(r: Row, data: MetricData): StoredMetricPoint {
  const { name, description, unit, ...g } = base(r);
  return { ...g, metric: { name, description, unit, metadata: attrs(r, 'metric_metadata'), data } };
}

function numberRow(r: Row): StoredMetricPoint {
  const p: NumberDataPoint = { ...point(r), exemplars: exemplars(r) };
  // Presence matters: a point has asDouble, asInt or neither.
  if (r['v_double'] !== null) p.asDouble = f(r, 'v_double');
  if (r['v_int'] !== null) p.asInt = intFromString(s(r, 'v_int'));
  const dataPoints = [p];
  const data: MetricData =
    s(r, 'metric_type') === 'sum'
      ? {
          type: 'sum',
          dataPoints,
          aggregationTemporality: n(r, 'aggregation_temporality'),
          isMonotonic: r['is_monotonic'] === true || r['is_monotonic'] === 1,
        }
      : { type: 'gauge', dataPoints };
  return assemble(r, data);
}

function histogramRow(r: Row): StoredMetricPoint {
  const p = optional(
    {
      ...point(r),
      count: n(r, 'count'),
      bucketCounts: numArr(r, 'bucket_counts_s'),
      explicitBounds: strArr(r, 'explicit_bounds_s').map(doubleFromString),
      exemplars: exemplars(r),
    },
    r,
    [
      ['sum', 'sum_s'],
      ['min', 'min_s'],
      ['max', 'max_s'],
    ],
  );
  return assemble(r, {
    type: 'histogram',
    dataPoints: [p],
    aggregationTemporality: n(r, 'aggregation_temporality'),
  });
}

function expHistogramRow(r: Row): StoredMetricPoint {
  const p = optional(
    {
      ...point(r),
      count: n(r, 'count'),
      scale: n(r, 'scale'),
      zeroCount: n(r, 'zero_count'),
      zeroThreshold: f(r, 'zero_threshold_s'),
      positive: { offset: n(r, 'positive_offset'), bucketCounts: numArr(r, 'positive_s') },
      negative: { offset: n(r, 'negative_offset'), bucketCounts: numArr(r, 'negative_s') },
      exemplars: exemplars(r),
    },
    r,
    [
      ['sum', 'sum_s'],
      ['min', 'min_s'],
      ['max', 'max_s'],
    ],
  );
  return assemble(r, {
    type: 'exponentialHistogram',
    dataPoints: [p],
    aggregationTemporality: n(r, 'aggregation_temporality'),
  });
}

function summaryRow(r: Row): StoredMetricPoint {
  const qs = strArr(r, 'quantiles_s');
  const vs = strArr(r, 'quantile_values_s');
  return assemble(r, {
    type: 'summary',
    dataPoints: [
      {
        ...point(r),
        count: n(r, 'count'),
        sum: f(r, 'sum_s'),
        quantileValues: qs.map((q, i) => ({
          quantile: doubleFromString(q),
          value: doubleFromString(vs[i]!),
        })),
      },
    ],
  });
}

const toStr = (c: string): string => `toString(${c}) AS ${c}_s`;
const arrStr = (c: string, alias: string): string => `arrayMap(x -> toString(x), ${c}) AS ${alias}`;

const READERS: { table: string; cols: string; decode: (r: Row) => StoredMetricPoint }[] = [
  {
    table: TABLES.gaugeSum,
    cols: `${COMMON}, metric_type, is_monotonic, toString(value_double) AS v_double, toString(value_int) AS v_int, ${EXEMPLAR_COLS}`,
    decode: numberRow,
  },
  {
    table: TABLES.histogram,
    cols: [
      COMMON,
      'toString(count) AS count',
      toStr('sum'),
      toStr('min'),
      toStr('max'),
      arrStr('bucket_counts', 'bucket_counts_s'),
      arrStr('explicit_bounds', 'explicit_bounds_s'),
      EXEMPLAR_COLS,
    ].join(', '),
    decode: histogramRow,
  },
  {
    table: TABLES.expHistogram,
    cols: [
      COMMON,
      'toString(count) AS count',
      toStr('sum'),
      toStr('min'),
      toStr('max'),
      'scale, toString(zero_count) AS zero_count',
      toStr('zero_threshold'),
      'positive_offset, negative_offset',
      arrStr('positive_bucket_counts', 'positive_s'),
      arrStr('negative_bucket_counts', 'negative_s'),
      EXEMPLAR_COLS,
    ].join(', '),
    decode: expHistogramRow,
  },
  {
    table: TABLES.summary,
    cols: [
      COMMON,
      'toString(count) AS count',
      toStr('sum'),
      arrStr('quantiles', 'quantiles_s'),
      arrStr('quantile_values', 'quantile_values_s'),
    ].join(', '),
    decode: summaryRow,
  },
];

/**
 * Every stored metric point of every type (tests and tools; at most `limit` per table), ordered
 * by table (number, histogram, exponential histogram, summary), then metric name and time.
 */
export async function allMetricPoints(storage: Storage, limit = 1000): Promise<StoredMetricPoint[]> {
  const l = checkLimit(limit, 1000);
  const out: StoredMetricPoint[] = [];
  for (const rd of READERS) {
    const sql = `SELECT ${rd.cols} FROM ${storage.database}.${rd.table}
      ORDER BY metric_name, timestamp LIMIT {limit:UInt32}`;
    for (const r of await rows<Row>(storage, sql, { limit: l })) out.push(rd.decode(r));
  }
  return out;
}
