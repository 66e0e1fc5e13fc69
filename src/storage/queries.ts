// Query SQL of the storage, in one place. User input only ever travels as ClickHouse query
// parameters ({name:Type}); identifiers spliced into SQL come from schema.ts or are validated.
// Inputs are checked before any SQL runs, so a bad request fails with a clear message.
import type { Span } from '../model/traces.ts';
import { fromHex } from './attributes.ts';
import type { Storage } from './connection.ts';
import {
  GROUP_COLS,
  QueryError,
  arrAttrCols,
  arrAttrs,
  attrCols,
  attrs,
  checkBoundedRange,
  checkLimit,
  checkRange,
  checkTime,
  checkTraceId,
  group,
  n,
  rows,
  s,
} from './read-common.ts';
import type { Row, StoredGroup } from './read-common.ts';
import { TABLES } from './schema.ts';

export { QueryError };
export type { StoredGroup };

export interface StoredSpan extends StoredGroup {
  span: Span;
}

const SPAN_COLS = [
  'toString(toUnixTimestamp64Nano(timestamp)) AS start_ns',
  'toString(end_time_unix_nano) AS end_ns',
  'trace_id, span_id, parent_span_id, trace_state, flags, name, kind',
  GROUP_COLS,
  attrCols('attributes'),
  'dropped_attributes, status_code, status_message',
  'arrayMap(x -> toString(x), events_time_unix_nano) AS ev_time',
  'events_name',
  arrAttrCols('events_attributes'),
  'events_dropped_attributes, dropped_events',
  'links_trace_id, links_span_id, links_trace_state',
  arrAttrCols('links_attributes'),
  'links_dropped_attributes, links_flags, dropped_links, schema_url',
].join(', ');

function spanFromRow(r: Row): StoredSpan {
  const evNames = r['events_name'] as string[];
  const lnTrace = r['links_trace_id'] as string[];
  return {
    ...group(r),
    span: {
      traceId: fromHex(s(r, 'trace_id')),
      spanId: fromHex(s(r, 'span_id')),
      traceState: s(r, 'trace_state'),
      parentSpanId: fromHex(s(r, 'parent_span_id')),
      flags: n(r, 'flags'),
      name: s(r, 'name'),
      kind: n(r, 'kind'),
      startTimeUnixNano: BigInt(s(r, 'start_ns')),
      endTimeUnixNano: BigInt(s(r, 'end_ns')),
      attributes: attrs(r, 'attributes'),
      droppedAttributesCount: n(r, 'dropped_attributes'),
      events: evNames.map((name, i) => ({
        timeUnixNano: BigInt((r['ev_time'] as string[])[i]!),
        name,
        attributes: arrAttrs(r, 'events_attributes', i),
        droppedAttributesCount: Number((r['events_dropped_attributes'] as number[])[i]),
      })),
      droppedEventsCount: n(r, 'dropped_events'),
      links: lnTrace.map((t, i) => ({
        traceId: fromHex(t),
        spanId: fromHex((r['links_span_id'] as string[])[i]!),
        traceState: (r['links_trace_state'] as string[])[i]!,
        attributes: arrAttrs(r, 'links_attributes', i),
        droppedAttributesCount: Number((r['links_dropped_attributes'] as number[])[i]),
        flags: Number((r['links_flags'] as number[])[i]),
      })),
      droppedLinksCount: n(r, 'dropped_links'),
      status: { code: n(r, 'status_code'), message: s(r, 'status_message') },
    },
  };
}

export const SQL = {
  // The spans' trace_id bloom filter (schema.ts) skips the granules that cannot hold the trace.
  traceById: (db: string): string =>
    `SELECT ${SPAN_COLS} FROM ${db}.${TABLES.spans}
     WHERE trace_id = {traceId:String}
     ORDER BY timestamp, span_id`,
  /** For reading back spans whose trace id is empty (not addressable by id). */
  allSpans: (db: string): string =>
    `SELECT ${SPAN_COLS} FROM ${db}.${TABLES.spans} ORDER BY timestamp, span_id, name`,
};

/** All spans of a trace, oldest first. */
export async function traceById(storage: Storage, traceId: string): Promise<StoredSpan[]> {
  const id = checkTraceId(traceId);
  return (await rows<Row>(storage, SQL.traceById(storage.database), { traceId: id })).map(spanFromRow);
}

