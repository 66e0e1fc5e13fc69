// The /api/v1/k8s views against an embedded store holding a synthetic 3-node cluster, shaped as
// the kube-state-metrics receiver, cAdvisor scrapes and the k8s_events receiver will send it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { AnyValue, KeyValue } from '../model/common.ts';
import type { LogRecord, LogsData } from '../model/logs.ts';
import type { Metric, MetricsData, NumberDataPoint } from '../model/metrics.ts';
import type { Storage } from '../storage/connection.ts';
import { embeddedStoreForTest } from '../storage/testdata/embedded-store.ts';
import { insertLogs, insertMetrics } from '../storage/writer.ts';
import { silentLogger } from '../telemetry/logger.ts';
import { buildApi } from './server.ts';

const S = 1_000_000_000n;
const NOW = 1_750_000_020n * S;
const GiB = 2 ** 30;
const kv = (o: Record<string, string>): KeyValue[] =>
  Object.entries(o).map(([key, v]) => ({ key, value: { stringValue: v } }));

// kube-state-metrics points every 60 s from NOW-240 s to NOW (value may depend on the index).
const KSM_TIMES = [-240, -180, -120, -60, 0];
type Val = number | ((i: number) => number);
function dp(attrs: Record<string, string>, sec: number, v: number, start = NOW - 3600n * S): NumberDataPoint {
  return {
    attributes: kv(attrs),
    startTimeUnixNano: start,
    timeUnixNano: NOW + BigInt(sec) * S,
    asDouble: v,
    exemplars: [],
    flags: 0,
  };
}
const series = (attrs: Record<string, string>, v: Val, times = KSM_TIMES): NumberDataPoint[] =>
  times.map((t, i) => dp(attrs, t, typeof v === 'number' ? v : v(i)));
const gauge = (name: string, dataPoints: NumberDataPoint[]): Metric => ({
  name,
  description: '',
  unit: '',
  metadata: [],
  data: { type: 'gauge', dataPoints },
});
const counter = (name: string, dataPoints: NumberDataPoint[]): Metric => ({
  name,
  description: '',
  unit: '',
  metadata: [],
  data: { type: 'sum', aggregationTemporality: 2, isMonotonic: true, dataPoints },
});

interface PodSpec {
  ns: string;
  pod: string;
  node: string;
  phase: string;
  owner?: [string, string];
  ready: boolean;
  restarts: Val;
  createdAgo: number;
  times?: number[];
}
const PODS: PodSpec[] = [
  {
    ns: 'shop',
    pod: 'web-1',
    node: 'n1',
    phase: 'Running',
    owner: ['ReplicaSet', 'web-7d4'],
    ready: true,
    restarts: 0,
    createdAgo: 3600,
  },
  {
    ns: 'shop',
    pod: 'web-2',
    node: 'n2',
    phase: 'Running',
    owner: ['ReplicaSet', 'web-7d4'],
    ready: true,
    restarts: 1,
    createdAgo: 7200,
  },
  {
    ns: 'shop',
    pod: 'db-0',
    node: 'n2',
    phase: 'Running',
    owner: ['StatefulSet', 'db'],
    ready: true,
    restarts: 0,
    createdAgo: 86400,
  },
  // The crash-looping container: Running phase, not ready, restarts climbing 3,4,5,6,7.
  {
    ns: 'shop',
    pod: 'crash-1',
    node: 'n1',
    phase: 'Running',
    ready: false,
    restarts: (i) => 3 + i,
    createdAgo: 600,
  },
  {
    ns: 'batch',
    pod: 'job-1',
    node: 'n3',
    phase: 'Succeeded',
    owner: ['Job', 'job'],
    ready: false,
    restarts: 0,
    createdAgo: 1800,
  },
  {
    ns: 'batch',
    pod: 'job-2',
    node: 'n3',
    phase: 'Failed',
    owner: ['Job', 'job'],
    ready: false,
    restarts: 2,
    createdAgo: 1800,
  },
  { ns: 'batch', pod: 'pending-1', node: '', phase: 'Pending', ready: false, restarts: 0, createdAgo: 120 },
  {
    ns: 'kube-system',
    pod: 'proxy-a',
    node: 'n1',
    phase: 'Running',
    owner: ['DaemonSet', 'kube-proxy'],
    ready: true,
    restarts: 0,
    createdAgo: 86400,
  },
  // Deleted ten minutes ago: its series end then.
  {
    ns: 'shop',
    pod: 'old-1',
    node: 'n1',
    phase: 'Running',
    ready: true,
    restarts: 0,
    createdAgo: 9000,
    times: [-720, -660, -600],
  },
];
const PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'];

