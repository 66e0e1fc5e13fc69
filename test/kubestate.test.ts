// The cluster role's kube-state metrics against `watchingcat sim`, as a user meets them: the
// scrape endpoint follows what the real kubectl changes, a live scrape passes `promtool check
// metrics`, OpenMetrics and gzip are negotiated, and the same series are pushed over OTLP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { request } from 'node:http';
import { BIN, childEnv, freePort, startRole, type Running } from './helpers/process.ts';
import { OtlpSink } from './helpers/sink.ts';

const which = (cmd: string) =>
  spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim();
const kubectlPath = which('kubectl');
const promtoolPath = which('promtool');
const dir = mkdtempSync(join(tmpdir(), 'wc-kubestate-'));
const kubeconfig = join(dir, 'sim', 'kubeconfig');
let sim: ChildProcess;
let cluster: Running;
let metricsPort = 0;
const sink = new OtlpSink();

async function scrape(
  headers: Record<string, string> = {},
): Promise<{ headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(`http://127.0.0.1:${metricsPort}/metrics/kubestate`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

const text = async () => (await scrape()).body.toString();

async function until(what: string, check: (t: string) => boolean, timeoutMs = 15_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < end) {
    last = await text();
    if (check(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; last scrape had ${last.split('\n').length} lines`);
}

function kubectl(...args: string[]): string {
  return kubectlWithInput(undefined, ...args);
}

function kubectlWithInput(input: string | undefined, ...args: string[]): string {
  const r = spawnSync(kubectlPath, ['--kubeconfig', kubeconfig, ...args], {
    encoding: 'utf8',
    timeout: 20_000,
    ...(input !== undefined && { input }),
  });
  assert.equal(r.status, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const count = (t: string, prefix: string) => t.split('\n').filter((l) => l.startsWith(prefix)).length;

before(async () => {
  const simPort = await freePort();
  let out = '';
  sim = spawn(
    BIN,
    [
      'sim',
      '--nodes',
      '3',
      '--pods',
      '30',
      '--seed',
      '5',
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
  await sink.start();
  const [health, telemetry, metrics] = await Promise.all([freePort(), freePort(), freePort()]);
  metricsPort = metrics;
  const config = join(dir, 'cluster.yaml');
  writeFileSync(
    config,
    `receivers:
  kubestate:
    metric_labels_allowlist: "configmaps=[team],pods=[app]"
    streaming:
      interval: 1s
exporters:
  otlphttp:
    endpoint: http://127.0.0.1:${sink.port}
service:
  telemetry:
    metrics:
      address: 127.0.0.1:${telemetry}
  metrics_endpoint:
    address: 127.0.0.1:${metrics}
  pipelines:
    metrics:
      receivers: [kubestate]
      exporters: [otlphttp]
`,
  );
  cluster = await startRole(
    ['cluster', '--config', config, '--kubeconfig', kubeconfig, '--data-dir', join(dir, 'data')],
    {
      healthPort: health,
    },
  );
});

after(async () => {
  await cluster?.stop();
  if (sim && sim.exitCode === null) sim.kill('SIGKILL');
  await sink.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('every pod, node and deployment of the simulated cluster is exposed', async (t) => {
  const s = await until('the initial list', (x) => count(x, 'kube_pod_info{') >= 30);
  assert.equal(count(s, '# HELP kube_pod_info '), 1, 'one header per family');
  assert.equal(count(s, 'kube_node_info{'), 3);
  if (!kubectlPath) {
    t.skip('kubectl not found on PATH: pod counts were not compared with kubectl');
    return;
  }
  const pods = kubectl('get', 'pods', '-A', '--no-headers').trim().split('\n').length;
  const deployments = kubectl('get', 'deployments', '-A', '--no-headers').trim().split('\n').length;
  assert.equal(count(s, 'kube_pod_info{'), pods);
  assert.equal(count(s, 'kube_deployment_created{'), deployments);
});

test('metrics follow objects that kubectl creates, labels and deletes', async (t) => {
  if (!kubectlPath) {
    t.skip('kubectl not found on PATH: the kubectl-driven checks did not run');
    return;
  }
  // From a manifest: `kubectl create configmap` sends protobuf, which the simulator does not decode.
  const manifest = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'e2e-cm', namespace: 'default' },
    data: { a: 'b' },
  };
  kubectlWithInput(JSON.stringify(manifest), 'create', '-f', '-');
  await until('the new configmap', (x) =>
    /kube_configmap_info\{namespace="default",configmap="e2e-cm"\} 1/.test(x),
  );
  kubectl('label', 'configmap', 'e2e-cm', '-n', 'default', 'team=blue');
  await until('its label', (x) =>
    /kube_configmap_labels\{namespace="default",configmap="e2e-cm",label_team="blue"\} 1/.test(x),
  );
  kubectl('delete', 'configmap', 'e2e-cm', '-n', 'default');
  const after = await until('its deletion', (x) => !x.includes('configmap="e2e-cm"'));
  assert.doesNotMatch(after, /e2e-cm/, 'no stale series');
});

test('a live scrape passes promtool check metrics', async (t) => {
  if (!promtoolPath) {
    t.skip('promtool not found (Debian package prometheus): the exposition was not linted');
    return;
  }
  const body = await text();
  const r = spawnSync(promtoolPath, ['check', 'metrics'], { input: body, encoding: 'utf8' });
  assert.equal(r.status, 0, `promtool: ${r.stdout}${r.stderr}`);
  assert.equal(`${r.stdout}${r.stderr}`.trim(), '', 'promtool reports nothing');
});

test('OpenMetrics and gzip are negotiated', async () => {
  const om = await scrape({ accept: 'application/openmetrics-text; version=1.0.0' });
  assert.match(String(om.headers['content-type']), /application\/openmetrics-text/);
  assert.ok(om.body.toString().endsWith('# EOF\n'));
  const gz = await scrape({ 'accept-encoding': 'gzip' });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  const plain = gunzipSync(gz.body).toString();
  assert.ok(count(plain, 'kube_pod_info{') >= 30);
});

test('the same series are pushed over OTLP with signal metadata', async () => {
  const end = Date.now() + 15_000;
  let points = 0;
  let attrs: Record<string, string> = {};
  while (Date.now() < end && points === 0) {
    for (const d of sink.received.metrics) {
      for (const rm of d.resourceMetrics) {
        for (const sm of rm.scopeMetrics) {
          for (const m of sm.metrics) {
            if (m.name !== 'kube_pod_info' || m.data?.type !== 'gauge') continue;
            points = Math.max(points, m.data.dataPoints.length);
            attrs = Object.fromEntries(
              rm.resource.attributes.map((a) => [a.key, String(Object.values(a.value)[0])]),
            );
          }
        }
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok(points >= 30, `kube_pod_info points pushed: ${points}`);
  assert.equal(attrs['watchingcat.signal.category'], 'Kubernetes State');
  assert.equal(attrs['watchingcat.signal.subcategory'], 'Pod Metrics');
  assert.equal(attrs['watchingcat.collector.type'], 'api');
});

test('Prometheus scrapes the endpoint (OpenMetrics negotiated) and stores every series', async (t) => {
  const prometheusPath = which('prometheus');
  if (!prometheusPath) {
    t.skip('prometheus not found (Debian package prometheus): no real scrape was checked');
    return;
  }
  const port = await freePort();
  const pdir = join(dir, 'prometheus');
  const cfg = join(dir, 'prometheus.yml');
  writeFileSync(
    cfg,
    `global: {scrape_interval: 1s, scrape_timeout: 1s}
scrape_configs:
  - job_name: kubestate
    metrics_path: /metrics/kubestate
    honor_labels: true
    static_configs: [{targets: ['127.0.0.1:${metricsPort}']}]
`,
  );
  let logs = '';
  const prom = spawn(
    prometheusPath,
    [`--config.file=${cfg}`, `--storage.tsdb.path=${pdir}`, `--web.listen-address=127.0.0.1:${port}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  prom.stderr!.on('data', (d: Buffer) => (logs = (logs + d).slice(-20_000)));
  const query = async (
    q: string,
  ): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> => {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(q)}`);
    const body = (await res.json()) as {
      data?: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
    };
    return body.data?.result ?? [];
  };
  try {
    const scraped = count(await text(), 'kube_pod_info{');
    let up: string | undefined;
    let pods = 0;
    for (let i = 0; i < 150 && (up !== '1' || pods !== scraped); i++) {
      await new Promise((r) => setTimeout(r, 200));
      if (prom.exitCode !== null) throw new Error(`prometheus exited:\n${logs}`);
      try {
        up = (await query('up{job="kubestate"}'))[0]?.value[1];
        pods = Number((await query('count(kube_pod_info)'))[0]?.value[1] ?? 0);
      } catch {
        // not listening yet
      }
    }
    assert.equal(up, '1', `the scrape succeeded:\n${logs.slice(-2000)}`);
    assert.equal(pods, scraped, 'every pod series stored');
    const samples = await query('scrape_samples_scraped{job="kubestate"}');
    const lines = (await text()).split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
    assert.ok(
      Math.abs(Number(samples[0]?.value[1]) - lines) <= lines * 0.05,
      `samples ${samples[0]?.value[1]} vs ${lines} lines`,
    );
  } finally {
    prom.kill('SIGTERM');
    await new Promise((r) => prom.once('exit', r));
  }
});