/** Every stored span (tests and tools; unbounded only in the sense of the table, so keep it small). */
export async function allSpans(storage: Storage, limit = 1000): Promise<StoredSpan[]> {
  const l = checkLimit(limit, 1000);
  return (
    await rows<Row>(storage, `${SQL.allSpans(storage.database)} LIMIT {limit:UInt32}`, { limit: l })
  ).map(spanFromRow);
}

export { checkLimit, checkTime, checkTraceId };

export interface TraceSearch {
  service?: string;
  operation?: string;
  /** Span attribute equality filters (values as stored, see attributes.ts). */
  attributes?: Record<string, string>;
  /** Resource attribute equality filters (k8s.pod.name, …). */
  resource?: Record<string, string>;
  minDurationNs?: bigint;
  maxDurationNs?: bigint;
  startNs: bigint;
  endNs: bigint;
  limit?: number;
}

export interface TraceSummary {
  traceId: string;
  startNs: bigint;
  durationNs: bigint;
  spanCount: number;
  errorCount: number;
  rootService: string;
  rootName: string;
}

const MAX_FILTERS = 32;

/**
 * Traces with at least one span matching every filter, newest first. The summary covers the
 * whole trace within the time range.
 */
export async function searchTraces(storage: Storage, q: TraceSearch): Promise<TraceSummary[]> {
  checkRange(q.startNs, q.endNs);
  const limit = checkLimit(q.limit, 20);
  checkTime(q.minDurationNs, 'minDurationNs');
  checkTime(q.maxDurationNs, 'maxDurationNs');
  const attrs = Object.entries(q.attributes ?? {});
  if (attrs.length > MAX_FILTERS) throw new QueryError(`too many attribute filters (max ${MAX_FILTERS})`);
  const res = Object.entries(q.resource ?? {});
  if (res.length > MAX_FILTERS) throw new QueryError(`too many resource filters (max ${MAX_FILTERS})`);
  const where = [
    'timestamp >= fromUnixTimestamp64Nano({start:Int64})',
    'timestamp <= fromUnixTimestamp64Nano({end:Int64})',
  ];
  const params: Record<string, unknown> = { start: String(q.startNs), end: String(q.endNs), limit };
  if (q.service !== undefined) {
    where.push('service_name = {service:String}');
    params['service'] = q.service;
  }
  if (q.operation !== undefined) {
    where.push('name = {operation:String}');
    params['operation'] = q.operation;
  }
  if (q.minDurationNs !== undefined) {
    where.push('duration_ns >= {minDur:UInt64}');
    params['minDur'] = String(q.minDurationNs);
  }
  if (q.maxDurationNs !== undefined) {
    where.push('duration_ns <= {maxDur:UInt64}');
    params['maxDur'] = String(q.maxDurationNs);
  }
  attrs.forEach(([k, v], i) => {
    where.push(`attributes[{ak${i}:String}] = {av${i}:String}`);
    params[`ak${i}`] = k;
    params[`av${i}`] = v;
  });
  res.forEach(([k, v], i) => {
    where.push(`resource_attributes[{rk${i}:String}] = {rv${i}:String}`);
    params[`rk${i}`] = k;
    params[`rv${i}`] = v;
  });
  const db = storage.database;
  const sql = `
    SELECT trace_id,
      toString(toUnixTimestamp64Nano(min(timestamp))) AS start_ns,
      toString(max(end_time_unix_nano) - toUInt64(toUnixTimestamp64Nano(min(timestamp)))) AS duration_ns,
      count() AS span_count, countIf(status_code = 2) AS error_count,
      argMinIf(service_name, timestamp, parent_span_id = '') AS root_service,
      argMinIf(name, timestamp, parent_span_id = '') AS root_name
    FROM ${db}.${TABLES.spans}
    WHERE trace_id IN (
      SELECT trace_id FROM ${db}.${TABLES.spans} WHERE ${where.join(' AND ')}
      GROUP BY trace_id ORDER BY max(timestamp) DESC LIMIT {limit:UInt32})
      AND timestamp >= fromUnixTimestamp64Nano({start:Int64}) AND timestamp <= fromUnixTimestamp64Nano({end:Int64})
    GROUP BY trace_id ORDER BY min(timestamp) DESC`;
  return (await rows<Row>(storage, sql, params)).map((r) => ({
    traceId: s(r, 'trace_id'),
    startNs: BigInt(s(r, 'start_ns')),
    durationNs: BigInt(s(r, 'duration_ns')),
    spanCount: n(r, 'span_count'),
    errorCount: n(r, 'error_count'),
    rootService: s(r, 'root_service'),
    rootName: s(r, 'root_name'),
  }));
}

