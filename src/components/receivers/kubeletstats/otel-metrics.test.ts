// The OpenTelemetry-named metrics from a Summary: names, units, types, values and resources as
// the Collector's kubeletstats receiver defines them; CPU usage from cumulative-time deltas.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { KeyValue } from '../../../model/common.ts';
import type { Metric, NumberDataPoint, ResourceMetrics } from '../../../model/metrics.ts';
import { CpuRateTracker, summaryToOtlp, type OtelOptions } from './otel-metrics.ts';
import { parseSummary, type Summary } from './summary.ts';

type Raw = {
  node: Record<string, unknown> & { cpu: Record<string, unknown> };
  pods: (Record<string, unknown> & {
    cpu: Record<string, unknown>;
    containers: (Record<string, unknown> & { cpu: Record<string, unknown> })[];
  })[];
};
const raw = (): Raw =>
  JSON.parse(readFileSync(new URL('./testdata/summary.json', import.meta.url), 'utf8')) as Raw;
const NOW = Date.parse('2026-12-01T10:00:05Z');

function opts(over: Partial<OtelOptions> = {}): OtelOptions {
  return {
    node: false,
    pod: true,
    container: true,
    cpuMemory: false,
    timeUnixNano: BigInt(NOW) * 1_000_000n,
    defaultStartUnixNano: 7n,
    scopeName: 'watchingcat/kubeletstats',
    scopeVersion: 'test',
    rates: new CpuRateTracker(),
    ...over,
  };
}

const attrs = (kv: KeyValue[]): Record<string, string> =>
  Object.fromEntries(kv.map((a) => [a.key, (a.value as { stringValue: string }).stringValue]));

function find(rms: ResourceMetrics[], match: Record<string, string>): Map<string, Metric> {
  const rm = rms.find((r) => {
    const a = attrs(r.resource.attributes);
    return (
      Object.entries(match).every(([k, v]) => a[k] === v) &&
      Object.keys(a).length === Object.keys(match).length
    );
  });
  assert.ok(rm, `no resource ${JSON.stringify(match)}`);
  return new Map(rm.scopeMetrics[0]!.metrics.map((m) => [m.name, m]));
}

function value(m: Metric | undefined, i = 0): number | bigint | undefined {
  const p = m?.data?.dataPoints[i] as NumberDataPoint | undefined;
  return p?.asInt ?? p?.asDouble;
}

const POD = {
  'k8s.pod.uid': '9b3e2f70-1c1d-4a5e-8f00-000000000001',
  'k8s.pod.name': 'postgres-0',
  'k8s.namespace.name': 'db',
  'k8s.node.name': 'node-1',
};

test('by default: ephemeral storage per pod and rootfs per container, nothing else', () => {
  const rms = summaryToOtlp(parseSummary(raw())!, opts());
  assert.equal(rms.length, 6, '3 pods + 3 containers');
  const pod = find(rms, POD);
  assert.deepEqual(
    [...pod.keys()],
    ['k8s.pod.filesystem.available', 'k8s.pod.filesystem.capacity', 'k8s.pod.filesystem.usage'],
  );
  assert.equal(value(pod.get('k8s.pod.filesystem.usage')), 1118208);
  assert.equal(value(pod.get('k8s.pod.filesystem.available')), 80530636800);
  assert.equal(value(pod.get('k8s.pod.filesystem.capacity')), 107374182400);
  const fsUsage = pod.get('k8s.pod.filesystem.usage')!;
  assert.equal(fsUsage.unit, 'By');
  assert.equal(fsUsage.data?.type, 'gauge');
  assert.equal(fsUsage.description, 'Pod filesystem usage');
  const ctr = find(rms, { ...POD, 'k8s.container.name': 'postgres' });
  assert.equal(value(ctr.get('container.filesystem.usage')), 65536);
  assert.equal(ctr.size, 3);
  assert.equal(rms[0]!.scopeMetrics[0]!.scope.name, 'watchingcat/kubeletstats');
});

