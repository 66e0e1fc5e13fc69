// All ClickHouse DDL of the backend's storage, in one place.
//
// Contracts shared with writer.ts and queries.ts:
// - Every attribute set is two maps: `<x>` holds the value as a string (strings verbatim, ints in
//   decimal, doubles in JS notation, booleans `true`/`false`, bytes base64, arrays/kvlists as
//   OTLP/JSON) so equality filters work on the one map; `<x>_types` holds the kind of every value
//   that is not a string (see attributes.ts), which keeps the stored data exactly round-trippable.
// - `timestamp` is DateTime64(9, 'UTC'): partition key (one partition per day), ordering and TTL.
//   Fields that may exceed its range (a span's end) are stored verbatim as UInt64 next to it.
// - Ids are lowercase hex strings ('' when absent): bloom-filter friendly and readable in SQL.

export interface SchemaOptions {
  /** Database name; validated as an identifier. */
  database: string;
  /** Rows older than this are dropped (whole daily parts). */
  retentionDays: number;
  /**
   * Whether the engine knows every one of OPTIONAL_SETTINGS (a ClickHouse server older than
   * they are does not: they are left out there). Default: it does (embedded chDB).
   */
  optionalSettings?: boolean;
}

export interface ClusterOptions extends SchemaOptions {
  cluster: string;
}

export const DEFAULT_DATABASE = 'watchingcat';
export const DEFAULT_RETENTION_DAYS = 7;

/**
 * The tables holding data. Trace-by-id reads `spans` through its trace_id bloom filter; the former
 * `trace_index` table + materialized view was dropped: at 1M spans it made lookups slower
 * (p50 72 vs 56 ms) and cost insert time (bench/storage.bench.ts).
 */
export const TABLES = {
  spans: 'spans',
  logs: 'logs',
  gaugeSum: 'metrics_number',
  histogram: 'metrics_histogram',
  expHistogram: 'metrics_exp_histogram',
  summary: 'metrics_summary',
  /** One row per metric series and day (derived: filled by views on the metric tables). */
  metricSeries: 'metric_series',
} as const;
export const METRIC_TABLES = [
  TABLES.gaugeSum,
  TABLES.histogram,
  TABLES.expHistogram,
  TABLES.summary,
] as const;

const IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** Throws unless `name` is a plain identifier (they are spliced into DDL, never user data). */
export function assertIdentifier(name: string, what: string): void {
  if (!IDENT.test(name))
    throw new Error(`invalid ${what} ${JSON.stringify(name)}: expected [A-Za-z_][A-Za-z0-9_]*`);
}

function checkOptions(o: SchemaOptions): void {
  assertIdentifier(o.database, 'database name');
  if (!Number.isInteger(o.retentionDays) || o.retentionDays < 1 || o.retentionDays > 36_500) {
    throw new Error(`invalid retentionDays ${o.retentionDays}: expected an integer in 1..36500`);
  }
}

const attrMap = (name: string, codec = 'ZSTD(1)'): string =>
  `${name} Map(LowCardinality(String), String) CODEC(${codec}),\n  ${name}_types Map(LowCardinality(String), LowCardinality(String)) CODEC(${codec})`;

/**
 * The spans table's attribute maps (span, resource and scope, each with its `_types` map) are
 * compressed with LZ4 instead of ZSTD(1): every part is decompressed and recompressed by each
 * merge, and at 100k spans/s merges were a third of the process's CPU. Measured on the
 * benchmark's spans (bench/RESULTS.md, 2026-12-04 third session): engine insert + merge CPU per
 * span -12 to -13 %, 10M-span ingest +14 % per CPU-second (5 alternating runs each), for 56.9
 * instead of 41.8 bytes per stored span (LZ4 on every column: 68.5 bytes for a few % more).
 * Other tables keep ZSTD(1).
 * Tables created before get the codec by ALTER ... MODIFY COLUMN (metadata only: old parts are
 * recompressed when merges rewrite them).
 */
export const SPAN_MAP_CODEC = 'LZ4';
const SPAN_MAPS = ['resource_attributes', 'scope_attributes', 'attributes'];

// Typed copies of the hot resource keys, filled by ClickHouse from the map so the writer cannot
// get them out of sync.
const HOT_RESOURCE_KEYS: [column: string, key: string][] = [
  ['service_name', 'service.name'],
  ['service_namespace', 'service.namespace'],
  ['k8s_namespace_name', 'k8s.namespace.name'],
  ['k8s_pod_name', 'k8s.pod.name'],
  ['k8s_node_name', 'k8s.node.name'],
  ['k8s_container_name', 'k8s.container.name'],
  ['host_name', 'host.name'],
];

