// Kubernetes enrichment: what k8sattributes + resourcedetection cost an agent, and what its pod
// cache costs as the cluster grows.
//
// 1. Throughput: OTLP/HTTP spans → agent → loopback sink, pass-through (batch only) against the
//    agent's enrichment (k8sattributes on its node's pods + resourcedetection + batch), measured
//    per CPU-second of the agent in the same run. The sending pod is a simulated pod whose IP is
//    127.0.0.1 — the address the load generator connects from — so each request is matched as an
//    SDK's would be. Two request sizes: 1,000 spans (a busy service's batches) and 50 (a quiet one,
//    where the per-resource work weighs most). Target: enrichment costs ≤ 15 % of pass-through.
// 2. Memory: an agent whose node runs 110 pods, while the cluster grows from 1,000 to 10,000 pods
//    on other nodes (the simulator's API server, in this process). The node-filtered pod table
//    must stay at 110 pods and the agent's RSS must not grow with the cluster; for contrast, an
//    agent without the node filter (how a Collector k8sattributes without `filter.node` runs).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ObjectStore } from '../src/sim/apiserver/store.ts';
import { startApiServer } from '../src/sim/apiserver/server.ts';
import { kubeconfigYaml } from '../src/sim/run.ts';
import type { KubeObject } from '../src/k8s/types.ts';
import { makeRequest, nullSink } from './lib/load.ts';
import { measure, startInstance, type Instance, type Row } from './lib/measure.ts';
import { rssBytes } from './lib/proc.ts';
import { freePort } from '../test/helpers/process.ts';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const MEASURE_MS = Number(process.env.BENCH_MEASURE_MS ?? 8000);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 3000);
const NODE = 'bench-node';
const PODS = { group: '', resource: 'pods' };
const NAMESPACES = { group: '', resource: 'namespaces' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let seq = 0;
function pod(store: ObjectStore, name: string, node: string, ip: string): void {
  const hash = 'h' + (seq % 1000).toString(36);
  const rs = `${name.replace(/-[^-]+$/, '')}-${hash}`;
  store.create(PODS, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'shop',
      labels: { app: name, 'pod-template-hash': hash, 'app.kubernetes.io/name': name.split('-')[0]! },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs, uid: `uid-${rs}`, controller: true },
      ],
    },
    spec: {
      nodeName: node,
      containers: [{ name: 'app', image: `registry.local/shop/${name}:1.0.${seq++ % 10}` }],
    },
    status: {
      phase: 'Running',
      podIP: ip,
      startTime: '2026-12-04T10:00:00Z',
      containerStatuses: [{ name: 'app', containerID: `containerd://${name}`, restartCount: 0, ready: true }],
    },
  } as KubeObject);
}

/** Pods on other nodes until the cluster holds `total`. */
function growTo(store: ObjectStore, total: number): void {
  for (let i = store.count(PODS); i < total; i++)
    pod(store, `other-${i}-x`, `node-${i % 100}`, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
}

async function agent(
  kubeconfig: string,
  sinkPort: number,
  processors: { yaml: string; names: string[] },
): Promise<Instance & { http: number; tel: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'wc-bench-k8sattr-'));
  const [http, health, tel, metrics] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const yaml = `receivers:
  otlp:
    protocols:
      http: {endpoint: 127.0.0.1:${http}}
processors:
  batch: {}
${processors.yaml}
exporters:
  otlphttp:
    endpoint: http://127.0.0.1:${sinkPort}
extensions:
  health_check: {endpoint: 127.0.0.1:${health}}
service:
  extensions: [health_check]
  telemetry: {metrics: {address: 127.0.0.1:${tel}}}
  metrics_endpoint: {address: 127.0.0.1:${metrics}}
  pipelines:
    traces: {receivers: [otlp], processors: [${[...processors.names, 'batch'].join(', ')}], exporters: [otlphttp]}
`;
  writeFileSync(join(dir, 'c.yaml'), yaml);
  const inst = await startInstance(
    [
      'agent',
      '--config',
      join(dir, 'c.yaml'),
      '--data-dir',
      dir,
      '--kubeconfig',
      kubeconfig,
      '--node-name',
      NODE,
    ],
    dir,
    health,
  );
  return { ...inst, http, tel };
}

