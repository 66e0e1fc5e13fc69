// kube-state metrics at cluster scale: the cluster role (a child process, measured through
// /proc) watching a simulated API server (this process) that holds 10,000 pods, 1,000
// deployments and 100 nodes — and the same at a tenth of the size, to show an update's cost does
// not grow with the cluster, and an empty API server for the process's own baseline.
//   initial sync   from the collector's start to every informer listed (its own log line)
//   RSS            after the sync and the peak (VmHWM) over the run; target ≤ 250 MiB at 10k pods.
//                  The child connects with a kubeconfig, which loads @kubernetes/client-node;
//                  the empty-server row shows that fixed part (in-cluster, it is not loaded),
//                  and an idle run without any connection measures the library's share, from
//                  which the in-cluster column is estimated.
//                  It runs dist/ when that build is current (`npm run bench` builds first),
//                  else the TypeScript sources, which cost ~30 MiB more; the report says which.
//   scrape         /metrics/kubestate p50/p99 and bytes, timed by curl; target p99 ≤ 300 ms.
//                  The limits beside it, measured in the same run: this process serving the same
//                  bytes from memory, and zlib alone compressing them at the level we use.
//   updates        CPU seconds of the child per 1,000 pod updates (watch → re-serialize), next to
//                  what JSON.parse alone of those 1,000 objects costs here (the floor).
import { spawn, spawnSync } from 'node:child_process';
import { createServer, request } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childEnv, freePort } from '../test/helpers/process.ts';
import { ObjectStore } from '../src/sim/apiserver/store.ts';
import { startApiServer } from '../src/sim/apiserver/server.ts';
import { ClusterEngine } from '../src/sim/engine/engine.ts';
import { kubeconfigYaml } from '../src/sim/run.ts';
import type { KubeObject } from '../src/k8s/types.ts';
import { cpuSeconds, rssBytes } from './lib/proc.ts';

const BIN = fileURLToPath(new URL('../bin/watchingcat.js', import.meta.url));
// p99 of 200 scrapes is the second-slowest, not the single slowest as with 40.
const SCRAPES = Number(process.env.WC_BENCH_SCRAPES ?? 200);
const UPDATES = 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const HAVE_CURL = spawnSync('curl', ['--version']).status === 0;
if (!HAVE_CURL)
  process.stderr.write('kubestate bench: curl not found; scrapes are timed with Node http (slower client)\n');

interface Size {
  nodes: number;
  pods: number;
  deployments: number;
}

const SIZES: Size[] = process.env.WC_BENCH_ONLY_10K
  ? [{ nodes: 100, pods: 10_000, deployments: 1000 }]
  : [
      // The baseline: the same process and connection with nothing to watch. (It connects with a
      // kubeconfig, which loads @kubernetes/client-node; in-cluster it does not.)
      { nodes: 0, pods: 0, deployments: 0 },
      { nodes: 10, pods: 1000, deployments: 100 },
      { nodes: 100, pods: 10_000, deployments: 1000 },
    ];

/** The simulator's realistic cluster, with deployments cloned up to the wanted count. */
function populate(size: Size): ObjectStore {
  const store = new ObjectStore({ historyLimit: 50_000 });
  if (size.pods === 0) return store;
  new ClusterEngine({ store, nodes: size.nodes, pods: size.pods, seed: 1, churn: 0 }).populate();
  const key = { group: 'apps', resource: 'deployments' };
  const existing = store.list(key);
  for (let i = 0; existing.length + i < size.deployments; i++) {
    const src = existing[i % existing.length]!;
    const clone = structuredClone(src) as KubeObject;
    clone.metadata = { ...clone.metadata, name: `${src.metadata.name}-c${i}` };
    delete clone.metadata.uid;
    delete clone.metadata.resourceVersion;
    store.create(key, clone);
  }
  return store;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * One scrape, timed by curl when it is installed: a native client like Prometheus' own, in its
 * own process (Node's http client in this process, which also runs the API server, reads 60 MB
 * several times slower than the server can write it and would measure itself).
 */
async function timedGet(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ ms: number; bytes: number }> {
  if (HAVE_CURL) {
    const args = ['-s', '-o', '/dev/null', '-w', '%{time_total} %{size_download}', url];
    for (const [k, v] of Object.entries(headers)) args.unshift('-H', `${k}: ${v}`);
    const out = await new Promise<string>((resolve, reject) => {
      const p = spawn('curl', args, { stdio: ['ignore', 'pipe', 'inherit'] });
      let o = '';
      p.stdout.on('data', (d: Buffer) => (o += d));
      p.on('error', reject);
      p.on('exit', (code) => (code === 0 ? resolve(o) : reject(new Error(`curl exited ${code}`))));
    });
    const [t, n] = out.trim().split(' ');
    return { ms: Number(t) * 1000, bytes: Number(n) };
  }
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve({ ms: performance.now() - t0, bytes }));
    })
      .on('error', reject)
      .end();
  });
}

