// The storage exporter: config, end-to-end commit on embedded chDB (shared with a reader through
// acquireStorage), and how failures surface (retryable vs permanent) against a fake server.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { tracesFixture, logsFixture } from '../../../codecs/otlp/testdata/fixtures.ts';
import type { CreateSettings, Exporter } from '../../../pipeline/component.ts';
import { PermanentError, RetryableError } from '../../../pipeline/errors.ts';
import { allSpans, traceById } from '../../../storage/queries.ts';
import { acquireStorage, openSharedStorages } from '../../../storage/shared.ts';
import { ChdbUnavailableError } from '../../../storage/connection.ts';
import { silentLogger } from '../../../telemetry/logger.ts';
import { SelfMetrics } from '../../../telemetry/self-metrics.ts';
import { parseByteSize } from '../../../config/byte-size.ts';
import { configSchema } from './config.ts';
import { factory, storageOptions } from './factory.ts';

function settings(dataDir: string): CreateSettings {
  return {
    id: { type: 'storage', name: '', key: 'storage' },
    kind: 'exporter',
    logger: silentLogger(),
    telemetry: new SelfMetrics({ processMetrics: false }).forComponent('exporter', 'storage'),
    dataDir,
  };
}

const host = { getExtension: () => undefined, isReady: () => true, exposition: {} as never };

describe('config', () => {
  test('defaults: embedded engine, watchingcat database, 7 days, short in-request retries', () => {
    const c = configSchema.parse(undefined);
    assert.equal(c.endpoint, '');
    assert.equal(c.database, 'watchingcat');
    assert.equal(c.retention, 168 * 3_600_000);
    assert.equal(c.timeout, 10_000);
    assert.equal(c.retry_on_failure.max_elapsed_time, 5000);
    assert.deepEqual(storageOptions(c, '/d'), { database: 'watchingcat', retentionDays: 7, dataDir: '/d' });
  });

  test('a server endpoint with credentials and a retention rounded up to whole days', () => {
    const c = configSchema.parse({
      endpoint: 'http://ch:8123',
      username: 'u',
      password: 'p',
      retention: '36h',
      retry_on_failure: { enabled: false },
    });
    assert.deepEqual(storageOptions(c, '/d'), {
      database: 'watchingcat',
      retentionDays: 2,
      url: 'http://ch:8123',
      username: 'u',
      password: 'p',
    });
    assert.equal(c.retry_on_failure.enabled, false);
  });

  test('bad values are refused with the option named', () => {
    for (const [raw, path] of [
      [{ endpoint: 'ch:8123' }, 'endpoint'],
      [{ database: 'a-b' }, 'database'],
      [{ retention: '1h' }, 'retention'],
      [{ retention: 'soon' }, 'retention'],
      [{ unknown: 1 }, ''],
    ] as const) {
      const r = configSchema.safeParse(raw);
      assert.equal(r.success, false, JSON.stringify(raw));
      if (path) assert.equal(r.error!.issues[0]!.path[0], path, JSON.stringify(raw));
    }
  });
});

describe('max_size', () => {
  test('default 0 = no cap; numbers are bytes; decimal and binary units', () => {
    assert.equal(configSchema.parse(undefined).max_size, 0);
    for (const [raw, bytes] of [
      [0, 0],
      [1_073_741_824, 1_073_741_824],
      ['0', 0],
      ['512', 512],
      ['512B', 512],
      ['500MB', 500_000_000],
      ['500M', 500_000_000],
      ['50GiB', 50 * 2 ** 30],
      ['50Gi', 50 * 2 ** 30],
      ['50 gib', 50 * 2 ** 30],
      ['1.5TiB', 1.5 * 2 ** 40],
      ['2kB', 2000],
      ['1KiB', 1024],
    ] as const) {
      assert.equal(configSchema.parse({ max_size: raw }).max_size, bytes, JSON.stringify(raw));
    }
    assert.equal(parseByteSize('0.5KiB'), 512);
  });

  test('bad sizes are refused with the option named and an example', () => {
    for (const raw of ['', 'lots', '50GB/s', '-1GiB', '5 XB', 'GiB', '1e3', -1, 1.5, 2 ** 60]) {
      const r = configSchema.safeParse({ max_size: raw });
      assert.equal(r.success, false, JSON.stringify(raw));
      assert.equal(r.error!.issues[0]!.path[0], 'max_size', JSON.stringify(raw));
    }
    const r = configSchema.safeParse({ max_size: '50 gigs' });
    assert.match(r.error!.issues[0]!.message, /"50GiB", got "50 gigs"/);
    assert.equal(parseByteSize('99999999PiB'), undefined, 'beyond a safe integer');
  });
});

