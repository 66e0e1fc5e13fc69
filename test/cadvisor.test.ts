// The agent's `cadvisor` receiver on a node of `watchingcat sim`, as a DaemonSet runs it: the
// node's file tree as --root-path, its kubelet for the pod list. /metrics/cadvisor lists every
// running container of the node's pods with the kubelet's labels, a live scrape passes
// `promtool check metrics`, and the same series are pushed over OTLP with the node's name.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, childEnv, freePort, startRole, type Running } from './helpers/process.ts';
import { OtlpSink } from './helpers/sink.ts';

const promtoolPath = spawnSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' }).stdout.trim();
const dir = mkdtempSync(join(tmpdir(), 'wc-cadvisor-e2e-'));
const sink = new OtlpSink();
let sim: ChildProcess;
let agent: Running;
let metricsPort = 0;
let nodeName = '';
let kubeletUrl = '';

interface RunningContainer {
  pod: string;
  namespace: string;
  container: string;
  id: string;
  image: string;
}

async function scrape(): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics/cadvisor`);
  assert.equal(res.status, 200);
  return res.text();
}

/** Running containers of the node, from its kubelet's /pods. */
async function runningContainers(): Promise<RunningContainer[]> {
  const list = (await (await fetch(`${kubeletUrl}/pods`)).json()) as {
    items: {
      metadata: { name: string; namespace: string };
      status?: {
        containerStatuses?: {
          name: string;
          image: string;
          containerID?: string;
          state?: { running?: unknown };
        }[];
      };
    }[];
  };
  const out: RunningContainer[] = [];
  for (const p of list.items) {
    for (const s of p.status?.containerStatuses ?? []) {
      if (!s.state?.running || !s.containerID) continue;
      out.push({
        pod: p.metadata.name,
        namespace: p.metadata.namespace,
        container: s.name,
        id: s.containerID.replace(/^containerd:\/\//, ''),
        image: s.image,
      });
    }
  }
  return out;
}

const lastSeenLine = (c: RunningContainer): RegExp =>
  new RegExp(
    `^container_last_seen\\{container="${c.container}",id="/kubepods\\.slice/[^"]*cri-containerd-${c.id}\\.scope",image="${c.image.replace(/[.\\/]/g, '\\$&')}",name="${c.id}",namespace="${c.namespace}",pod="${c.pod}"\\} \\S+ \\d+$`,
    'm',
  );

