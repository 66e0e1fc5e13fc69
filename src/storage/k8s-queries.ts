// Reads behind the Kubernetes views (api/k8s.ts): the latest kube-state-metrics values, container
// CPU/memory use from cAdvisor metrics, and Kubernetes events stored as log records.
//
// Contracts:
// - A series' labels are its resource attributes overlaid with its point attributes (as in
//   metrics-queries.ts), so a label may come from either place.
// - "Latest at T": per series (series_id) the value of its newest point in [at − window, at]; a
//   series without a point in that window does not exist at T (this is how a deleted pod ends).
// - CPU: per container series of the cumulative `container_cpu_usage_seconds_total`, the increase
//   over the window (a drop in value or a new start time is a reset: the new value counts as the
//   increase) divided by the time between its first and last point in the window; at least two
//   points are needed. No extrapolation to the window edges.
// - Every read is capped at MAX_ROWS rows; `truncated` says when the cap cut the answer.
// - Events are log records carrying `k8s.event.reason` (the Collector's k8s_events receiver);
//   severity_number ≥ 13 (WARN and above) is a Warning event, anything else Normal.
import type { Storage } from './connection.ts';
import { checkBoundedRange, checkLimit, checkString, f, QueryError, rows } from './read-common.ts';
import type { Row } from './read-common.ts';
import { TABLES } from './schema.ts';
import { GLOBAL_SUBQUERIES, indexDays, joinSeries, seriesRows } from './series-sql.ts';

/** The most rows one read returns (series, containers or events). */
export const MAX_ROWS = 100_000;
const MAX_METRICS = 64;
const MAX_FILTERS = 16;

const LABELS = 'mapUpdate(resource_attributes, attributes)';
const VALUE =
  'if(value_double IS NOT NULL, assumeNotNull(value_double), toFloat64(assumeNotNull(value_int)))';
const HAS_VALUE = '(value_double IS NOT NULL OR value_int IS NOT NULL)';
const WINDOW_SQL =
  'timestamp >= fromUnixTimestamp64Nano({from:Int64}) AND timestamp <= fromUnixTimestamp64Nano({at:Int64})';

export const CPU_METRIC = 'container_cpu_usage_seconds_total';
export const MEMORY_METRIC = 'container_memory_working_set_bytes';
/** Severity numbers from WARN up mark a Warning event. */
export const WARNING_SEVERITY = 13;

export interface At {
  /** Nanoseconds since the epoch. */
  at: bigint;
  /** How far back a series' newest point may lie, in nanoseconds (> 0). */
  windowNs: bigint;
}

export interface LatestValue {
  metric: string;
  labels: Record<string, string>;
  value: number;
}

export interface Capped<T> {
  rows: T[];
  truncated: boolean;
}

function windowParams(a: At): Record<string, unknown> {
  if (typeof a.windowNs !== 'bigint' || a.windowNs <= 0n)
    throw new QueryError('invalid window: expected a positive number of nanoseconds');
  const from = a.at - a.windowNs;
  checkBoundedRange(from < 0n ? 0n : from, a.at, ['at - window', 'at']);
  return { from: String(from < 0n ? 0n : from), at: String(a.at) };
}

/** `labels[k] = v` conditions on `expr`, adding parameters to `params`. */
function labelFilters(
  filters: Record<string, string> | undefined,
  expr: string,
  params: Record<string, unknown>,
): string[] {
  const entries = Object.entries(filters ?? {});
  if (entries.length > MAX_FILTERS) throw new QueryError(`invalid filters: more than ${MAX_FILTERS}`);
  return entries.map(([k, v], i) => {
    params[`fk${i}`] = checkString(k, 'filter label', 255);
    params[`fv${i}`] = checkString(v, `filter ${JSON.stringify(k)}`);
    return `${expr}[{fk${i}:String}] = {fv${i}:String}`;
  });
}

function capped<T>(all: T[]): Capped<T> {
  return { rows: all.slice(0, MAX_ROWS), truncated: all.length > MAX_ROWS };
}

/**
 * The latest value of every series of the given gauge/sum metrics at `at`, optionally only
 * series whose labels equal every `filters` entry.
 */