const resourceAndScope = (mapCodec = 'ZSTD(1)'): string[] => [
  attrMap('resource_attributes', mapCodec),
  'resource_dropped_attributes UInt32 CODEC(ZSTD(1))',
  'resource_schema_url LowCardinality(String) CODEC(ZSTD(1))',
  ...HOT_RESOURCE_KEYS.map(
    ([c, k]) => `${c} LowCardinality(String) MATERIALIZED resource_attributes['${k}'] CODEC(ZSTD(1))`,
  ),
  'scope_name LowCardinality(String) CODEC(ZSTD(1))',
  'scope_version LowCardinality(String) CODEC(ZSTD(1))',
  attrMap('scope_attributes', mapCodec),
  'scope_dropped_attributes UInt32 CODEC(ZSTD(1))',
  'scope_schema_url LowCardinality(String) CODEC(ZSTD(1))',
];
const RESOURCE_AND_SCOPE = resourceAndScope();

/**
 * Bloom-filter indexes over the attribute maps, dropped: building them was more than half of the
 * engine's insert time (16k spans per insert: ~90 ms without them, 170-290 ms with them, keys
 * alone as costly as keys + values), while attribute filters run inside a time window that the
 * ordering key already narrows. Data directories made before keep nothing of them (see
 * dropLegacyIndexes).
 */
const LEGACY_MAP_INDEXES = ['idx_res_keys', 'idx_res_values', 'idx_attr_keys', 'idx_attr_values'];

interface TableDef {
  name: string;
  columns: string[];
  indexes: string[];
  orderBy: string;
  /** The day a row belongs to (partition key and TTL); default `toDate(timestamp)`. */
  day?: string;
  /** Default MergeTree. */
  engine?: 'MergeTree' | 'ReplacingMergeTree';
  /** Rows per granule (the unit a read decompresses); 8192 unless a lookup pays for smaller. */
  granularity?: number;
  /**
   * MergeTree settings of this table that older ClickHouse servers reject as unknown (name →
   * value): left out where the server lacks them (openStorage asks it).
   */
  newerSettings?: Record<string, string>;
  ttl: boolean;
}

function exemplarColumns(): string[] {
  return [
    'exemplars_time_unix_nano Array(UInt64) CODEC(ZSTD(1))',
    'exemplars_value_double Array(Nullable(Float64)) CODEC(ZSTD(1))',
    'exemplars_value_int Array(Nullable(Int64)) CODEC(ZSTD(1))',
    'exemplars_span_id Array(String) CODEC(ZSTD(1))',
    'exemplars_trace_id Array(String) CODEC(ZSTD(1))',
    'exemplars_attributes Array(Map(LowCardinality(String), String)) CODEC(ZSTD(1))',
    'exemplars_attributes_types Array(Map(LowCardinality(String), LowCardinality(String))) CODEC(ZSTD(1))',
  ];
}

function metricCommon(): string[] {
  return [
    "timestamp DateTime64(9, 'UTC') CODEC(DoubleDelta, ZSTD(1))",
    'start_time_unix_nano UInt64 CODEC(Delta, ZSTD(1))',
    ...RESOURCE_AND_SCOPE,
    'metric_name LowCardinality(String) CODEC(ZSTD(1))',
    'metric_description LowCardinality(String) CODEC(ZSTD(1))',
    'metric_unit LowCardinality(String) CODEC(ZSTD(1))',
    attrMap('metric_metadata'),
    attrMap('attributes'),
    // The series: a hash of the resource and point attributes (what a label set identifies).
    'series_id UInt64 MATERIALIZED cityHash64(resource_attributes, attributes) CODEC(ZSTD(1))',
    'flags UInt32 CODEC(ZSTD(1))',
    'aggregation_temporality UInt8 CODEC(ZSTD(1))',
  ];
}

