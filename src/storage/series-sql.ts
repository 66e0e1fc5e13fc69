// SQL over the metric series index (schema.ts TABLES.metricSeries), shared by the metric and
// Kubernetes reads: find series by label in the index, read only their points through the
// metric tables' (metric_name, series_id, …) key, and join labels once per series, never per point.
//
// Contracts:
// - `where` conditions apply to the index's rows (columns day, metric_name, series_id, labels);
//   every row of a series carries the same labels, so filtering before grouping is exact.
// - The index has a row per series and day at least for every day with points; rows may repeat,
//   so readers group by (metric_name, series_id).
// - series_id hashes the labels only: two metrics' series may share one. Reads keep the metric
//   with the id wherever both metrics could meet.
import { TABLES } from './schema.ts';

/** The index's days that a time range [from, to] (ClickHouse expressions, Int64 ns) touches. */
export const indexDays = (from: string, to: string): string =>
  `day >= toDate(fromUnixTimestamp64Nano(${from})) AND day <= toDate(fromUnixTimestamp64Nano(${to}))`;

/** `series_id IN (…)`: the series of the index rows matching every condition. */
export function seriesIdsIn(db: string, where: readonly string[]): string {
  return `series_id IN (SELECT series_id FROM ${db}.${TABLES.metricSeries} WHERE ${where.join(' AND ')})`;
}

/**
 * One row per (m, series_id) of the index rows matching every condition, with `select` over the
 * series' labels map `ls` (e.g. `ls AS lbl`, or a group key).
 */
export function seriesRows(db: string, where: readonly string[], select: string): string {
  return `SELECT m, series_id, ${select}
    FROM (SELECT metric_name AS m, series_id, any(labels) AS ls FROM ${db}.${TABLES.metricSeries}
      WHERE ${where.join(' AND ')} GROUP BY metric_name, series_id)`;
}

/** `perSeries` rows (with columns m and series_id) joined with seriesRows as `p` and `s`. */
export const joinSeries = (perSeries: string, series: string): string =>
  `(${perSeries}) AS p INNER JOIN (${series}) AS s ON p.m = s.m AND p.series_id = s.series_id`;

/**
 * Appended to reads with index subqueries: on a cluster they run once on the initiator (metric
 * points shard randomly, so a series' points live on every shard); one node ignores it.
 */
export const GLOBAL_SUBQUERIES = ` SETTINGS distributed_product_mode = 'global'`;
