// The filelog receiver over real files in a temporary root laid out as /var/log/pods: records as
// the pipeline receives them, refusals retried without loss or repeats, filters, restarts.
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { CreateSettings, Host } from '../../../pipeline/component.ts';
import type { LogRecord, LogsData } from '../../../model/logs.ts';
import { RetryableError } from '../../../pipeline/errors.ts';
import { formatCriLines, rfc3339Nano } from '../../../sim/node/pod-logs.ts';
import { SelfMetrics } from '../../../telemetry/self-metrics.ts';
import { configSchema } from './config.ts';
import { FileLogReceiver } from './receiver.ts';
import { plainHost, receiverSettings } from './testing/harness.ts';

const tmp = mkdtempSync(join(tmpdir(), 'wc-filelog-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;

const UID = '0b3c1d2e-aaaa-bbbb-cccc-123456789abc';

let metrics = new SelfMetrics({ processMetrics: false });
const settings = (root: string, dataDir: string): CreateSettings => receiverSettings(root, dataDir, metrics);
const host = (): Host => plainHost();

function podLog(root: string, ns: string, pod: string, container: string): string {
  const d = join(root, 'var', 'log', 'pods', `${ns}_${pod}_${UID}`, container);
  mkdirSync(d, { recursive: true });
  return join(d, '0.log');
}

/** A receiver on a fresh root, with a pipeline that records (and can refuse) what it gets. */
function setup(raw: Record<string, unknown> = {}) {
  const root = join(tmp, `r${n++}`);
  mkdirSync(root, { recursive: true });
  const dataDir = join(root, 'data');
  const got: { resource: Record<string, string>; record: LogRecord }[] = [];
  let refuse = 0;
  const make = () =>
    new FileLogReceiver(settings(root, dataDir), configSchema.parse({ start_at: 'beginning', ...raw }), {
      async consume(d: LogsData) {
        if (refuse > 0) {
          refuse--;
          throw new RetryableError('queue full', 'queue_full');
        }
        for (const rl of d.resourceLogs) {
          const resource = Object.fromEntries(
            rl.resource.attributes.map((a) => [a.key, (a.value as { stringValue: string }).stringValue]),
          );
          for (const sl of rl.scopeLogs) for (const record of sl.logRecords) got.push({ resource, record });
        }
      },
    });
  return { root, got, make, refuseNext: (k: number) => (refuse = k) };
}

const bodies = (got: { record: LogRecord }[]) =>
  got.map((g) => (g.record.body as { stringValue: string }).stringValue);

describe('filelog receiver', () => {
  test('CRI and Docker files become records with time, stream, severity and the pod as resource', async () => {
    const s = setup();
    const t = 1_700_000_000_123;
    const long = 'x'.repeat(40_000);
    writeFileSync(
      podLog(s.root, 'shop', 'web-7d9f', 'app'),
      formatCriLines(
        rfc3339Nano(t, 5),
        { stream: 'stdout', message: '{"level":"warn","msg":"slow"}' },
        16384,
      ) + formatCriLines(rfc3339Nano(t + 1), { stream: 'stderr', message: long }, 16384),
    );
    writeFileSync(
      podLog(s.root, 'legacy', 'db-0', 'mysql'),
      '{"log":"ERROR boom\\n","stream":"stderr","time":"2023-06-22T10:27:25.5Z"}\n',
    );
    const r = s.make();
    await r.start(host());
    await r.pollOnce();
    await r.shutdown();
    assert.equal(s.got.length, 3);
    const warn = s.got.find(
      (g) => g.resource['k8s.pod.name'] === 'web-7d9f' && g.record.severityNumber === 13,
    )!;
    assert.deepEqual(warn.resource, {
      'k8s.namespace.name': 'shop',
      'k8s.pod.name': 'web-7d9f',
      'k8s.pod.uid': UID,
      'k8s.container.name': 'app',
      'k8s.container.restart_count': '0',
    });
    assert.equal(warn.record.timeUnixNano, BigInt(t) * 1_000_000n + 5n);
    assert.deepEqual(warn.record.attributes, [
      { key: 'log.iostream', value: { stringValue: 'stdout' } },
      { key: 'log.file.name', value: { stringValue: '0.log' } },
    ]);
    assert.ok(bodies(s.got).includes(long), 'the long line arrives recombined, whole');
    const docker = s.got.find((g) => g.resource['k8s.namespace.name'] === 'legacy')!;
    assert.equal(docker.record.severityNumber, 17);
    assert.equal(docker.record.timeUnixNano, 1687429645500000000n);
  });

  test('a refused batch is sent again later: every line once, in order', async () => {
    const s = setup();
    const f = podLog(s.root, 'a', 'p', 'c');
    const lines = Array.from({ length: 50 }, (_, i) => `2023-06-22T10:27:25Z stdout F line ${i}\n`);
    writeFileSync(f, lines.slice(0, 30).join(''));
    const r = s.make();
    await r.start(host());
    s.refuseNext(2);
    await r.pollOnce();
    appendFileSync(f, lines.slice(30).join('')); // the file grows while the pipeline refuses
    await r.pollOnce();
    await r.pollOnce();
    await r.pollOnce();
    await r.shutdown();
    assert.deepEqual(
      bodies(s.got),
      lines.map((_, i) => `line ${i}`),
    );
  });

  test('a restart resumes where the pipeline acknowledged', async () => {
    const s = setup();
    const f = podLog(s.root, 'a', 'p', 'c');
    writeFileSync(f, '2023-06-22T10:27:25Z stdout F one\n');
    const r1 = s.make();
    await r1.start(host());
    await r1.pollOnce();
    await r1.shutdown();
    appendFileSync(f, '2023-06-22T10:27:26Z stdout F two\n');
    const r2 = s.make();
    await r2.start(host());
    await r2.pollOnce();
    await r2.shutdown();
    assert.deepEqual(bodies(s.got), ['one', 'two']);
  });

  test('namespace / pod / container shorthands and our own pods are left out', async () => {
    const s = setup({ namespaces: { exclude: ['kube-*'] }, containers: { include: ['app', 'side?ar'] } });
    for (const [ns, pod, c] of [
      ['kube-system', 'coredns-1', 'app'],
      ['shop', 'web-1', 'app'],
      ['shop', 'web-1', 'sidecar'],
      ['shop', 'web-1', 'istio-proxy'],
      ['monitoring', 'watchingcat-agent-x2v9q', 'app'],
    ] as const)
      writeFileSync(podLog(s.root, ns, pod, c), `2023-06-22T10:27:25Z stdout F ${ns}/${pod}/${c}\n`);
    const r = s.make();
    await r.start(host());
    await r.pollOnce();
    await r.shutdown();
    assert.deepEqual(bodies(s.got).sort(), ['shop/web-1/app', 'shop/web-1/sidecar']);
  });

  test('start_at end (the default) skips what files held at a first start', async () => {
    const s = setup({ start_at: 'end' });
    const f = podLog(s.root, 'a', 'p', 'c');
    writeFileSync(f, '2023-06-22T10:27:25Z stdout F before\n');
    const r = s.make();
    await r.start(host());
    await r.pollOnce();
    appendFileSync(f, '2023-06-22T10:27:26Z stdout F after\n');
    await r.pollOnce();
    await r.shutdown();
    assert.deepEqual(bodies(s.got), ['after']);
  });

  test('stack traces are one record across polls; a crash re-reads the lines of an entry not yet sent', async () => {
    const s = setup({ poll_interval: '1h', force_flush_period: '1m' }); // polled by hand; the first receiver is abandoned as by kill -9
    const f = podLog(s.root, 'a', 'p', 'c');
    const at = (sec: number) => `2023-06-22T10:27:${String(sec).padStart(2, '0')}.000000001Z`;
    writeFileSync(
      f,
      `${at(1)} stdout F INFO start\n` +
        `${at(2)} stdout F ERROR failed\n` +
        `${at(2)} stdout F java.lang.IllegalStateException: boom\n` +
        `${at(2)} stdout F \tat a.B.c(B.java:1)\n`,
    );
    const crashed = s.make();
    await crashed.start(host());
    await crashed.pollOnce(); // sends "INFO start"; the trace may go on: held, not acknowledged
    assert.deepEqual(bodies(s.got), ['INFO start']);
    await new Promise((r) => setTimeout(r, 1100)); // checkpoints are written at most once a second
    await crashed.pollOnce(); // writes the checkpoint: "INFO start" acknowledged, the trace not
    appendFileSync(f, `${at(2)} stdout F \tat a.B.d(B.java:2)\n${at(9)} stdout F INFO next\n`);
    const r = s.make();
    await r.start(host());
    await r.pollOnce();
    await r.shutdown();
    assert.deepEqual(bodies(s.got), [
      'INFO start',
      'ERROR failed\njava.lang.IllegalStateException: boom\n\tat a.B.c(B.java:1)\n\tat a.B.d(B.java:2)',
      'INFO next',
    ]);
    assert.equal(s.got[1]!.record.severityNumber, 17);
    assert.equal(s.got[1]!.record.timeUnixNano, 1687429622000000001n);
  });

  test('multiline: auto false gives a record per line; line_start_pattern groups by the pattern', async () => {
    const content =
      '2023-06-22T10:27:25Z stdout F 2023-06-22 first\n' +
      '2023-06-22T10:27:25Z stdout F \tcontinued\n' +
      '2023-06-22T10:27:25Z stdout F no date here\n' +
      '2023-06-22T10:27:26Z stdout F 2023-06-22 second\n';
    const run = async (multiline: Record<string, unknown>) => {
      const s = setup({ multiline });
      writeFileSync(podLog(s.root, 'a', 'p', 'c'), content);
      const r = s.make();
      await r.start(host());
      await r.pollOnce();
      await r.shutdown();
      return bodies(s.got);
    };
    assert.deepEqual(await run({ auto: false }), [
      '2023-06-22 first',
      '\tcontinued',
      'no date here',
      '2023-06-22 second',
    ]);
    assert.deepEqual(await run({ line_start_pattern: '^\\d{4}-' }), [
      '2023-06-22 first\n\tcontinued\nno date here',
      '2023-06-22 second',
    ]);
    assert.deepEqual(await run({}), ['2023-06-22 first\n\tcontinued', 'no date here', '2023-06-22 second']);
    assert.throws(() => configSchema.parse({ multiline: { line_start_pattern: '(' } }), /regular expression/);
  });

  test('own metrics: lines and bytes read as counters, lag per file', async () => {
    metrics = new SelfMetrics({ processMetrics: false });
    const s = setup({ poll_interval: '1h' });
    const f = podLog(s.root, 'a', 'p', 'c');
    const line = '2023-06-22T10:27:25Z stdout F hello\n';
    writeFileSync(f, line.repeat(3));
    const r = s.make();
    await r.start(host());
    await r.pollOnce();
    const text = await metrics.exposition();
    assert.match(text, /watchingcat_receiver_filelog_read_lines_total\{receiver="filelog"\} 3/);
    assert.match(
      text,
      new RegExp(`watchingcat_receiver_filelog_read_bytes_total\\{receiver="filelog"\\} ${line.length * 3}`),
    );
    assert.match(text, /# TYPE watchingcat_receiver_filelog_read_lines_total counter/);
    assert.match(text, /watchingcat_receiver_filelog_lag_bytes\{receiver="filelog",file="[^"]*0\.log"\} 0/);
    await r.shutdown();
  });
});
