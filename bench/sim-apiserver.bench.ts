// The simulator's API server (src/sim/apiserver) under kubectl/informer-like load. The server
// runs in a child process (this file with --child) holding 10,000 realistic pods, so its RSS is
// its own and the client's parsing does not share its CPU budget:
//   (a) a chunked list of all pods, limit=500, as kubectl and informers do it;
//   (b) watch events delivered per second to 10 concurrent watchers while pods are updated;
//   (c) resident memory of the process holding the pods (and a full watch history).
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ObjectStore } from '../src/sim/apiserver/store.ts';
import { startApiServer } from '../src/sim/apiserver/server.ts';
import type { KubeObject } from '../src/sim/types.ts';

const PODS = Number(process.env.BENCH_PODS ?? 10_000);
const PAGE = 500;
const WATCHERS = 10;
const RATES = (process.env.BENCH_RATES ?? '250,500,1000,2000,4000').split(',').map(Number);
const RUN_SECONDS = Number(process.env.BENCH_RUN_SECONDS ?? 4);
const POD_KEY = { group: '', resource: 'pods' };

/** A pod of a Deployment: 2 containers with resources, probes, env and mounts; full status. */
export function realisticPod(i: number): KubeObject {
  const ns = `team-${i % 20}`;
  const app = `svc-${Math.floor(i / 20) % 250}`;
  const hash = (0x5f3a9c00 + Math.floor(i / 5000)).toString(16).slice(0, 10);
  const name = `${app}-${hash}-${i.toString(36).padStart(5, 'x')}`;
  const node = `sim-worker-${i % 50}`;
  const ts = '2026-01-01T00:00:00Z';
  const container = (n: string, image: string, port: number) => ({
    name: n,
    image,
    ports: [{ name: 'http', containerPort: port, protocol: 'TCP' }],
    env: [
      { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
      { name: 'LOG_LEVEL', value: 'info' },
    ],
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
    readinessProbe: {
      httpGet: { path: '/ready', port, scheme: 'HTTP' },
      periodSeconds: 10,
      timeoutSeconds: 1,
      successThreshold: 1,
      failureThreshold: 3,
    },
    volumeMounts: [
      {
        name: 'kube-api-access-abcde',
        readOnly: true,
        mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
      },
    ],
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    imagePullPolicy: 'IfNotPresent',
  });
  const status = (n: string, image: string, j: number) => ({
    name: n,
    state: { running: { startedAt: ts } },
    ready: true,
    restartCount: 0,
    image,
    imageID: `docker.io/library/${image}@sha256:${'0123456789abcdef'.repeat(4)}`,
    containerID: `containerd://${(i * 2 + j).toString(16).padStart(64, '0')}`,
    started: true,
  });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      generateName: `${app}-${hash}-`,
      namespace: ns,
      labels: { app, 'pod-template-hash': hash, 'app.kubernetes.io/part-of': 'bench' },
      annotations: { 'kubectl.kubernetes.io/restartedAt': ts },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: `${app}-${hash}`,
          uid: `00000000-0000-4000-8000-${String(i % 1000).padStart(12, '0')}`,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      volumes: [
        {
          name: 'kube-api-access-abcde',
          projected: {
            sources: [
              { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
              { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            ],
            defaultMode: 420,
          },
        },
      ],
      containers: [
        container('app', 'nginx:1.27', 8080),
        container('sidecar', 'envoyproxy/envoy:v1.31', 9901),
      ],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: 'default',
      nodeName: node,
      schedulerName: 'default-scheduler',
      tolerations: [
        {
          key: 'node.kubernetes.io/not-ready',
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 300,
        },
        {
          key: 'node.kubernetes.io/unreachable',
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 300,
        },
      ],
      priority: 0,
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
    },
    status: {
      phase: 'Running',
      conditions: [
        'PodReadyToStartContainers',
        'Initialized',
        'Ready',
        'ContainersReady',
        'PodScheduled',
      ].map((type) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: ts })),
      hostIP: `172.18.${Math.floor(i / 250) % 256}.${i % 250}`,
      hostIPs: [{ ip: `172.18.${Math.floor(i / 250) % 256}.${i % 250}` }],
      podIP: `10.244.${Math.floor(i / 250) % 256}.${i % 250}`,
      podIPs: [{ ip: `10.244.${Math.floor(i / 250) % 256}.${i % 250}` }],
      startTime: ts,
      containerStatuses: [status('app', 'nginx:1.27', 0), status('sidecar', 'envoyproxy/envoy:v1.31', 1)],
      qosClass: 'Burstable',
    },
  };
}

