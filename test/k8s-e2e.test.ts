// The whole product on loopback, as a cluster runs it: `watchingcat sim` (API server, kubelets,
// cgroup trees), one `agent` per simulated node (cAdvisor-style container metrics from the node's
// cgroups, pod names from its kubelet), the `cluster` role (kube-state metrics from the API
// server) and the `backend` (OTLP in, chDB, REST API). GET /api/v1/k8s/pods must list every
// simulated pod with the status the API server holds and CPU and memory use from its containers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimStack, type SimStack } from './helpers/sim-stack.ts';

const NODES = 2;
const PODS = 10;
let stack: SimStack | undefined;
let simApi = '';
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
  status?: { phase?: string; containerStatuses?: { state?: { running?: unknown } }[] };
}

// Containers run (and have cgroups to measure) only when the kubelet says so: a Running pod in
// CrashLoopBackOff has none between its restarts (the simulator's seed has one such static pod).
const containersRunning = (p: SimPod): boolean =>
  p.status?.phase === 'Running' &&
  (p.status.containerStatuses ?? []).length > 0 &&
  p.status.containerStatuses!.every((c) => c.state?.running !== undefined);

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

before(async () => {
  stack = await startSimStack({ nodes: NODES, pods: PODS });
  ({ simApi, api } = stack);
});

after(async () => {
  await stack?.stop();
});

test('GET /api/v1/k8s/pods lists every simulated pod with its status, CPU and memory', async () => {
  const expected = (await simPods()).filter((p) => p.spec.nodeName);
  assert.ok(expected.length >= PODS, `the simulator scheduled its pods (${expected.length})`);
  const key = (ns: string, name: string): string => `${ns}/${name}`;
  let got: ApiPod[] = [];
  let sim = new Map<string, SimPod>();
  let missing: string[] = [];
  // Kube-state metrics arrive within a second or two; CPU needs two cAdvisor points per container.
  // The simulator advances a container's CPU counter only when it refreshes the pod (every 2 s), so
  // the first rate may be 0 for every pod on a slow machine: wait for one that shows use as well.
  for (let i = 0; i < 120; i++) {
    // The simulator first: a container it reports running has been measured by the time the
    // backend answers (or will be, on a later round).
    sim = new Map((await simPods()).map((p) => [key(p.metadata.namespace, p.metadata.name), p]));
    got = await apiPods();
    const byKey = new Map(got.map((p) => [key(p.namespace, p.name), p]));
    missing = expected
      .filter((p) => {
        const k = key(p.metadata.namespace, p.metadata.name);
        const g = byKey.get(k);
        const now = sim.get(k) ?? p;
        // A phase change (a CronJob's pod finishing) reaches the backend with the next push.
        if (g === undefined || g.phase !== (now.status?.phase ?? 'Unknown')) return true;
        return containersRunning(now) && (g.cpuCores === null || g.memoryBytes === null);
      })
      .map((p) => key(p.metadata.namespace, p.metadata.name));
    const someCpu = got.some((g) => {
      const now = sim.get(key(g.namespace, g.name));
      return now !== undefined && containersRunning(now) && g.cpuCores !== null && g.cpuCores > 0;
    });
    if (missing.length === 0 && someCpu) break;
    await sleep(500);
  }
  const missingRows = got.filter((p) => missing.includes(key(p.namespace, p.name)));
  assert.deepEqual(
    missing,
    [],
    `pods missing, without usage or not in the simulator's phase (their rows: ${JSON.stringify(missingRows)})`,
  );

  const byKey = new Map(got.map((p) => [key(p.namespace, p.name), p]));
  let withUsage = 0;
  let measured = 0;
  for (const p of expected) {
    const k = key(p.metadata.namespace, p.metadata.name);
    const g = byKey.get(k)!;
    const now = sim.get(k) ?? p;
    // Status as the API server has it (churn is off, so it holds still).
    assert.equal(g.phase, now.status?.phase ?? 'Unknown', `${k} phase`);
    assert.equal(g.node, now.spec.nodeName, `${k} node`);
    assert.equal(g.containers.total, now.spec.containers.length, `${k} containers`);
    if (!containersRunning(now)) continue;
    measured++;
    // Usage from the node's cgroups, within what a simulated node has (at most 64 cores,
    // 256 GiB). A container's CPU counter advances when the simulator refreshes its pod, so
    // within the window an idle pod may show 0 cores; its memory is never 0.
    assert.ok(g.cpuCores! >= 0 && g.cpuCores! < 64, `${k} cpuCores ${g.cpuCores}`);
    assert.ok(g.memoryBytes! > 0 && g.memoryBytes! < 256 * 2 ** 30, `${k} memoryBytes ${g.memoryBytes}`);
    if (g.cpuCores! > 0) withUsage++;
  }
  assert.ok(measured >= PODS, `most simulated pods have running containers (${measured})`);
  assert.ok(withUsage > 0, `some running pods use CPU: ${JSON.stringify(got, null, 1)}`);
  // Nothing but simulated pods.
  const extra = got.filter((p) => !sim.has(key(p.namespace, p.name)));
  assert.deepEqual(extra, []);
});