export interface ServiceSummary {
  service: string;
  spans: number;
  /** Spans per second over the range. */
  rate: number;
  errorRate: number;
  p50Ns: number;
  p95Ns: number;
  p99Ns: number;
}

/** Per-service request rate, error rate and duration percentiles of server/consumer spans. */
export async function servicesSummary(
  storage: Storage,
  startNs: bigint,
  endNs: bigint,
): Promise<ServiceSummary[]> {
  checkRange(startNs, endNs);
  const seconds = Math.max(Number(endNs - startNs) / 1e9, 1e-9);
  const sql = `
    SELECT service_name, count() AS spans, countIf(status_code = 2) / count() AS error_rate,
      quantiles(0.5, 0.95, 0.99)(duration_ns) AS q
    FROM ${storage.database}.${TABLES.spans}
    WHERE timestamp >= fromUnixTimestamp64Nano({start:Int64}) AND timestamp <= fromUnixTimestamp64Nano({end:Int64})
      AND kind IN (2, 5)
    GROUP BY service_name ORDER BY service_name`;
  return (await rows<Row>(storage, sql, { start: String(startNs), end: String(endNs) })).map((r) => {
    const q = r['q'] as number[];
    return {
      service: s(r, 'service_name'),
      spans: n(r, 'spans'),
      rate: n(r, 'spans') / seconds,
      errorRate: n(r, 'error_rate'),
      p50Ns: q[0]!,
      p95Ns: q[1]!,
      p99Ns: q[2]!,
    };
  });
}

// Logs and metrics read paths live in their own files; re-exported so callers have one module.
export { allLogs, searchLogs, textTokens } from './logs-queries.ts';
export type { LogSearch, LogSearchResult, StoredLog } from './logs-queries.ts';
export { allMetricPoints } from './metrics-read.ts';
export type { StoredMetricPoint } from './metrics-read.ts';
export {
  labelNames,
  labelValues,
  MAX_RANGE_METRICS,
  metricNames,
  metricSeries,
  rangeQuery,
} from './metrics-queries.ts';
export type { Matcher, Range, RangeFn, RangeQuery, RangeSeries, Series } from './metrics-queries.ts';

export interface DependencyEdge {
  parent: string;
  child: string;
  /** Child spans (calls) whose parent span belongs to another service. */
  calls: number;
  /** Of those, the ones with status ERROR. */
  errors: number;
}

/**
 * The service graph: an edge for every pair of services where a span of `child` has its parent
 * span in `parent` (same trace, both spans starting in the range, at most 32 days wide).
 */
export async function dependencies(
  storage: Storage,
  q: { start: bigint; end: bigint },
): Promise<DependencyEdge[]> {
  checkBoundedRange(q.start, q.end);
  const db = storage.database;
  const inRange =
    'timestamp >= fromUnixTimestamp64Nano({start:Int64}) AND timestamp <= fromUnixTimestamp64Nano({end:Int64})';
  const sql = `
    SELECT p.service_name AS parent, c.service_name AS child, count() AS calls,
      countIf(c.status_code = 2) AS errors
    FROM (SELECT trace_id, parent_span_id, service_name, status_code FROM ${db}.${TABLES.spans}
          WHERE ${inRange} AND parent_span_id != '') AS c
    INNER JOIN (SELECT trace_id, span_id, service_name FROM ${db}.${TABLES.spans} WHERE ${inRange}) AS p
      ON c.trace_id = p.trace_id AND c.parent_span_id = p.span_id
    WHERE p.service_name != c.service_name
    GROUP BY parent, child ORDER BY parent, child`;
  return (await rows<Row>(storage, sql, { start: String(q.start), end: String(q.end) })).map((r) => ({
    parent: s(r, 'parent'),
    child: s(r, 'child'),
    calls: n(r, 'calls'),
    errors: n(r, 'errors'),
  }));
}
