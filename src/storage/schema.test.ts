import assert from 'node:assert/strict';
import { test } from 'node:test';
import { knowsSettings } from './connection.ts';
import { clusterDDL, METRIC_TABLES, OPTIONAL_SETTINGS, singleNodeDDL, TABLES } from './schema.ts';
import { embeddedStoreForTest } from './testdata/embedded-store.ts';

test('single-node DDL: MergeTree, daily partitions and the configured retention on every table', () => {
  const ddl = singleNodeDDL({ database: 'wc', retentionDays: 3 });
  const n = Object.keys(TABLES).length;
  const tables = ddl.filter((s) => s.startsWith('CREATE TABLE'));
  assert.equal(tables.length, Object.keys(TABLES).length);
  for (const t of tables.filter((x) => !x.includes('wc.metric_series '))) {
    assert.match(t, /ENGINE = MergeTree\n/);
    assert.match(t, /PARTITION BY toDate\(timestamp\)/);
    assert.match(t, /TTL toDate\(timestamp\) \+ INTERVAL 3 DAY/);
  }
  // The series index: one row per series and day, duplicates replaced by merges.
  const series = tables.find((t) => t.includes('wc.metric_series '))!;
  assert.match(
    series,
    /ENGINE = ReplacingMergeTree\nPARTITION BY day\nORDER BY \(metric_name, series_id\)\nTTL day \+ INTERVAL 3 DAY/,
  );
  // Fed by one view per metric table, made after the tables.
  const views = ddl.filter((x) => x.startsWith('CREATE MATERIALIZED VIEW'));
  assert.deepEqual(
    views.map((v) => v.split('\n')[0]),
    METRIC_TABLES.map(
      (t) => `CREATE MATERIALIZED VIEW IF NOT EXISTS wc.${t}_series_mv TO wc.metric_series AS`,
    ),
  );
  // Each view writes only series the index lacks for the point's day (of the last two days).
  for (const [i, t] of METRIC_TABLES.entries()) {
    assert.match(views[i]!, new RegExp(`\\n    FROM wc\\.${t}\\n`));
    assert.match(
      views[i]!,
      /NOT IN\n +\(SELECT day, metric_name, series_id FROM wc\.metric_series WHERE day >= today\(\) - 1\)\n +GROUP BY day, metric_name, series_id$/,
    );
  }
  assert.ok(ddl.indexOf(views[0]!) > ddl.indexOf(series));
  assert.match(singleNodeDDL({ database: 'wc', retentionDays: 7 }).join('\n'), /INTERVAL 7 DAY/);
  const spans = tables.find((t) => t.includes('wc.spans '))!;
  assert.match(spans, /INDEX idx_trace_id trace_id TYPE bloom_filter/);
  assert.match(spans, /ORDER BY \(toStartOfFifteenMinutes\(timestamp\), trace_id\)/);
  assert.match(spans, /index_granularity = 2048/);
  // No bloom filters over attribute maps: they cost more insert time than they saved.
  for (const t of tables) assert.doesNotMatch(t, /INDEX \w+ map(Keys|Values)/);
  assert.match(
    spans,
    /service_name LowCardinality\(String\) MATERIALIZED resource_attributes\['service.name'\]/,
  );
  // The span attribute maps are LZ4 (cheaper merges); every other table keeps ZSTD(1) on its maps.
  const maps = ['resource_attributes', 'scope_attributes', 'attributes'].flatMap((m) => [m, `${m}_types`]);
  for (const m of maps) assert.match(spans, new RegExp(`\\n  ${m} Map\\([^\\n]*\\) CODEC\\(LZ4\\),`));
  assert.equal(spans.match(/CODEC\(LZ4\)/g)?.length, maps.length);
  for (const t of tables.filter((x) => x !== spans)) assert.doesNotMatch(t, /LZ4/);
  const logs = tables.find((t) => t.includes('wc.logs '))!;
  assert.match(logs, /TYPE tokenbf_v1/);
  // The former trace index (view + table) is removed from older data directories, view first.
  assert.ok(!ddl.some((s) => s.includes('MATERIALIZED VIEW') && s.includes('trace_index')));
  const drops =
    'DROP INDEX IF EXISTS idx_res_keys, DROP INDEX IF EXISTS idx_res_values, DROP INDEX IF EXISTS idx_attr_keys, DROP INDEX IF EXISTS idx_attr_values';
  // Then every table is brought to the current settings (compact parts for inserts).
  // The spans table also puts each new part's marks in the mark cache (first lookups after a merge).
  const settings = (t: string): string =>
    `ttl_only_drop_parts = 1, min_bytes_for_wide_part = 67108864${t === 'spans' ? ', prewarm_mark_cache = 1' : ''}`;
  assert.deepEqual(
    ddl.slice(-n),
    Object.values(TABLES).map((t) => `ALTER TABLE wc.${t} MODIFY SETTING ${settings(t)}`),
  );
  for (const name of Object.values(TABLES)) {
    const t = tables.find((x) => x.includes(`wc.${name} `));
    assert.match(t ?? '', new RegExp(`SETTINGS index_granularity = \\d+, ${settings(name)}$`));
  }
  // Before that, span tables made with ZSTD(1) maps get the LZ4 codec (metadata only).
  assert.deepEqual(ddl.slice(-n - 5, -n), [
    'DROP VIEW IF EXISTS wc.trace_index_mv',
    'DROP TABLE IF EXISTS wc.trace_index',
    `ALTER TABLE wc.spans ${drops}`,
    `ALTER TABLE wc.logs ${drops}`,
    `ALTER TABLE wc.spans ${maps.map((m) => `MODIFY COLUMN ${m} CODEC(LZ4)`).join(', ')}`,
  ]);
});

