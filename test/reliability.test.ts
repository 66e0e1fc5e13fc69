// "Nothing acknowledged is lost" and "overload is pushed back, never an OOM", tested on the real
// process: the destination goes away for 30 s, the agent is killed with SIGKILL, and senders
// push ten times more than the destination drains.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startInstance } from './helpers/instance.ts';
import { OtlpSink } from './helpers/sink.ts';
import { postTraces, tracesRequest } from './helpers/otlp.ts';
import { freePort, rssOf } from './helpers/process.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return;
    await sleep(100);
  }
  assert.fail(`timed out waiting for ${what}`);
}

function persistentExporter(sinkUrl: string): string {
  return `  otlphttp:
    endpoint: ${sinkUrl}
    retry_on_failure:
      initial_interval: 200ms
      max_interval: 2s
      max_elapsed_time: 0s
    sending_queue:
      storage: file_storage
      sizer: bytes
      queue_size: 536870912`;
}

/** An agent that batches and exports to `url` through a persistent queue that retries for ever. */
function durableAgent(url: string, batchTimeoutMs: number) {
  return startInstance({
    processors: `  batch:\n    timeout: ${batchTimeoutMs}ms`,
    pipelineProcessors: ['batch'],
    exporters: persistentExporter(url),
    pipelineExporters: ['otlphttp'],
    extensions: '  file_storage:',
    serviceExtensions: ['file_storage'],
  });
}

function missing(acked: Set<string>, received: string[]): string[] {
  const got = new Set(received);
  return [...acked].filter((n) => !got.has(n));
}

test(
  'destination down for 30 s while senders keep sending: everything acknowledged is delivered',
  { timeout: 120_000 },
  async () => {
    const sink = await new OtlpSink().start();
    const agent = await durableAgent(sink.url, 100);
    const acked = new Set<string>();
    let refused = 0;
    let stopSending = false;
    let seq = 0;
    const sender = (async () => {
      while (!stopSending) {
        const names = Array.from({ length: 50 }, () => `s${seq++}`);
        const r = await postTraces(agent.httpPort, tracesRequest(names));
        if (r.status === 200) for (const n of names) acked.add(n);
        else refused++;
        await sleep(20);
      }
    })();
    try {
      await sleep(2000);
      await sink.stop();
      const ackedBeforeOutage = acked.size;
      await sleep(30_000);
      assert.ok(
        acked.size > ackedBeforeOutage + 1000,
        'the agent kept accepting while the destination was down',
      );
      await sink.start();
      await sleep(2000);
      stopSending = true;
      await sender;
      await waitFor(
        `all ${acked.size} acknowledged spans at the destination`,
        () => missing(acked, sink.spanNames()).length === 0,
        60_000,
      );
      assert.equal(refused, 0, 'nothing was refused with a 1 GiB persistent queue');
      assert.deepEqual(missing(acked, sink.spanNames()), []);
    } finally {
      stopSending = true;
      await agent.stop();
      await sink.stop();
    }
  },
);

test(
  'kill -9 with queued data, restart: every acknowledged span is delivered',
  { timeout: 90_000 },
  async () => {
    const port = await freePort();
    const sink = new OtlpSink();
    sink.port = port; // destination not running yet: everything stays queued
    const agent = await durableAgent(`http://127.0.0.1:${port}`, 50);
    const acked = new Set<string>();
    await Promise.all(
      Array.from({ length: 4 }, async (_, w) => {
        for (let i = 0; i < 25; i++) {
          const names = Array.from({ length: 100 }, (_, k) => `w${w}-r${i}-${k}`);
          const r = await postTraces(agent.httpPort, tracesRequest(names));
          if (r.status === 200) for (const n of names) acked.add(n);
        }
      }),
    );
    assert.equal(acked.size, 10_000, 'all requests were acknowledged');
    await agent.kill9();
    await sink.start(port);
    const restarted = await agent.restart();
    try {
      await waitFor(
        'every acknowledged span after the restart',
        () => missing(acked, sink.spanNames()).length === 0,
        60_000,
      );
      assert.deepEqual(missing(acked, sink.spanNames()), []);
    } finally {
      await restarted.stop();
      await sink.stop();
    }
  },
);

