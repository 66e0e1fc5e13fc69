// The whole product on loopback, as a cluster runs it: `watchingcat sim` (API server, kubelets,
// cgroup trees), one `agent` per simulated node (cAdvisor-style container metrics from the node's
// cgroups, pod names from its kubelet), the `cluster` role (kube-state metrics from the API
// server) and the `backend` (OTLP in, chDB, REST API). GET /api/v1/k8s/pods must list every
// simulated pod with the status the API server holds and CPU and memory use from its containers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, childEnv, freePort, startRole, type Running } from './helpers/process.ts';

const NODES = 2;
const PODS = 10;
const dir = mkdtempSync(join(tmpdir(), 'wc-k8s-e2e-'));
let sim: ChildProcess | undefined;
let simApi = '';
let backend: Running | undefined;
let cluster: Running | undefined;
const agents: Running[] = [];
let api = '';

interface ApiPod {
  namespace: string;
  name: string;
  node: string;
  phase: string;
  containers: { ready: number; total: number };
  cpuCores: number | null;
  memoryBytes: number | null;
}

interface SimPod {
  metadata: { namespace: string; name: string };
  spec: { nodeName?: string; containers: unknown[] };
  status?: { phase?: string };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function simPods(): Promise<SimPod[]> {
  const res = await fetch(`${simApi}/api/v1/pods`);
  assert.equal(res.status, 200);
  return ((await res.json()) as { items: SimPod[] }).items;
}

async function apiPods(): Promise<ApiPod[]> {
  const res = await fetch(`${api}/api/v1/k8s/pods?limit=1000&window=1m`);
  assert.equal(res.status, 200, await res.clone().text());
  return ((await res.json()) as { pods: ApiPod[] }).pods;
}

function yaml(lines: TemplateStringsArray, ...values: unknown[]): string {
  return String.raw({ raw: lines }, ...values);
}

before(async () => {
  const [simPort, otlpHttp, otlpGrpc, apiPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  simApi = `http://127.0.0.1:${simPort}`;
  api = `http://127.0.0.1:${apiPort}`;
  let out = '';
  sim = spawn(
    BIN,
    [
      'sim',
      ...['--nodes', String(NODES), '--pods', String(PODS), '--seed', '11', '--churn', '0'],
      ...['--listen', `127.0.0.1:${simPort}`, '--dir', join(dir, 'sim')],
    ],
    { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  sim.stdout!.on('data', (d: Buffer) => (out += d));
  sim.stderr!.on('data', (d: Buffer) => (out += d));
  for (let i = 0; i < 300 && !out.includes('simulated cluster running'); i++) {
    if (sim.exitCode !== null) throw new Error(`sim exited early:\n${out}`);
    await sleep(100);
  }
  const nodesDir = join(dir, 'sim', 'nodes');
  let nodes: string[] = [];
  for (let i = 0; i < 100 && nodes.length < NODES; i++) {
    nodes = existsSync(nodesDir)
      ? readdirSync(nodesDir).filter((n) => existsSync(join(nodesDir, n, 'kubelet.json')))
      : [];
    if (nodes.length < NODES) await sleep(100);
  }
  assert.equal(nodes.length, NODES, `simulated nodes did not appear:\n${out}`);

  // The backend stores what the others send.
  const backendHealth = await freePort();
  writeFileSync(
    join(dir, 'backend.yaml'),
    yaml`receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:${otlpGrpc}
      http:
        endpoint: 127.0.0.1:${otlpHttp}
exporters:
  storage:
service:
  telemetry:
    metrics:
      level: none
  metrics_endpoint:
    address: 127.0.0.1:${await freePort()}
  pipelines:
    metrics:
      receivers: [otlp]
      exporters: [storage]
    logs:
      receivers: [otlp]
      exporters: [storage]
`,
  );
  backend = await startRole(
    [
      'backend',
      ...['--config', join(dir, 'backend.yaml'), '--data-dir', join(dir, 'backend')],
      ...['--api-address', `127.0.0.1:${apiPort}`],
    ],
    { healthPort: backendHealth, timeoutMs: 30_000 },
  );
  const toBackend = `exporters:
  otlphttp:
    endpoint: http://127.0.0.1:${otlpHttp}
`;

  // The cluster role: kube-state metrics of the simulated API server, pushed every second.
  writeFileSync(
    join(dir, 'cluster.yaml'),
    yaml`receivers:
  kubestate:
    streaming:
      interval: 1s
${toBackend}service:
  telemetry:
    metrics:
      level: none
  metrics_endpoint:
    address: 127.0.0.1:${await freePort()}
  pipelines:
    metrics:
      receivers: [kubestate]
      exporters: [otlphttp]
`,
  );
  cluster = await startRole(
    [
      'cluster',
      ...['--config', join(dir, 'cluster.yaml'), '--kubeconfig', join(dir, 'sim', 'kubeconfig')],
      ...['--data-dir', join(dir, 'cluster')],
    ],
    { healthPort: await freePort(), timeoutMs: 30_000 },
  );

  // One agent per node, reading the node's files as a DaemonSet pod reads /hostfs.
  for (const node of nodes) {
    const kubelet = (
      JSON.parse(readFileSync(join(nodesDir, node, 'kubelet.json'), 'utf8')) as { url: string }
    ).url;
    const config = join(dir, `agent-${node}.yaml`);
    writeFileSync(
      config,
      yaml`receivers:
  cadvisor:
    collection_interval: 1s
    kubelet:
      endpoint: ${kubelet}
      auth_type: none
${toBackend}service:
  telemetry:
    metrics:
      level: none
  pipelines:
    metrics:
      receivers: [cadvisor]
      exporters: [otlphttp]
`,
    );
    agents.push(
      await startRole(
        [
          'agent',
          ...['--config', config, '--root-path', join(nodesDir, node)],
          ...['--metrics-address', `127.0.0.1:${await freePort()}`, '--data-dir', join(dir, `agent-${node}`)],
        ],
        { healthPort: await freePort(), env: { K8S_NODE_NAME: node }, timeoutMs: 30_000 },
      ),
    );
  }
});

after(async () => {
  await Promise.all(agents.map((a) => a.stop()));
  await cluster?.stop();
  await backend?.stop();
  if (sim && sim.exitCode === null) sim.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

test('GET /api/v1/k8s/pods lists every simulated pod with its status, CPU and memory', async () => {
  const expected = (await simPods()).filter((p) => p.spec.nodeName);
  assert.ok(expected.length >= PODS, `the simulator scheduled its pods (${expected.length})`);
  const key = (ns: string, name: string): string => `${ns}/${name}`;
  let got: ApiPod[] = [];
  let missing: string[] = [];
  // Kube-state metrics arrive within a second or two; CPU needs two cAdvisor points per container.
  for (let i = 0; i < 120; i++) {
    got = await apiPods();
    const byKey = new Map(got.map((p) => [key(p.namespace, p.name), p]));
    missing = expected
      .filter((p) => {
        const g = byKey.get(key(p.metadata.namespace, p.metadata.name));
        const running = p.status?.phase === 'Running';
        return g === undefined || (running && (g.cpuCores === null || g.memoryBytes === null));
      })
      .map((p) => key(p.metadata.namespace, p.metadata.name));
    if (missing.length === 0) break;
    await sleep(500);
  }
  assert.deepEqual(missing, [], `pods missing or without usage: ${JSON.stringify(got, null, 1)}`);

  const byKey = new Map(got.map((p) => [key(p.namespace, p.name), p]));
  const sim = new Map((await simPods()).map((p) => [key(p.metadata.namespace, p.metadata.name), p]));
  let withUsage = 0;
  for (const p of expected) {
    const k = key(p.metadata.namespace, p.metadata.name);
    const g = byKey.get(k)!;
    const now = sim.get(k) ?? p;
    // Status as the API server has it (churn is off, so it holds still).
    assert.equal(g.phase, now.status?.phase ?? 'Unknown', `${k} phase`);
    assert.equal(g.node, now.spec.nodeName, `${k} node`);
    assert.equal(g.containers.total, now.spec.containers.length, `${k} containers`);
    if (g.phase !== 'Running') continue;
    // Usage from the node's cgroups, within what a simulated node has (at most 64 cores,
    // 256 GiB). A container's CPU counter advances when the simulator refreshes its pod, so
    // within the window an idle pod may show 0 cores; its memory is never 0.
    assert.ok(g.cpuCores! >= 0 && g.cpuCores! < 64, `${k} cpuCores ${g.cpuCores}`);
    assert.ok(g.memoryBytes! > 0 && g.memoryBytes! < 256 * 2 ** 30, `${k} memoryBytes ${g.memoryBytes}`);
    if (g.cpuCores! > 0) withUsage++;
  }
  assert.ok(withUsage > 0, `some running pods use CPU: ${JSON.stringify(got, null, 1)}`);
  // Nothing but simulated pods.
  const extra = got.filter((p) => !sim.has(key(p.namespace, p.name)));
  assert.deepEqual(extra, []);
});
