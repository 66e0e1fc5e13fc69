// Prometheus-style metric queries over stored points: names, labels, series and range queries.
//
// Contracts:
// - A series' labels are its resource attributes overlaid with its point attributes (a point
//   attribute wins over a resource attribute of the same key), values as stored (attributes.ts).
// - A matcher on an absent label sees '' (as in Prometheus). Regex matchers are RE2, anchored.
// - rangeQuery reads gauge and sum points (metrics_number); a point's value is its double or its
//   int converted to Float64. Step buckets are [start + i*step, start + (i+1)*step) and a bucket
//   is reported at its start time in milliseconds.
import type { Storage } from './connection.ts';
import { QueryError, checkBoundedRange, checkLimit, checkString, rows } from './read-common.ts';
import type { Row } from './read-common.ts';
import { METRIC_TABLES, TABLES } from './schema.ts';
import { GLOBAL_SUBQUERIES, indexDays, joinSeries, seriesIdsIn, seriesRows } from './series-sql.ts';

export interface Matcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export interface Range {
  /** Nanoseconds since the epoch, inclusive; at most MAX_RANGE_NS apart. */
  start: bigint;
  end: bigint;
}

const MAX_MATCHERS = 32;
const MAX_SERIES = 10_000;
const MAX_POINTS_PER_SERIES = 11_000;

/**
 * `column` of every point type's rows in [{start}, {end}] that also meet `where`, as one source
 * (names and series span all metric types).
 */
function allPoints(db: string, column: string, where = 'true'): string {
  return (
    '(' +
    METRIC_TABLES.map(
      (t) =>
        `SELECT ${column} FROM ${db}.${t} WHERE ${where}
         AND timestamp >= fromUnixTimestamp64Nano({start:Int64}) AND timestamp <= fromUnixTimestamp64Nano({end:Int64})`,
    ).join(' UNION ALL ') +
    ')'
  );
}

function defaultRange(r: Partial<Range> | undefined): Range {
  // Without a range: the last day, the common "what is there now" question.
  const end = r?.end ?? BigInt(Date.now()) * 1_000_000n;
  const start = r?.start ?? end - 86_400_000_000_000n;
  checkBoundedRange(start, end);
  return { start, end };
}

/** The most metrics one range query reads. */
export const MAX_RANGE_METRICS = 8;

function metricList(m: string | readonly string[]): string[] {
  const list = Array.isArray(m) ? m : [m as string];
  if (list.length === 0 || list.length > MAX_RANGE_METRICS)
    throw new QueryError(`invalid metrics: expected 1..${MAX_RANGE_METRICS} names`);
  return list.map(checkMetric);
}

function checkMetric(metric: string): string {
  const m = checkString(metric, 'metric', 255);
  if (m === '') throw new QueryError('invalid metric: expected a metric name');
  return m;
}

/** SQL conditions for the matchers on `labelOf(key)`, adding their parameters to `params`. */
function matcherSql(
  matchers: readonly Matcher[],
  labelOf: (key: string) => string,
  params: Record<string, unknown>,
): string[] {
  if (!Array.isArray(matchers)) throw new QueryError('invalid matchers: expected an array');
  if (matchers.length > MAX_MATCHERS) throw new QueryError(`invalid matchers: more than ${MAX_MATCHERS}`);
  return matchers.map((m, i) => {
    params[`ml${i}`] = checkString(m.label, `matchers[${i}].label`, 255);
    const v = checkString(m.value, `matchers[${i}].value`);
    const label = labelOf(`{ml${i}:String}`);
    switch (m.op) {
      case '=':
      case '!=':
        params[`mv${i}`] = v;
        return `${label} ${m.op} {mv${i}:String}`;
      case '=~':
      case '!~':
        // Anchored like PromQL; the pattern travels as a parameter (a constant for match()).
        params[`mv${i}`] = `^(?:${v})$`;
        return `${m.op === '!~' ? 'NOT ' : ''}match(${label}, {mv${i}:String})`;
      default:
        throw new QueryError(
          `invalid matchers[${i}].op ${JSON.stringify((m as { op: unknown }).op)}: expected =, !=, =~ or !~`,
        );
    }
  });
}

