// Kubernetes events as a user runs them: `watchingcat sim` churning (its kubelets and controllers
// record events), two `watchingcat cluster` replicas with k8s_events following
// k8s_leader_elector, into an OTLP/HTTP destination. The leader is stopped gracefully (SIGTERM):
// the standby takes over and nothing is repeated or skipped. Then the new leader is killed
// (SIGKILL) and the first replica, started again, takes over after lease_duration: at most one
// batch (max_batch_size) is repeated.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { AnyValue } from '../src/model/common.ts';
import type { LogsData } from '../src/model/logs.ts';
import { BIN, childEnv, freePort, startRole, until, type Running } from './helpers/process.ts';
import { OtlpSink } from './helpers/sink.ts';

const BATCH = 20;
const dir = mkdtempSync(join(tmpdir(), 'wc-k8s-events-'));
const sink = new OtlpSink();
let sim: ChildProcess | undefined;
const replicas: Running[] = [];

after(async () => {
  for (const r of replicas) if (r.child.exitCode === null && r.child.signalCode === null) await r.kill9();
  if (sim && sim.exitCode === null) {
    sim.kill('SIGKILL');
    await new Promise((r) => sim!.once('exit', r));
  }
  await sink.stop();
  rmSync(dir, { recursive: true, force: true });
});

const str = (v: AnyValue | undefined) => (v && 'stringValue' in v ? v.stringValue : undefined);
const int = (v: AnyValue | undefined) => (v && 'intValue' in v ? Number(v.intValue) : undefined);

/** One key per event occurrence: uid and count (a repeat bumps the count). */
function occurrences(): string[] {
  const out: string[] = [];
  for (const d of sink.received.logs as LogsData[]) {
    for (const rl of d.resourceLogs) {
      for (const sl of rl.scopeLogs) {
        for (const r of sl.logRecords) {
          const a = new Map(r.attributes.map((kv) => [kv.key, kv.value]));
          out.push(`${str(a.get('k8s.event.uid'))}#${int(a.get('k8s.event.count'))}`);
        }
      }
    }
  }
  return out;
}

function repeats(keys: string[]): string[] {
  const seen = new Set<string>();
  const dup: string[] = [];
  for (const k of keys) {
    if (seen.has(k)) dup.push(k);
    seen.add(k);
  }
  return dup;
}

async function replica(name: string, simApi: string): Promise<Running> {
  const config = join(dir, `${name}.yaml`);
  writeFileSync(
    config,
    `extensions:
  k8s_leader_elector:
    lease_name: wc-e2e
    lease_namespace: default
    lease_duration: 2s
    renew_deadline: 1s
    retry_period: 200ms
receivers:
  k8s_events:
    k8s_leader_elector: k8s_leader_elector
    max_batch_size: ${BATCH}
exporters:
  otlphttp:
    endpoint: ${sink.url}
    sending_queue:
      enabled: false
service:
  extensions: [k8s_leader_elector]
  telemetry:
    metrics:
      level: none
  metrics_endpoint:
    address: 127.0.0.1:${await freePort()}
  pipelines:
    logs:
      receivers: [k8s_events]
      exporters: [otlphttp]
`,
  );
  writeFileSync(
    join(dir, 'kubeconfig'),
    `apiVersion: v1
kind: Config
clusters: [{name: sim, cluster: {server: "${simApi}"}}]
users: [{name: sim, user: {}}]
contexts: [{name: sim, context: {cluster: sim, user: sim}}]
current-context: sim
`,
  );
  const r = await startRole(
    ['cluster', '--config', config, '--kubeconfig', join(dir, 'kubeconfig'), '--data-dir', join(dir, name)],
    { healthPort: await freePort(), env: { POD_NAME: name }, timeoutMs: 30_000 },
  );
  replicas.push(r);
  return r;
}

const leads = (r: Running, times = 1) =>
  r.logs().split('k8s_leader_elector: became the leader').length - 1 >= times;

test(
  'events exactly once across a graceful failover; at most one batch again after a kill -9',
  { timeout: 120_000 },
  async () => {
    await sink.start();
    const simPort = await freePort();
    let out = '';
    sim = spawn(
      BIN,
      [
        'sim',
        ...['--nodes', '3', '--pods', '30', '--seed', '5', '--churn', '20'],
        ...['--listen', `127.0.0.1:${simPort}`, '--dir', join(dir, 'sim')],
      ],
      { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    sim.stdout!.on('data', (d: Buffer) => (out += d));
    sim.stderr!.on('data', (d: Buffer) => (out += d));
    await until('the simulator', () => out.includes('simulated cluster running'), 30_000);
    const simApi = `http://127.0.0.1:${simPort}`;

    const a = await replica('a', simApi);
    await until('a leads', () => leads(a), 15_000);
    const b = await replica('b', simApi);
    await until('records via a', () => occurrences().length >= 60, 30_000);
    assert.ok(!leads(b), 'one leader');

    // Graceful: a finishes its batch, checkpoints it on the Lease, releases; b continues.
    assert.equal(await a.stop(), 0);
    await until('b leads', () => leads(b), 5000);
    const atHandover = occurrences().length;
    await until('records via b', () => occurrences().length >= atHandover + 60, 30_000);
    const beforeKill = occurrences();
    assert.deepEqual(repeats(beforeKill), [], 'nothing repeated across the graceful failover');

    // Crash: b is killed; a, started again, takes over once the Lease expires.
    await b.kill9();
    const a2 = await replica('a2', simApi);
    await until('a2 leads', () => leads(a2), 10_000);
    const atRestart = occurrences().length;
    await until('records via a2', () => occurrences().length >= atRestart + 40, 30_000);
    assert.equal(await a2.stop(), 0);

    const all = occurrences();
    const again = repeats(all);
    assert.ok(again.length <= BATCH, `at most one batch repeated after the kill, saw ${again.length}`);
    // No gaps: every event's occurrences after the first one seen are contiguous.
    const counts = new Map<string, Set<number>>();
    for (const k of all) {
      const [uid, n] = k.split('#');
      if (!counts.has(uid!)) counts.set(uid!, new Set());
      counts.get(uid!)!.add(Number(n));
    }
    const gaps: string[] = [];
    for (const [uid, ns] of counts) {
      const sorted = [...ns].sort((x, y) => x - y);
      for (let i = 1; i < sorted.length; i++)
        if (sorted[i] !== sorted[i - 1]! + 1) gaps.push(`${uid}: ${sorted.join(',')}`);
    }
    assert.deepEqual(gaps, [], 'no occurrence skipped');
  },
);
