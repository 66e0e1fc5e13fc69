// Reads behind the pipeline health view (api/pipeline.ts): every WatchingCat process that
// reports its own metrics (the `selfmetrics` receiver: service.name `watchingcat`) with its last
// heartbeat and current counts, and the last data received per source (service) and signal — so a
// process or an application that stopped sending shows as silent instead of as merely quiet.
//
// Contracts: both reads look back over [end − lookback, end]; counts are the newest value per
// series summed per process (cumulative counters since the process started); at most MAX_ROWS rows.
import type { Storage } from './connection.ts';
import { checkBoundedRange, rows } from './read-common.ts';
import type { Row } from './read-common.ts';
import { TABLES } from './schema.ts';

const MAX_ROWS = 10_000;
const VALUE =
  'if(value_double IS NOT NULL, assumeNotNull(value_double), toFloat64(assumeNotNull(value_int)))';

/** The own metrics the view sums per process, by what it calls them. */
export const HEALTH_METRICS = {
  accepted: 'watchingcat_receiver_accepted_items_total',
  refused: 'watchingcat_receiver_refused_items_total',
  processorDropped: 'watchingcat_processor_dropped_items_total',
  processorRefused: 'watchingcat_processor_refused_items_total',
  sent: 'watchingcat_exporter_sent_items_total',
  sendFailed: 'watchingcat_exporter_send_failed_items_total',
  enqueueFailed: 'watchingcat_exporter_enqueue_failed_items_total',
  queueSize: 'watchingcat_exporter_queue_size',
  queueCapacity: 'watchingcat_exporter_queue_capacity',
} as const;

export interface ProcessHealth {
  instance: string;
  role: string;
  host: string;
  node: string;
  pod: string;
  cluster: string;
  lastSeenUnixNano: bigint;
  /** Newest value per series, summed: keys of HEALTH_METRICS. */
  values: Partial<Record<keyof typeof HEALTH_METRICS, number>>;
}

export interface SourceActivity {
  service: string;
  signal: 'traces' | 'logs' | 'metrics';
  lastUnixNano: bigint;
  /** Items in the look-back range. */
  items: number;
}

export async function processHealth(storage: Storage, start: bigint, end: bigint): Promise<ProcessHealth[]> {
  checkBoundedRange(start, end);
  const db = storage.database;
  const params = { start: String(start), end: String(end), names: Object.values(HEALTH_METRICS) };
  const range = `timestamp >= fromUnixTimestamp64Nano({start:Int64}) AND timestamp <= fromUnixTimestamp64Nano({end:Int64})`;
  const instance = `resource_attributes['service.instance.id']`;
  const [seen, vals] = await Promise.all([
    rows<Row>(
      storage,
      `SELECT ${instance} AS instance, any(resource_attributes) AS res,
         toString(toUnixTimestamp64Nano(max(timestamp))) AS last_ns
       FROM ${db}.${TABLES.gaugeSum}
       WHERE service_name = 'watchingcat' AND ${range}
       GROUP BY instance ORDER BY instance LIMIT ${MAX_ROWS}`,
      params,
    ),
    rows<Row>(
      storage,
      `SELECT instance, metric_name, toString(sum(v)) AS v FROM (
         SELECT ${instance} AS instance, metric_name, series_id, argMax(${VALUE}, timestamp) AS v
         FROM ${db}.${TABLES.gaugeSum}
         WHERE service_name = 'watchingcat' AND metric_name IN {names:Array(String)} AND ${range}
         GROUP BY instance, metric_name, series_id)
       GROUP BY instance, metric_name LIMIT ${MAX_ROWS}`,
      params,
    ),
  ]);
  const byName = new Map<string, keyof typeof HEALTH_METRICS>(
    Object.entries(HEALTH_METRICS).map(([k, v]) => [v, k as keyof typeof HEALTH_METRICS]),
  );
  const out = new Map<string, ProcessHealth>();
  for (const r of seen) {
    const res = r['res'] as Record<string, string>;
    out.set(r['instance'] as string, {
      instance: r['instance'] as string,
      role: res['watchingcat.role'] ?? '',
      host: res['host.name'] ?? '',
      node: res['k8s.node.name'] ?? '',
      pod: res['k8s.pod.name'] ?? '',
      cluster: res['k8s.cluster.name'] ?? '',
      lastSeenUnixNano: BigInt(r['last_ns'] as string),
      values: {},
    });
  }
  for (const r of vals) {
    const p = out.get(r['instance'] as string);
    const key = byName.get(r['metric_name'] as string);
    if (p && key) p.values[key] = Number(r['v']);
  }
  return [...out.values()];
}

export async function sourceActivity(
  storage: Storage,
  start: bigint,
  end: bigint,
): Promise<SourceActivity[]> {
  checkBoundedRange(start, end);
  const db = storage.database;
  const params = { start: String(start), end: String(end) };
  const range = `timestamp >= fromUnixTimestamp64Nano({start:Int64}) AND timestamp <= fromUnixTimestamp64Nano({end:Int64})`;
  const per = (table: string, signal: SourceActivity['signal']) =>
    `SELECT service_name AS service, '${signal}' AS signal, toString(toUnixTimestamp64Nano(max(timestamp))) AS last_ns,
       count() AS items
     FROM ${db}.${table} WHERE ${range} AND service_name != 'watchingcat' GROUP BY service_name`;
  const sql = `SELECT * FROM (${per(TABLES.spans, 'traces')} UNION ALL ${per(TABLES.logs, 'logs')} UNION ALL ${per(
    TABLES.gaugeSum,
    'metrics',
  )}) ORDER BY service, signal LIMIT ${MAX_ROWS}`;
  return (await rows<Row>(storage, sql, params)).map((r) => ({
    service: r['service'] as string,
    signal: r['signal'] as SourceActivity['signal'],
    lastUnixNano: BigInt(r['last_ns'] as string),
    items: Number(r['items']),
  }));
}