function tableDefs(): TableDef[] {
  return [
    {
      name: TABLES.spans,
      columns: [
        "timestamp DateTime64(9, 'UTC') CODEC(Delta, ZSTD(1))",
        'end_time_unix_nano UInt64 CODEC(Delta, ZSTD(1))',
        'duration_ns UInt64 CODEC(T64, ZSTD(1))',
        'trace_id String CODEC(ZSTD(1))',
        'span_id String CODEC(ZSTD(1))',
        'parent_span_id String CODEC(ZSTD(1))',
        'trace_state String CODEC(ZSTD(1))',
        'flags UInt32 CODEC(ZSTD(1))',
        'name LowCardinality(String) CODEC(ZSTD(1))',
        'kind UInt8 CODEC(ZSTD(1))',
        ...resourceAndScope(SPAN_MAP_CODEC),
        attrMap('attributes', SPAN_MAP_CODEC),
        'dropped_attributes UInt32 CODEC(ZSTD(1))',
        'status_code UInt8 CODEC(ZSTD(1))',
        'status_message String CODEC(ZSTD(1))',
        'events_time_unix_nano Array(UInt64) CODEC(ZSTD(1))',
        'events_name Array(LowCardinality(String)) CODEC(ZSTD(1))',
        'events_attributes Array(Map(LowCardinality(String), String)) CODEC(ZSTD(1))',
        'events_attributes_types Array(Map(LowCardinality(String), LowCardinality(String))) CODEC(ZSTD(1))',
        'events_dropped_attributes Array(UInt32) CODEC(ZSTD(1))',
        'dropped_events UInt32 CODEC(ZSTD(1))',
        'links_trace_id Array(String) CODEC(ZSTD(1))',
        'links_span_id Array(String) CODEC(ZSTD(1))',
        'links_trace_state Array(String) CODEC(ZSTD(1))',
        'links_attributes Array(Map(LowCardinality(String), String)) CODEC(ZSTD(1))',
        'links_attributes_types Array(Map(LowCardinality(String), LowCardinality(String))) CODEC(ZSTD(1))',
        'links_dropped_attributes Array(UInt32) CODEC(ZSTD(1))',
        'links_flags Array(UInt32) CODEC(ZSTD(1))',
        'dropped_links UInt32 CODEC(ZSTD(1))',
        'schema_url LowCardinality(String) CODEC(ZSTD(1))',
      ],
      indexes: [
        'INDEX idx_trace_id trace_id TYPE bloom_filter(0.001) GRANULARITY 1',
        'INDEX idx_duration duration_ns TYPE minmax GRANULARITY 1',
      ],
      // A trace's spans are close in time, so within a 15-minute bucket they sit together by
      // trace id: trace-by-id reads the one or two granules idx_trace_id points at, instead of
      // one granule per (service, operation) the trace touches (1M spans, 16 per trace: p50
      // 31 vs 123 ms), and time-window search reads only the buckets of its window.
      orderBy: '(toStartOfFifteenMinutes(timestamp), trace_id)',
      granularity: 2048,
      // Trace-by-id is a point read of ~120 column streams in whichever part holds the trace; the
      // first read of a part loads those streams' marks, so the first lookups after each merge
      // took 50-240 ms instead of ~22 (10M spans: 230 mark-cache misses in 300 lookups after an
      // OPTIMIZE, none with this). With it, inserts and merges put a new part's marks in the mark
      // cache as they write them (~10 MB per 10M spans). ClickHouse 24.11 or later.
      newerSettings: { prewarm_mark_cache: '1' },
      ttl: true,
    },
    {
      name: TABLES.logs,
      columns: [
        "timestamp DateTime64(9, 'UTC') CODEC(Delta, ZSTD(1))",
        // 0 when the record had no time of its own and `timestamp` is the observed time.
        'has_time UInt8 CODEC(ZSTD(1))',
        'observed_time_unix_nano UInt64 CODEC(Delta, ZSTD(1))',
        'trace_id String CODEC(ZSTD(1))',
        'span_id String CODEC(ZSTD(1))',
        'flags UInt32 CODEC(ZSTD(1))',
        'severity_text LowCardinality(String) CODEC(ZSTD(1))',
        'severity_number UInt8 CODEC(ZSTD(1))',
        'event_name LowCardinality(String) CODEC(ZSTD(1))',
        // The body as a string (see the attribute encoding) plus its kind ('' for a string).
        'body String CODEC(ZSTD(1))',
        'body_type LowCardinality(String) CODEC(ZSTD(1))',
        ...RESOURCE_AND_SCOPE,
        attrMap('attributes'),
        'dropped_attributes UInt32 CODEC(ZSTD(1))',
      ],
      indexes: [
        'INDEX idx_trace_id trace_id TYPE bloom_filter(0.001) GRANULARITY 1',
        'INDEX idx_body lower(body) TYPE tokenbf_v1(32768, 3, 0) GRANULARITY 1',
      ],
      orderBy: '(service_name, toDateTime(timestamp))',
      ttl: true,
    },
    {
      name: TABLES.gaugeSum,
      columns: [
        ...metricCommon(),
        'metric_type LowCardinality(String) CODEC(ZSTD(1))', // 'gauge' | 'sum'
        'is_monotonic Bool CODEC(ZSTD(1))',
        'value_double Nullable(Float64) CODEC(Gorilla, ZSTD(1))',
        'value_int Nullable(Int64) CODEC(ZSTD(1))',
        ...exemplarColumns(),
      ],
      indexes: [],
      orderBy: '(metric_name, series_id, toDateTime(timestamp))',
      ttl: true,
    },
    {
      name: TABLES.histogram,
      columns: [
        ...metricCommon(),
        'count UInt64 CODEC(Delta, ZSTD(1))',
        'sum Nullable(Float64) CODEC(ZSTD(1))',
        'min Nullable(Float64) CODEC(ZSTD(1))',
        'max Nullable(Float64) CODEC(ZSTD(1))',
        'bucket_counts Array(UInt64) CODEC(ZSTD(1))',
        'explicit_bounds Array(Float64) CODEC(ZSTD(1))',
        ...exemplarColumns(),
      ],
      indexes: [],
      orderBy: '(metric_name, series_id, toDateTime(timestamp))',
      ttl: true,
    },
    {
      name: TABLES.expHistogram,
      columns: [
        ...metricCommon(),
        'count UInt64 CODEC(Delta, ZSTD(1))',
        'sum Nullable(Float64) CODEC(ZSTD(1))',
        'min Nullable(Float64) CODEC(ZSTD(1))',
        'max Nullable(Float64) CODEC(ZSTD(1))',
        'scale Int32 CODEC(ZSTD(1))',
        'zero_count UInt64 CODEC(ZSTD(1))',
        'zero_threshold Float64 CODEC(ZSTD(1))',
        'positive_offset Int32 CODEC(ZSTD(1))',
        'positive_bucket_counts Array(UInt64) CODEC(ZSTD(1))',
        'negative_offset Int32 CODEC(ZSTD(1))',
        'negative_bucket_counts Array(UInt64) CODEC(ZSTD(1))',
        ...exemplarColumns(),
      ],
      indexes: [],
      orderBy: '(metric_name, series_id, toDateTime(timestamp))',
      ttl: true,
    },
    {
      name: TABLES.summary,
      columns: [
        ...metricCommon(),
        'count UInt64 CODEC(Delta, ZSTD(1))',
        'sum Float64 CODEC(ZSTD(1))',
        'quantiles Array(Float64) CODEC(ZSTD(1))',
        'quantile_values Array(Float64) CODEC(ZSTD(1))',
      ],
      indexes: [],
      orderBy: '(metric_name, series_id, toDateTime(timestamp))',
      ttl: true,
    },
    {
      // The series index: a range query finds its series here by their labels, then reads only
      // their points through the metric tables' (metric_name, series_id, …) key, instead of
      // matching the label maps of every point of the metric in range (bench/RESULTS.md). Rows
      // come from the views of seriesViews, mostly one per series and day; readers still group by
      // series, since concurrent inserts, late points and backfills can write one again.
      name: TABLES.metricSeries,
      columns: [
        'day Date CODEC(ZSTD(1))',
        'metric_name LowCardinality(String) CODEC(ZSTD(1))',
        'series_id UInt64 CODEC(ZSTD(1))',
        // The series' labels: resource attributes overlaid with point attributes.
        'labels Map(LowCardinality(String), String) CODEC(ZSTD(1))',
      ],
      indexes: [],
      orderBy: '(metric_name, series_id)',
      day: 'day',
      engine: 'ReplacingMergeTree',
      ttl: true,
    },
  ];
}

