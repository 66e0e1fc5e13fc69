// The filelog receiver against the simulator's container log writer (src/sim/node/pod-logs.ts):
// containerd's line format with long messages split into P/F pieces, and the kubelet's rotation —
// rename to <n>.log.<time>, gzip of the older copies, the oldest deleted past maxFiles. Every
// message written arrives once, whole, in order.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { LogsData } from '../../../model/logs.ts';
import { LogGenerator } from '../../../sim/node/log-content.ts';
import {
  ContainerLogWriter,
  DEFAULT_LOG_POLICY,
  formatCriLines,
  rfc3339Nano,
} from '../../../sim/node/pod-logs.ts';
import { configSchema } from './config.ts';
import { FileLogReceiver } from './receiver.ts';
import { plainHost, receiverSettings } from './testing/harness.ts';

const root = mkdtempSync(join(tmpdir(), 'wc-filelog-simrot-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('the simulator’s rotating pod log (P/F pieces, rename, gzip, deletion): each message once, whole, in order', async () => {
  const dir = join(root, 'var', 'log', 'pods', 'shop_web-1_0b3c1d2e-aaaa-bbbb-cccc-000000000001', 'app');
  mkdirSync(dir, { recursive: true });
  const policy = { ...DEFAULT_LOG_POLICY, maxFileBytes: 40_000, maxFiles: 3, monitorIntervalMs: 10_000 };
  let now = Date.UTC(2026, 11, 4, 10);
  const w = new ContainerLogWriter(dir, 0, policy, new LogGenerator(1, 'app'), now);
  w.open();
  const got: string[] = [];
  const r = new FileLogReceiver(
    receiverSettings(root, join(root, 'data')),
    configSchema.parse({ start_at: 'beginning', poll_interval: '1s', multiline: { auto: false } }),
    {
      async consume(d: LogsData) {
        for (const rl of d.resourceLogs)
          for (const sl of rl.scopeLogs)
            for (const rec of sl.logRecords) got.push((rec.body as { stringValue: string }).stringValue);
      },
    },
  );
  await r.start(plainHost());
  const written: string[] = [];
  let n = 0;
  for (let round = 0; round < 20; round++) {
    for (let i = 0; i < 40; i++) {
      // Every 25th message is longer than containerd's 16 KiB line: written as P pieces and an F.
      const message = `msg ${n++} ${n % 25 === 0 ? 'x'.repeat(40_000) : 'y'.repeat(150)}`;
      written.push(message);
      w.push(formatCriLines(rfc3339Nano(now, i + 1), { stream: 'stdout', message }, policy.maxLineBytes));
    }
    now += 2_500; // simulated time: a rotation check every 4th round
    w.flush(now);
    await r.pollOnce();
    // New files are looked for once a second (real time): let rotations be found as an agent would.
    if (round % 4 === 3) await new Promise((res) => setTimeout(res, 1_100));
  }
  await r.pollOnce();
  await r.shutdown();
  assert.ok(w.fileCount() >= 3, 'the log rotated, with gzipped and deleted copies');
  assert.equal(got.length, written.length);
  assert.deepEqual(got, written);
});
