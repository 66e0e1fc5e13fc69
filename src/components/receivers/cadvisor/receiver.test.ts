// The receiver's wiring against a simulated node (its cgroup tree and its kubelet over HTTP):
// configuration defaults, the /metrics/cadvisor provider, the OTLP push with the pod summary,
// shared collections, and a node without a reachable kubelet.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Metric, MetricsData } from '../../../model/metrics.ts';
import type { CreateSettings, Host } from '../../../pipeline/component.ts';
import { ObjectStore } from '../../../sim/apiserver/store.ts';
import { startSimNodes, type SimNodes } from '../../../sim/node/nodes.ts';
import { NODES, nodeObject, PODS, podObject } from '../../../sim/node/testdata/objects.ts';
import { bodyText, ExpositionRegistry } from '../../../telemetry/exposition.ts';
import { silentLogger, type Logger } from '../../../telemetry/logger.ts';
import { SelfMetrics } from '../../../telemetry/self-metrics.ts';
import { configSchema, kubeletEndpoint } from './config.ts';
import { CadvisorReceiver } from './receiver.ts';

const WEB_UID = '11111111-2222-4333-8444-555555555555';
let dir = '';
let sim: SimNodes;
let nodeRoot = '';
let kubeletUrl = '';

function settings(logger: Logger = silentLogger()): CreateSettings {
  return {
    id: { type: 'cadvisor', name: '', key: 'cadvisor' },
    kind: 'receiver',
    logger,
    telemetry: new SelfMetrics({ processMetrics: false }).forComponent('receiver', 'cadvisor'),
    dataDir: '/nonexistent',
    hostRootPath: nodeRoot,
  };
}

function host(): Host & { exposition: ExpositionRegistry } {
  return { getExtension: () => undefined, isReady: () => true, exposition: new ExpositionRegistry() };
}