/** The views feeding TABLES.metricSeries, one per metric table: `${table}_series_mv`. */
export const seriesView = (table: string): string => `${table}_series_mv`;

/**
 * What a view (or the backfill) writes into the series table `into` from the metric table `from`:
 * the series of the inserted rows that `into` does not hold yet for their day. Checking the last
 * two days' index costs an insert little (one row per series and day), while writing a row per
 * series and insert cost 15-25 % of metric ingest CPU (bench/RESULTS.md); series of older days
 * (late points) are written again, which readers' grouping absorbs. The labels map is built once
 * per new series, not per row.
 */
export function seriesSelect(from: string, into: string): string {
  return `SELECT toDate(timestamp) AS day, metric_name, series_id,
      mapUpdate(any(resource_attributes), any(attributes)) AS labels
    FROM ${from}
    WHERE (toDate(timestamp), metric_name, series_id) NOT IN
      (SELECT day, metric_name, series_id FROM ${into} WHERE day >= today() - 1)
    GROUP BY day, metric_name, series_id`;
}

/** Marks a series table whose backfill from the metric tables is complete (see seriesBackfill). */
export const SERIES_BACKFILLED = 'backfilled from the metric tables';

/**
 * The series views of a database (single node: on the metric tables; cluster: on each node's
 * `_local` tables into its local series table, so each shard indexes the series it holds).
 */