async function tableSize(telPort: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${telPort}/metrics`)).text();
  return Number(
    /^watchingcat_processor_k8sattributes_pod_table_size\{[^}]*\} (\S+)$/m.exec(text)?.[1] ?? NaN,
  );
}

const ENRICH = {
  names: ['k8sattributes', 'resourcedetection'],
  yaml: `  k8sattributes: {filter: {node: ${NODE}}}
  resourcedetection: {detectors: [env, cluster, k8snode]}`,
};
const ENRICH_ALL_NODES = { names: ['k8sattributes'], yaml: '  k8sattributes: {}' };
const PASS = { names: [], yaml: '' };

export async function main(): Promise<void> {
  const store = new ObjectStore();
  store.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
  store.create(
    { group: '', resource: 'nodes' },
    { apiVersion: 'v1', kind: 'Node', metadata: { name: NODE } },
  );
  // The load generator's pod (the request's resource names it too: checkout-7d9f8-abc in shop).
  pod(store, 'checkout-7d9f8-abc', NODE, '127.0.0.1');
  for (let i = 1; i < 110; i++) pod(store, `svc${i % 20}-${i}-y`, NODE, `10.200.${i >> 8}.${i & 255}`);
  growTo(store, 1000);
  const api = await startApiServer({ store });
  const dir = mkdtempSync(join(tmpdir(), 'wc-bench-k8s-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, kubeconfigYaml(`http://127.0.0.1:${api.port}`));
  const sink = await nullSink();

  const rows: Array<Row & { size: number }> = [];
  for (const size of [1000, 50]) {
    const body = makeRequest('traces', size);
    // A request is answered once its batch is exported: small requests need many in flight to
    // fill a batch before its 200 ms timeout (8,192 spans / 50 ≈ 164).
    const concurrency = size >= 1000 ? CONCURRENCY : CONCURRENCY * 8;
    const run = { concurrency, itemsPerRequest: size, warmupMs: WARMUP_MS, measureMs: MEASURE_MS };
    for (const [label, procs] of [
      ['pass-through (batch)', PASS],
      ['k8sattributes + resourcedetection + batch', ENRICH],
    ] as const) {
      const a = await agent(kubeconfig, sink.port, procs);
      await sleep(500);
      rows.push({ ...(await measure(label, a.child.pid!, a.http, '/v1/traces', body, run)), size });
      await a.stop();
    }
  }

  // Memory as the cluster grows.
  const mem: Array<{ name: string; pods: number; size: number; rssMiB: number }> = [];
  store.count(PODS); // 1,000 now
  const filtered = await agent(kubeconfig, sink.port, ENRICH);
  const unfiltered = await agent(kubeconfig, sink.port, ENRICH_ALL_NODES);
  for (const total of [1000, 4000, 10000]) {
    growTo(store, total);
    await sleep(6000); // the watch delivers, the heap settles
    for (const [name, a] of [
      ['agent, node filter (default)', filtered],
      ['agent, no filter (contrast)', unfiltered],
    ] as const)
      mem.push({ name, pods: total, size: await tableSize(a.tel), rssMiB: rssBytes(a.child.pid!) / 2 ** 20 });
  }
  await filtered.stop();
  await unfiltered.stop();
  await sink.close();
  await api.close();

  console.log(
    `Spans over OTLP/HTTP from one simulated pod (its IP is the sender's), ${CONCURRENCY} connections (${CONCURRENCY * 8} for 50-span requests), ${MEASURE_MS / 1000} s measured after ${WARMUP_MS / 1000} s warm-up; the agent's node runs 110 of the cluster's 1,000 pods.\n`,
  );
  console.log(
    '| spans/request | processors | spans/s | spans/s per core of the agent | agent CPU (cores) | peak RSS MiB |',
  );
  console.log('|---:|---|---:|---:|---:|---:|');
  for (const r of rows)
    console.log(
      `| ${r.size} | ${r.name} | ${Math.round(r.itemsPerSec).toLocaleString('en')} | ${Math.round(r.perCore).toLocaleString('en')} | ${r.cpu.toFixed(2)} | ${r.peakRssMiB.toFixed(0)} |`,
    );
  for (const size of [1000, 50]) {
    const [pass, enr] = rows.filter((r) => r.size === size);
    const cost = 1 - enr!.perCore / pass!.perCore;
    console.log(
      `\n${size} spans/request: enrichment costs ${(cost * 100).toFixed(1)}% of pass-through per core (target ≤ 15%: ${cost <= 0.15 ? 'met' : 'NOT met'}).`,
    );
  }
  console.log('\n| agent | cluster pods | pods in its table | RSS MiB |');
  console.log('|---|---:|---:|---:|');
  for (const m of mem)
    console.log(
      `| ${m.name} | ${m.pods.toLocaleString('en')} | ${m.size.toLocaleString('en')} | ${m.rssMiB.toFixed(0)} |`,
    );
  const f = mem.filter((m) => m.name.includes('node filter'));
  const grew = f[f.length - 1]!.rssMiB - f[0]!.rssMiB;
  const flat = f.every((m) => m.size === 110);
  console.log(
    `\nNode-filtered table: ${flat ? '110 pods at every size' : 'NOT constant: ' + f.map((m) => m.size).join(', ')}; RSS ${grew >= 0 ? '+' : ''}${grew.toFixed(0)} MiB from 1,000 to 10,000 cluster pods (target: does not grow with the cluster: ${flat && grew < 10 ? 'met' : 'NOT met'}).`,
  );
}

if (import.meta.main) await main();
