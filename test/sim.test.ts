// `watchingcat sim` as users and our own end-to-end tests meet it: the real kubectl against the
// simulated cluster, the per-node directory layout (an external contract), and a clean stop.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, childEnv, freePort } from './helpers/process.ts';

const kubectlPath = spawnSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).stdout.trim();
const dir = mkdtempSync(join(tmpdir(), 'wc-sim-'));
const kubeconfig = join(dir, 'kubeconfig');
let sim: ChildProcess;
let out = '';
let exited: Promise<number | null>;

before(async () => {
  const port = await freePort();
  sim = spawn(
    BIN,
    [
      'sim',
      '--nodes',
      '3',
      '--pods',
      '40',
      '--seed',
      '7',
      '--churn',
      '5',
      '--listen',
      `127.0.0.1:${port}`,
      '--dir',
      dir,
    ],
    { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  sim.stdout!.on('data', (d: Buffer) => (out += d));
  sim.stderr!.on('data', (d: Buffer) => (out += d));
  exited = new Promise((r) => sim.on('exit', (code) => r(code)));
  for (let i = 0; i < 300 && !out.includes('simulated cluster running'); i++) {
    if (sim.exitCode !== null) throw new Error(`sim exited early:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.match(out, /simulated cluster running: 3 nodes, 40 pods/);
  assert.match(out, new RegExp(`kubeconfig\\s+${kubeconfig.replace(/[/.]/g, '\\$&')}`));
});

after(async () => {
  if (sim.exitCode === null) sim.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function kubectl(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(kubectlPath, ['--kubeconfig', kubeconfig, ...args], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function needKubectl(t: { skip(msg: string): void }): boolean {
  if (kubectlPath) return true;
  t.skip('kubectl not found on PATH: the kubectl checks of the simulator did not run');
  return false;
}

test('kubectl get nodes / pods -A / deployments / events work against the simulator', (t) => {
  if (!needKubectl(t)) return;
  const nodes = kubectl('get', 'nodes');
  assert.equal(nodes.code, 0, nodes.stderr);
  const nodeLines = nodes.stdout.trim().split('\n');
  assert.match(nodeLines[0]!, /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION/);
  assert.equal(nodeLines.length, 4, nodes.stdout);
  assert.match(nodes.stdout, /control-plane/);

  const pods = kubectl('get', 'pods', '-A');
  assert.equal(pods.code, 0, pods.stderr);
  assert.match(pods.stdout.split('\n')[0]!, /^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/);
  assert.match(pods.stdout, /\bkube-system\s+kube-proxy-\S+\s+\d\/\d\s+Running/);
  assert.ok(pods.stdout.trim().split('\n').length > 40, 'at least the 40 requested pods (+ daemonsets)');

  const wide = kubectl('get', 'pods', '-n', 'kube-system', '-o', 'wide');
  assert.equal(wide.code, 0, wide.stderr);
  assert.match(wide.stdout.split('\n')[0]!, /\bIP\s+NODE\b/);

  const deployments = kubectl('get', 'deployments', '-A');
  assert.equal(deployments.code, 0, deployments.stderr);
  assert.match(deployments.stdout.split('\n')[0]!, /NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE/);
  assert.match(deployments.stdout, /kube-system\s+coredns\s+\d+\/\d+/);

  // Events come from the lifecycle the engine runs after start; give it a moment.
  let events = kubectl('get', 'events', '-A');
  for (let i = 0; i < 50 && events.stdout === ''; i++) {
    spawnSync('sleep', ['0.2']);
    events = kubectl('get', 'events', '-A');
  }
  assert.equal(events.code, 0, events.stderr);
  assert.match(events.stdout.split('\n')[0]!, /LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE/);
  assert.match(events.stdout, /\b(Scheduled|Pulled|Started|Created|ScalingReplicaSet|SuccessfulCreate)\b/);

  const json = kubectl('get', 'pods', '-n', 'kube-system', '-o', 'json');
  const list = JSON.parse(json.stdout) as { kind: string; items: Array<{ status: { phase: string } }> };
  assert.equal(list.kind, 'List');
  assert.ok(list.items.some((p) => p.status.phase === 'Running'));
});

test('kubectl describe pod shows the pod and its events', (t) => {
  if (!needKubectl(t)) return;
  const names = kubectl('get', 'pods', '-n', 'kube-system', '-o', 'name');
  const pod = names.stdout.split('\n').find((l) => l.startsWith('pod/kube-proxy-'));
  assert.ok(pod, names.stdout);
  const d = kubectl('describe', '-n', 'kube-system', pod);
  assert.equal(d.code, 0, d.stderr);
  for (const field of [
    /^Name:\s+kube-proxy-/m,
    /^Namespace:\s+kube-system/m,
    /^Node:\s+\S+\/\S+/m,
    /^Status:\s+\w+/m,
    /^Containers:/m,
    /^Events:/m,
  ])
    assert.match(d.stdout, field);
});

test('kubectl get pods -w streams changes as the cluster churns', async (t) => {
  if (!needKubectl(t)) return;
  const w = spawn(
    kubectlPath,
    ['--kubeconfig', kubeconfig, 'get', 'pods', '-A', '-w', '--output-watch-events'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let text = '';
  w.stdout.on('data', (d: Buffer) => (text += d));
  w.stderr.on('data', (d: Buffer) => (text += d));
  // The initial list arrives as ADDED events; with --churn 5 changes follow within seconds.
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && !/\bMODIFIED\b/.test(text)) await new Promise((r) => setTimeout(r, 200));
  w.kill();
  assert.match(text, /^EVENT\s+NAMESPACE\s+NAME\s+READY\s+STATUS/m);
  assert.match(text, /\bADDED\b/);
  assert.match(text, /\bMODIFIED\b/, `no change was streamed within 20 s:\n${text.slice(-2000)}`);
});

test('each node has its directory: kubelet endpoint, cgroup tree and pod logs', async () => {
  const nodes = readdirSync(join(dir, 'nodes'));
  assert.equal(nodes.length, 3);
  const worker = nodes.find((n) => !n.startsWith('control-plane')) ?? nodes[0]!;
  const root = join(dir, 'nodes', worker);
  const { url } = JSON.parse(readFileSync(join(root, 'kubelet.json'), 'utf8')) as { url: string };
  const podList = (await (await fetch(`${url}/pods`)).json()) as {
    kind: string;
    items: Array<{
      metadata: { uid: string; name: string; namespace: string };
      spec: { nodeName: string };
      status: { phase: string };
    }>;
  };
  assert.equal(podList.kind, 'PodList');
  assert.ok(podList.items.length > 0);
  assert.ok(podList.items.every((p) => p.spec.nodeName === worker));

  const summary = (await (await fetch(`${url}/stats/summary`)).json()) as { node: { nodeName: string } };
  assert.equal(summary.node.nodeName, worker);

  // cgroup v2, systemd driver: kubepods.slice/kubepods-<qos>.slice/kubepods-<qos>-pod<uid>.slice
  const kubepods = join(root, 'sys/fs/cgroup/kubepods.slice');
  assert.ok(existsSync(join(kubepods, 'memory.current')));
  const qos = readdirSync(kubepods).filter((d) => /^kubepods-(burstable|besteffort)\.slice$/.test(d));
  assert.ok(qos.length > 0, readdirSync(kubepods).join(' '));
  const podSlices = qos.flatMap((q) =>
    readdirSync(join(kubepods, q))
      .filter((d) => d.endsWith('.slice'))
      .map((d) => join(kubepods, q, d)),
  );
  assert.ok(podSlices.length > 0, 'no pod slices under the QoS slices');
  for (const slice of podSlices)
    assert.match(slice, /\/kubepods-(burstable|besteffort)-pod[0-9a-f_]{36}\.slice$/);
  const scopes = podSlices.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.scope')));
  assert.ok(
    scopes.some((s) => /^cri-containerd-[0-9a-f]{64}\.scope$/.test(s)),
    scopes.join(' '),
  );
  assert.match(readFileSync(join(podSlices[0]!, 'cpu.stat'), 'utf8'), /^usage_usec \d+/m);

  // /var/log/pods/<ns>_<pod>_<uid>/<container>/<restart>.log in CRI format
  const logDirs = readdirSync(join(root, 'var/log/pods'));
  const running = podList.items.filter((p) => p.status.phase === 'Running');
  assert.ok(
    running.some((p) => logDirs.includes(`${p.metadata.namespace}_${p.metadata.name}_${p.metadata.uid}`)),
    logDirs.join(' '),
  );
  const podDir = join(root, 'var/log/pods', logDirs[0]!);
  const container = readdirSync(podDir)[0]!;
  const files = readdirSync(join(podDir, container));
  assert.ok(
    files.some((f) => /^\d+\.log$/.test(f)),
    files.join(' '),
  );
});

test('SIGTERM stops the simulator with exit code 0', async () => {
  sim.kill('SIGTERM');
  assert.equal(await exited, 0, out.slice(-2000));
});