test('cpu_memory: CPU time, memory and pod network with the Collector names, units and types', () => {
  const rms = summaryToOtlp(parseSummary(raw())!, opts({ cpuMemory: true }));
  const pod = find(rms, POD);
  const cpuTime = pod.get('k8s.pod.cpu.time')!;
  assert.equal(cpuTime.unit, 's');
  assert.ok(
    cpuTime.data?.type === 'sum' && cpuTime.data.isMonotonic && cpuTime.data.aggregationTemporality === 2,
  );
  assert.equal(value(cpuTime), 9010);
  assert.equal(
    (cpuTime.data.dataPoints[0] as NumberDataPoint).startTimeUnixNano,
    BigInt(Date.parse('2026-11-30T08:10:00Z')) * 1_000_000n,
    'cumulative from the pod start',
  );
  assert.equal(pod.get('k8s.pod.cpu.usage'), undefined, 'no usage before a second collection');
  assert.equal(value(pod.get('k8s.pod.memory.working_set')), 538000000);
  assert.equal(value(pod.get('k8s.pod.memory.usage')), 702000000);
  assert.equal(value(pod.get('k8s.pod.memory.rss')), 401000000);
  assert.equal(value(pod.get('k8s.pod.memory.page_faults')), 5100);
  assert.equal(value(pod.get('k8s.pod.memory.major_page_faults')), 12);
  assert.equal(pod.get('k8s.pod.memory.available'), undefined, 'absent in the Summary (no limit)');
  const io = pod.get('k8s.pod.network.io')!;
  assert.equal(io.data?.type, 'sum');
  assert.deepEqual(
    (io.data.dataPoints as NumberDataPoint[]).map((p) => [attrs(p.attributes), p.asInt]),
    [
      [{ interface: 'eth0', direction: 'receive' }, 5000000],
      [{ interface: 'eth0', direction: 'transmit' }, 7000000],
    ],
  );
  const ctr = find(rms, { ...POD, 'k8s.container.name': 'postgres' });
  assert.equal(value(ctr.get('container.cpu.time')), 9000);
  assert.equal(value(ctr.get('container.memory.working_set')), 536870912);
  assert.equal(value(ctr.get('container.memory.available')), 536870912);
  const backup = find(rms, {
    'k8s.pod.uid': '9b3e2f70-1c1d-4a5e-8f00-000000000002',
    'k8s.pod.name': 'backup-28912',
    'k8s.namespace.name': 'db',
    'k8s.node.name': 'node-1',
  });
  assert.equal(backup.get('k8s.pod.network.io'), undefined, 'no network in the Summary: none emitted');
});

test('CPU usage is the cumulative-time delta over the stats timestamps, not usageNanoCores', () => {
  const rates = new CpuRateTracker();
  const o = opts({ cpuMemory: true, node: true, rates });
  summaryToOtlp(parseSummary(raw())!, o);
  const second = raw();
  second.node.cpu.time = '2026-12-01T10:00:10Z';
  second.node.cpu.usageCoreNanoSeconds = 51234000000000 + 10 * 1.25e9; // 1.25 cores for 10 s
  second.pods[0]!.cpu.time = '2026-12-01T10:00:10Z';
  second.pods[0]!.cpu.usageCoreNanoSeconds = 9010000000000 + 1.5e9; // 0.15 cores
  second.pods[0]!.containers[0]!.cpu.time = '2026-12-01T10:00:10Z';
  second.pods[0]!.containers[0]!.cpu.usageCoreNanoSeconds = 9000000000000 - 1; // went backwards
  const rms = summaryToOtlp(parseSummary(second)!, o);
  const node = find(rms, { 'k8s.node.name': 'node-1' });
  assert.equal(value(node.get('k8s.node.cpu.usage')), 1.25);
  assert.equal(node.get('k8s.node.cpu.usage')?.unit, '{cpu}');
  assert.ok(Math.abs(Number(value(find(rms, POD).get('k8s.pod.cpu.usage'))) - 0.15) < 1e-12);
  // the unchanged pods: same cached sample, no time passed → no usage point (not a false 0)
  const web = find(rms, {
    'k8s.pod.uid': '9b3e2f70-1c1d-4a5e-8f00-000000000003',
    'k8s.pod.name': 'web-7d9f8-abcde',
    'k8s.namespace.name': 'apps',
    'k8s.node.name': 'node-1',
  });
  assert.equal(web.get('k8s.pod.cpu.usage'), undefined);
  assert.equal(find(rms, { ...POD, 'k8s.container.name': 'postgres' }).get('container.cpu.usage'), undefined);
  // the node: memory, filesystem and network with the Collector names
  assert.equal(value(node.get('k8s.node.filesystem.usage')), 26843545600);
  assert.equal(value(node.get('k8s.node.memory.available')), 12884901888);
  assert.equal(value(node.get('k8s.node.network.errors'), 1), 2);
});

test('the rate tracker forgets what a collection did not see', () => {
  const rates = new CpuRateTracker();
  const s: Summary = parseSummary(raw())!;
  summaryToOtlp(s, opts({ cpuMemory: true, rates }));
  assert.equal(rates.size, 6, '3 pods + 3 containers');
  summaryToOtlp({ ...s, pods: s.pods.slice(0, 1) }, opts({ cpuMemory: true, rates }));
  assert.equal(rates.size, 2);
});

test('groups switch resources off; a pod without uid is keyed by namespace/name', () => {
  const none = summaryToOtlp(parseSummary(raw())!, opts({ pod: false, container: false }));
  assert.deepEqual(none, []);
  const r = raw();
  delete (r.pods[0]!.podRef as Record<string, unknown>).uid;
  const rms = summaryToOtlp(parseSummary(r)!, opts({ container: false, cpuMemory: true }));
  const { ['k8s.pod.uid']: _uid, ...noUid } = POD;
  assert.equal(value(find(rms, noUid).get('k8s.pod.cpu.time')), 9010);
});