function seriesViews(db: string, suffix: string, onCluster: string): string[] {
  return METRIC_TABLES.map(
    (t) =>
      `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.${seriesView(t)}${onCluster} ` +
      `TO ${db}.${TABLES.metricSeries}${suffix} AS\n` +
      seriesSelect(`${db}.${t}${suffix}`, `${db}.${TABLES.metricSeries}${suffix}`),
  );
}

/**
 * Fills the series table of a single node from the points stored before it existed (data
 * directories of earlier versions), after the views exist so nothing inserted meanwhile is
 * missed; duplicates are harmless. The table's comment marks completion, so an interrupted
 * backfill runs again at the next open. Run these only when the comment is not SERIES_BACKFILLED.
 * (clusterDDL has no backfill: clusters of earlier versions were never made by this code.)
 */
export function seriesBackfill(db: string): string[] {
  const into = `${db}.${TABLES.metricSeries}`;
  return [
    ...METRIC_TABLES.map((t) => `INSERT INTO ${into} ${seriesSelect(`${db}.${t}`, into)}`),
    `ALTER TABLE ${into} MODIFY COMMENT '${SERIES_BACKFILLED}'`,
  ];
}

function body(t: TableDef): string {
  return `(\n  ${[...t.columns, ...t.indexes].join(',\n  ')}\n)`;
}

/**
 * Parts below this many uncompressed bytes are written in the compact format (all columns in one
 * file) instead of the wide one (two files per column, ~120 for spans). A group-commit insert of
 * 65k spans is ~35 MB uncompressed: compact, it cost the engine 13 % less CPU (one Native block
 * into each layout), ~30 % less in sustained ingest (3M spans, thread CPU: 11.4 vs 17.0 s).
 * Parts from the first merges on are wide: compact parts merge all columns at once rather than
 * column by column, and a 256 MiB threshold made merges 60 % dearer (24.8 vs 15.2 s).
 */
export const MIN_BYTES_FOR_WIDE_PART = 64 * 2 ** 20;

/**
 * A table's MergeTree settings but its granularity (which cannot change): at creation and, by
 * ALTER ... MODIFY SETTING, on upgrade.
 */
function tableSettings(t: TableDef, o: SchemaOptions): string {
  const newer = o.optionalSettings === false ? [] : Object.entries(t.newerSettings ?? {});
  // ttl_only_drop_parts: with daily partitions whole parts expire together, so dropping them is
  // free instead of rewriting them in a TTL merge.
  return [
    'ttl_only_drop_parts = 1',
    `min_bytes_for_wide_part = ${MIN_BYTES_FOR_WIDE_PART}`,
    ...newer.map(([name, value]) => `${name} = ${value}`),
  ].join(', ');
}

/** The MergeTree settings some table carries that older ClickHouse servers reject as unknown. */
export const OPTIONAL_SETTINGS = [...new Set(tableDefs().flatMap((t) => Object.keys(t.newerSettings ?? {})))];

function tail(t: TableDef, o: SchemaOptions): string {
  const day = t.day ?? 'toDate(timestamp)';
  return (
    `PARTITION BY ${day}\nORDER BY ${t.orderBy}\n` +
    (t.ttl ? `TTL ${day} + INTERVAL ${o.retentionDays} DAY\n` : '') +
    `SETTINGS index_granularity = ${t.granularity ?? 8192}, ${tableSettings(t, o)}`
  );
}

