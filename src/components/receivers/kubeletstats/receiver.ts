// The `kubeletstats` receiver: reads the node's kubelet Summary API every collection_interval
// and pushes, as OTLP,
//   volume group     kubelet_volume_stats_* (the kubelet's /metrics names and labels, PVCs only)
//   pod/container    ephemeral storage (k8s.pod.filesystem.*, container.filesystem.*), plus CPU,
//                    memory and pod network when cpu_memory says so (see config.ts)
//   node group       k8s.node.* (opt-in)
// and serves kubelet_volume_stats_* on the metrics address at /metrics/kubelet (and /metrics).
//
// Contracts:
//   - One Summary request at a time: a scrape and a push that overlap share it, and a scrape
//     reuses a Summary younger than collection_interval (the kubelet's volume stats are a minute
//     old anyway), so scraping never multiplies the load on the kubelet.
//   - A failing kubelet (unreachable, 401/403, timeout, not a Summary) never throws out of the
//     receiver: the push is skipped, a scrape serves an empty body, and the failure is logged at
//     error level — when it starts or changes, then at most once a minute while it lasts — with
//     one info line on recovery.
//   - Configuration errors (bad endpoint, unreadable ca_file/cert_file/key_file) fail start().
import { createKubeletClient, type KubeletClient } from '../../../k8s/kubelet.ts';
import { familiesToOtlp, renderFamilies } from '../../../metricfamily/family.ts';
import type { MetricsData, ResourceMetrics } from '../../../model/metrics.ts';
import { itemCount } from '../../../model/signal.ts';
import type { Consumer, CreateSettings, Host, Lifecycle } from '../../../pipeline/component.ts';
import type { ExpositionFormat } from '../../../telemetry/exposition.ts';
import { VERSION } from '../../../version.ts';
import { podCgroupsReadable } from './cgroup-probe.ts';
import { cgroupRootOf, defaultEndpoint, type KubeletStatsConfig } from './config.ts';
import { CpuRateTracker, summaryToOtlp } from './otel-metrics.ts';
import { parseSummary, type Summary } from './summary.ts';
import { volumeFamilies } from './volume-stats.ts';

const SCOPE_NAME = 'watchingcat/kubeletstats';
/** A continuing failure is logged again after this long. */
const RELOG_MS = 60_000;
/** `cpu_memory: auto` re-probes the cgroup tree this often (a hostPath mount can appear late). */
const PROBE_EVERY_MS = 60_000;

export class KubeletStatsReceiver implements Lifecycle {
  private readonly settings: CreateSettings;
  private readonly config: KubeletStatsConfig;
  private readonly next: Consumer<'metrics'> | undefined;
  private readonly groups: Set<string>;
  private readonly rates = new CpuRateTracker();
  private readonly startedAt = BigInt(Date.now()) * 1_000_000n;
  private client: KubeletClient | undefined;
  private host: Host | undefined;
  private timer: NodeJS.Timeout | undefined;
  private collecting: Promise<void> | undefined;
  private cached: { summary: Summary; atMs: number } | undefined;
  private inflight: Promise<Summary | undefined> | undefined;
  private failure: { message: string; loggedAt: number } | undefined;
  private probe: { readable: boolean; atMs: number } | undefined;
  private registered = false;
  private stopped = false;

  constructor(settings: CreateSettings, config: KubeletStatsConfig, next: Consumer<'metrics'> | undefined) {
    this.settings = settings;
    this.config = config;
    this.next = next;
    this.groups = new Set(config.metric_groups);
  }

  async start(host: Host): Promise<void> {
    this.host = host;
    const c = this.config;
    this.client = createKubeletClient({
      endpoint: c.endpoint ?? defaultEndpoint(),
      authType: c.auth_type,
      ...(c.ca_file !== undefined && { caFile: c.ca_file }),
      ...(c.cert_file !== undefined && { certFile: c.cert_file }),
      ...(c.key_file !== undefined && { keyFile: c.key_file }),
      insecureSkipVerify: c.insecure_skip_verify,
      timeoutMs: c.timeout,
    });
    this.settings.logger.info(
      {
        endpoint: this.client.endpoint,
        auth_type: c.auth_type,
        interval_ms: c.collection_interval,
        metric_groups: c.metric_groups,
        cpu_memory: c.cpu_memory,
      },
      'kubeletstats: reading the kubelet Summary API',
    );
    if (c.exposition && this.groups.has('volume')) {
      host.exposition.register('kubelet', (format) => this.scrape(format));
      this.registered = true;
    }
    if (this.next) {
      this.timer = setInterval(() => void this.tick(), c.collection_interval);
      this.timer.unref();
      setImmediate(() => void this.tick()); // a first push without waiting a whole interval
    }
  }

