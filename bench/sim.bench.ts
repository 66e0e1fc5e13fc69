// The whole simulator at the issue's scale: `watchingcat sim --nodes 100 --pods 10000` as users
// run it (API server, workload engine with churn, 100 node trees with kubelets, cgroup files and
// pod logs). Measured from outside through our own Kubernetes client (src/k8s): time to ready,
// resident memory (target ≤ 1 GiB), a chunked list of every pod (target < 2 s), and watch
// events delivered to 10 concurrent watchers while the cluster churns. The in-process limits of
// the API server alone are in sim-apiserver.bench.ts.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createKubeClient, isGone, resolveKubeConnection } from '../src/k8s/index.ts';
import { childEnv, freePort } from '../test/helpers/process.ts';
import { rssBytes, rssSampler } from './lib/proc.ts';

const BIN = fileURLToPath(new URL('../bin/watchingcat.js', import.meta.url));
const NODES = Number(process.env.BENCH_SIM_NODES ?? 100);
const PODS = Number(process.env.BENCH_SIM_PODS ?? 10_000);
const CHURN = Number(process.env.BENCH_SIM_CHURN ?? 20);
const WATCH_MS = 10_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const dir = mkdtempSync(join(tmpdir(), 'wc-bench-sim-'));
const port = await freePort();
const t0 = Date.now();
const child = spawn(
  BIN,
  [
    'sim',
    ...['--nodes', String(NODES), '--pods', String(PODS), '--churn', String(CHURN), '--seed', '1'],
  ].concat(['--listen', `127.0.0.1:${port}`, '--dir', dir]),
  { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
);
let out = '';
child.stdout!.on('data', (d: Buffer) => (out += d));
child.stderr!.on('data', (d: Buffer) => (out += d));
const peak = rssSampler(child.pid!);
try {
  while (!out.includes('simulated cluster running')) {
    if (child.exitCode !== null) throw new Error(`sim exited: ${out}`);
    if (Date.now() - t0 > 300_000) throw new Error(`sim not ready after 5 min: ${out}`);
    await sleep(200);
  }
  const readyMs = Date.now() - t0;
  await sleep(5000); // let the first ticks write node files
  const settledRss = rssBytes(child.pid!);

  const { connection } = await resolveKubeConnection({ kubeconfig: join(dir, 'kubeconfig') });
  const client = createKubeClient(connection!);

  // A chunked list of every pod, 500 per page, as informers do.
  const listStart = performance.now();
  let items = 0;
  let cont: string | undefined;
  let pages = 0;
  let restarts = 0;
  do {
    try {
      const page = await client.list<unknown>('/api/v1/pods', {
        limit: 500,
        ...(cont ? { continue: cont } : {}),
      });
      items += page.items.length;
      cont = page.metadata.continue || undefined;
      pages++;
    } catch (err) {
      // 410: the snapshot left the history window (as when etcd compacts); start over, as informers do.
      if (!isGone(err) || ++restarts > 3) throw err;
      [items, pages, cont] = [0, 0, undefined];
    }
  } while (cont);
  const listMs = performance.now() - listStart;

  // 10 watchers on all pods from "now", counting what arrives while the engine churns.
  const abort = new AbortController();
  const counts = new Array<number>(10).fill(0);
  const rv = (await client.list<unknown>('/api/v1/pods', { limit: 1 })).metadata.resourceVersion;
  const watches = counts.map((_, i) =>
    client
      .watch<unknown>(
        '/api/v1/pods',
        { resourceVersion: rv!, allowWatchBookmarks: true },
        (e) => {
          if (e.type !== 'BOOKMARK') counts[i]!++;
        },
        abort.signal,
      )
      .catch(() => {}),
  );
  await sleep(WATCH_MS);
  abort.abort();
  await Promise.all(watches);
  client.close();
  const perWatcher = counts.map((c) => c / (WATCH_MS / 1000));
  const minPerWatcher = Math.min(...perWatcher);
  const totalPerSec = perWatcher.reduce((a, b) => a + b, 0);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  const disk = spawnSync('du', ['-sm', dir], { encoding: 'utf8' }).stdout.split('\t')[0];
  const peakRss = peak.stop();
  const mib = (b: number) => (b / 2 ** 20).toFixed(0);

  console.log(
    `\`watchingcat sim --nodes ${NODES} --pods ${PODS} --churn ${CHURN}\`, measured through src/k8s.\n`,
  );
  console.log('| measure | result | target |');
  console.log('|---|---:|---|');
  console.log(
    `| time to ready (populate, API server, ${NODES} node trees) | ${(readyMs / 1000).toFixed(1)} s | |`,
  );
  console.log(`| RSS after start | ${mib(settledRss)} MiB | |`);
  console.log(
    `| peak RSS (incl. list and 10 watchers) | ${mib(peakRss)} MiB | ≤ 1024 MiB: ${peakRss <= 2 ** 30 ? 'met' : 'NOT met'} |`,
  );
  console.log(
    `| chunked list of ${items.toLocaleString('en')} pods (${pages} pages of 500${restarts ? `, ${restarts} restart(s) after 410` : ''}) | ${listMs.toFixed(0)} ms | < 2000 ms: ${listMs < 2000 ? 'met' : 'NOT met'} |`,
  );
  console.log(
    `| watch events delivered, 10 watchers, churn ${CHURN}/s | ${Math.round(totalPerSec).toLocaleString('en')}/s in all, ≥ ${Math.round(minPerWatcher).toLocaleString('en')}/s each | |`,
  );
  console.log(`| disk used by node trees and logs | ${disk} MiB | |`);
} finally {
  if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
