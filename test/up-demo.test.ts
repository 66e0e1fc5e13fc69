// `watchingcat up --demo`: one process with the backend, a simulated cluster and the demo
// application. Within a minute of the command the API must show the cluster (nodes, pods with
// CPU and memory, events), the demo's services, traces across services, and logs that link to
// their traces and carry their pod's workload — all having taken the real paths (kube-state,
// cAdvisor-style container metrics, container logs, Kubernetes events, OTLP ingest).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BIN, childEnv, freePort } from './helpers/process.ts';

const dir = mkdtempSync(join(tmpdir(), 'wc-up-demo-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Json {
  [k: string]: unknown;
}

test('up --demo fills the API with the cluster, services, traces and logs within a minute', async (t) => {
  const [api, ui, health, metrics, telemetry] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const started = Date.now();
  const child = spawn(
    BIN,
    [
      ...['up', '--demo', '--api-address', `127.0.0.1:${api}`, '--ui-address', `127.0.0.1:${ui}`],
      ...['--data-dir', join(dir, 'data'), '--health-address', `127.0.0.1:${health}`],
      ...['--metrics-address', `127.0.0.1:${metrics}`, '--telemetry-address', `127.0.0.1:${telemetry}`],
    ],
    { env: childEnv({}), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  child.stderr!.on('data', (d: Buffer) => (err += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  t.after(async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  });

  const get = async (path: string): Promise<Json> => {
    const res = await fetch(`http://127.0.0.1:${api}${path}`);
    assert.equal(res.status, 200, `${path}: ${await res.clone().text()}`);
    return (await res.json()) as Json;
  };
  /** Polls until `check` stops throwing; fails with its last error after the minute is up. */
  const eventually = async (what: string, check: () => Promise<void>): Promise<void> => {
    let last: unknown;
    while (Date.now() - started < 60_000) {
      if (child.exitCode !== null) assert.fail(`watchingcat up exited with ${child.exitCode}:\n${err}`);
      try {
        await check();
        return;
      } catch (e) {
        last = e;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    assert.fail(
      `${what} not there within a minute: ${(last as Error)?.message}\n${out}\n${err.slice(-3000)}`,
    );
  };

  await eventually('the start message', async () => {
    assert.match(out, new RegExp(`UI   http://127\\.0\\.0\\.1:${ui}`));
    assert.match(out, new RegExp(`API  http://127\\.0\\.0\\.1:${api}`));
  });
  assert.match(err, /starting a simulated cluster \(3 nodes, 40 pods\)/, 'progress while starting');
  assert.match(err, /demo application sending traces and logs/);

  await eventually('nodes and pods with CPU and memory', async () => {
    const nodes = (await get('/api/v1/k8s/nodes')).nodes as Array<{ name: string; cpuCores: number | null }>;
    assert.equal(nodes.length, 3);
    assert.ok(
      nodes.every((n) => n.cpuCores !== null && n.cpuCores > 0),
      JSON.stringify(nodes),
    );
    const pods = (await get('/api/v1/k8s/pods?limit=1000')).pods as Array<{
      phase: string;
      cpuCores: number | null;
      memoryBytes: number | null;
    }>;
    const running = pods.filter((p) => p.phase === 'Running');
    assert.ok(running.length >= 20, `${running.length} running pods`);
    const measured = running.filter((p) => p.cpuCores !== null && p.memoryBytes !== null);
    assert.ok(measured.length >= running.length * 0.8, `${measured.length} of ${running.length} with usage`);
  });

  await eventually('Kubernetes events', async () => {
    const events = (await get('/api/v1/k8s/events?limit=50')).events as Array<{
      reason: string;
      objectName: string;
    }>;
    assert.ok(events.length > 0);
    assert.ok(events.every((e) => e.reason !== '' && e.objectName !== ''));
  });

  let traceId = '';
  await eventually('the demo services and a trace across them', async () => {
    const services = (await get('/api/v1/services')).services as Array<{ name: string; requestRate: number }>;
    assert.ok(services.length >= 3, JSON.stringify(services.map((s) => s.name)));
    const traces = (await get('/api/v1/traces?limit=20')).traces as Array<{
      traceId: string;
      spanCount: number;
    }>;
    const deep = traces.find((x) => x.spanCount >= 4);
    assert.ok(deep, 'a trace with several spans');
    traceId = deep.traceId;
    const trace = await get(`/api/v1/traces/${traceId}`);
    const spans = trace.spans as Array<{ service: string }>;
    assert.ok(new Set(spans.map((s) => s.service)).size >= 2, 'spans of two services or more');
  });

  await eventually('logs linked to the trace, enriched with the workload', async () => {
    const logs = (await get(`/api/v1/logs?limit=100`)).logs as Array<{
      traceId: string;
      resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
    }>;
    const demo = logs.filter((l) => l.traceId !== '');
    assert.ok(demo.length > 0, 'application logs with trace ids');
    const attrs = Object.fromEntries(demo[0]!.resource.attributes.map((a) => [a.key, a.value.stringValue]));
    assert.ok(attrs['k8s.deployment.name'], `k8sattributes added the workload: ${JSON.stringify(attrs)}`);
    assert.equal(attrs['k8s.cluster.name'], 'demo');
    const containerLogs = logs.filter((l) =>
      l.resource.attributes.some((a) => a.key === 'k8s.container.name'),
    );
    assert.ok(containerLogs.length > 0, 'container logs from the simulated nodes');
  });
  assert.ok(Date.now() - started < 60_000);

  child.kill('SIGTERM');
  assert.equal(await exited, 0, `graceful stop:\n${err.slice(-2000)}`);
});
