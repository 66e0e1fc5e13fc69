// A deterministic Kubernetes-like metric workload (cAdvisor-style container series) for storage
// benchmarks, emitted two ways with identical samples: OTLP MetricsData batches (one scrape round
// per batch) and OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`.
//
// Series s belongs to container floor(s / METRICS.length) and metric s % METRICS.length; two
// containers (app, sidecar) per pod; pods spread over NAMESPACES namespaces and NODES nodes.
// Labels are namespace/pod/node (OTLP resource attributes) plus container (point attribute), so
// the same four labels name a series on both sides. Each pod is scraped every INTERVAL_MS at its
// own fixed offset. Every series draws from its own seeded PRNG, so its values do not depend on
// the order in which series are generated (time-major for OTLP, metric-major for OpenMetrics).
import { closeSync, openSync, writeSync } from 'node:fs';
import type { KeyValue, Resource } from '../../src/model/common.ts';
import type { Metric, MetricsData, NumberDataPoint, ResourceMetrics } from '../../src/model/metrics.ts';

export const INTERVAL_MS = 15_000;
const NAMESPACES = 25;
const NODES = 40;
const DEPLOYMENTS = ['api', 'checkout', 'cart', 'search', 'auth', 'payments', 'frontend', 'worker'];

export interface MetricDef {
  /** The sample name (PromQL and OTLP metric name). */
  name: string;
  /** The OpenMetrics family name (without _total for counters). */
  family: string;
  kind: 'gauge' | 'counter';
  int: boolean;
}

export const METRICS: readonly MetricDef[] = [
  {
    name: 'container_memory_working_set_bytes',
    family: 'container_memory_working_set_bytes',
    kind: 'gauge',
    int: true,
  },
  {
    name: 'container_cpu_usage_seconds_total',
    family: 'container_cpu_usage_seconds',
    kind: 'counter',
    int: false,
  },
  {
    name: 'container_network_receive_bytes_total',
    family: 'container_network_receive_bytes',
    kind: 'counter',
    int: true,
  },
  { name: 'http_server_requests_total', family: 'http_server_requests', kind: 'counter', int: true },
  {
    name: 'container_cpu_utilization_ratio',
    family: 'container_cpu_utilization_ratio',
    kind: 'gauge',
    int: false,
  },
];