// ---- child: the server process ----

async function child(): Promise<void> {
  const store = new ObjectStore();
  for (let i = 0; i < 20; i++)
    store.create(
      { group: '', resource: 'namespaces' },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `team-${i}` } },
    );
  let seq = 0;
  const names: Array<[string, string]> = [];
  for (let i = 0; i < PODS; i++) {
    const p = store.create(POD_KEY, realisticPod(i));
    names.push([p.metadata.namespace!, p.metadata.name]);
  }
  const server = await startApiServer({ store });
  // Steady state: full GCs around an idle second, so V8 can hand back pages it no longer needs.
  const mem = async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    await new Promise((r) => setTimeout(r, 1000));
    gc?.();
    const m = process.memoryUsage();
    return {
      rss: m.rss,
      heapUsed: m.heapUsed,
      heapTotal: m.heapTotal,
      external: m.external + m.arrayBuffers,
    };
  };
  // Never outlive the parent (e.g. when it crashes mid-run).
  process.once('disconnect', () => process.exit(0));
  process.on('message', (msg: { cmd: string; count?: number; rate?: number }) => {
    if (msg.cmd === 'mem') void mem().then((m) => process.send!({ mem: m }));
    if (msg.cmd === 'stats') process.send!({ stats: server.watchStats() });
    if (msg.cmd === 'write') {
      // `count` updates offered at `rate` per second, in 10 ms ticks.
      let i = 0;
      const start = performance.now();
      const timer = setInterval(() => {
        const due = Math.min(msg.count!, Math.ceil(((performance.now() - start) / 1000) * msg.rate!));
        for (; i < due; i++) {
          const [ns, name] = names[i % names.length]!;
          store.mutate(POD_KEY, ns, name, (o) => {
            // A value never written before: an unchanged object would be a no-op without an event.
            (o.metadata.annotations as Record<string, string>)['bench/seq'] = String(++seq);
          });
        }
        if (i >= msg.count!) {
          clearInterval(timer);
          process.send!({ wrote: msg.count, ms: performance.now() - start });
        }
      }, 10);
    }
    if (msg.cmd === 'exit') void server.close().then(() => process.exit(0));
  });
  process.send!({
    url: server.url,
    pods: store.count(POD_KEY),
    bytes: JSON.stringify(realisticPod(1)).length,
  });
}

// ---- parent: the load ----

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- IPC replies of several shapes
function request(c: ChildProcess, msg: object, key: string): Promise<any> {
  return new Promise((resolve) => {
    const on = (m: Record<string, unknown>) => {
      if (key in m) {
        c.off('message', on);
        resolve(m);
      }
    };
    c.on('message', on);
    c.send(msg);
  });
}

async function chunkedList(
  url: string,
): Promise<{ ms: number; items: number; pages: number; bytes: number }> {
  const t0 = performance.now();
  let cont = '';
  let items = 0;
  let pages = 0;
  let bytes = 0;
  do {
    const r = await fetch(
      `${url}/api/v1/pods?limit=${PAGE}${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`,
    );
    const text = await r.text();
    bytes += text.length;
    const body = JSON.parse(text) as { items: unknown[]; metadata: { continue?: string } };
    items += body.items.length;
    pages++;
    cont = body.metadata.continue ?? '';
  } while (cont);
  return { ms: performance.now() - t0, items, pages, bytes };
}

async function watchers(
  url: string,
  n: number,
  expected: number,
): Promise<{ done: Promise<number>; close(): void }> {
  const ac = new AbortController();
  const rv = (
    (await (await fetch(`${url}/api/v1/pods?limit=1`)).json()) as { metadata: { resourceVersion: string } }
  ).metadata.resourceVersion;
  const finished: Array<Promise<number>> = [];
  for (let i = 0; i < n; i++) {
    const r = await fetch(`${url}/api/v1/pods?watch=1&resourceVersion=${rv}`, { signal: ac.signal });
    const reader = r.body!.getReader();
    finished.push(
      (async () => {
        let count = 0;
        for (;;) {
          // -1: the stream ended or broke before all events arrived (e.g. dropped as too slow).
          const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
          if (done || !value) return -1;
          for (let p = value.indexOf(10); p >= 0; p = value.indexOf(10, p + 1)) count++;
          if (count >= expected) return performance.now();
        }
      })(),
    );
  }
  return {
    done: Promise.all(finished).then((ts) => (ts.includes(-1) ? -1 : Math.max(...ts))),
    close: () => ac.abort(),
  };
}