function ksm(): Metric[] {
  const m = new Map<string, NumberDataPoint[]>();
  const add = (name: string, pts: NumberDataPoint[]) => m.set(name, [...(m.get(name) ?? []), ...pts]);
  for (const p of PODS) {
    const id = { namespace: p.ns, pod: p.pod, uid: `uid-${p.pod}` };
    const t = p.times ?? KSM_TIMES;
    add(
      'kube_pod_info',
      series(
        {
          ...id,
          node: p.node,
          host_ip: '10.0.0.1',
          pod_ip: '10.1.0.1',
          created_by_kind: p.owner?.[0] ?? '<none>',
          created_by_name: p.owner?.[1] ?? '<none>',
          priority_class: '',
          host_network: 'false',
        },
        1,
        t,
      ),
    );
    for (const ph of PHASES)
      add('kube_pod_status_phase', series({ ...id, phase: ph }, ph === p.phase ? 1 : 0, t));
    add('kube_pod_container_status_ready', series({ ...id, container: 'app' }, p.ready ? 1 : 0, t));
    add('kube_pod_container_status_restarts_total', series({ ...id, container: 'app' }, p.restarts, t));
    add('kube_pod_created', series(id, Number(NOW / S) - p.createdAgo, t));
    add(
      'kube_pod_container_info',
      series({ ...id, container: 'app', image: `registry/${p.pod}:1`, container_id: '' }, 1, t),
    );
  }
  // crash-1 waits in CrashLoopBackOff; job-2's container was OOMKilled; web-1 states requests
  // and limits (two resources each), proxy-a only a CPU request.
  const web1 = { namespace: 'shop', pod: 'web-1', uid: 'uid-web-1', container: 'app' };
  add(
    'kube_pod_container_status_waiting_reason',
    series(
      { namespace: 'shop', pod: 'crash-1', uid: 'uid-crash-1', container: 'app', reason: 'CrashLoopBackOff' },
      1,
    ),
  );
  add(
    'kube_pod_container_status_terminated_reason',
    series({ namespace: 'batch', pod: 'job-2', uid: 'uid-job-2', container: 'app', reason: 'OOMKilled' }, 1),
  );
  add('kube_pod_container_resource_requests', series({ ...web1, resource: 'cpu', unit: 'core' }, 0.25));
  add('kube_pod_container_resource_requests', series({ ...web1, resource: 'memory', unit: 'byte' }, 128e6));
  add('kube_pod_container_resource_limits', series({ ...web1, resource: 'cpu', unit: 'core' }, 2));
  add('kube_pod_container_resource_limits', series({ ...web1, resource: 'memory', unit: 'byte' }, 256e6));
  add(
    'kube_pod_container_resource_requests',
    series(
      { namespace: 'kube-system', pod: 'proxy-a', uid: 'uid-proxy-a', container: 'app', resource: 'cpu' },
      0.1,
    ),
  );
  // n3 is not ready; n1 is the control plane.
  for (const [node, ready] of [
    ['n1', true],
    ['n2', true],
    ['n3', false],
  ] as const) {
    add(
      'kube_node_info',
      series(
        {
          node,
          kubelet_version: 'v1.31.2',
          kernel_version: '6.8',
          os_image: 'Ubuntu',
          container_runtime_version: 'containerd://1.7',
          kubeproxy_version: '',
          pod_cidr: '',
          provider_id: '',
          internal_ip: '10.0.0.1',
          system_uuid: '',
        },
        1,
      ),
    );
    for (const status of ['true', 'false', 'unknown'])
      add(
        'kube_node_status_condition',
        series(
          { node, condition: 'Ready', status },
          (status === 'true') === ready && status !== 'unknown' ? 1 : 0,
        ),
      );
    add('kube_node_status_condition', series({ node, condition: 'MemoryPressure', status: 'true' }, 0));
    add('kube_node_status_allocatable', series({ node, resource: 'cpu', unit: 'core' }, 4));
    add('kube_node_status_allocatable', series({ node, resource: 'memory', unit: 'byte' }, 16 * GiB));
    add('kube_node_status_allocatable', series({ node, resource: 'pods', unit: 'integer' }, 110));
  }
  add('kube_node_role', series({ node: 'n1', role: 'control-plane' }, 1));
  const wl = (kind: string, ns: string, name: string, v: Record<string, number>) => {
    for (const [metric, x] of Object.entries(v))
      add(`kube_${kind}_${metric}`, series({ namespace: ns, [kind]: name }, x));
  };
  // web wants 3 and has 2: degraded. kube-proxy and db are complete.
  wl('deployment', 'shop', 'web', {
    spec_replicas: 3,
    status_replicas: 2,
    status_replicas_ready: 2,
    status_replicas_available: 2,
  });
  wl('daemonset', 'kube-system', 'kube-proxy', {
    status_desired_number_scheduled: 3,
    status_number_ready: 3,
    status_number_available: 3,
  });
  wl('statefulset', 'shop', 'db', { replicas: 1, status_replicas_ready: 1, status_replicas_available: 1 });
  for (const [ns, phase] of [
    ['shop', 'Active'],
    ['batch', 'Active'],
    ['kube-system', 'Active'],
    ['gone', 'Terminating'],
  ] as const)
    for (const p of ['Active', 'Terminating'])
      add('kube_namespace_status_phase', series({ namespace: ns, phase: p }, p === phase ? 1 : 0));
  return [...m.entries()].map(([name, pts]) =>
    name.endsWith('_total') ? counter(name, pts) : gauge(name, pts),
  );
}