/** mulberry32 step on state[i]; returns a float in [0, 1). */
function rand(state: Uint32Array, i: number): number {
  const s = (state[i]! + 0x6d2b79f5) >>> 0;
  state[i] = s;
  let t = Math.imul(s ^ (s >>> 15), s | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** A seeded PRNG for choices outside the series (queries, names). */
export function prng(seed: number): () => number {
  const st = new Uint32Array([seed >>> 0]);
  return () => rand(st, 0);
}

export interface Pod {
  namespace: string;
  pod: string;
  node: string;
  offsetMs: number;
}

/** Per-series generator state; `next(s)` advances series s by one scrape. */
class Values {
  private readonly rng: Uint32Array;
  private readonly value: Float64Array;
  private readonly param: Float64Array;

  constructor(series: number, seed: number) {
    this.rng = new Uint32Array(series);
    this.value = new Float64Array(series);
    this.param = new Float64Array(series);
    for (let s = 0; s < series; s++) {
      this.rng[s] = (Math.imul(seed ^ s, 0x9e3779b1) + s) >>> 0;
      const r = rand(this.rng, s);
      switch (s % METRICS.length) {
        case 0: // working set: 20 MiB..2 GiB, in pages
          this.value[s] = 4096 * Math.floor((20 * 2 ** 20 + r * 2 * 2 ** 30) / 4096);
          break;
        case 1: // cpu seconds: up to a day of runtime, 1 mcore..2 cores
          this.value[s] = r * 50_000;
          this.param[s] = 0.001 + rand(this.rng, s) ** 2 * 2;
          break;
        case 2: // network bytes: 1 KiB/s..1 MiB/s
          this.value[s] = Math.floor(r * 1e10);
          this.param[s] = 1024 * 1024 ** rand(this.rng, s);
          break;
        case 3: // requests: 0..50 rps, many near idle
          this.value[s] = Math.floor(r * 1e6);
          this.param[s] = 50 * rand(this.rng, s) ** 3;
          break;
        default: // utilisation ratio around a per-series level
          this.param[s] = 0.05 + 0.8 * r;
          this.value[s] = this.param[s]!;
      }
    }
  }

  next(s: number): number {
    const r = rand(this.rng, s);
    let v = this.value[s]!;
    switch (s % METRICS.length) {
      case 0:
        // 40% of scrapes see no change; otherwise up to ±2 MiB in pages, with a slight downward drift.
        if (r >= 0.4) v = Math.max(16 * 2 ** 20, v + 4096 * Math.round((rand(this.rng, s) - 0.505) * 1024));
        break;
      case 1:
        v += INTERVAL_MS * 1e-3 * this.param[s]! * (0.5 + r);
        break;
      case 2:
        v += Math.round(INTERVAL_MS * 1e-3 * this.param[s]! * (0.5 + r));
        break;
      case 3:
        v += Math.round(INTERVAL_MS * 1e-3 * this.param[s]! * 2 * r);
        break;
      default:
        v = Math.min(1, Math.max(0, this.param[s]! + (r - 0.5) * 0.1));
    }
    this.value[s] = v;
    return v;
  }
}

export interface WorkloadOptions {
  series: number;
  points: number;
  /** The last scrape round starts here (ms since the epoch, a multiple of INTERVAL_MS). */
  endMs: number;
  seed?: number;
}

export class K8sWorkload {
  readonly series: number;
  readonly points: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly pods: Pod[] = [];
  private readonly seed: number;

  constructor(o: WorkloadOptions) {
    this.series = o.series;
    this.points = o.points;
    this.endMs = o.endMs;
    this.startMs = o.endMs - (o.points - 1) * INTERVAL_MS;
    this.seed = o.seed ?? 42;
    const r = prng(this.seed);
    const hex = (n: number): string =>
      Array.from({ length: n }, () => 'bcdfghjklmnpqrstvwxz2456789'[Math.floor(r() * 27)]).join('');
    const nPods = Math.ceil(Math.ceil(o.series / METRICS.length) / 2);
    for (let p = 0; p < nPods; p++) {
      const ns = p % NAMESPACES;
      const deploy = DEPLOYMENTS[Math.floor(r() * DEPLOYMENTS.length)]!;
      this.pods.push({
        namespace: `ns-${ns}`,
        pod: `${deploy}-${hex(9)}-${hex(5)}`,
        node: `node-${Math.floor(r() * NODES)}`,
        offsetMs: Math.floor(r() * INTERVAL_MS),
      });
    }
  }

  podOf(s: number): Pod {
    return this.pods[Math.floor(Math.floor(s / METRICS.length) / 2)]!;
  }

  containerOf(s: number): string {
    return Math.floor(s / METRICS.length) % 2 === 0 ? 'app' : 'sidecar';
  }

  /** Total samples: series × points. */
  get samples(): number {
    return this.series * this.points;
  }

  /**
   * OTLP batches of `rounds` scrape rounds each, in time order: one ResourceMetrics per pod and
   * round. Yields [batch, points in it].
   */
  *otlpBatches(rounds: number): Generator<[MetricsData, number]> {
    const values = new Values(this.series, this.seed);
    const resources: Resource[] = this.pods.map((p) => ({
      attributes: [
        { key: 'namespace', value: { stringValue: p.namespace } },
        { key: 'pod', value: { stringValue: p.pod } },
        { key: 'node', value: { stringValue: p.node } },
      ],
      droppedAttributesCount: 0,
    }));
    const containerAttrs: KeyValue[][] = ['app', 'sidecar'].map((c) => [
      { key: 'container', value: { stringValue: c } },
    ]);
    const scope = { name: 'bench/k8s', version: '1', attributes: [], droppedAttributesCount: 0 };
    const counterStart = BigInt(this.startMs - 3_600_000) * 1_000_000n;
    const perPod = METRICS.length * 2;
    for (let i0 = 0; i0 < this.points; i0 += rounds) {
      const rms: ResourceMetrics[] = [];
      let n = 0;
      for (let i = i0; i < Math.min(this.points, i0 + rounds); i++) {
        for (let p = 0; p < this.pods.length; p++) {
          const t = BigInt(this.startMs + i * INTERVAL_MS + this.pods[p]!.offsetMs) * 1_000_000n;
          const metrics: Metric[] = [];
          for (let m = 0; m < METRICS.length; m++) {
            const def = METRICS[m]!;
            const dataPoints: NumberDataPoint[] = [];
            for (let c = 0; c < 2; c++) {
              const s = p * perPod + c * METRICS.length + m;
              if (s >= this.series) continue;
              const v = values.next(s);
              dataPoints.push({
                attributes: containerAttrs[c]!,
                startTimeUnixNano: def.kind === 'counter' ? counterStart : 0n,
                timeUnixNano: t,
                ...(def.int ? { asInt: v } : { asDouble: v }),
                exemplars: [],
                flags: 0,
              });
            }
            if (dataPoints.length === 0) continue;
            n += dataPoints.length;
            metrics.push({
              name: def.name,
              description: '',
              unit: '',
              metadata: [],
              data:
                def.kind === 'gauge'
                  ? { type: 'gauge', dataPoints }
                  : { type: 'sum', dataPoints, aggregationTemporality: 2, isMonotonic: true },
            });
          }
          rms.push({
            resource: resources[p]!,
            scopeMetrics: [{ scope, metrics, schemaUrl: '' }],
            schemaUrl: '',
          });
        }
      }
      yield [{ resourceMetrics: rms }, n];
    }
  }

  /**
   * Writes every sample as OpenMetrics text (families contiguous, each series in time order,
   * timestamps in seconds) to `file`; returns the samples written.
   */
  writeOpenMetrics(file: string): number {
    const values = new Values(this.series, this.seed);
    const fd = openSync(file, 'w');
    let buf = '';
    let n = 0;
    const flush = (): void => {
      writeSync(fd, buf);
      buf = '';
    };
    try {
      for (let m = 0; m < METRICS.length; m++) {
        const def = METRICS[m]!;
        const ids: number[] = [];
        for (let s = m; s < this.series; s += METRICS.length) ids.push(s);
        const prefix = ids.map((s) => {
          const p = this.podOf(s);
          return `${def.name}{container="${this.containerOf(s)}",namespace="${p.namespace}",node="${p.node}",pod="${p.pod}"} `;
        });
        const offsets = ids.map((s) => this.podOf(s).offsetMs);
        buf += `# TYPE ${def.family} ${def.kind}\n`;
        for (let i = 0; i < this.points; i++) {
          const base = this.startMs + i * INTERVAL_MS;
          for (let k = 0; k < ids.length; k++) {
            const ms = base + offsets[k]!;
            const frac = String(ms % 1000).padStart(3, '0');
            buf += `${prefix[k]}${values.next(ids[k]!)} ${Math.floor(ms / 1000)}.${frac}\n`;
            n++;
          }
          if (buf.length > 4 * 2 ** 20) flush();
        }
      }
      buf += '# EOF\n';
      flush();
    } finally {
      closeSync(fd);
    }
    return n;
  }
}