export async function latestValues(
  storage: Storage,
  q: At & {
    metrics: readonly string[];
    filters?: Record<string, string>;
    /** Metrics whose series are left out when their latest value is 0 (phase-style indicators). */
    dropZero?: readonly string[];
  },
): Promise<Capped<LatestValue>> {
  const params = windowParams(q);
  if (!Array.isArray(q.metrics) || q.metrics.length === 0 || q.metrics.length > MAX_METRICS)
    throw new QueryError(`invalid metrics: expected 1..${MAX_METRICS} names`);
  params['metrics'] = q.metrics.map((m, i) => checkString(m, `metrics[${i}]`, 255));
  const db = storage.database;
  // Labels come from the series index, once per series, and filters apply there: the join drops
  // the series they exclude. (Reading only the filtered series' points through the index measured
  // no faster at 10M points and slower on small data: bench/RESULTS.md.)
  const seriesWhere = [
    'metric_name IN {metrics:Array(String)}',
    indexDays('{from:Int64}', '{at:Int64}'),
    ...labelFilters(q.filters, 'labels', params),
  ];
  const where = ['metric_name IN {metrics:Array(String)}', WINDOW_SQL, HAS_VALUE];
  let having = '';
  if (q.dropZero !== undefined && q.dropZero.length > 0) {
    if (q.dropZero.length > MAX_METRICS)
      throw new QueryError(`invalid dropZero: expected at most ${MAX_METRICS} names`);
    params['zero'] = q.dropZero.map((m, i) => checkString(m, `dropZero[${i}]`, 255));
    having = `HAVING m NOT IN {zero:Array(String)} OR v != 0`;
  }
  const latest = `SELECT metric_name AS m, series_id, argMax(${VALUE}, timestamp) AS v
    FROM ${db}.${TABLES.gaugeSum} WHERE ${where.join(' AND ')}
    GROUP BY metric_name, series_id ${having}`;
  const sql = `SELECT p.m AS m, s.lbl AS lbl, toString(p.v) AS val
    FROM ${joinSeries(latest, seriesRows(db, seriesWhere, 'ls AS lbl'))}
    ORDER BY m LIMIT ${MAX_ROWS + 1}${GLOBAL_SUBQUERIES}`;
  const out = await rows<Row>(storage, sql, params);
  return capped(
    out.map((r) => ({
      metric: r['m'] as string,
      labels: r['lbl'] as Record<string, string>,
      value: f(r, 'val'),
    })),
  );
}

export interface ContainerUsage {
  namespace: string;
  pod: string;
  container: string;
  node: string;
  /** CPU cores used on average over the window; undefined without two CPU points. */
  cpuCores?: number;
  /** Latest working set in bytes; undefined without a memory point. */
  memoryBytes?: number;
}

// cAdvisor labels, or the OTel resource attributes when the point carries none.
const label = (l: Record<string, string>, prom: string, otel: string): string =>
  l[prom] !== undefined && l[prom] !== '' ? l[prom] : (l[otel] ?? '');

/**
 * CPU and memory per container at `at`. cAdvisor's pod-level (container "") and sandbox
 * ("POD") series are left out: they would count the containers twice.
 */
export async function containerUsage(storage: Storage, q: At): Promise<Capped<ContainerUsage>> {
  const params = { ...windowParams(q), cpu: CPU_METRIC, mem: MEMORY_METRIC };
  const db = storage.database;
  // Per series from the points, then its labels from the series index (once per series).
  const labelsOf = (metric: string, perSeries: string, cols: string): string =>
    `SELECT s.lbl AS lbl, ${cols} FROM ${joinSeries(
      perSeries,
      seriesRows(
        db,
        [`metric_name = {${metric}:String}`, indexDays('{from:Int64}', '{at:Int64}')],
        'ls AS lbl',
      ),
    )} LIMIT ${MAX_ROWS + 1}${GLOBAL_SUBQUERIES}`;
  const src = `SELECT metric_name AS m, series_id, toUnixTimestamp64Nano(timestamp) AS t,
      start_time_unix_nano AS st, ${VALUE} AS v
    FROM ${db}.${TABLES.gaugeSum}
    WHERE metric_name = {cpu:String} AND ${WINDOW_SQL} AND ${HAS_VALUE}`;
  const lagged = `SELECT m, series_id, t, v, st, lagInFrame(v) OVER w AS pv, lagInFrame(st) OVER w AS pst,
      row_number() OVER w AS rn
    FROM (${src}) WINDOW w AS (PARTITION BY series_id ORDER BY t ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`;
  const cores = `SELECT m, series_id,
      sum(if(rn = 1, 0, if(v < pv OR st != pst, v, v - pv))) / ((max(t) - min(t)) / 1e9) AS cores
    FROM (${lagged}) GROUP BY m, series_id HAVING count() >= 2 AND max(t) > min(t)`;
  const cpuSql = labelsOf('cpu', cores, 'toString(p.cores) AS cores');
  const bytes = `SELECT metric_name AS m, series_id, argMax(${VALUE}, timestamp) AS bytes
    FROM ${db}.${TABLES.gaugeSum}
    WHERE metric_name = {mem:String} AND ${WINDOW_SQL} AND ${HAS_VALUE}
    GROUP BY metric_name, series_id`;
  const memSql = labelsOf('mem', bytes, 'toString(p.bytes) AS bytes');
  const [cpu, mem] = await Promise.all([
    rows<Row>(storage, cpuSql, params),
    rows<Row>(storage, memSql, params),
  ]);
  const byKey = new Map<string, ContainerUsage>();
  const entry = (l: Record<string, string>): ContainerUsage | undefined => {
    const c: ContainerUsage = {
      namespace: label(l, 'namespace', 'k8s.namespace.name'),
      pod: label(l, 'pod', 'k8s.pod.name'),
      container: label(l, 'container', 'k8s.container.name'),
      node: label(l, 'node', 'k8s.node.name'),
    };
    if (c.container === '' || c.container === 'POD' || c.pod === '') return undefined;
    const key = JSON.stringify([c.namespace, c.pod, c.container, c.node]);
    const had = byKey.get(key);
    if (had) return had;
    byKey.set(key, c);
    return c;
  };
  for (const r of cpu) {
    const c = entry(r['lbl'] as Record<string, string>);
    if (c) c.cpuCores = (c.cpuCores ?? 0) + f(r, 'cores');
  }
  for (const r of mem) {
    const c = entry(r['lbl'] as Record<string, string>);
    if (c) c.memoryBytes = (c.memoryBytes ?? 0) + f(r, 'bytes');
  }
  const out = capped([...byKey.values()]);
  return { rows: out.rows, truncated: out.truncated || cpu.length > MAX_ROWS || mem.length > MAX_ROWS };
}

