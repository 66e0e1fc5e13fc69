// The web UI's API calls on the demo data: `watchingcat up --demo` runs for a minute (its data
// arriving as in the README's first command), then headless Chromium opens each page ROUNDS times
// and the Resource Timing entries of every /api/ request the page made are collected. Reported
// per page: requests, p50 and p95 of their durations (request start to response end, as the
// browser saw them). Target (issue 9): each page's API calls ≤ 300 ms p95 on the demo data.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium, noChromium, type Chromium } from '../test/helpers/chromium.ts';
import { BIN, childEnv, freePort } from '../test/helpers/process.ts';

const ROUNDS = Number(process.env.BENCH_UI_ROUNDS ?? 10);
const WARM_MS = Number(process.env.BENCH_UI_WARM_MS ?? 60_000);

/** The machine's CPU ticks (busy, all) from /proc/stat: how busy it was while the pages ran. */
function cpuTicks(): { busy: number; all: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const all = f.reduce((a, b) => a + b, 0);
  return { busy: all - (f[3] ?? 0) - (f[4] ?? 0), all };
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
}

export async function main(): Promise<void> {
  if (noChromium) {
    console.log(`${noChromium}: the UI benchmark did not run.`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'wc-bench-ui-'));
  const [api, ui, health, metrics, telemetry] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const up = spawn(
    BIN,
    [
      ...['up', '--demo', '--api-address', `127.0.0.1:${api}`, '--ui-address', `127.0.0.1:${ui}`],
      ...['--data-dir', join(dir, 'data'), '--health-address', `127.0.0.1:${health}`],
      ...['--metrics-address', `127.0.0.1:${metrics}`, '--telemetry-address', `127.0.0.1:${telemetry}`],
    ],
    { env: childEnv({ WATCHINGCAT_LOG_LEVEL: 'warn' }), stdio: ['ignore', 'ignore', 'ignore'] },
  );
  const exited = new Promise((r) => up.on('exit', r));
  const base = `http://127.0.0.1:${ui}`;
  const rows: Array<{ page: string; n: number; p50: number; p95: number; max: number }> = [];
  let chromium: Chromium | undefined;
  let busy: string | undefined;
  try {
    await new Promise((r) => setTimeout(r, WARM_MS));
    const get = async (path: string) =>
      (await (await fetch(`http://127.0.0.1:${api}${path}`)).json()) as Record<string, unknown>;
    const pods = (await get('/api/v1/k8s/pods?limit=1000')).pods as Array<{
      namespace: string;
      name: string;
      phase: string;
    }>;
    const pod = pods.find((p) => p.phase === 'Running')!;
    const node = ((await get('/api/v1/k8s/nodes')).nodes as Array<{ name: string }>)[0]!.name;
    const trace = ((await get('/api/v1/traces?limit=1')).traces as Array<{ traceId: string }>)[0]!.traceId;
    const podPath = `/pods/${encodeURIComponent(pod.namespace)}/${encodeURIComponent(pod.name)}`;
    const pages: Array<[string, string]> = [
      ['overview', '/'],
      ['nodes', '/nodes'],
      ['node', `/nodes/${encodeURIComponent(node)}`],
      ['pods', '/pods'],
      ['pod', podPath],
      ['pod logs', `${podPath}?tab=logs`],
      ['pod traces', `${podPath}?tab=traces`],
      ['pod events', `${podPath}?tab=events`],
      ['workloads', '/workloads'],
      ['namespaces', '/namespaces'],
      ['events', '/events'],
      ['services', '/services'],
      ['service map', '/services/map'],
      ['traces', '/traces'],
      ['trace', `/traces/${trace}`],
      ['logs', '/logs'],
      ['metrics', '/metrics?metric=container_memory_working_set_bytes&fn=sum&by=namespace'],
    ];
    chromium = await launchChromium();
    const browser = chromium.browser;
    const page = await browser.newPage();
    const load0 = loadavg()[0]!;
    const t0 = cpuTicks();
    for (const [name, path] of pages) {
      const durations: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        await page.goto(`${base}${path}`);
        await page.waitForLoadState('networkidle', { timeout: 15_000 }).catch(() => {});
        const d = (await page.evaluate(
          `performance.getEntriesByType('resource').filter((e) => new URL(e.name).pathname.startsWith('/api/') && !e.name.includes('/logs/tail')).map((e) => e.responseEnd - e.requestStart)`,
        )) as number[];
        durations.push(...d);
      }
      rows.push({
        page: name,
        n: durations.length,
        p50: pct(durations, 50),
        p95: pct(durations, 95),
        max: Math.max(...durations),
      });
    }
    const t1 = cpuTicks();
    busy = `machine CPU busy ${((100 * (t1.busy - t0.busy)) / (t1.all - t0.all)).toFixed(0)} % while the pages ran (this run's own processes included), load average ${load0.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}`;
  } finally {
    up.kill('SIGTERM');
    await exited;
    await chromium?.close();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    `\`watchingcat up --demo\` after ${WARM_MS / 1000} s (3 nodes, 40 pods, the demo shop's traces and logs); each page opened ${ROUNDS} times in headless Chromium; durations of its /api/ requests as the browser saw them; ${busy ?? 'machine load not measured'}.\n`,
  );
  console.log('| page | API requests | p50 ms | p95 ms | max ms |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of rows)
    console.log(`| ${r.page} | ${r.n} | ${r.p50.toFixed(0)} | ${r.p95.toFixed(0)} | ${r.max.toFixed(0)} |`);
  const worst = rows.reduce((a, b) => (b.p95 > a.p95 ? b : a));
  console.log(
    `\nWorst page p95: ${worst.page} ${worst.p95.toFixed(0)} ms (target ≤ 300 ms per page: ${rows.every((r) => r.p95 <= 300) ? 'met' : 'NOT met'}).`,
  );
}

if (import.meta.main) await main();