test(
  'kill -9 in the middle of sustained traffic loses nothing acknowledged',
  { timeout: 90_000 },
  async () => {
    const sink = await new OtlpSink().start();
    sink.delayMs = 20;
    const agent = await durableAgent(sink.url, 50);
    const acked = new Set<string>();
    let stop = false;
    let seq = 0;
    const senders = Array.from({ length: 4 }, async () => {
      while (!stop) {
        const names = Array.from({ length: 100 }, () => `m${seq++}`);
        const r = await postTraces(agent.httpPort, tracesRequest(names));
        if (r.status === 200) for (const n of names) acked.add(n);
      }
    });
    await sleep(3000);
    await agent.kill9();
    stop = true;
    await Promise.all(senders);
    const restarted = await agent.restart();
    try {
      assert.ok(acked.size > 1000, `enough traffic before the kill (${acked.size})`);
      await waitFor(
        'every acknowledged span after kill -9',
        () => missing(acked, sink.spanNames()).length === 0,
        60_000,
      );
      assert.deepEqual(missing(acked, sink.spanNames()), []);
    } finally {
      await restarted.stop();
      await sink.stop();
    }
  },
);

test(
  '10x overload with the memory limiter: 429s with Retry-After, RSS under the limit, no crash',
  { timeout: 90_000 },
  async () => {
    const sink = await new OtlpSink().start();
    sink.delayMs = 1000; // drains ~10 batches/s per connection: far below what the senders push
    const limitMiB = 256;
    const agent = await startInstance({
      processors: `  memory_limiter:\n    check_interval: 100ms\n    limit_mib: ${limitMiB}\n    spike_limit_mib: 128\n  batch:\n    timeout: 50ms`,
      pipelineProcessors: ['memory_limiter', 'batch'],
      exporters: `  otlphttp:\n    endpoint: ${sink.url}\n    compression: none\n    sending_queue:\n      num_consumers: 2\n      sizer: bytes\n      queue_size: 4294967296`,
      pipelineExporters: ['otlphttp'],
    });
    const pid = agent.child.pid!;
    let maxRss = 0;
    const sampler = setInterval(() => {
      try {
        maxRss = Math.max(
          maxRss,
          rssOf(pid, (p) => readFileSync(p, 'utf8')),
        );
      } catch {
        // process gone: asserted below
      }
    }, 20);
    const statuses = new Map<number, number>();
    let retryAfterSeen = false;
    let stop = false;
    const body = tracesRequest(Array.from({ length: 1000 }, (_, i) => `o${i}`));
    const senders = Array.from({ length: 8 }, async () => {
      while (!stop) {
        const r = await postTraces(agent.httpPort, body);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        if (r.status === 429 && r.retryAfter && Number(r.retryAfter) >= 1) retryAfterSeen = true;
      }
    });
    await sleep(15_000);
    stop = true;
    await Promise.all(senders);
    clearInterval(sampler);
    try {
      const health = await fetch(`http://127.0.0.1:${agent.healthPort}/`);
      assert.equal(health.status, 200, 'the agent is alive and healthy after the overload');
      assert.ok(
        (statuses.get(429) ?? 0) > 0,
        `senders were pushed back with 429 (statuses: ${JSON.stringify([...statuses])})`,
      );
      assert.ok(retryAfterSeen, '429 responses carry Retry-After');
      assert.ok((statuses.get(200) ?? 0) > 0, 'some data was still accepted');
      assert.equal(statuses.get(0) ?? 0, 0, 'no connection failures (no crash)');
      assert.ok(
        maxRss < limitMiB * 1024 * 1024,
        `peak RSS ${(maxRss / 1048576).toFixed(0)} MiB stayed under ${limitMiB} MiB`,
      );
      const own = await agent.ownMetrics();
      assert.match(
        own,
        /watchingcat_receiver_refused_requests_total\{receiver="otlp",signal="traces",transport="http",reason="memory_pressure"\} [1-9]/,
      );
    } finally {
      await agent.stop();
      await sink.stop();
    }
  },
);