async function scrapeStats(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ p50: number; p99: number; bytes: number }> {
  for (let i = 0; i < 3; i++) await timedGet(url, headers);
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < SCRAPES; i++) {
    const r = await timedGet(url, headers);
    times.push(r.ms);
    bytes = r.bytes;
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), bytes };
}

function counter(text: string, re: RegExp): number {
  let n = 0;
  for (const m of text.matchAll(re)) n += Number(m[1]);
  return n;
}

async function run(size: Size): Promise<{ row: Record<string, string>; rssSync: number }> {
  const store = populate(size);
  const api = await startApiServer({ store });
  const dir = mkdtempSync(join(tmpdir(), 'wc-bench-ksm-'));
  const [health, telemetry, metrics] = await Promise.all([freePort(), freePort(), freePort()]);
  writeFileSync(join(dir, 'kubeconfig'), kubeconfigYaml(api.url));
  writeFileSync(
    join(dir, 'config.yaml'),
    `receivers:
  kubestate:
    streaming: {enabled: false}
exporters:
  debug: {verbosity: basic}
service:
  telemetry: {metrics: {address: 127.0.0.1:${telemetry}}}
  metrics_endpoint: {address: 127.0.0.1:${metrics}}
  pipelines:
    metrics: {receivers: [kubestate], exporters: [debug]}
`,
  );
  let logs = '';
  const child = spawn(
    BIN,
    [
      'cluster',
      '--config',
      join(dir, 'config.yaml'),
      '--kubeconfig',
      join(dir, 'kubeconfig'),
      '--data-dir',
      join(dir, 'data'),
      '--health-address',
      `127.0.0.1:${health}`,
    ],
    { env: childEnv({ WATCHINGCAT_LOG_LEVEL: 'info' }), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stderr!.on('data', (d: Buffer) => (logs += d));
  child.stdout!.on('data', (d: Buffer) => (logs += d));
  try {
    let syncMs: number | undefined;
    for (let i = 0; i < 1200 && syncMs === undefined; i++) {
      if (child.exitCode !== null) throw new Error(`cluster role exited:\n${logs}`);
      const m = /"ms":(\d+)[^\n]*kubestate: initial list done/.exec(logs);
      if (m) syncMs = Number(m[1]);
      else await sleep(100);
    }
    if (syncMs === undefined) throw new Error(`no initial sync in 120 s:\n${logs}`);
    await sleep(500);
    const pid = child.pid!;
    const rssSync = rssBytes(pid);
    const url = `http://127.0.0.1:${metrics}/metrics/kubestate`;
    const plain = await scrapeStats(url);
    const gzip = await scrapeStats(url, { 'accept-encoding': 'gzip' });
    // The limit for gzip: zlib alone compressing the same body at the same level, here.
    const whole = Buffer.from(await (await fetch(url)).arrayBuffer());
    const z0 = performance.now();
    gzipSync(whole, { level: 1 });
    const zlibMs = performance.now() - z0;

    // The limit: the same bytes served from memory by this process.
    const body = Buffer.alloc(plain.bytes, 'a');
    const staticServer = createServer((_q, s) => s.end(body));
    await new Promise<void>((r) => staticServer.listen(0, '127.0.0.1', r));
    const staticStats = await scrapeStats(
      `http://127.0.0.1:${(staticServer.address() as AddressInfo).port}/`,
    );
    staticServer.close();

    // Updates: 1,000 pod label changes, spread over ~2 s; done when the child has seen them all.
    const podKey = { group: '', resource: 'pods' };
    const pods = store.list(podKey).slice(0, UPDATES);
    const ownMetrics = async () => (await fetch(`http://127.0.0.1:${telemetry}/metrics`)).text();
    const eventsRe = /watchingcat_k8s_watch_events_total\{resource="pods",type="MODIFIED"\} (\d+)/g;
    const before = counter(await ownMetrics(), eventsRe);
    const cpu0 = cpuSeconds(pid);
    for (let i = 0; i < pods.length; i++) {
      const p = pods[i]!;
      store.mutate(
        podKey,
        p.metadata.namespace,
        p.metadata.name,
        (o) => ((o.metadata.labels ??= {})['bench-rev'] = String(i)),
      );
      if (i % 50 === 49) await sleep(100);
    }
    for (let i = 0; i < 300 && counter(await ownMetrics(), eventsRe) < before + pods.length; i++)
      await sleep(50);
    const cpuUpdates = cpuSeconds(pid) - cpu0;
    const jsons = pods.map((p) => JSON.stringify(store.get(podKey, p.metadata.namespace, p.metadata.name)));
    const t0 = process.cpuUsage();
    for (const j of jsons) JSON.parse(j);
    const parse = process.cpuUsage(t0);
    const parseSec = (parse.user + parse.system) / 1e6;
    const peak = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
    const mib = (b: number) => (b / 2 ** 20).toFixed(0);
    const row: Record<string, string> = {
      cluster:
        size.pods === 0
          ? 'empty API server'
          : `${size.pods} pods / ${size.deployments} deploy / ${size.nodes} nodes`,
      'initial sync': `${(syncMs / 1000).toFixed(2)} s`,
      'RSS synced / peak': `${mib(rssSync)} / ${mib(peak)} MiB`,
      'scrape p50 / p99': `${plain.p50.toFixed(0)} / ${plain.p99.toFixed(0)} ms`,
      bytes: `${(plain.bytes / 2 ** 20).toFixed(1)} MiB`,
      'gzip p50 / p99': `${gzip.p50.toFixed(0)} / ${gzip.p99.toFixed(0)} ms (${(gzip.bytes / 2 ** 20).toFixed(1)} MiB)`,
      'same bytes from memory p50 / p99': `${staticStats.p50.toFixed(0)} / ${staticStats.p99.toFixed(0)} ms`,
      'zlib level 1 alone': `${zlibMs.toFixed(0)} ms`,
      'CPU per 1k updates': pods.length === 0 ? '-' : `${(cpuUpdates * 1000).toFixed(0)} ms`,
      'JSON.parse of them': pods.length === 0 ? '-' : `${(parseSec * 1000).toFixed(0)} ms`,
    };
    return { row, rssSync };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What bin/watchingcat.js will run: dist/ if its build stamp is newer than every source file. */
function runsBuild(): boolean {
  const root = fileURLToPath(new URL('..', import.meta.url));
  let built: number;
  try {
    built = statSync(join(root, 'dist', '.built')).mtimeMs;
  } catch {
    return false;
  }
  return readdirSync(join(root, 'src'), { withFileTypes: true, recursive: true }).every(
    (e) => !e.isFile() || !e.name.endsWith('.ts') || statSync(join(e.parentPath, e.name)).mtimeMs <= built,
  );
}
const RUNS = runsBuild()
  ? 'the build in dist/'
  : 'the TypeScript sources (dist/ is stale: run `npm run build`)';
process.stderr.write(`kubestate bench: the cluster role runs ${RUNS}\n`);

/**
 * The cluster role's resident memory when idle with no Kubernetes connection at all (no
 * kubeconfig, no in-cluster files): the process without @kubernetes/client-node, which only
 * kubeconfig files load. With the empty-server row it tells what that library costs here.
 */
async function idleRssWithoutKubernetes(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'wc-bench-ksm-idle-'));
  const health = await freePort();
  writeFileSync(
    join(dir, 'config.yaml'),
    'receivers: {kubestate: {streaming: {enabled: false}}}\nexporters: {debug: {}}\nservice: {pipelines: {metrics: {receivers: [kubestate], exporters: [debug]}}}\n',
  );
  const env = childEnv({ HOME: dir, WATCHINGCAT_LOG_LEVEL: 'info' });
  delete env.KUBECONFIG;
  delete env.KUBERNETES_SERVICE_HOST;
  const child = spawn(
    BIN,
    [
      'cluster',
      '--config',
      join(dir, 'config.yaml'),
      '--data-dir',
      join(dir, 'data'),
      '--health-address',
      `127.0.0.1:${health}`,
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let logs = '';
  child.stdout!.on('data', (d: Buffer) => (logs += d));
  child.stderr!.on('data', (d: Buffer) => (logs += d));
  try {
    for (let i = 0; i < 300 && !logs.includes('everything is ready'); i++) {
      if (child.exitCode !== null) throw new Error(`cluster role exited:\n${logs}`);
      await sleep(100);
    }
    if (!logs.includes('no Kubernetes')) throw new Error(`expected no Kubernetes connection:\n${logs}`);
    await sleep(2000);
    return rssBytes(child.pid!);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

const results: Array<{ row: Record<string, string>; rssSync: number }> = [];
for (const size of SIZES) {
  process.stderr.write(`kubestate bench: ${size.pods} pods…\n`);
  results.push(await run(size));
}
const idleNone = await idleRssWithoutKubernetes();
const empty = results.find((r) => r.row.cluster === 'empty API server');
const rows = results.map(({ row, rssSync }) => {
  if (!empty) return row;
  // What the same process needs when it connects in-cluster (no kubeconfig library loaded).
  const est = rssSync - (empty.rssSync - idleNone);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(row)) {
    out[k] = v;
    if (k === 'RSS synced / peak') out['RSS synced, in-cluster (est.)'] = `${(est / 2 ** 20).toFixed(0)} MiB`;
  }
  return out;
});
const cols = Object.keys(rows[0]!);
console.log(`| ${cols.join(' | ')} |`);
console.log(`|${cols.map(() => '---').join('|')}|`);
for (const r of rows) console.log(`| ${cols.map((c) => r[c]).join(' | ')} |`);
console.log(`\nThe cluster role ran ${RUNS}; scrapes timed by ${HAVE_CURL ? 'curl' : 'Node http'}.`);
console.log(
  `Idle without any Kubernetes connection: ${(idleNone / 2 ** 20).toFixed(0)} MiB; the in-cluster estimate is the synced RSS minus what the kubeconfig library adds to the empty-server row.`,
);