export async function main(): Promise<void> {
  const c = fork(fileURLToPath(import.meta.url), ['--child'], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = (await request(c, { cmd: 'noop' }, 'url')) as { url: string; pods: number; bytes: number };
  const idle = (await request(c, { cmd: 'mem' }, 'mem')).mem as {
    rss: number;
    heapUsed: number;
    heapTotal: number;
    external: number;
  };

  const lists = [];
  for (let i = 0; i < 3; i++) lists.push(await chunkedList(ready.url));
  lists.sort((a, b) => a.ms - b.ms);
  const list = lists[1]!;

  // Offered loads from low to high; stop at the first the watchers cannot keep up with.
  const runs: Array<{ rate: number; delivered: number; dropped: number; ok: boolean }> = [];
  for (const rate of RATES) {
    const count = Math.round(rate * RUN_SECONDS);
    const slowBefore = ((await request(c, { cmd: 'stats' }, 'stats')).stats as { slowClosed: number })
      .slowClosed;
    const w = await watchers(ready.url, WATCHERS, count);
    const t0 = performance.now();
    await request(c, { cmd: 'write', count, rate }, 'wrote');
    const tEnd = await Promise.race([w.done, new Promise<number>((r) => setTimeout(() => r(-1), 20_000))]);
    w.close();
    const slowAfter = ((await request(c, { cmd: 'stats' }, 'stats')).stats as { slowClosed: number })
      .slowClosed;
    const ok = tEnd >= 0 && slowAfter === slowBefore;
    runs.push({
      rate,
      delivered: ok ? (WATCHERS * count) / ((tEnd - t0) / 1000) : 0,
      dropped: slowAfter - slowBefore,
      ok,
    });
    process.stderr.write(`rate ${rate}/s: ${ok ? 'kept up' : 'fell behind'}\n`);
    if (!ok) break;
  }
  const best = Math.max(0, ...runs.filter((r) => r.ok).map((r) => r.delivered));
  const after = (await request(c, { cmd: 'mem' }, 'mem')).mem as {
    rss: number;
    heapUsed: number;
    heapTotal: number;
    external: number;
  };
  c.send({ cmd: 'exit' });
  await new Promise((r) => c.once('exit', r));

  const mib = (b: number) => (b / 2 ** 20).toFixed(0);
  console.log(
    `${ready.pods.toLocaleString('en')} pods of ~${(ready.bytes / 1024).toFixed(1)} KiB JSON each; server in a child process, client here.\n`,
  );
  console.log('| measurement | result | target |');
  console.log('|---|---:|---|');
  console.log(
    `| (a) chunked list, limit ${PAGE} (${list.pages} pages, ${mib(list.bytes)} MiB; median of 3) | ${list.ms.toFixed(0)} ms | < 2,000 ms: ${list.ms < 2000 ? 'met' : 'NOT met'} |`,
  );
  for (const r of runs) {
    const result = r.ok
      ? `${Math.round(r.delivered).toLocaleString('en')} events/s delivered`
      : `fell behind (${r.dropped} watchers dropped)`;
    console.log(
      `| (b) ${WATCHERS} watchers, pods updated at ${r.rate.toLocaleString('en')}/s for ${RUN_SECONDS} s | ${result} | |`,
    );
  }
  console.log(
    `| (b) highest sustained delivery, all watchers kept | ${Math.round(best).toLocaleString('en')} events/s | ≥ 2,000/s: ${best >= 2000 ? 'met' : 'NOT met'} |`,
  );
  console.log(
    `| (c) RSS holding the pods, after GC | ${mib(idle.rss)} MiB (heap used ${mib(idle.heapUsed)} / total ${mib(idle.heapTotal)} MiB, external ${mib(idle.external)} MiB) | well under 1 GiB |`,
  );
  console.log(
    `| (c) RSS after the watch runs (history holding superseded versions) | ${mib(after.rss)} MiB (heap used ${mib(after.heapUsed)} / total ${mib(after.heapTotal)} MiB, external ${mib(after.external)} MiB) | |`,
  );
}

if (process.argv.includes('--child')) await child();
else if (import.meta.main) await main();