before(async () => {
  const simPort = await freePort();
  let out = '';
  sim = spawn(
    BIN,
    [
      'sim',
      '--nodes',
      '2',
      '--pods',
      '12',
      '--seed',
      '7',
      '--churn',
      '0',
      '--listen',
      `127.0.0.1:${simPort}`,
      '--dir',
      join(dir, 'sim'),
    ],
    { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  sim.stdout!.on('data', (d: Buffer) => (out += d));
  sim.stderr!.on('data', (d: Buffer) => (out += d));
  for (let i = 0; i < 300 && !out.includes('simulated cluster running'); i++) {
    if (sim.exitCode !== null) throw new Error(`sim exited early:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const nodesDir = join(dir, 'sim', 'nodes');
  for (let i = 0; i < 100 && !nodeName; i++) {
    const names = existsSync(nodesDir) ? readdirSync(nodesDir).sort() : [];
    const ready = names.find((n) => existsSync(join(nodesDir, n, 'kubelet.json')));
    if (ready) nodeName = ready;
    else await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(nodeName, `no simulated node appeared:\n${out}`);
  kubeletUrl = (JSON.parse(readFileSync(join(nodesDir, nodeName, 'kubelet.json'), 'utf8')) as { url: string })
    .url;
  // the node's pods are running before the agent looks
  for (let i = 0; i < 150 && (await runningContainers()).length === 0; i++)
    await new Promise((r) => setTimeout(r, 100));

  // The simulator writes no /proc/cpuinfo; machine_cpu_cores and the pod CPU ratio need one.
  writeFileSync(join(nodesDir, nodeName, 'proc', 'cpuinfo'), 'processor\t: 0\n\nprocessor\t: 1\n');
  await sink.start();
  const [health, telemetry, metrics] = await Promise.all([freePort(), freePort(), freePort()]);
  metricsPort = metrics;
  const config = join(dir, 'agent.yaml');
  writeFileSync(
    config,
    `receivers:
  cadvisor:
    collection_interval: 1s
    kubelet:
      endpoint: ${kubeletUrl}
      auth_type: none
exporters:
  otlphttp:
    endpoint: http://127.0.0.1:${sink.port}
service:
  telemetry:
    metrics:
      address: 127.0.0.1:${telemetry}
  pipelines:
    metrics:
      receivers: [cadvisor]
      exporters: [otlphttp]
`,
  );
  agent = await startRole(
    [
      'agent',
      '--config',
      config,
      '--metrics-address',
      `127.0.0.1:${metrics}`,
      '--root-path',
      join(nodesDir, nodeName),
      '--data-dir',
      join(dir, 'data'),
    ],
    { healthPort: health, env: { K8S_NODE_NAME: nodeName } },
  );
});

after(async () => {
  await agent?.stop();
  if (sim && sim.exitCode === null) sim.kill('SIGKILL');
  await sink.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("/metrics/cadvisor lists every running container of the node's pods with the kubelet's labels", async () => {
  const running = await runningContainers();
  assert.ok(running.length > 0, 'the node runs containers');
  let text = '';
  let missing: RunningContainer[] = running;
  for (let i = 0; i < 50 && missing.length > 0; i++) {
    text = await scrape();
    const now = await runningContainers();
    missing = now.filter((c) => !lastSeenLine(c).test(text));
    if (missing.length > 0) await new Promise((r) => setTimeout(r, 200));
  }
  assert.deepEqual(
    missing,
    [],
    `containers missing from /metrics/cadvisor:\n${text
      .split('\n')
      .filter((l) => l.startsWith('container_last_seen'))
      .join('\n')}`,
  );
  // one sandbox per pod (pause image, network rows), one pod-level row per pod
  const pods = new Set(running.map((c) => `${c.namespace}/${c.pod}`));
  for (const key of pods) {
    const [ns, pod] = key.split('/');
    const podRows = text.match(
      new RegExp(
        `^container_last_seen\\{container="",id="[^"]+\\.slice",image="",name="",namespace="${ns}",pod="${pod}"\\}`,
        'gm',
      ),
    );
    assert.equal(podRows?.length, 1, `pod-level row of ${key}`);
    assert.match(
      text,
      new RegExp(
        `^container_network_receive_bytes_total\\{container="",id="[^"]+\\.scope",image="registry\\.k8s\\.io/pause:3\\.10",interface="eth0",name="[0-9a-f]{64}",namespace="${ns}",pod="${pod}"\\} `,
        'm',
      ),
    );
  }
  assert.match(text, /^container_last_seen\{container="",id="\/",image="",name="",namespace="",pod=""\} /m);
  assert.match(
    text,
    /^container_network_receive_bytes_total\{container="",id="\/",image="",interface="eth0",/m,
  );
  assert.match(text, /^container_scrape_error 0$/m);
});

test('a live scrape passes promtool check metrics', async (t) => {
  if (!promtoolPath) {
    t.skip('promtool not found (Debian package prometheus): the exposition was not linted');
    return;
  }
  const body = await scrape();
  const r = spawnSync(promtoolPath, ['check', 'metrics'], { input: body, encoding: 'utf8' });
  assert.equal(`${r.stdout}${r.stderr}`.trim(), '', 'promtool reports nothing');
  assert.equal(r.status, 0);
});

test('the same series and the pod summary are pushed over OTLP with k8s.node.name', async () => {
  const end = Date.now() + 15_000;
  const seen = new Set<string>();
  let node = '';
  while (
    Date.now() < end &&
    !(seen.has('container_cpu_usage_seconds_total') && seen.has('pod_cpu_utilization_ratio'))
  ) {
    for (const d of sink.received.metrics) {
      for (const rm of d.resourceMetrics) {
        const attr = rm.resource.attributes.find((a) => a.key === 'k8s.node.name');
        if (attr && 'stringValue' in attr.value) node = attr.value.stringValue;
        for (const sm of rm.scopeMetrics) for (const m of sm.metrics) seen.add(m.name);
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(node, nodeName);
  for (const name of [
    'container_cpu_usage_seconds_total',
    'container_memory_working_set_bytes',
    'machine_cpu_cores',
    'pod_memory_usage_bytes',
    'pod_network_io_bytes',
    'pod_cpu_utilization_ratio',
  ]) {
    assert.ok(seen.has(name), `${name} pushed`);
  }
});