test('cluster DDL: replicated local tables, distributed tables and ON CLUSTER everywhere', () => {
  const ddl = clusterDDL({ database: 'wc', retentionDays: 7, cluster: 'main' });
  const n = Object.keys(TABLES).length;
  for (const s of ddl) assert.match(s, / ON CLUSTER main/);
  const locals = ddl.filter((s) => /CREATE TABLE IF NOT EXISTS wc\.\w+_local /.test(s));
  const dists = ddl.filter((s) => s.includes('ENGINE = Distributed('));
  assert.equal(locals.length, Object.keys(TABLES).length);
  assert.equal(dists.length, locals.length);
  for (const l of locals)
    assert.match(
      l,
      /ENGINE = Replicated(Replacing)?MergeTree\('\/clickhouse\/tables\/\{shard\}\/wc\/\w+_local', '\{replica\}'\)/,
    );
  assert.match(
    locals.find((l) => l.includes('metric_series_local'))!,
    /ENGINE = ReplicatedReplacingMergeTree/,
  );
  // Each node's views index the series of the points it holds.
  const views = ddl.filter((x) => x.startsWith('CREATE MATERIALIZED VIEW'));
  assert.deepEqual(
    views.map((v) => v.split('\n')[0]),
    METRIC_TABLES.map(
      (t) =>
        `CREATE MATERIALIZED VIEW IF NOT EXISTS wc.${t}_series_mv ON CLUSTER main TO wc.metric_series_local AS`,
    ),
  );
  for (const [i, t] of METRIC_TABLES.entries()) {
    assert.match(views[i]!, new RegExp(`\\n    FROM wc\\.${t}_local\\n`));
    assert.match(views[i]!, /FROM wc\.metric_series_local WHERE day >= today\(\) - 1\)/);
  }
  assert.ok(dists.some((d) => d.includes('Distributed(main, wc, spans_local, cityHash64(trace_id))')));
  assert.ok(dists.some((d) => d.includes('Distributed(main, wc, logs_local, rand())')));
  assert.deepEqual(
    ddl.slice(-n),
    Object.values(TABLES).map(
      (t) =>
        `ALTER TABLE wc.${t}_local ON CLUSTER main MODIFY SETTING ttl_only_drop_parts = 1, min_bytes_for_wide_part = 67108864${t === 'spans' ? ', prewarm_mark_cache = 1' : ''}`,
    ),
  );
  assert.deepEqual(ddl.slice(-n - 6, -n - 3), [
    'DROP VIEW IF EXISTS wc.trace_index_mv ON CLUSTER main',
    'DROP TABLE IF EXISTS wc.trace_index ON CLUSTER main',
    'DROP TABLE IF EXISTS wc.trace_index_local ON CLUSTER main',
  ]);
  assert.match(
    ddl.at(-n - 3)!,
    /^ALTER TABLE wc\.spans_local ON CLUSTER main DROP INDEX IF EXISTS idx_res_keys, /,
  );
  assert.match(
    ddl.at(-n - 2)!,
    /^ALTER TABLE wc\.logs_local ON CLUSTER main DROP INDEX IF EXISTS idx_res_keys, /,
  );
  assert.match(
    ddl.at(-n - 1)!,
    /^ALTER TABLE wc\.spans_local ON CLUSTER main MODIFY COLUMN resource_attributes CODEC\(LZ4\), .* MODIFY COLUMN attributes_types CODEC\(LZ4\)$/,
  );
});

