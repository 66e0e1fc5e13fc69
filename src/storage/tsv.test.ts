// The TabSeparated escapers (tsv.ts and tsv-buffer.ts): byte-level expectations on hostile strings,
// the two implementations agreeing, and a seeded fuzz whose every string, array, map, double and
// timestamp must read back identical through embedded chDB. Also checks the column lists of
// tsv-rows.ts against the real tables. One temp dataDir (chDB allows one session per process).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { doubleFromString } from './attributes.ts';
import type { Storage } from './connection.ts';
import { TABLES } from './schema.ts';
import { TsvBuffer } from './tsv-buffer.ts';
import { LOG_COLUMNS, METRIC_COLUMNS, SPAN_COLUMNS } from './tsv-rows.ts';
import { datetime64, f64, field, quoted } from './tsv.ts';
import { embeddedStoreForTest } from './testdata/embedded-store.ts';

const HOSTILE = [
  '',
  'plain',
  'tab\there',
  'new\nline',
  'cr\rlf\r\n',
  'back\\slash\\',
  '\\t literally',
  "it's 'quoted'",
  'nul\0byte',
  '\\N',
  'NULL',
  '[\'a\',"b"]',
  "{'k':'v'}",
  'ünïcödé 日本語 😀',
  '\u{10ffff}\u0085\u2028',
  'x'.repeat(200_000) + '\t' + 'y'.repeat(100_000),
];

function bufferField(s: string, q: boolean): string {
  const w = new TsvBuffer(1 << 20);
  if (q) w.quoted(s);
  else w.field(s);
  w.endRow();
  return w.finish()[0]!.toString('latin1');
}

test('escaping: exact bytes for the special characters', () => {
  assert.equal(field('a\tb\nc\\d\re\0f'), 'a\\tb\\nc\\\\d\\re\\0f');
  assert.equal(field("it's"), "it's");
  assert.equal(quoted("it's\t\\"), "'it\\'s\\t\\\\'");
  assert.equal(f64(NaN) + f64(Infinity) + f64(-Infinity) + f64(-0), 'nan' + 'inf' + '-inf' + '-0');
  assert.equal(datetime64(0n), '0000000000.000000000');
  assert.equal(datetime64(5n), '0000000000.000000005');
  assert.equal(datetime64(-1n), '0000000000.000000000');
  assert.equal(datetime64(2n ** 64n), '9223372036.854775807');
  assert.equal(datetime64(1_700_000_000_123_456_789n), '1700000000.123456789');
});

test('escaping: TsvBuffer writes the same bytes as the string escapers, UTF-8 encoded', () => {
  for (const s of HOSTILE) {
    assert.equal(bufferField(s, false), Buffer.from(field(s) + '\n').toString('latin1'));
    assert.equal(bufferField(s, true), Buffer.from(quoted(s) + '\n').toString('latin1'));
  }
  // No escaped output holds a raw tab or newline, so row and field boundaries stay unambiguous.
  for (const s of HOSTILE) assert.doesNotMatch(field(s) + quoted(s), /[\t\n]/);
  // A lone surrogate has no UTF-8 form: U+FFFD, as Buffer.from writes it.
  assert.equal(bufferField('a\ud800b\udc00', false), Buffer.from('a\ufffdb\ufffd\n').toString('latin1'));
});

test('TsvBuffer: chunks split at row boundaries and stay near the bound; unfinished rows are refused', () => {
  const w = new TsvBuffer(100, 8);
  for (let i = 0; i < 50; i++) w.field(`row ${i} `.repeat(3)).endRow();
  const chunks = w.finish();
  assert.ok(chunks.length > 1);
  const all = Buffer.concat(chunks).toString();
  assert.equal(all.split('\n').length - 1, 50);
  for (const c of chunks) {
    assert.equal(c[c.length - 1], 0x0a);
    assert.ok(c.length < 100 + 40, `chunk of ${c.length} bytes`);
  }
  const big = new TsvBuffer(10);
  big.field('z'.repeat(1000)).endRow();
  assert.deepEqual(
    big.finish().map((c) => c.length),
    [1001],
  );
  const open = new TsvBuffer(10);
  open.field('x');
  assert.throws(() => open.finish(), /last row was not ended/);
});

// A small deterministic PRNG, so a failure is reproducible from the seed.
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const ALPHABET = [
  '\t',
  '\n',
  '\r',
  '\\',
  "'",
  '"',
  '\0',
  'a',
  'Z',
  ' ',
  ',',
  ':',
  '{',
  '}',
  '[',
  ']',
  'é',
  '€',
  '😀',
  'N',
];

function randomString(r: () => number): string {
  const n = r() < 0.1 ? Math.floor(r() * 5000) : Math.floor(r() * 20);
  let s = '';
  for (let i = 0; i < n; i++)
    s +=
      r() < 0.5
        ? ALPHABET[Math.floor(r() * ALPHABET.length)]!
        : String.fromCharCode(32 + Math.floor(r() * 95));
  return s;
}

function randomDouble(r: () => number): number {
  const specials = [NaN, Infinity, -Infinity, -0, 0, 5e-324, Number.MAX_VALUE, 0.1, 1e21, -1e-7];
  if (r() < 0.3) return specials[Math.floor(r() * specials.length)]!;
  const b = Buffer.alloc(8);
  for (let i = 0; i < 8; i++) b[i] = Math.floor(r() * 256);
  return b.readDoubleLE(0);
}

let storage: Storage | undefined;
let unavailable = '';
let closeStore = async (): Promise<void> => {};

