// /api/v1/logs and /api/v1/logs/tail against an embedded store filled through insertLogs.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { KeyValue } from '../model/common.ts';
import type { LogRecord, LogsData } from '../model/logs.ts';
import type { Storage } from '../storage/connection.ts';
import { embeddedStoreForTest } from '../storage/testdata/embedded-store.ts';
import { insertLogs } from '../storage/writer.ts';
import { silentLogger } from '../telemetry/logger.ts';
import { buildApi, startApi } from './server.ts';
import { textLog } from '../codecs/otlp/testdata/fixtures.ts';

const NOW = 1_750_000_000_000_000_000n;
const MS = 1_000_000n;
const str = (key: string, v: string): KeyValue => ({ key, value: { stringValue: v } });

/** Observed 5 ns after the event, so the two timestamps are told apart in assertions. */
const rec = (time: bigint, body: string, severityNumber: number, extra: Partial<LogRecord> = {}): LogRecord =>
  textLog(time, body, severityNumber, { observedTimeUnixNano: time + 5n, ...extra });

function batch(service: string, namespace: string, records: LogRecord[]): LogsData {
  return {
    resourceLogs: [
      {
        resource: {
          attributes: [str('service.name', service), str('k8s.namespace.name', namespace)],
          droppedAttributesCount: 0,
        },
        schemaUrl: '',
        scopeLogs: [
          {
            scope: { name: 'lib', version: '2', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            logRecords: records,
          },
        ],
      },
    ],
  };
}

// api: ten records 1 ms apart ending 10 s before NOW, every third an ERROR with "timeout";
// db: five WARN records all in the same nanosecond (ties for the paging cursor).
const API_T = (i: number): bigint => NOW - 10_000n * MS + BigInt(i) * MS;
const DB_T = NOW - 5_000n * MS;
let store: Storage | undefined;
let unavailable = '';
let closeStore = async (): Promise<void> => {};
let app: FastifyInstance | undefined;

before(async () => {
  ({ storage: store, unavailable, close: closeStore } = await embeddedStoreForTest('wc-api-logs-'));
  if (!store) return;
  await insertLogs(
    store,
    batch(
      'api',
      'shop',
      Array.from({ length: 10 }, (_, i) =>
        i % 3 === 0
          ? rec(API_T(i), `request ${i} failed: upstream TIMEOUT`, 17, {
              severityText: 'ERROR',
              attributes: [str('route', '/pay'), { key: 'attempt', value: { intValue: 3n } }],
              traceId: new Uint8Array(16).fill(0xab),
              spanId: new Uint8Array(8).fill(0xcd),
            })
          : rec(API_T(i), `request ${i} served`, 9),
      ),
    ),
  );
  await insertLogs(
    store,
    batch(
      'db',
      'data',
      [0, 1, 2, 3, 4].map((i) => rec(DB_T, `slow query ${i}`, 13)),
    ),
  );
  app = buildApi({ storage: store, logger: silentLogger(), nowNs: () => NOW });
});
after(async () => {
  await app?.close();
  await closeStore();
});

type LogJson = Record<string, unknown> & { body: { stringValue: string }; cursor: string };
async function get(url: string) {
  const res = await app!.inject({ method: 'GET', url });
  return {
    status: res.statusCode,
    body: res.json() as {
      logs: LogJson[];
      next: string | null;
      latest: string | null;
      error?: { code: string; message: string };
    },
  };
}
const bodies = (r: { body: { logs: LogJson[] } }): string[] => r.body.logs.map((l) => l.body.stringValue);

describe('GET /api/v1/logs', () => {
  test('a record comes back exactly, newest first', async (t) => {
    if (!app) return t.skip(unavailable);
    const r = await get('/api/v1/logs?service=api&limit=2');
    assert.equal(r.status, 200);
    assert.deepEqual(bodies(r), ['request 9 failed: upstream TIMEOUT', 'request 8 served']);
    const l = r.body.logs[0]!;
    assert.equal(l['timeUnixNano'], String(API_T(9)));
    assert.equal(l['observedTimeUnixNano'], String(API_T(9) + 5n));
    assert.equal(l['severityNumber'], 17);
    assert.equal(l['severityText'], 'ERROR');
    assert.deepEqual(l['attributes'], [
      { key: 'route', value: { stringValue: '/pay' } },
      { key: 'attempt', value: { intValue: '3' } },
    ]);
    assert.equal(l['traceId'], 'ab'.repeat(16));
    assert.equal(l['spanId'], 'cd'.repeat(8));
    assert.equal(l['service'], 'api');
    assert.deepEqual((l['scope'] as Record<string, unknown>)['name'], 'lib');
    assert.match(l.cursor, /^\d+-\d+$/);
  });

  test('full text, severity (number or name), service and resource filters', async (t) => {
    if (!app) return t.skip(unavailable);
    assert.deepEqual(
      bodies(await get('/api/v1/logs?q=timeout')),
      [9, 6, 3, 0].map((i) => `request ${i} failed: upstream TIMEOUT`),
    );
    assert.equal((await get('/api/v1/logs?q=Upstream%20timeout')).body.logs.length, 4);
    assert.equal((await get('/api/v1/logs?q=time')).body.logs.length, 0, 'whole words only');
    assert.equal((await get('/api/v1/logs?severity=WARN')).body.logs.length, 9);
    assert.equal((await get('/api/v1/logs?severity=13')).body.logs.length, 9);
    assert.equal((await get('/api/v1/logs?severity=error')).body.logs.length, 4);
    assert.equal((await get('/api/v1/logs?severity=ERROR2')).body.logs.length, 0);
    assert.equal((await get('/api/v1/logs?resource.k8s.namespace.name=data')).body.logs.length, 5);
    assert.equal(
      (await get('/api/v1/logs?resource.k8s.namespace.name=data&service=api')).body.logs.length,
      0,
    );
    // A range holding only api records 2..4.
    const r = await get(
      `/api/v1/logs?start=${API_T(2)}&end=${new Date(Number(API_T(4) / MS)).toISOString()}`,
    );
    assert.deepEqual(bodies(r), [
      'request 4 served',
      'request 3 failed: upstream TIMEOUT',
      'request 2 served',
    ]);
  });

  test('pages with next neither repeat nor skip records, even within one nanosecond', async (t) => {
    if (!app) return t.skip(unavailable);
    const all = bodies(await get('/api/v1/logs?limit=100'));
    assert.equal(all.length, 15);
    const seen: string[] = [];
    let url = '/api/v1/logs?limit=2';
    for (let i = 0; i < 20; i++) {
      const r = await get(url);
      assert.equal(r.status, 200);
      seen.push(...bodies(r));
      if (r.body.next === null) break;
      url = `/api/v1/logs?limit=2&cursor=${r.body.next}`;
    }
    assert.deepEqual(seen, all);
    // 15 records, pages of 2: the 8th page has one record and no next.
    const last = await get('/api/v1/logs?limit=15');
    assert.equal(last.body.next, last.body.logs[14]!.cursor);
    assert.equal((await get(`/api/v1/logs?limit=15&cursor=${last.body.next}`)).body.logs.length, 0);
  });

  test('after= returns only newer records, oldest of them first in the page', async (t) => {
    if (!app) return t.skip(unavailable);
    const api = await get('/api/v1/logs?service=api&limit=100');
    const c7 = api.body.logs.find((l) => l.body.stringValue === 'request 7 served')!.cursor;
    const r = await get(`/api/v1/logs?service=api&after=${c7}&limit=1`);
    assert.deepEqual(bodies(r), ['request 8 served']);
    assert.equal(r.body.latest, r.body.logs[0]!.cursor);
    assert.equal(r.body.next, null);
  });

  test('bad parameters are 400 naming the parameter', async (t) => {
    if (!app) return t.skip(unavailable);
    for (const [qs, name] of [
      ['q=!!', 'q'],
      ['severity=LOUD', 'severity'],
      ['severity=25', 'severity'],
      ['cursor=abc', 'cursor'],
      ['after=1-x', 'after'],
      ['cursor=1-1&after=1-1', 'after'],
      ['limit=0', 'limit'],
      ['start=soon', 'start'],
      ['resource.=x', 'resource.'],
      ['service=a&service=b', 'service'],
    ]) {
      const r = await get(`/api/v1/logs?${qs}`);
      assert.equal(r.status, 400, qs);
      assert.equal(r.body.error!.code, 'bad_request');
      assert.ok(r.body.error!.message.includes(`parameter ${name}`), `${qs}: ${r.body.error!.message}`);
    }
    assert.equal((await app!.inject({ url: '/api/v1/logs/tail?severity=x' })).statusCode, 400);
  });
});

/** Reads SSE events from a streaming response until `want` log events arrived. */
async function readEvents(
  res: Response,
  want: number,
  timeoutMs = 5000,
): Promise<{ logs: Array<{ id: string; data: LogJson }>; comments: string[] }> {
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let buf = '';
  const logs: Array<{ id: string; data: LogJson }> = [];
  const comments: string[] = [];
  const deadline = Date.now() + timeoutMs;
  while (logs.length < want) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`only ${logs.length} of ${want} events in ${timeoutMs} ms`);
    const chunk = await Promise.race([
      reader.read(),
      new Promise<never>((_, rej) => setTimeout(() => rej(new Error('read timed out')), left).unref()),
    ]);
    if (chunk.done) break;
    buf += dec.decode(chunk.value, { stream: true });
    let i: number;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const fields = Object.fromEntries(
        block
          .split('\n')
          .filter((l) => !l.startsWith(':'))
          .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]),
      );
      comments.push(...block.split('\n').filter((l) => l.startsWith(':')));
      if (fields['event'] === 'log')
        logs.push({ id: fields['id']!, data: JSON.parse(fields['data']!) as LogJson });
    }
  }
  reader.releaseLock();
  return { logs, comments };
}