test('a server that lacks a newer MergeTree setting gets tables without it', async (t) => {
  const without = singleNodeDDL({ database: 'wc', retentionDays: 7, optionalSettings: false });
  for (const stmt of without) assert.doesNotMatch(stmt, /prewarm_mark_cache/);
  assert.ok(
    singleNodeDDL({ database: 'wc', retentionDays: 7 }).some((x) => x.includes('prewarm_mark_cache = 1')),
  );
  assert.ok(
    clusterDDL({ database: 'wc', retentionDays: 7, cluster: 'c', optionalSettings: false }).every(
      (x) => !x.includes('prewarm_mark_cache'),
    ),
  );
  // What openStorage asks a server: the embedded engine knows every optional setting.
  const { storage, unavailable, close } = await embeddedStoreForTest('wc-schema-settings-');
  if (storage === undefined) return t.skip(unavailable);
  try {
    assert.equal(await knowsSettings(storage.client, OPTIONAL_SETTINGS), true);
    assert.equal(await knowsSettings(storage.client, [...OPTIONAL_SETTINGS, 'no_such_setting_here']), false);
  } finally {
    await close();
  }
});

test('bad names and retentions are rejected before any SQL', () => {
  assert.throws(
    () => singleNodeDDL({ database: 'x; DROP TABLE y', retentionDays: 7 }),
    /invalid database name/,
  );
  assert.throws(() => singleNodeDDL({ database: 'wc', retentionDays: 0 }), /invalid retentionDays/);
  assert.throws(() => singleNodeDDL({ database: 'wc', retentionDays: 1.5 }), /invalid retentionDays/);
  assert.throws(
    () => clusterDDL({ database: 'wc', retentionDays: 7, cluster: "a'b" }),
    /invalid cluster name/,
  );
});

test('a data directory from before keeps working: its attribute-map indexes are dropped, its span map codecs and settings updated at open', async (t) => {
  const { storage, unavailable, close } = await embeddedStoreForTest('wc-schema-upgrade-');
  if (storage === undefined) return t.skip(unavailable);
  try {
    const db = storage.database;
    await storage.client.command({
      query: `ALTER TABLE ${db}.spans ADD INDEX idx_attr_keys mapKeys(attributes) TYPE bloom_filter(0.01) GRANULARITY 1`,
    });
    const indexes = async (): Promise<string[]> => {
      const rs = await storage.client.query({
        query: `SELECT name FROM system.data_skipping_indices WHERE database = {db:String} AND table = 'spans' ORDER BY name`,
        query_params: { db },
        format: 'JSONEachRow',
      });
      return (await rs.json<{ name: string }>()).map((r) => r.name);
    };
    assert.ok((await indexes()).includes('idx_attr_keys'));
    // A table made before compact parts: ClickHouse's default threshold.
    await storage.client.command({
      query: `ALTER TABLE ${db}.spans MODIFY SETTING min_bytes_for_wide_part = 10485760`,
    });
    const engine = async (): Promise<string> => {
      const rs = await storage.client.query({
        query: `SELECT engine_full FROM system.tables WHERE database = {db:String} AND name = 'spans'`,
        query_params: { db },
        format: 'JSONEachRow',
      });
      return (await rs.json<{ engine_full: string }>())[0]!.engine_full;
    };
    assert.match(await engine(), /min_bytes_for_wide_part = 10485760/);
    // A spans table made when its maps were ZSTD(1), with a part written that way.
    await storage.client.command({
      query: `ALTER TABLE ${db}.spans MODIFY COLUMN resource_attributes CODEC(ZSTD(1)), MODIFY COLUMN attributes_types CODEC(ZSTD(1))`,
    });
    await storage.client.command({
      query: `INSERT INTO ${db}.spans (timestamp, trace_id, attributes, resource_attributes) VALUES (now64(9), 'ab', map('k', 'v'), map('service.name', 'svc'))`,
    });
    const codecs = async (): Promise<Record<string, string>> => {
      const rs = await storage.client.query({
        query: `SELECT name, compression_codec AS c FROM system.columns WHERE database = {db:String} AND table = 'spans' AND name IN ('resource_attributes', 'attributes_types', 'attributes')`,
        query_params: { db },
        format: 'JSONEachRow',
      });
      return Object.fromEntries((await rs.json<{ name: string; c: string }>()).map((r) => [r.name, r.c]));
    };
    assert.equal((await codecs())['resource_attributes'], 'CODEC(ZSTD(1))');
    for (const sql of singleNodeDDL({ database: db, retentionDays: 7 }))
      await storage.client.command({ query: sql });
    assert.deepEqual(await indexes(), ['idx_duration', 'idx_trace_id']);
    assert.match(await engine(), /min_bytes_for_wide_part = 67108864, prewarm_mark_cache = 1/);
    assert.deepEqual(await codecs(), {
      resource_attributes: 'CODEC(LZ4)',
      attributes: 'CODEC(LZ4)',
      attributes_types: 'CODEC(LZ4)',
    });
    // The old part is still readable (and its hot column still derived from the map).
    const rs = await storage.client.query({
      query: `SELECT service_name, attributes['k'] AS v FROM ${db}.spans WHERE trace_id = 'ab'`,
      format: 'JSONEachRow',
    });
    assert.deepEqual(await rs.json(), [{ service_name: 'svc', v: 'v' }]);
  } finally {
    await close();
  }
});