// cAdvisor every 15 s over the last two minutes.
const CAD = Array.from({ length: 9 }, (_, i) => -120 + 15 * i);
function cadvisor(): Metric[] {
  const web1 = { namespace: 'shop', pod: 'web-1', container: 'app', node: 'n1' };
  // web-2 restarts its counter 60 s in: 30 → 7.5 (0.5 core throughout, reset-aware → 0.5).
  const web2 = (t: number) => (t <= -60 ? 0.5 * (t + 120) : 0.5 * (t + 60));
  return [
    counter('container_cpu_usage_seconds_total', [
      ...CAD.map((t) => dp(web1, t, 1000 + 1.5 * (t + 120))),
      // The pod-level cgroup (container "") repeats its containers' use and must not count.
      ...CAD.map((t) => dp({ ...web1, container: '' }, t, 1000 + 9 * (t + 120))),
      ...CAD.map((t) => dp({}, t, web2(t))),
    ]),
    gauge('container_memory_working_set_bytes', [
      ...CAD.map((t) => dp(web1, t, t === 0 ? 200e6 : 150e6)),
      ...CAD.map((t) => dp({ ...web1, container: 'POD' }, t, 1e6)),
      ...CAD.map((t) => dp({}, t, 100e6)),
    ]),
  ];
}