/** Metric names with points in the range, sorted; `match` is a case-insensitive substring. */
export async function metricNames(
  storage: Storage,
  q: Partial<Range> & { match?: string; limit?: number },
): Promise<string[]> {
  const { start, end } = defaultRange(q);
  const limit = checkLimit(q.limit, MAX_SERIES);
  const params: Record<string, unknown> = { start: String(start), end: String(end), limit };
  let where = '';
  if (q.match !== undefined && q.match !== '') {
    params['match'] = checkString(q.match, 'match', 255);
    where = 'WHERE positionCaseInsensitiveUTF8(metric_name, {match:String}) > 0';
  }
  const sql = `SELECT DISTINCT metric_name FROM ${allPoints(storage.database, 'metric_name')} ${where}
    ORDER BY metric_name LIMIT {limit:UInt32}`;
  return (await rows<{ metric_name: string }>(storage, sql, params)).map((r) => r.metric_name);
}

/**
 * The series of one metric with points in the range, each with its labels (`labels`): found in
 * the series index, and kept only when the metric's points in the range include them (that read
 * needs series ids and times, never the label maps of every point).
 */
function seriesInRange(db: string): string {
  const where = [
    'metric_name = {metric:String}',
    indexDays('{start:Int64}', '{end:Int64}'),
    `series_id IN ${allPoints(db, 'series_id', 'metric_name = {metric:String}')}`,
  ];
  return seriesRows(db, where, 'ls AS labels');
}

/** Label names of a metric's series in the range (default: the last day), sorted. */
export async function labelNames(
  storage: Storage,
  metric: string,
  range?: Partial<Range>,
): Promise<string[]> {
  const { start, end } = defaultRange(range);
  const sql = `SELECT DISTINCT arrayJoin(mapKeys(labels)) AS k FROM (${seriesInRange(storage.database)})
    ORDER BY k LIMIT ${MAX_SERIES}${GLOBAL_SUBQUERIES}`;
  const params = { start: String(start), end: String(end), metric: checkMetric(metric) };
  return (await rows<{ k: string }>(storage, sql, params)).map((r) => r.k);
}

/** Values of one label across a metric's series in the range (default: the last day), sorted. */
export async function labelValues(
  storage: Storage,
  metric: string,
  label: string,
  range?: Partial<Range>,
): Promise<string[]> {
  const { start, end } = defaultRange(range);
  const sql = `SELECT DISTINCT labels[{label:String}] AS v FROM (${seriesInRange(storage.database)})
    WHERE mapContains(labels, {label:String}) ORDER BY v LIMIT ${MAX_SERIES}${GLOBAL_SUBQUERIES}`;
  const params = {
    start: String(start),
    end: String(end),
    metric: checkMetric(metric),
    label: checkString(label, 'label', 255),
  };
  return (await rows<{ v: string }>(storage, sql, params)).map((r) => r.v);
}

export interface Series {
  labels: Record<string, string>;
}

/** The distinct series (label sets) of a metric matching every matcher, sorted by their labels. */
export async function metricSeries(
  storage: Storage,
  metric: string,
  matchers: readonly Matcher[],
  range?: Partial<Range>,
): Promise<Series[]> {
  const { start, end } = defaultRange(range);
  const params: Record<string, unknown> = {
    start: String(start),
    end: String(end),
    metric: checkMetric(metric),
  };
  const where = matcherSql(matchers, (k) => `labels[${k}]`, params);
  const sql = `SELECT labels AS lbl FROM (${seriesInRange(storage.database)})
    ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY toString(lbl) LIMIT ${MAX_SERIES}${GLOBAL_SUBQUERIES}`;
  return (await rows<{ lbl: Record<string, string> }>(storage, sql, params)).map((r) => ({ labels: r.lbl }));
}

