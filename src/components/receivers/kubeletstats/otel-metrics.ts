// The Summary's node, pod and container stats as OTLP, under the OpenTelemetry Collector
// kubeletstats receiver's metric names, units and types (its documentation.md):
//   pod group        k8s.pod.filesystem.{available,capacity,usage}   ← pod "ephemeral-storage"
//                    + with cpuMemory: k8s.pod.cpu.{time,usage}, k8s.pod.memory.{available,usage,
//                      rss,working_set,page_faults,major_page_faults}, k8s.pod.network.{io,errors}
//   container group  container.filesystem.{available,capacity,usage} ← container rootfs
//                    + with cpuMemory: container.cpu.{time,usage}, container.memory.*
//   node group       k8s.node.cpu.*, k8s.node.memory.*, k8s.node.filesystem.*, k8s.node.network.*
//                    (all of them: the group is opt-in, hostmetrics covers the node by default)
// Resources: node {k8s.node.name}; pod {k8s.pod.uid, k8s.pod.name, k8s.namespace.name,
// k8s.node.name}; container = pod + {k8s.container.name}. (The Collector leaves k8s.node.name
// off pods; we add it so pod series from many agents stay apart without k8sattributes.)
//
// *.cpu.usage is NOT the kubelet's usageNanoCores: like every CPU utilisation in this project it
// is derived from the cumulative CPU time between two of our collections (CpuRateTracker), over
// the stats' own timestamps. The first collection of a pod/container/node has no usage point;
// a counter that went backwards (restart) restarts the derivation.
import type { KeyValue } from '../../../model/common.ts';
import type { Metric, NumberDataPoint, ResourceMetrics } from '../../../model/metrics.ts';
import { AggregationTemporality } from '../../../model/metrics.ts';
import type { CpuStats, FsStats, MemoryStats, NetworkStats, Summary } from './summary.ts';

/** Cumulative CPU time → average cores used since the previous collection, per key. Bounded by sweep(). */
export class CpuRateTracker {
  private prev = new Map<string, { coreNs: number; timeMs: number }>();
  private next = new Map<string, { coreNs: number; timeMs: number }>();

  /** Cores used since this key's previous observation, or undefined (first time, no time passed, reset). */
  rate(key: string, coreNs: number, timeMs: number): number | undefined {
    const p = this.prev.get(key);
    // The same cached sample seen twice keeps its first observation as the base.
    const keepOld = p !== undefined && timeMs === p.timeMs && coreNs === p.coreNs;
    this.next.set(key, keepOld ? p : { coreNs, timeMs });
    if (!p || timeMs <= p.timeMs || coreNs < p.coreNs) return undefined;
    return (coreNs - p.coreNs) / ((timeMs - p.timeMs) * 1e6);
  }

  /** Ends a collection: keys not observed in it are forgotten. */
  sweep(): void {
    this.prev = this.next;
    this.next = new Map();
  }

  get size(): number {
    return this.prev.size;
  }
}

export interface OtelOptions {
  node: boolean;
  pod: boolean;
  container: boolean;
  /** Pod and container CPU, memory (and pod network): the fallback when cgroups are not readable. */
  cpuMemory: boolean;
  timeUnixNano: bigint;
  /** Start of cumulative series whose entity has no startTime. */
  defaultStartUnixNano: bigint;
  scopeName: string;
  scopeVersion: string;
  rates: CpuRateTracker;
}

const s = (key: string, v: string): KeyValue => ({ key, value: { stringValue: v } });
const msToNs = (ms: number): bigint => BigInt(Math.trunc(ms)) * 1_000_000n;

function intValue(v: number): number | bigint {
  const t = Math.trunc(v);
  return Number.isSafeInteger(t) ? t : BigInt(t);
}

/** Collects the metrics of one resource; each add* is a no-op when the value is absent. */
class MetricSet {
  readonly metrics: Metric[] = [];
  private readonly time: bigint;
  private readonly start: bigint;

  constructor(time: bigint, start: bigint) {
    this.time = time;
    this.start = start;
  }

  private point(value: number, int: boolean, start: bigint, attrs: KeyValue[] = []): NumberDataPoint {
    const p: NumberDataPoint = {
      attributes: attrs,
      startTimeUnixNano: start,
      timeUnixNano: this.time,
      exemplars: [],
      flags: 0,
    };
    if (int) p.asInt = intValue(value);
    else p.asDouble = value;
    return p;
  }

  gauge(name: string, unit: string, description: string, value: number | undefined, int: boolean): void {
    if (value === undefined) return;
    this.metrics.push({
      name,
      description,
      unit,
      metadata: [],
      data: { type: 'gauge', dataPoints: [this.point(value, int, 0n)] },
    });
  }

  sum(
    name: string,
    unit: string,
    description: string,
    points: { value: number | undefined; attrs?: KeyValue[] }[],
    int: boolean,
  ): void {
    const dataPoints = points
      .filter((p): p is { value: number; attrs?: KeyValue[] } => p.value !== undefined)
      .map((p) => this.point(p.value, int, this.start, p.attrs));
    if (dataPoints.length === 0) return;
    this.metrics.push({
      name,
      description,
      unit,
      metadata: [],
      data: {
        type: 'sum',
        dataPoints,
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        isMonotonic: true,
      },
    });
  }