function metricsData(): MetricsData {
  const scope = { name: '', version: '', attributes: [], droppedAttributesCount: 0 };
  const rm = (attrs: Record<string, string>, metrics: Metric[]) => ({
    resource: { attributes: kv(attrs), droppedAttributesCount: 0 },
    schemaUrl: '',
    scopeMetrics: [{ scope, schemaUrl: '', metrics }],
  });
  const [cpu, mem] = cadvisor();
  // web-2's container metrics name it by resource attributes only (the OTel convention).
  const web2Res = {
    'k8s.namespace.name': 'shop',
    'k8s.pod.name': 'web-2',
    'k8s.container.name': 'app',
    'k8s.node.name': 'n2',
  };
  const split = (m: Metric, res: boolean): Metric =>
    ({
      ...m,
      data: {
        ...(m.data as { type: 'gauge'; dataPoints: NumberDataPoint[] }),
        dataPoints: (m.data as { dataPoints: NumberDataPoint[] }).dataPoints.filter(
          (p) => (p.attributes.length === 0) === res,
        ),
      },
    }) as Metric;
  return {
    resourceMetrics: [
      rm({ 'service.name': 'kube-state-metrics' }, ksm()),
      rm({ 'service.name': 'cadvisor' }, [split(cpu!, false), split(mem!, false)]),
      rm(web2Res, [split(cpu!, true), split(mem!, true)]),
    ],
  };
}

function event(
  ago: number,
  type: 'Warning' | 'Normal',
  reason: string,
  ns: string,
  kind: string,
  name: string,
  message: string,
  count: number,
): [Record<string, string>, LogRecord] {
  const attrs: KeyValue[] = [
    ...kv({ 'k8s.event.reason': reason, 'k8s.event.action': '', 'k8s.event.name': `${name}.${ago}` }),
    { key: 'k8s.event.count', value: { intValue: count } as AnyValue },
  ];
  const t = NOW - BigInt(ago) * S;
  return [
    { 'k8s.object.kind': kind, 'k8s.object.name': name, 'k8s.namespace.name': ns },
    {
      timeUnixNano: t,
      observedTimeUnixNano: t,
      severityNumber: type === 'Warning' ? 13 : 9,
      severityText: type,
      body: { stringValue: message },
      attributes: attrs,
      droppedAttributesCount: 0,
      flags: 0,
      traceId: new Uint8Array(0),
      spanId: new Uint8Array(0),
      eventName: '',
    },
  ];
}