  private tick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.collecting ??= this.collect().finally(() => (this.collecting = undefined));
    return this.collecting;
  }

  /** The Summary, reused when younger than maxAgeMs; undefined when the kubelet failed (logged). */
  async summary(maxAgeMs: number): Promise<Summary | undefined> {
    if (this.cached && Date.now() - this.cached.atMs < maxAgeMs) return this.cached.summary;
    this.inflight ??= this.fetch().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async fetch(): Promise<Summary | undefined> {
    const client = this.client;
    if (!client) return undefined;
    try {
      const body = await client.summary();
      const summary = parseSummary(body);
      if (!summary) throw new Error(`kubelet ${client.endpoint}/stats/summary: the answer is not a Summary`);
      this.cached = { summary, atMs: Date.now() };
      this.recovered();
      return summary;
    } catch (err) {
      this.failed(err);
      return undefined;
    }
  }

  private failed(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    const now = Date.now();
    const f = this.failure;
    if (f && f.message === message && now - f.loggedAt < RELOG_MS) return;
    this.failure = { message, loggedAt: now };
    this.settings.logger.error({ err: message }, 'kubeletstats: cannot read the kubelet Summary');
  }

  private recovered(): void {
    if (!this.failure) return;
    this.failure = undefined;
    this.settings.logger.info('kubeletstats: the kubelet Summary is readable again');
  }

  /** /metrics/kubelet: kubelet_volume_stats_*; empty when the kubelet cannot be read. */
  async scrape(format: ExpositionFormat): Promise<string> {
    const summary = await this.summary(this.config.collection_interval);
    return summary ? renderFamilies(volumeFamilies(summary), format) : '';
  }

  /** Whether pod/container CPU and memory come from the kubelet in this collection. */
  async cpuMemoryEnabled(): Promise<boolean> {
    const mode = this.config.cpu_memory;
    if (mode !== 'auto') return mode === 'always';
    const now = Date.now();
    if (!this.probe || now - this.probe.atMs >= PROBE_EVERY_MS) {
      const root = cgroupRootOf(this.config, this.settings.hostRootPath);
      const readable = await podCgroupsReadable(root);
      if (this.probe?.readable !== readable) {
        this.settings.logger.info(
          { cgroup_root: root, kubelet_cpu_memory: !readable },
          readable
            ? 'kubeletstats: pod cgroups are readable; CPU and memory are left to the cadvisor receiver'
            : 'kubeletstats: pod cgroups are not readable; taking pod and container CPU and memory from the kubelet',
        );
      }
      this.probe = { readable, atMs: now };
    }
    return !this.probe.readable;
  }

  /** The OTLP for one Summary (exported for tests). */
  async build(summary: Summary, now = Date.now()): Promise<MetricsData> {
    const timeUnixNano = BigInt(now) * 1_000_000n;
    const resourceMetrics: ResourceMetrics[] = [];
    const nodeAttrs =
      summary.node.nodeName !== ''
        ? [{ key: 'k8s.node.name', value: { stringValue: summary.node.nodeName } }]
        : [];
    if (this.groups.has('volume')) {
      resourceMetrics.push(
        ...familiesToOtlp(volumeFamilies(summary), {
          resourceAttributes: nodeAttrs,
          scopeName: SCOPE_NAME,
          scopeVersion: VERSION,
          timeUnixNano,
          startTimeUnixNano: this.startedAt,
        }).resourceMetrics,
      );
    }
    const cpuMemory =
      this.groups.has('pod') || this.groups.has('container') ? await this.cpuMemoryEnabled() : false;
    resourceMetrics.push(
      ...summaryToOtlp(summary, {
        node: this.groups.has('node'),
        pod: this.groups.has('pod'),
        container: this.groups.has('container'),
        cpuMemory,
        timeUnixNano,
        defaultStartUnixNano: this.startedAt,
        scopeName: SCOPE_NAME,
        scopeVersion: VERSION,
        rates: this.rates,
      }),
    );
    return { resourceMetrics };
  }

  /**
   * One collection: read the Summary (fresh unless one younger than maxAgeMs — by default half
   * an interval, i.e. a scrape just read it — is at hand) and push it.
   */
  async collect(maxAgeMs = this.config.collection_interval / 2): Promise<void> {
    if (!this.next) return;
    const summary = await this.summary(maxAgeMs);
    if (!summary || this.stopped) return;
    const data = await this.build(summary);
    if (data.resourceMetrics.length === 0) return;
    const n = itemCount('metrics', data);
    try {
      await this.next.consume(data, {});
      this.settings.telemetry.accepted('metrics', n, 'kubelet');
    } catch (err) {
      this.settings.telemetry.refused('metrics', n, 'kubelet', (err as Error)?.name ?? 'error');
      this.settings.logger.warn(
        { err: (err as Error)?.message ?? String(err) },
        'kubeletstats: the pipeline refused a push',
      );
    }
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    if (this.registered) this.host?.exposition.unregister('kubelet');
    await this.collecting;
    this.client?.close();
  }
}