  cpu(prefix: string, c: CpuStats | undefined, rates: CpuRateTracker, key: string, nowMs: number): void {
    if (!c || c.usageCoreNanoSeconds === undefined) return;
    this.sum(
      `${prefix}.cpu.time`,
      's',
      'Total cumulative CPU time (sum of all cores) spent by the container/pod/node since its creation',
      [{ value: c.usageCoreNanoSeconds / 1e9 }],
      false,
    );
    const usage = rates.rate(key, c.usageCoreNanoSeconds, c.timeMs ?? nowMs);
    this.gauge(
      `${prefix}.cpu.usage`,
      '{cpu}',
      'Total CPU usage (sum of all cores per second) averaged over the sample window',
      usage,
      false,
    );
  }

  memory(prefix: string, what: string, m: MemoryStats | undefined): void {
    if (!m) return;
    this.gauge(`${prefix}.memory.available`, 'By', `${what} memory available`, m.availableBytes, true);
    this.gauge(`${prefix}.memory.usage`, 'By', `${what} memory usage`, m.usageBytes, true);
    this.gauge(`${prefix}.memory.rss`, 'By', `${what} memory rss`, m.rssBytes, true);
    this.gauge(`${prefix}.memory.working_set`, 'By', `${what} memory working_set`, m.workingSetBytes, true);
    this.gauge(`${prefix}.memory.page_faults`, '1', `${what} memory page_faults`, m.pageFaults, true);
    this.gauge(
      `${prefix}.memory.major_page_faults`,
      '1',
      `${what} memory major_page_faults`,
      m.majorPageFaults,
      true,
    );
  }

  filesystem(prefix: string, what: string, f: FsStats | undefined): void {
    if (!f) return;
    this.gauge(
      `${prefix}.filesystem.available`,
      'By',
      `${what} filesystem available`,
      f.availableBytes,
      true,
    );
    this.gauge(`${prefix}.filesystem.capacity`, 'By', `${what} filesystem capacity`, f.capacityBytes, true);
    this.gauge(`${prefix}.filesystem.usage`, 'By', `${what} filesystem usage`, f.usedBytes, true);
  }

  network(prefix: string, what: string, n: NetworkStats | undefined): void {
    const i = n?.default;
    if (!i) return;
    const dir = (d: string): KeyValue[] => [s('interface', i.name), s('direction', d)];
    this.sum(
      `${prefix}.network.io`,
      'By',
      `${what} network IO`,
      [
        { value: i.rxBytes, attrs: dir('receive') },
        { value: i.txBytes, attrs: dir('transmit') },
      ],
      true,
    );
    this.sum(
      `${prefix}.network.errors`,
      '1',
      `${what} network errors`,
      [
        { value: i.rxErrors, attrs: dir('receive') },
        { value: i.txErrors, attrs: dir('transmit') },
      ],
      true,
    );
  }
}

function resourceMetrics(attrs: KeyValue[], set: MetricSet, o: OtelOptions): ResourceMetrics {
  return {
    resource: { attributes: attrs, droppedAttributesCount: 0 },
    scopeMetrics: [
      {
        scope: { name: o.scopeName, version: o.scopeVersion, attributes: [], droppedAttributesCount: 0 },
        metrics: set.metrics,
        schemaUrl: '',
      },
    ],
    schemaUrl: '',
  };
}

/**
 * One ResourceMetrics per node/pod/container that has at least one metric. Observes CPU times in
 * `o.rates` and sweeps it (call once per collection).
 */
export function summaryToOtlp(summary: Summary, o: OtelOptions): ResourceMetrics[] {
  const out: ResourceMetrics[] = [];
  const nowMs = Number(o.timeUnixNano / 1_000_000n);
  const startOf = (ms: number | undefined): bigint =>
    ms !== undefined ? msToNs(ms) : o.defaultStartUnixNano;
  const nodeName = summary.node.nodeName;
  const nodeAttr = nodeName !== '' ? [s('k8s.node.name', nodeName)] : [];

  if (o.node) {
    const n = summary.node;
    const set = new MetricSet(o.timeUnixNano, startOf(n.startTimeMs));
    set.cpu('k8s.node', n.cpu, o.rates, 'node', nowMs);
    set.memory('k8s.node', 'Node', n.memory);
    set.filesystem('k8s.node', 'Node', n.fs);
    set.network('k8s.node', 'Node', n.network);
    if (set.metrics.length > 0) out.push(resourceMetrics(nodeAttr, set, o));
  }

  for (const p of summary.pods) {
    const podKey = p.uid !== '' ? p.uid : `${p.namespace}/${p.name}`;
    const podAttrs = [
      ...(p.uid !== '' ? [s('k8s.pod.uid', p.uid)] : []),
      s('k8s.pod.name', p.name),
      s('k8s.namespace.name', p.namespace),
      ...nodeAttr,
    ];
    if (o.pod) {
      const set = new MetricSet(o.timeUnixNano, startOf(p.startTimeMs));
      if (o.cpuMemory) {
        set.cpu('k8s.pod', p.cpu, o.rates, `pod/${podKey}`, nowMs);
        set.memory('k8s.pod', 'Pod', p.memory);
        set.network('k8s.pod', 'Pod', p.network);
      }
      set.filesystem('k8s.pod', 'Pod', p.ephemeralStorage);
      if (set.metrics.length > 0) out.push(resourceMetrics(podAttrs, set, o));
    }
    if (o.container) {
      for (const c of p.containers) {
        const set = new MetricSet(o.timeUnixNano, startOf(c.startTimeMs));
        if (o.cpuMemory) {
          set.cpu('container', c.cpu, o.rates, `container/${podKey}/${c.name}`, nowMs);
          set.memory('container', 'Container', c.memory);
        }
        set.filesystem('container', 'Container', c.rootfs);
        if (set.metrics.length > 0) {
          out.push(resourceMetrics([...podAttrs, s('k8s.container.name', c.name)], set, o));
        }
      }
    }
  }
  o.rates.sweep();
  return out;
}
