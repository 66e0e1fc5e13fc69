// `watchingcat agent --config FILE --data-dir DIR` with a filelog receiver whose include points
// anywhere on disk: the lines of a CRI file reach an OTLP destination with the pod's resource
// attributes, and a restart of the agent neither repeats nor skips lines.
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startAgent, until } from './helpers/process.ts';
import { OtlpSink } from './helpers/sink.ts';

const dir = mkdtempSync(join(tmpdir(), 'wc-filelog-e2e-'));
const sink = new OtlpSink();
after(async () => {
  await sink.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('CRI lines from a pod log anywhere on disk reach the destination once, across a restart', async () => {
  await sink.start();
  const logs = join(
    dir,
    'somewhere',
    'var',
    'log',
    'pods',
    'shop_web-1_5f0c1d2e-1111-2222-3333-444455556666',
    'app',
  );
  mkdirSync(logs, { recursive: true });
  const file = join(logs, '0.log');
  const line = (i: number) =>
    `2026-01-01T00:00:${String(i % 60).padStart(2, '0')}.000000001Z stdout F line ${i}\n`;
  writeFileSync(file, [0, 1, 2].map(line).join(''));
  const config = join(dir, 'agent.yaml');
  writeFileSync(
    config,
    `receivers:
  filelog:
    include: [${join(dir, 'somewhere', 'var', 'log', 'pods', '*', '*', '*.log')}]
    start_at: beginning
    poll_interval: 50ms
exporters:
  otlphttp:
    endpoint: ${sink.url}
service:
  pipelines:
    logs:
      receivers: [filelog]
      exporters: [otlphttp]
`,
  );
  const run = () => startAgent(config, join(dir, 'data'));
  let agent = await run();
  try {
    await until('the first three lines', () => sink.logBodies().length >= 3);
    await agent.stop();
    appendFileSync(file, [3, 4].map(line).join(''));
    agent = await run();
    appendFileSync(file, line(5));
    await until('six lines', () => sink.logBodies().length >= 6);
    await new Promise((r) => setTimeout(r, 300)); // room for a duplicate to show up
    assert.deepEqual(
      sink.logBodies(),
      [0, 1, 2, 3, 4, 5].map((i) => `line ${i}`),
    );
    const resource = sink.received.logs[0]!.resourceLogs[0]!.resource.attributes;
    assert.deepEqual(
      resource.map((a) => [a.key, (a.value as { stringValue: string }).stringValue]),
      [
        ['k8s.namespace.name', 'shop'],
        ['k8s.pod.name', 'web-1'],
        ['k8s.pod.uid', '5f0c1d2e-1111-2222-3333-444455556666'],
        ['k8s.container.name', 'app'],
        ['k8s.container.restart_count', '0'],
      ],
    );
  } finally {
    await agent.stop();
  }
});