describe('GET /api/v1/logs/tail (Server-Sent Events)', () => {
  test('delivers a record stored after connecting; backfill; Last-Event-ID resumes; cap; close', async (t) => {
    if (!store) return t.skip(unavailable);
    const api = await startApi({
      address: '127.0.0.1:0',
      storage: store,
      logger: silentLogger(),
      nowNs: () => NOW,
      tail: { pollMs: 50, heartbeatMs: 100, maxTails: 2 },
    });
    const ctl = new AbortController();
    try {
      const res = await fetch(`${api.url}/api/v1/logs/tail?service=api&backfill=2`, { signal: ctl.signal });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type')!, /^text\/event-stream/);
      const start = await readEvents(res, 2);
      assert.deepEqual(
        start.logs.map((e) => e.data.body.stringValue),
        ['request 8 served', 'request 9 failed: upstream TIMEOUT'],
        'backfill, oldest first',
      );
      // Two tails run; a third is refused.
      const second = await fetch(`${api.url}/api/v1/logs/tail?service=db`, { signal: ctl.signal });
      assert.equal(second.status, 200);
      const third = await fetch(`${api.url}/api/v1/logs/tail`);
      assert.equal(third.status, 503);
      assert.equal(((await third.json()) as { error: { code: string } }).error.code, 'too_many_tails');

      const t1 = NOW - 1_000n * MS;
      await insertLogs(store, batch('api', 'shop', [rec(t1, 'live one', 9), rec(t1 + 1n, 'live two', 17)]));
      await insertLogs(store, batch('other', 'shop', [rec(t1 + 2n, 'not api', 9)]));
      const t0 = Date.now();
      const live = await readEvents(res, 2);
      process.stderr.write(`# tail delivered a stored record in ${Date.now() - t0} ms (poll 50 ms)\n`);
      assert.deepEqual(
        live.logs.map((e) => e.data.body.stringValue),
        ['live one', 'live two'],
      );
      assert.equal(live.logs[1]!.data['timeUnixNano'], String(t1 + 1n));
      assert.equal(live.logs[1]!.id, live.logs[1]!.data.cursor);

      // Resuming after the first live record replays the second only.
      ctl.abort();
      await new Promise((r) => setTimeout(r, 100));
      const resumed = await fetch(`${api.url}/api/v1/logs/tail?service=api`, {
        headers: { 'last-event-id': live.logs[0]!.id },
      });
      assert.equal(resumed.status, 200, 'the aborted tails freed their slots');
      const again = await readEvents(resumed, 1);
      assert.deepEqual(
        again.logs.map((e) => e.data.body.stringValue),
        ['live two'],
      );
      // Idle: heartbeats (every 100 ms here) keep the stream alive.
      const reader = resumed.body!.getReader();
      const idle = await reader.read();
      assert.match(new TextDecoder().decode(idle.value), /^: heartbeat\n\n/);
      // Closing the server ends the stream cleanly (the client sees its end, not an error).
      const c0 = Date.now();
      const closing = api.close();
      for (;;) if ((await reader.read()).done) break;
      const ended = Date.now() - c0;
      assert.ok(ended < 1000, `the stream ended ${ended} ms after close began`);
      await closing;
      process.stderr.write(
        `# live tail ended ${ended} ms after server close began; close took ${Date.now() - c0} ms\n`,
      );
    } finally {
      ctl.abort();
      await api.close().catch(() => {});
    }
  });
});