export interface EventQuery {
  /** Nanoseconds since the epoch, inclusive, at most MAX_RANGE_NS apart. */
  start: bigint;
  end: bigint;
  namespace?: string;
  /** The involved object's kind (k8s.object.kind) and name (k8s.object.name). */
  kind?: string;
  name?: string;
  /** The event's reason (k8s.event.reason). */
  reason?: string;
  type?: 'Warning' | 'Normal';
  limit?: number;
}

export interface K8sEvent {
  timeUnixNano: bigint;
  type: 'Warning' | 'Normal';
  reason: string;
  action: string;
  message: string;
  count: number;
  eventName: string;
  namespace: string;
  objectKind: string;
  objectName: string;
}

/**
 * One occurrence of an event: its uid, its count (each repeat of a series increments it), its time
 * and note. A record stored twice with the same identity — a batch the k8s_events receiver sends
 * again after its leader was killed between delivery and checkpoint (at most one batch) — is
 * shown once, so each event appears exactly once to users.
 */
const EVENT_IDENTITY = `(${LABELS}['k8s.event.uid'], ${LABELS}['k8s.event.count'], timestamp, body)`;

function eventWhere(q: EventQuery, params: Record<string, unknown>): string[] {
  checkBoundedRange(q.start, q.end);
  params['start'] = String(q.start);
  params['end'] = String(q.end);
  const where = [
    'timestamp >= fromUnixTimestamp64Nano({start:Int64})',
    'timestamp <= fromUnixTimestamp64Nano({end:Int64})',
    `mapContains(${LABELS}, 'k8s.event.reason')`,
  ];
  const eq = (key: string, v: string | undefined, what: string) => {
    if (v === undefined) return;
    params[what] = checkString(v, what, 253);
    where.push(`${LABELS}['${key}'] = {${what}:String}`);
  };
  eq('k8s.namespace.name', q.namespace, 'namespace');
  eq('k8s.object.kind', q.kind, 'kind');
  eq('k8s.object.name', q.name, 'name');
  eq('k8s.event.reason', q.reason, 'reason');
  if (q.type !== undefined) {
    if (q.type !== 'Warning' && q.type !== 'Normal')
      throw new QueryError(`invalid type ${JSON.stringify(q.type)}: expected Warning or Normal`);
    where.push(`severity_number ${q.type === 'Warning' ? '>=' : '<'} ${WARNING_SEVERITY}`);
  }
  return where;
}

/** Events matching every filter, newest first, at most `limit` (default 100). */
export async function k8sEvents(storage: Storage, q: EventQuery): Promise<K8sEvent[]> {
  const params: Record<string, unknown> = { limit: checkLimit(q.limit, 100) };
  const where = eventWhere(q, params);
  const sql = `SELECT toString(toUnixTimestamp64Nano(timestamp)) AS t_ns, severity_number, body, ${LABELS} AS l
    FROM ${storage.database}.${TABLES.logs} WHERE ${where.join(' AND ')}
    ORDER BY timestamp DESC LIMIT 1 BY ${EVENT_IDENTITY} LIMIT {limit:UInt32}`;
  return (await rows<Row>(storage, sql, params)).map((r) => {
    const l = r['l'] as Record<string, string>;
    const count = Number(l['k8s.event.count'] ?? '1');
    return {
      timeUnixNano: BigInt(r['t_ns'] as string),
      type: Number(r['severity_number']) >= WARNING_SEVERITY ? 'Warning' : 'Normal',
      reason: l['k8s.event.reason'] ?? '',
      action: l['k8s.event.action'] ?? '',
      message: r['body'] as string,
      count: Number.isFinite(count) ? count : 1,
      eventName: l['k8s.event.name'] ?? '',
      namespace: l['k8s.namespace.name'] ?? '',
      objectKind: l['k8s.object.kind'] ?? '',
      objectName: l['k8s.object.name'] ?? '',
    };
  });
}

/** How many events match (the same filters as k8sEvents, without a limit). */
export async function countK8sEvents(storage: Storage, q: Omit<EventQuery, 'limit'>): Promise<number> {
  const params: Record<string, unknown> = {};
  const where = eventWhere(q, params);
  const sql = `SELECT uniqExact(${EVENT_IDENTITY}) AS c FROM ${storage.database}.${TABLES.logs} WHERE ${where.join(' AND ')}`;
  const out = await rows<Row>(storage, sql, params);
  return Number(out[0]?.['c'] ?? 0);
}