describe('embedded chDB', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wc-storage-exp-'));
  let exporter: Exporter | undefined;
  let unavailable = '';
  // A century of retention: the fixtures are dated 1970 and 2023 and must not expire mid-test.
  const config = configSchema.parse({ retention: `${36_500 * 24}h` });

  before(async () => {
    exporter = factory.create(settings(dir), config);
    try {
      await exporter.start(host);
    } catch (e) {
      if (!(e instanceof ChdbUnavailableError)) throw e;
      unavailable = e.message;
      exporter = undefined;
    }
  });
  after(async () => {
    await exporter?.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  test('consume() resolves only once the spans are queryable, through the shared storage', async (t) => {
    if (!exporter) return t.skip(`chdb unavailable: ${unavailable}`);
    const data = tracesFixture();
    await exporter.consumer('traces').consume(data, {});
    const lease = await acquireStorage(storageOptions(config, dir));
    try {
      const id = Buffer.from(data.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.traceId).toString('hex');
      assert.deepEqual(
        (await traceById(lease.storage, id)).map((x) => x.span.name),
        ['SELECT', 'GET /items/{id}'],
      );
      assert.equal((await allSpans(lease.storage)).length, 4);
      assert.equal(openSharedStorages(), 1, 'the reader shares the exporter’s storage');
    } finally {
      await lease.release();
    }
    // Logs go in too (metrics share the same path through insertMetrics).
    await exporter.consumer('logs').consume(logsFixture(), {});
  });

  test('acquireStorage shares one instance per options, even when acquired concurrently', async (t) => {
    if (!exporter) return t.skip(`chdb unavailable: ${unavailable}`);
    const [a, b] = await Promise.all([
      acquireStorage(storageOptions(config, dir)),
      acquireStorage(storageOptions(config, `${dir}/`)),
    ]);
    assert.equal(a.storage, b.storage);
    await a.release();
    await a.release(); // idempotent: must not drop b's or the exporter's reference
    await b.release();
    assert.equal(openSharedStorages(), 1, 'still held by the exporter');
  });

  test('malformed data is a PermanentError and nothing is stored', async (t) => {
    if (!exporter) return t.skip(`chdb unavailable: ${unavailable}`);
    const data = tracesFixture();
    (data.resourceSpans[0]!.scopeSpans[0]!.spans[0] as { traceId: unknown }).traceId = undefined;
    await assert.rejects(exporter.consumer('traces').consume(data, {}), PermanentError);
    const lease = await acquireStorage(storageOptions(config, dir));
    try {
      assert.equal((await allSpans(lease.storage)).length, 4);
    } finally {
      await lease.release();
    }
  });

  test('max_size runs the size cap with the exporter: it measures the tables, stops on shutdown', async (t) => {
    if (!exporter) return t.skip(`chdb unavailable: ${unavailable}`);
    const s = settings(dir);
    // Same storage options (shared lease); a cap far above the test data drops nothing.
    const capped = factory.create(s, { ...config, max_size: 2 ** 40 });
    await capped.start(host);
    try {
      let text = '';
      for (let i = 0; i < 100 && !/watchingcat_storage_bytes\{[^}]*table="spans"\} [1-9]/.test(text); i++) {
        await new Promise((r) => setTimeout(r, 20));
        text = await s.telemetry.metrics.exposition();
      }
      assert.match(text, /watchingcat_storage_bytes\{database="watchingcat",table="spans"\} [1-9]\d*/);
      assert.doesNotMatch(text, /watchingcat_storage_dropped_partitions_total\{/);
    } finally {
      await capped.shutdown();
    }
    assert.equal(openSharedStorages(), 1, 'still held by the first exporter');
    const lease = await acquireStorage(storageOptions(config, dir));
    try {
      assert.equal((await allSpans(lease.storage)).length, 4, 'nothing dropped');
    } finally {
      await lease.release();
    }
  });

  test('after shutdown, intake is refused as retryable and the storage is closed', async (t) => {
    if (!exporter) return t.skip(`chdb unavailable: ${unavailable}`);
    await exporter.shutdown();
    assert.equal(openSharedStorages(), 0);
    await assert.rejects(exporter.consumer('traces').consume(tracesFixture(), {}), RetryableError);
    exporter = undefined;
  });
});

describe('a ClickHouse server that fails', () => {
  let server: Server;
  let url = '';
  let insertAnswer = { status: 500, body: '' };
  let inserts = 0;

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d));
      req.on('end', () => {
        const query = new URL(req.url!, 'http://x').searchParams.get('query') ?? body;
        // Data inserts (rows in a format); schema DDL and the series backfill's INSERT … SELECT
        // at open are accepted below.
        if (/^INSERT\b.*\bFORMAT\b/is.test(query)) {
          inserts++;
          res.writeHead(insertAnswer.status, { 'content-type': 'text/plain' }).end(insertAnswer.body);
          return;
        }
        res.writeHead(200).end(); // schema DDL and backfill: accepted
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  async function started(extra: Record<string, unknown> = {}): Promise<Exporter> {
    const e = factory.create(settings('/nonexistent'), configSchema.parse({ endpoint: url, ...extra }));
    await e.start(host);
    return e;
  }

  test('a storage failure is retried, then a RetryableError (sender gets 503)', async () => {
    insertAnswer = {
      status: 500,
      body: 'Code: 241. DB::Exception: Memory limit (total) exceeded: would use 9.31 GiB. (MEMORY_LIMIT_EXCEEDED) (version 24.8)',
    };
    inserts = 0;
    const e = await started({
      retry_on_failure: { initial_interval: '10ms', max_interval: '20ms', max_elapsed_time: '200ms' },
    });
    try {
      const err = await e
        .consumer('traces')
        .consume(tracesFixture(), {})
        .then(
          () => assert.fail('must reject'),
          (x: unknown) => x,
        );
      assert.ok(err instanceof RetryableError, String(err));
      assert.equal(err.reason, 'unavailable');
      assert.match(err.message, /Memory limit/);
      assert.ok(inserts >= 2, `retried (${inserts} attempts)`);
    } finally {
      await e.shutdown();
    }
  });

  test('data the server cannot parse is a PermanentError, not retried', async () => {
    insertAnswer = {
      status: 400,
      body: "Code: 27. DB::Exception: Cannot parse input: expected '\"' before: x: (at row 1). (CANNOT_PARSE_INPUT_ASSERTION_FAILED) (version 24.8)",
    };
    inserts = 0;
    const e = await started();
    try {
      await assert.rejects(e.consumer('traces').consume(tracesFixture(), {}), PermanentError);
      assert.equal(inserts, 1);
    } finally {
      await e.shutdown();
    }
  });

  test('an unreachable server: start succeeds, intake answers retryable until it is back', async () => {
    const closed = `http://127.0.0.1:1`;
    const e = factory.create(settings('/nonexistent'), configSchema.parse({ endpoint: closed }));
    await e.start(host);
    try {
      await assert.rejects(e.consumer('traces').consume(tracesFixture(), {}), (x: unknown) => {
        assert.ok(x instanceof RetryableError);
        assert.match(x.message, /not available/);
        return true;
      });
    } finally {
      await e.shutdown();
    }
  });
});