/** A logger that keeps warn/info messages. */
function recordingLogger(lines: string[]): Logger {
  const l = silentLogger();
  const rec =
    (level: string) =>
    (...args: unknown[]): void => {
      lines.push(`${level} ${args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`);
    };
  return Object.assign(Object.create(l) as Logger, {
    warn: rec('warn'),
    info: rec('info'),
    error: rec('error'),
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wc-cadvisor-recv-'));
  const store = new ObjectStore();
  store.create(NODES, nodeObject('node-a'));
  sim = await startSimNodes({
    store,
    dir,
    seed: 3,
    refreshIntervalMs: 500,
    logLinesPerSecond: 0,
    onError: (e) => assert.fail(String(e)),
  });
  store.create(
    PODS,
    podObject({
      name: 'web',
      namespace: 'shop',
      uid: WEB_UID,
      nodeName: 'node-a',
      qos: 'Burstable',
      containers: [
        { name: 'app', requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
      ],
    }),
  );
  await sim.tick(0);
  await sim.tick(5000);
  nodeRoot = join(dir, 'nodes', 'node-a');
  // the simulator writes no cpuinfo; the pod summary needs the node's CPU count
  writeFileSync(join(nodeRoot, 'proc', 'cpuinfo'), 'processor\t: 0\n\nprocessor\t: 1\n');
  kubeletUrl = (JSON.parse(readFileSync(join(nodeRoot, 'kubelet.json'), 'utf8')) as { url: string }).url;
});

after(async () => {
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('configuration defaults and checks', () => {
  const c = configSchema.parse(undefined);
  assert.equal(c.collection_interval, 10_000);
  assert.equal(c.pod_refresh_interval, 5_000);
  assert.equal(c.kubelet.auth_type, 'serviceAccount');
  assert.equal(c.sandbox_image, 'registry.k8s.io/pause:3.10');
  assert.deepEqual(c.extra_cgroups, ['/system.slice/kubelet.service']);
  assert.equal(c.exposition, true);
  assert.equal(c.summary, true);
  assert.equal(kubeletEndpoint(c, undefined, {}), undefined);
  assert.equal(kubeletEndpoint(c, 'n1', {}), 'n1:10250');
  assert.equal(kubeletEndpoint(c, 'n1', { K8S_NODE_NAME: 'n2' }), 'n2:10250');
  assert.equal(kubeletEndpoint(c, undefined, { NODE_NAME: 'n3' }), 'n3:10250');
  assert.equal(
    kubeletEndpoint(configSchema.parse({ kubelet: { endpoint: 'http://x:1' } }), 'n', {}),
    'http://x:1',
  );
  assert.throws(() => configSchema.parse({ kubelet: { auth_type: 'tls' } }), /cert_file and key_file/);
  assert.throws(() => configSchema.parse({ collection_interval: '10ms' }), /at least 1s/);
  assert.throws(() => configSchema.parse({ extra_cgroups: ['relative'] }));
  assert.throws(() => configSchema.parse({ unknown: 1 }));
});

test('serves /metrics/cadvisor labelled from the kubelet and pushes the same series with the pod summary', async () => {
  const pushed: MetricsData[] = [];
  const config = configSchema.parse({
    collection_interval: '1h',
    kubelet: { endpoint: kubeletUrl, auth_type: 'none' },
  });
  const r = new CadvisorReceiver(settings(), config, { consume: async (d) => void pushed.push(d) });
  const h = host();
  await r.start(h);
  try {
    const text = await bodyText((await h.exposition.collect('/metrics/cadvisor', 'text'))!);
    assert.match(
      text,
      /^container_cpu_usage_seconds_total\{container="app",cpu="total",id="\/kubepods\.slice\/kubepods-burstable\.slice\/kubepods-burstable-pod11111111_2222_4333_8444_555555555555\.slice\/cri-containerd-[0-9a-f]{64}\.scope",image="registry\.example\/app:1\.0",name="[0-9a-f]{64}",namespace="shop",pod="web"\} \S+ \d+$/m,
    );
    assert.match(
      text,
      /^container_network_receive_bytes_total\{container="",id="[^"]+",image="registry\.k8s\.io\/pause:3\.10",interface="eth0",name="[0-9a-f]{64}",namespace="shop",pod="web"\} /m,
    );
    assert.match(text, /^machine_cpu_cores\{/m);
    const om = await bodyText((await h.exposition.collect('/metrics/cadvisor', 'openmetrics'))!);
    assert.ok(om.endsWith('# EOF\n'));
    assert.match(om, /^# TYPE container_cpu_usage_seconds counter$/m);

    await sim.tick(5000);
    await r.push();
    await sim.tick(5000);
    await r.push();
    assert.equal(pushed.length, 2);
    const rm = pushed[1]!.resourceMetrics[0]!;
    const metrics = new Map<string, Metric>(rm.scopeMetrics[0]!.metrics.map((m) => [m.name, m]));
    const cpu = metrics.get('container_cpu_usage_seconds_total')!;
    assert.equal(cpu.data?.type, 'sum');
    const appPoint =
      cpu.data!.type === 'sum'
        ? cpu.data.dataPoints.find((p) =>
            p.attributes.some(
              (a) => a.key === 'container' && 'stringValue' in a.value && a.value.stringValue === 'app',
            ),
          )
        : undefined;
    assert.ok(appPoint, 'the app container is pushed with its labels as attributes');
    assert.ok(
      appPoint.startTimeUnixNano > 0n && appPoint.startTimeUnixNano < appPoint.timeUnixNano,
      'starts at the cgroup creation',
    );
    // the summary: a CPU ratio from the delta between the two pushes, memory and network
    const ratio = metrics.get('pod_cpu_utilization_ratio');
    assert.ok(ratio && ratio.data?.type === 'gauge');
    const v = ratio.data.dataPoints[0]!.asDouble!;
    assert.ok(v > 0 && v <= 1, `ratio ${v}`);
    assert.ok(metrics.get('pod_memory_usage_bytes'));
    const net = metrics.get('pod_network_io_bytes');
    assert.equal(net?.data?.type, 'sum');
    // the summary is not part of the kubelet's endpoint
    const again = await bodyText((await h.exposition.collect('/metrics/cadvisor', 'text'))!);
    assert.doesNotMatch(again, /pod_cpu_utilization_ratio/);
  } finally {
    await r.shutdown();
  }
  assert.equal(
    await h.exposition.collect('/metrics/cadvisor', 'text'),
    undefined,
    'unregistered on shutdown',
  );
});

test('concurrent scrapes share one collection', async () => {
  const config = configSchema.parse({ kubelet: { endpoint: kubeletUrl, auth_type: 'none' } });
  const r = new CadvisorReceiver(settings(), config, undefined);
  await r.start(host());
  try {
    const [a, b] = await Promise.all([r.collect(), r.collect()]);
    assert.equal(a, b);
    const c = await r.collect();
    assert.notEqual(c, a, 'the next scrape collects again');
  } finally {
    await r.shutdown();
  }
});

test('an unreachable kubelet: ids only, and one warning for repeated failures', async () => {
  const lines: string[] = [];
  const config = configSchema.parse({ kubelet: { endpoint: 'http://127.0.0.1:1', auth_type: 'none' } });
  const r = new CadvisorReceiver(settings(recordingLogger(lines)), config, undefined);
  const h = host();
  await r.start(h);
  try {
    const col = await r.collect();
    assert.ok(col.rows.length > 5);
    assert.ok(col.rows.every((x) => x.labels.pod === ''));
    await r.collect();
    assert.equal(
      lines.filter((l) => l.startsWith('warn') && l.includes('kubelet')).length,
      1,
      lines.join('\n'),
    );
  } finally {
    await r.shutdown();
  }
});

test('no kubelet endpoint at all: warns once at start and collects ids only', async () => {
  const lines: string[] = [];
  const saved = { a: process.env.K8S_NODE_NAME, b: process.env.NODE_NAME };
  delete process.env.K8S_NODE_NAME;
  delete process.env.NODE_NAME;
  const r = new CadvisorReceiver(settings(recordingLogger(lines)), configSchema.parse({}), undefined);
  try {
    await r.start(host());
    assert.ok(lines.some((l) => l.startsWith('warn') && l.includes('no kubelet endpoint')));
    const col = await r.collect();
    assert.ok(col.rows.some((x) => x.labels.name.length === 64));
  } finally {
    await r.shutdown();
    if (saved.a !== undefined) process.env.K8S_NODE_NAME = saved.a;
    if (saved.b !== undefined) process.env.NODE_NAME = saved.b;
  }
});