export type RangeFn = 'raw' | 'rate' | 'sum' | 'avg' | 'max' | 'min';
const FNS: readonly RangeFn[] = ['raw', 'rate', 'sum', 'avg', 'max', 'min'];

export interface RangeQuery extends Range {
  /**
   * One metric, or several read by one query (the same matchers, fn and by for each): a query's
   * fixed cost (~20 ms of CPU on the embedded engine, whatever the range) is paid once. Series
   * of several metrics carry `metric`.
   */
  metric: string | readonly string[];
  matchers: readonly Matcher[];
  stepMs: number;
  /**
   * raw: every point of every series. rate: per-second increase of cumulative sums per step
   * (a drop in value or a new start time is a reset: the new value counts as the increase;
   * delta sums count their value), per series or summed per `by` group. sum/avg/max/min: over
   * the series' last value in each step, per `by` group (all series together without `by`).
   */
  fn: RangeFn;
  by?: readonly string[];
}

export interface RangeSeries {
  /** The series' metric, when the query named several. */
  metric?: string;
  labels: Record<string, string>;
  /** [bucket start (raw: point time) in ms since the epoch, value], in time order. */
  points: [number, number][];
}

export async function rangeQuery(storage: Storage, q: RangeQuery): Promise<RangeSeries[]> {
  checkBoundedRange(q.start, q.end);
  if (!FNS.includes(q.fn))
    throw new QueryError(`invalid fn ${JSON.stringify(q.fn)}: expected ${FNS.join(', ')}`);
  if (!Number.isInteger(q.stepMs) || q.stepMs < 1)
    throw new QueryError(`invalid stepMs ${q.stepMs}: expected a positive integer`);
  const stepNs = BigInt(q.stepMs) * 1_000_000n;
  if ((q.end - q.start) / stepNs + 1n > BigInt(MAX_POINTS_PER_SERIES))
    throw new QueryError(`invalid stepMs ${q.stepMs}: more than ${MAX_POINTS_PER_SERIES} steps in the range`);
  const by = q.by ?? [];
  if (!Array.isArray(by) || by.length > MAX_MATCHERS)
    throw new QueryError(`invalid by: expected at most ${MAX_MATCHERS} label names`);
  by.forEach((l, i) => checkString(l, `by[${i}]`, 255));
  const params: Record<string, unknown> = {
    // rate looks one step back so the first bucket has a previous point to compare with.
    from: String(q.fn === 'rate' && q.start >= stepNs ? q.start - stepNs : q.start),
    start: String(q.start),
    end: String(q.end),
    step: String(stepNs),
    metrics: metricList(q.metric),
    by,
  };
  const many = Array.isArray(q.metric);
  const db = storage.database;
  // The series first (the series index, by their labels), then only their points: the metric
  // tables are ordered by (metric_name, series_id, …), so a few series read a few granules.
  // A series id shared by two metrics matches the same matchers for both (same labels).
  const seriesWhere = [
    'metric_name IN {metrics:Array(String)}',
    indexDays('{from:Int64}', '{end:Int64}'),
    ...matcherSql(q.matchers, (k) => `labels[${k}]`, params),
  ];
  const byKey = q.fn !== 'raw' && by.length > 0;
  // Per series: its labels, or its group key ('' for an absent label, as in PromQL).
  const series = seriesRows(
    db,
    seriesWhere,
    byKey ? 'arrayMap(k -> ls[k], {by:Array(String)}) AS key' : 'ls AS lbl',
  );
  const src = `SELECT metric_name AS m, series_id, toUnixTimestamp64Nano(timestamp) AS t,
      start_time_unix_nano AS st, aggregation_temporality AS temp,
      if(value_double IS NOT NULL, assumeNotNull(value_double), toFloat64(assumeNotNull(value_int))) AS v
    FROM ${db}.${TABLES.gaugeSum}
    WHERE metric_name IN {metrics:Array(String)} AND ${seriesIdsIn(db, seriesWhere)}
      AND (value_double IS NOT NULL OR value_int IS NOT NULL)
      AND timestamp >= fromUnixTimestamp64Nano({from:Int64}) AND timestamp <= fromUnixTimestamp64Nano({end:Int64})`;
  const bucket = 'intDiv(t - {start:Int64}, {step:Int64})';
  const withSeries = (perSeries: string): string => joinSeries(perSeries, series);
  // Each series' (x, value) pairs in x order, with its labels; series sorted by metric and labels.
  const pointArrays = (rowsSql: string, x: string, value: string): string =>
    `SELECT p.m AS m, s.lbl AS lbl, p.pts AS pts FROM ${withSeries(
      `SELECT m, series_id, groupArray((toString(${x}), ${value})) AS pts
       FROM (SELECT * FROM (${rowsSql}) ORDER BY m, series_id, ${x}) GROUP BY m, series_id`,
    )} ORDER BY m, toString(lbl) LIMIT ${MAX_SERIES}`;
  let sql: string;
  if (q.fn === 'raw') {
    sql = pointArrays(src, 't', 'v');
  } else if (q.fn === 'rate') {
    const inc = `SELECT m, series_id, t, temp, v,
        lagInFrame(v) OVER w AS pv, lagInFrame(st) OVER w AS pst, st, row_number() OVER w AS rn
      FROM (${src}) WINDOW w AS (PARTITION BY m, series_id ORDER BY t ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`;
    const perSeries = `SELECT m, series_id, ${bucket} AS b,
        sum(if(temp = 1, v, if(v < pv OR st != pst, v, v - pv))) / ({step:Int64} / 1e9) AS val
      FROM (${inc}) WHERE t >= {start:Int64} AND (temp = 1 OR rn > 1) GROUP BY m, series_id, b`;
    sql = byKey
      ? `SELECT p.m AS m, s.key AS key, p.b AS b, sum(p.val) AS val FROM ${withSeries(perSeries)}
         GROUP BY m, key, b ORDER BY m, key, b`
      : pointArrays(perSeries, 'b', 'val');
  } else {
    const last = `SELECT m, series_id, ${bucket} AS b, argMax(v, t) AS val FROM (${src}) GROUP BY m, series_id, b`;
    const key = byKey ? 's.key' : '[]';
    sql = `SELECT p.m AS m, ${key} AS key, p.b AS b, ${q.fn}(p.val) AS val FROM ${withSeries(last)}
      GROUP BY m, key, b ORDER BY m, key, b`;
  }
  sql += GLOBAL_SUBQUERIES;
  const out = await rows<Row>(storage, sql, params);
  const stepMs = q.stepMs;
  const startMs = Number(q.start / 1_000_000n);
  const at = (b: string | number): number => startMs + Number(b) * stepMs;
  if (q.fn === 'raw' || (q.fn === 'rate' && by.length === 0)) {
    return out.map((r) => ({
      ...(many ? { metric: r['m'] as string } : {}),
      labels: r['lbl'] as Record<string, string>,
      points: (r['pts'] as [string, number][]).map(([x, v]): [number, number] =>
        q.fn === 'raw' ? [Number(BigInt(x) / 1_000_000n), v] : [at(x), v],
      ),
    }));
  }
  const groups = new Map<string, RangeSeries>();
  for (const r of out) {
    const key = r['key'] as string[];
    const id = JSON.stringify([r['m'], key]);
    let g = groups.get(id);
    if (g === undefined) {
      g = {
        ...(many ? { metric: r['m'] as string } : {}),
        labels: Object.fromEntries(by.map((l, i) => [l, key[i]!])),
        points: [],
      };
      groups.set(id, g);
    }
    g.points.push([at(r['b'] as string), r['val'] as number]);
  }
  return [...groups.values()];
}