/** Brings tables created by an earlier version to the current settings (idempotent). */
function modifySettings(o: SchemaOptions, suffix: string, onCluster: string): string[] {
  return tableDefs().map(
    (t) => `ALTER TABLE ${o.database}.${t.name}${suffix}${onCluster} MODIFY SETTING ${tableSettings(t, o)}`,
  );
}

/**
 * Gives the span attribute maps of tables created with ZSTD(1) their current codec. A codec-only
 * MODIFY COLUMN changes metadata only (no mutation, idempotent): new parts are written with it,
 * existing ones when a merge rewrites them.
 */
function modifySpanMapCodecs(db: string, suffix: string, onCluster: string): string {
  const cols = SPAN_MAPS.flatMap((m) => [m, `${m}_types`]);
  return (
    `ALTER TABLE ${db}.${TABLES.spans}${suffix}${onCluster} ` +
    cols.map((c) => `MODIFY COLUMN ${c} CODEC(${SPAN_MAP_CODEC})`).join(', ')
  );
}

/**
 * Removes the trace index of data directories created before it was dropped (derived data only):
 * the view first, so no insert feeds a table being dropped.
 */
function dropLegacyTraceIndex(db: string, suffix: string, onCluster: string): string[] {
  return [
    `DROP VIEW IF EXISTS ${db}.trace_index_mv${onCluster}`,
    `DROP TABLE IF EXISTS ${db}.trace_index${suffix}${onCluster}`,
  ];
}

/** DDL for a single node (embedded chDB or one server), in execution order; idempotent. */
export function singleNodeDDL(o: SchemaOptions): string[] {
  checkOptions(o);
  const db = o.database;
  const out = [`CREATE DATABASE IF NOT EXISTS ${db}`];
  for (const t of tableDefs()) {
    out.push(
      `CREATE TABLE IF NOT EXISTS ${db}.${t.name} ${body(t)}\nENGINE = ${t.engine ?? 'MergeTree'}\n${tail(t, o)}`,
    );
  }
  out.push(
    ...seriesViews(db, '', ''),
    ...dropLegacyTraceIndex(db, '', ''),
    ...dropLegacyIndexes(db, '', ''),
    modifySpanMapCodecs(db, '', ''),
    ...modifySettings(o, '', ''),
  );
  return out;
}

/**
 * DDL for a ClickHouse cluster: `<table>_local` ReplicatedMergeTree tables on every node plus
 * `Distributed` tables with the plain names, so queries.ts runs unchanged. Spans shard by trace
 * id (a trace lives on one shard); logs and metrics shard randomly.
 */
export function clusterDDL(o: ClusterOptions): string[] {
  checkOptions(o);
  assertIdentifier(o.cluster, 'cluster name');
  const db = o.database;
  const oc = ` ON CLUSTER ${o.cluster}`;
  const out = [`CREATE DATABASE IF NOT EXISTS ${db}${oc}`];
  for (const t of tableDefs()) {
    const local = `${t.name}_local`;
    out.push(
      `CREATE TABLE IF NOT EXISTS ${db}.${local}${oc} ${body(t)}\n` +
        `ENGINE = Replicated${t.engine ?? 'MergeTree'}('/clickhouse/tables/{shard}/${db}/${local}', '{replica}')\n${tail(t, o)}`,
    );
    const shardKey = t.name === TABLES.spans ? 'cityHash64(trace_id)' : 'rand()';
    out.push(
      `CREATE TABLE IF NOT EXISTS ${db}.${t.name}${oc} AS ${db}.${local}\n` +
        `ENGINE = Distributed(${o.cluster}, ${db}, ${local}, ${shardKey})`,
    );
  }
  out.push(
    ...seriesViews(db, '_local', oc),
    ...dropLegacyTraceIndex(db, '', oc),
    ...dropLegacyTraceIndex(db, '_local', oc).slice(1),
    ...dropLegacyIndexes(db, '_local', oc),
    modifySpanMapCodecs(db, '_local', oc),
    ...modifySettings(o, '_local', oc),
  );
  return out;
}

/** Removes the attribute-map indexes from tables created with them (metadata and index files). */
function dropLegacyIndexes(db: string, suffix: string, onCluster: string): string[] {
  return [TABLES.spans, TABLES.logs].map(
    (t) =>
      `ALTER TABLE ${db}.${t}${suffix}${onCluster} ` +
      LEGACY_MAP_INDEXES.map((i) => `DROP INDEX IF EXISTS ${i}`).join(', '),
  );
}