function logsData(): LogsData {
  const evs = [
    event(60, 'Warning', 'BackOff', 'shop', 'Pod', 'crash-1', 'Back-off restarting failed container app', 12),
    event(600, 'Warning', 'FailedScheduling', 'batch', 'Pod', 'pending-1', '0/3 nodes are available', 3),
    event(1800, 'Normal', 'Scheduled', 'shop', 'Pod', 'web-1', 'Successfully assigned shop/web-1 to n1', 1),
    event(
      1200,
      'Normal',
      'ScalingReplicaSet',
      'shop',
      'Deployment',
      'web',
      'Scaled up replica set web-7d4 to 3',
      1,
    ),
    // Older than an hour: outside the overview's count and the default range.
    event(7200, 'Warning', 'NodeNotReady', 'default', 'Node', 'n3', 'Node n3 status is now: NodeNotReady', 1),
    // The same occurrence again, as a cluster leader killed before its checkpoint resends it:
    // shown once.
    event(60, 'Warning', 'BackOff', 'shop', 'Pod', 'crash-1', 'Back-off restarting failed container app', 12),
  ];
  const scope = { name: '', version: '', attributes: [], droppedAttributesCount: 0 };
  return {
    resourceLogs: [
      ...evs.map(([res, rec]) => ({
        resource: { attributes: kv(res), droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeLogs: [{ scope, schemaUrl: '', logRecords: [rec] }],
      })),
      // An ordinary application log in the namespace is not an event.
      {
        resource: {
          attributes: kv({ 'k8s.namespace.name': 'shop', 'service.name': 'web' }),
          droppedAttributesCount: 0,
        },
        schemaUrl: '',
        scopeLogs: [
          {
            scope,
            schemaUrl: '',
            logRecords: [{ ...evs[0]![1], attributes: [], body: { stringValue: 'GET /' } }],
          },
        ],
      },
    ],
  };
}

let store: Storage | undefined;
let unavailable = '';
let closeStore = async (): Promise<void> => {};
let app: FastifyInstance | undefined;

before(async () => {
  ({ storage: store, unavailable, close: closeStore } = await embeddedStoreForTest('wc-api-k8s-'));
  if (!store) return;
  await insertMetrics(store, metricsData());
  await insertLogs(store, logsData());
  app = buildApi({ storage: store, logger: silentLogger(), nowNs: () => NOW });
});
after(async () => {
  await app?.close();
  await closeStore();
});

type Body = Record<string, unknown> & { error?: { code: string; message: string } };
async function get(url: string, status = 200): Promise<Body> {
  const res = await app!.inject({ method: 'GET', url });
  assert.equal(res.statusCode, status, res.body);
  return res.json() as Body;
}
type Obj = Record<string, unknown>;
const close = (a: unknown, b: number) => assert.ok(Math.abs((a as number) - b) < 1e-9, `${String(a)} ≉ ${b}`);

describe('k8s views', () => {
  test('overview', async (t) => {
    if (!app) return t.skip(unavailable);
    const b = await get('/api/v1/k8s/overview');
    assert.deepEqual(b['nodes'], { total: 3, ready: 2, notReady: 1 });
    assert.deepEqual(b['pods'], { total: 8, Pending: 1, Running: 5, Succeeded: 1, Failed: 1, Unknown: 0 });
    assert.deepEqual(b['workloads'], { total: 3, healthy: 2, degraded: 1 });
    assert.equal(b['warningEventsLastHour'], 2);
    const cpu = b['cpu'] as Obj;
    close(cpu['usedCores'], 2.0);
    assert.equal(cpu['allocatableCores'], 12);
    assert.deepEqual(b['memory'], { usedBytes: 300e6, allocatableBytes: 48 * GiB });
    assert.equal(b['at'], String(NOW));
    assert.equal(b['truncated'], false);
    // What needs attention, in the same answer: the same rows the list views give.
    const att = b['attention'] as Obj;
    assert.deepEqual(att['nodes'], [{ name: 'n3', conditions: [{ type: 'Ready', status: 'false' }] }]);
    const troubled = (await get('/api/v1/k8s/pods?problems=true'))['pods'] as Obj[];
    assert.ok(troubled.length >= 2);
    assert.deepEqual(att['pods'], troubled);
    assert.equal(att['podsInTrouble'], troubled.length);
    const workloads = (await get('/api/v1/k8s/workloads'))['workloads'] as Obj[];
    assert.deepEqual(
      att['workloads'],
      workloads.filter((w) => !w['healthy']),
    );
    const warnings = (
      await get(`/api/v1/k8s/events?type=Warning&start=${NOW - 3600n * S}&end=${NOW}&limit=8`)
    )['events'] as Obj[];
    assert.equal((att['warningEvents'] as Obj[]).length, 2);
    assert.deepEqual(att['warningEvents'], warnings);
    // ?limit= caps each list; the counts still say how many there are.
    const one = (await get('/api/v1/k8s/overview?limit=1'))['attention'] as Obj;
    assert.deepEqual(one['pods'], troubled.slice(0, 1));
    assert.equal(one['podsInTrouble'], troubled.length);
    await get('/api/v1/k8s/overview?limit=0', 400);
  });

  test('nodes', async (t) => {
    if (!app) return t.skip(unavailable);
    const nodes = (await get('/api/v1/k8s/nodes'))['nodes'] as Obj[];
    assert.deepEqual(
      nodes.map((n) => [n['name'], n['ready'], n['roles'], n['pods']]),
      [
        ['n1', true, ['control-plane'], 3],
        ['n2', true, [], 2],
        ['n3', false, [], 0],
      ],
    );
    assert.equal(nodes[0]!['kubeletVersion'], 'v1.31.2');
    // The status that holds for each condition (MemoryPressure's only series is "true" = 0).
    assert.deepEqual(nodes[0]!['conditions'], [{ type: 'Ready', status: 'true' }]);
    assert.deepEqual(nodes[2]!['conditions'], [{ type: 'Ready', status: 'false' }]);
    assert.deepEqual(nodes[0]!['allocatable'], { cpuCores: 4, memoryBytes: 16 * GiB, pods: 110 });
    close(nodes[0]!['cpuCores'], 1.5);
    assert.equal(nodes[0]!['memoryBytes'], 200e6);
    close(nodes[1]!['cpuCores'], 0.5);
    assert.equal(nodes[1]!['memoryBytes'], 100e6);
    assert.deepEqual([nodes[2]!['cpuCores'], nodes[2]!['memoryBytes']], [null, null]);
  });

  test('pods: values, filters, at and window', async (t) => {
    if (!app) return t.skip(unavailable);
    const b = await get('/api/v1/k8s/pods');
    const pods = b['pods'] as Obj[];
    assert.deepEqual(
      pods.map((p) => `${p['namespace']}/${p['name']}`),
      [
        'batch/job-1',
        'batch/job-2',
        'batch/pending-1',
        'kube-system/proxy-a',
        'shop/crash-1',
        'shop/db-0',
        'shop/web-1',
        'shop/web-2',
      ],
    );
    assert.equal(b['next'], null);
    const web1 = pods.find((p) => p['name'] === 'web-1')!;
    assert.deepEqual(
      { ...web1, cpuCores: Math.round((web1['cpuCores'] as number) * 1e9) / 1e9 },
      {
        namespace: 'shop',
        name: 'web-1',
        uid: 'uid-web-1',
        node: 'n1',
        phase: 'Running',
        createdBy: { kind: 'ReplicaSet', name: 'web-7d4' },
        containers: { ready: 1, total: 1 },
        restarts: 0,
        ageSeconds: 3600,
        cpuCores: 1.5,
        memoryBytes: 200e6,
        status: 'Running',
        requests: { cpuCores: 0.25, memoryBytes: 128e6 },
        limits: { cpuCores: 2, memoryBytes: 256e6 },
      },
    );
    const crash = pods.find((p) => p['name'] === 'crash-1')!;
    assert.deepEqual(
      [crash['phase'], crash['status'], crash['containers'], crash['restarts'], crash['cpuCores']],
      ['Running', 'CrashLoopBackOff', { ready: 0, total: 1 }, 7, null],
    );
    assert.equal(pods.find((p) => p['name'] === 'job-2')!['status'], 'OOMKilled');
    assert.equal(pods.find((p) => p['name'] === 'job-1')!['status'], 'Succeeded');
    const proxy = pods.find((p) => p['name'] === 'proxy-a')!;
    assert.deepEqual(
      [proxy['requests'], proxy['limits']],
      [
        { cpuCores: 0.1, memoryBytes: null },
        { cpuCores: null, memoryBytes: null },
      ],
    );
    close(pods.find((p) => p['name'] === 'web-2')!['cpuCores'], 0.5);
    assert.equal(pods.find((p) => p['name'] === 'pending-1')!['createdBy'], null);

    const names = async (qs: string) =>
      ((await get(`/api/v1/k8s/pods?${qs}`))['pods'] as Obj[]).map((p) => p['name']);
    assert.deepEqual(await names('namespace=batch'), ['job-1', 'job-2', 'pending-1']);
    assert.deepEqual(await names('node=n2'), ['db-0', 'web-2']);
    assert.deepEqual(await names('phase=Failed'), ['job-2']);
    assert.deepEqual(await names('namespace=shop&node=n1&phase=Running'), ['crash-1', 'web-1']);
    // Pods that need attention: every one of them and only them, by the list's own status fields.
    const all = (await get('/api/v1/k8s/pods?limit=1000'))['pods'] as Obj[];
    const troubled = all
      .filter(
        (p) =>
          !['Running', 'Succeeded', 'Completed'].includes(p['status'] as string) ||
          (p['status'] === 'Running' &&
            (p['containers'] as { ready: number; total: number }).ready <
              (p['containers'] as { ready: number; total: number }).total) ||
          (p['restarts'] as number) > 0,
      )
      .map((p) => p['name']);
    assert.ok(troubled.includes('crash-1') && troubled.includes('job-2') && !troubled.includes('job-1'));
    assert.deepEqual(await names('problems=true'), troubled);
    assert.equal((await names('problems=false')).length, all.length);
    // Two minutes earlier the crash loop had restarted 5 times; the deleted pod shows with a wide window.
    const earlier = (await get(`/api/v1/k8s/pods?namespace=shop&at=${NOW - 120n * S}`))['pods'] as Obj[];
    assert.equal(earlier.find((p) => p['name'] === 'crash-1')!['restarts'], 5);
    assert.deepEqual(await names('namespace=shop&window=15m'), [
      'crash-1',
      'db-0',
      'old-1',
      'web-1',
      'web-2',
    ]);
  });

  test('pods: one pod with its containers', async (t) => {
    if (!app) return t.skip(unavailable);
    const pod = (await get('/api/v1/k8s/pods/shop/web-1'))['pod'] as Obj;
    assert.equal(pod['status'], 'Running');
    assert.equal(pod['node'], 'n1');
    const [c, ...rest] = pod['containerList'] as Obj[];
    assert.deepEqual(rest, []);
    assert.deepEqual(
      { ...c, cpuCores: Math.round((c!['cpuCores'] as number) * 1e9) / 1e9 },
      {
        name: 'app',
        image: 'registry/web-1:1',
        ready: true,
        restarts: 0,
        state: 'running',
        reason: '',
        requests: { cpuCores: 0.25, memoryBytes: 128e6 },
        limits: { cpuCores: 2, memoryBytes: 256e6 },
        cpuCores: 1.5,
        memoryBytes: 200e6,
      },
    );
    const crash = (await get('/api/v1/k8s/pods/shop/crash-1'))['pod'] as Obj;
    assert.deepEqual(
      (crash['containerList'] as Obj[]).map((x) => [x['state'], x['reason'], x['restarts']]),
      [['waiting', 'CrashLoopBackOff', 7]],
    );
    const missing = await get('/api/v1/k8s/pods/shop/nope', 404);
    assert.equal(missing.error?.code, 'not_found');
    // A deleted pod is found with a window reaching back to its last series.
    await get('/api/v1/k8s/pods/shop/old-1', 404);
    await get('/api/v1/k8s/pods/shop/old-1?window=15m');
  });

  test('pods: the whole list in one page', async (t) => {
    if (!app) return t.skip(unavailable);
    const b = await get('/api/v1/k8s/pods?limit=10000');
    assert.equal((b['pods'] as Obj[]).length, 8);
    await get('/api/v1/k8s/pods?limit=10001', 400);
  });

  test('pods: pagination', async (t) => {
    if (!app) return t.skip(unavailable);
    const seen: unknown[] = [];
    let url = '/api/v1/k8s/pods?limit=3';
    for (let i = 0; i < 5; i++) {
      const b = await get(url);
      seen.push(...(b['pods'] as Obj[]).map((p) => p['name']));
      if (b['next'] === null) break;
      assert.equal((b['pods'] as Obj[]).length, 3);
      url = `/api/v1/k8s/pods?limit=3&cursor=${encodeURIComponent(b['next'] as string)}`;
    }
    assert.deepEqual(seen, ['job-1', 'job-2', 'pending-1', 'proxy-a', 'crash-1', 'db-0', 'web-1', 'web-2']);
  });

  test('workloads', async (t) => {
    if (!app) return t.skip(unavailable);
    assert.deepEqual((await get('/api/v1/k8s/workloads'))['workloads'], [
      {
        kind: 'DaemonSet',
        namespace: 'kube-system',
        name: 'kube-proxy',
        desired: 3,
        ready: 3,
        available: 3,
        healthy: true,
      },
      {
        kind: 'Deployment',
        namespace: 'shop',
        name: 'web',
        desired: 3,
        ready: 2,
        available: 2,
        healthy: false,
      },
      {
        kind: 'StatefulSet',
        namespace: 'shop',
        name: 'db',
        desired: 1,
        ready: 1,
        available: 1,
        healthy: true,
      },
    ]);
    const shop = (await get('/api/v1/k8s/workloads?namespace=shop'))['workloads'] as Obj[];
    assert.deepEqual(
      shop.map((w) => w['name']),
      ['web', 'db'],
    );
  });

  test('namespaces', async (t) => {
    if (!app) return t.skip(unavailable);
    const ns = (await get('/api/v1/k8s/namespaces'))['namespaces'] as Obj[];
    assert.deepEqual(
      ns.map((n) => [n['name'], n['phase'], (n['pods'] as Obj)['total']]),
      [
        ['batch', 'Active', 3],
        ['gone', 'Terminating', 0],
        ['kube-system', 'Active', 1],
        ['shop', 'Active', 4],
      ],
    );
    assert.deepEqual(ns[0]!['pods'], {
      total: 3,
      Pending: 1,
      Running: 0,
      Succeeded: 1,
      Failed: 1,
      Unknown: 0,
    });
  });

  test('events: newest first, filters', async (t) => {
    if (!app) return t.skip(unavailable);
    const b = await get('/api/v1/k8s/events');
    const evs = b['events'] as Obj[];
    assert.deepEqual(
      evs.map((e) => e['reason']),
      ['BackOff', 'FailedScheduling', 'ScalingReplicaSet', 'Scheduled'],
    );
    assert.deepEqual(evs[0], {
      timeUnixNano: String(NOW - 60n * S),
      type: 'Warning',
      reason: 'BackOff',
      action: '',
      message: 'Back-off restarting failed container app',
      count: 12,
      eventName: 'crash-1.60',
      namespace: 'shop',
      objectKind: 'Pod',
      objectName: 'crash-1',
    });
    const reasons = async (qs: string) =>
      ((await get(`/api/v1/k8s/events?${qs}`))['events'] as Obj[]).map((e) => e['reason']);
    assert.deepEqual(await reasons('type=Warning'), ['BackOff', 'FailedScheduling']);
    assert.deepEqual(await reasons('type=Normal&namespace=shop'), ['ScalingReplicaSet', 'Scheduled']);
    assert.deepEqual(await reasons('kind=Deployment'), ['ScalingReplicaSet']);
    assert.deepEqual(await reasons('kind=Pod&name=web-1'), ['Scheduled']);
    assert.deepEqual(await reasons('reason=BackOff'), ['BackOff']);
    assert.deepEqual(await reasons(`start=${NOW - 3n * 3600n * S}&type=Warning`), [
      'BackOff',
      'FailedScheduling',
      'NodeNotReady',
    ]);
    const one = await get('/api/v1/k8s/events?limit=1');
    assert.deepEqual([(one['events'] as Obj[]).length, one['truncated']], [1, true]);
  });

  test('openapi.json documents every k8s view', async (t) => {
    if (!app) return t.skip(unavailable);
    const paths = Object.keys((await get('/api/v1/openapi.json'))['paths'] as Obj).filter((p) =>
      p.includes('/k8s/'),
    );
    assert.deepEqual(
      paths.sort(),
      ['events', 'namespaces', 'nodes', 'overview', 'pods', 'pods/{namespace}/{name}', 'workloads'].map(
        (v) => `/api/v1/k8s/${v}`,
      ),
    );
  });

  test('bad parameters are 400s naming them', async (t) => {
    if (!app) return t.skip(unavailable);
    for (const [url, param] of [
      ['/api/v1/k8s/pods?phase=Dancing', 'phase'],
      ['/api/v1/k8s/pods?problems=maybe', 'problems'],
      ['/api/v1/k8s/pods?limit=0', 'limit'],
      ['/api/v1/k8s/pods?cursor=xyz', 'cursor'],
      ['/api/v1/k8s/pods?namespace=', 'namespace'],
      ['/api/v1/k8s/nodes?at=yesterday', 'at'],
      ['/api/v1/k8s/overview?window=2h', 'window'],
      ['/api/v1/k8s/workloads?window=abc', 'window'],
      ['/api/v1/k8s/events?type=Error', 'type'],
      ['/api/v1/k8s/events?start=5&end=4', 'end'],
      ['/api/v1/k8s/namespaces?at=1&at=2', 'at'],
    ] as const) {
      const b = await get(url, 400);
      assert.equal(b.error?.code, 'bad_request', url);
      assert.match(b.error!.message, new RegExp(`parameter ${param}\\b`), url);
    }
  });
});