before(async () => {
  ({ storage, unavailable, close: closeStore } = await embeddedStoreForTest('wc-tsv-'));
});

after(async () => {
  await closeStore();
});

test('fuzz: random hostile values read back identical through chDB', async (t) => {
  if (storage === undefined) return t.skip(`chdb unavailable: ${unavailable}`);
  const s = storage;
  const table = `${s.database}.tsv_fuzz`;
  await s.client.command({
    query:
      `CREATE TABLE ${table} (i UInt32, ts DateTime64(9, 'UTC'), s String, a Array(String), ` +
      'm Map(LowCardinality(String), String), d Float64, nd Nullable(Float64)) ENGINE = MergeTree ORDER BY i',
  });
  const r = prng(20261130);
  const want: { ts: bigint; s: string; a: string[]; m: [string, string][]; d: number; nd: number | null }[] =
    [];
  const w = new TsvBuffer(1 << 16); // small chunks: several inserts, each split at a row boundary
  for (let i = 0; i < 500; i++) {
    const row = {
      ts: BigInt(Math.floor(r() * 2 ** 31)) * BigInt(Math.floor(r() * 2 ** 32)),
      s: i < HOSTILE.length ? HOSTILE[i]! : randomString(r),
      a: Array.from({ length: Math.floor(r() * 4) }, () => randomString(r)),
      // Distinct keys: a Map keeps duplicates, but the read-back below goes through a JS object.
      m: [
        ...new Map(Array.from({ length: Math.floor(r() * 4) }, () => [randomString(r), randomString(r)])),
      ] as [string, string][],
      d: randomDouble(r),
      nd: r() < 0.3 ? null : randomDouble(r),
    };
    want.push(row);
    w.num(i).tab().datetime64(row.ts).tab().field(row.s).tab().byte(0x5b);
    row.a.forEach((x, j) => (j > 0 ? w.byte(0x2c) : w).quoted(x));
    w.ascii(']\t{');
    row.m.forEach(([k, v], j) => (j > 0 ? w.byte(0x2c) : w).quoted(k).byte(0x3a).quoted(v));
    w.ascii('}\t')
      .ascii(f64(row.d))
      .tab()
      .ascii(row.nd === null ? '\\N' : f64(row.nd))
      .endRow();
  }
  const chunks = w.finish();
  assert.ok(chunks.length > 1, 'the fuzz exercises several payloads');
  for (const c of chunks) await s.rawInsert!(table, 'TabSeparated', c);
  const rs = await s.client.query({
    query:
      `SELECT i, toString(toUnixTimestamp64Nano(ts)) AS ts, s, a, mapKeys(m) AS mk, mapValues(m) AS mv, ` +
      `toString(d) AS ds, toString(nd) AS nds, toString(reinterpretAsUInt64(d)) AS dbits FROM ${table} ORDER BY i`,
    format: 'JSONEachRow',
  });
  const got = await rs.json<{
    i: number;
    ts: string;
    s: string;
    a: string[];
    mk: string[];
    mv: string[];
    ds: string;
    nds: string | null;
    dbits: string;
  }>();
  assert.equal(got.length, want.length);
  const bits = (d: number): string => {
    const b = Buffer.alloc(8);
    b.writeDoubleLE(d);
    return b.readBigUInt64LE().toString();
  };
  for (const g of got) {
    const e = want[g.i]!;
    const clamped = e.ts > 2n ** 63n - 1n ? 2n ** 63n - 1n : e.ts;
    assert.equal(g.ts, String(clamped), `row ${g.i} ts`);
    assert.equal(g.s, e.s, `row ${g.i} s`);
    assert.deepEqual(g.a, e.a, `row ${g.i} a`);
    assert.deepEqual(
      g.mk,
      e.m.map((kv) => kv[0]),
      `row ${g.i} map keys`,
    );
    assert.deepEqual(
      g.mv,
      e.m.map((kv) => kv[1]),
      `row ${g.i} map values`,
    );
    // Doubles bit for bit, except NaN's payload, which nothing downstream can observe.
    if (Number.isNaN(e.d)) assert.equal(g.ds, 'nan');
    else assert.equal(g.dbits, bits(e.d), `row ${g.i} d = ${e.d} got ${g.ds}`);
    if (e.nd === null) assert.equal(g.nds, null);
    else if (Number.isNaN(e.nd)) assert.equal(g.nds, 'nan');
    else assert.equal(Object.is(doubleFromString(g.nds!), e.nd), true, `row ${g.i} nd ${g.nds} vs ${e.nd}`);
  }
});

test('the TSV column lists are exactly the insertable columns of each table', async (t) => {
  if (storage === undefined) return t.skip(`chdb unavailable: ${unavailable}`);
  const s = storage;
  const lists: [string, readonly string[]][] = [
    [TABLES.spans, SPAN_COLUMNS],
    [TABLES.logs, LOG_COLUMNS],
    [TABLES.gaugeSum, METRIC_COLUMNS.number],
    [TABLES.histogram, METRIC_COLUMNS.histogram],
    [TABLES.expHistogram, METRIC_COLUMNS.expHistogram],
    [TABLES.summary, METRIC_COLUMNS.summary],
  ];
  for (const [table, columns] of lists) {
    const rs = await s.client.query({
      query:
        "SELECT name FROM system.columns WHERE database = {db:String} AND table = {t:String} AND default_kind != 'MATERIALIZED'",
      query_params: { db: s.database, t: table },
      format: 'JSONEachRow',
    });
    const names = (await rs.json<{ name: string }>()).map((x) => x.name);
    assert.deepEqual([...columns].sort(), names.sort(), table);
  }
});
