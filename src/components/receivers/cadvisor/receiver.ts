// The `cadvisor` receiver: the kubelet's /metrics/cadvisor read straight from the host's cgroups
// (src/cadvisor), labelled with the kubelet's pod list.
//   - /metrics/cadvisor (and /metrics): a collection at scrape time, like the kubelet.
//   - OTLP: every collection_interval, the same families plus the pod summary (summary: true).
//     One resource per push — k8s.node.name (and k8s.cluster.name) — with the Prometheus labels
//     as point attributes, so a pushed series and a scraped one carry the same names; the backend
//     reads pod/namespace/container from either place. Per-pod resources would repeat what the
//     labels already say on every point. Counters start at their cgroup's creation time (a
//     restarted container is a new series with a new start), else at the receiver's start.
//
// Contracts:
//   - Concurrent scrapes and a push share one in-flight collection (collector.ts).
//   - No reachable kubelet (no endpoint, unreachable, 401/403): collections go on with cgroup ids
//     only; logged at warn when the failure starts or changes, then at most once a minute, with an
//     info line on recovery.
//   - Configuration errors (bad kubelet endpoint, unreadable ca_file/cert_file/key_file) fail start().
import { join } from 'node:path';
import { CadvisorCollector, type CgroupSource, type Collection } from '../../../cadvisor/collector.ts';
import { detectCgroupRoot } from '../../../cadvisor/cgroup/mounts.ts';
import { readCgroup } from '../../../cadvisor/cgroup/reader.ts';
import { listCgroups } from '../../../cadvisor/discovery.ts';
import { PodCache } from '../../../cadvisor/pod-cache.ts';
import { PodSummary } from '../../../cadvisor/summary.ts';
import type { CgroupRoot } from '../../../cadvisor/types.ts';
import { createKubeletClient, type KubeletClient } from '../../../k8s/kubelet.ts';
import { familiesToOtlp } from '../../../metricfamily/family.ts';
import { renderFamiliesToBuffer, type RenderSizeHint } from '../../../metricfamily/render.ts';
import type { KeyValue } from '../../../model/common.ts';
import type { MetricsData } from '../../../model/metrics.ts';
import { itemCount } from '../../../model/signal.ts';
import type {
  Consumer,
  CreateSettings,
  Host,
  KubernetesAccess,
  Lifecycle,
} from '../../../pipeline/component.ts';
import { VERSION } from '../../../version.ts';
import { kubeletEndpoint, type CadvisorConfig } from './config.ts';

const SCOPE_NAME = 'watchingcat/cadvisor';
/** A continuing failure is logged again after this long. */
const RELOG_MS = 60_000;
/** After unknown containers appear, the pod list is re-read once this much time has passed. */
const MIN_POD_REFRESH_MS = 1_000;

/** Cgroups from the host through the cgroup reader and discovery. */
export function hostCgroupSource(root: CgroupRoot, extraPaths: readonly string[]): CgroupSource {
  return {
    version: root.version,
    list: () => listCgroups(root, { extraPaths }),
    read: (path, nowMs) => readCgroup(root, path, nowMs),
  };
}

export class CadvisorReceiver implements Lifecycle {
  private readonly settings: CreateSettings;
  private readonly config: CadvisorConfig;
  private readonly next: Consumer<'metrics'> | undefined;
  private readonly summary = new PodSummary();
  private readonly startedAtNs = BigInt(Date.now()) * 1_000_000n;
  private readonly failures = new Map<string, { message: string; loggedAt: number }>();
  private collector: CadvisorCollector | undefined;
  private kubelet: KubeletClient | undefined;
  private host: Host | undefined;
  private resource: KeyValue[] = [];
  private timer: NodeJS.Timeout | undefined;
  private pushing: Promise<void> | undefined;
  private registered = false;
  /** The last body's size, so the next render starts with a buffer that fits. */
  private readonly renderHint: RenderSizeHint = { bytes: 0 };
  private stopped = false;

  constructor(settings: CreateSettings, config: CadvisorConfig, next: Consumer<'metrics'> | undefined) {
    this.settings = settings;
    this.config = config;
    this.next = next;
  }

  async start(host: Host): Promise<void> {
    this.host = host;
    const c = this.config;
    const log = this.settings.logger;
    const rootPath = c.root_path ?? this.settings.hostRootPath ?? '/';
    const cgroupDir = c.cgroup_root ?? join(rootPath, 'sys/fs/cgroup');

    // The node's name: for the default kubelet endpoint and the k8s.node.name resource attribute.
    let kube: KubernetesAccess | undefined;
    const envNode = c.node_name || process.env.K8S_NODE_NAME || process.env.NODE_NAME;
    if (!envNode) kube = await host.kubernetes?.().catch(() => undefined);
    const nodeName = envNode || kube?.nodeName;
    this.resource = [
      ...(nodeName ? [{ key: 'k8s.node.name', value: { stringValue: nodeName } }] : []),
      ...(kube?.clusterName ? [{ key: 'k8s.cluster.name', value: { stringValue: kube.clusterName } }] : []),
    ];

    const endpoint = kubeletEndpoint(c, kube?.nodeName);
    if (endpoint) {
      this.kubelet = createKubeletClient({
        endpoint,
        authType: c.kubelet.auth_type,
        insecureSkipVerify: c.kubelet.insecure_skip_verify,
        timeoutMs: c.kubelet.timeout,
        userAgent: `watchingcat/${VERSION}`,
        ...(c.kubelet.ca_file && { caFile: c.kubelet.ca_file }),
        ...(c.kubelet.token_file && { tokenFile: c.kubelet.token_file }),
        ...(c.kubelet.cert_file && { certFile: c.kubelet.cert_file }),
        ...(c.kubelet.key_file && { keyFile: c.kubelet.key_file }),
      });
    } else {
      log.warn(
        'cadvisor: no kubelet endpoint (set kubelet.endpoint, K8S_NODE_NAME or --node-name): container metrics carry cgroup ids only, no pod labels',
      );
    }

    const mountinfo = rootPath === '/' ? '/proc/self/mountinfo' : join(rootPath, 'proc/1/mountinfo');
    const root = await detectCgroupRoot(cgroupDir, mountinfo);
    if (root.version === 'v1' && Object.keys(root.v1).length === 0) {
      log.warn(
        { cgroup_root: cgroupDir },
        'cadvisor: no cgroup hierarchy found; /metrics/cadvisor has machine metrics only',
      );
    } else {
      log.info(
        { cgroup_root: cgroupDir, version: root.version, kubelet: this.kubelet?.endpoint },
        'cadvisor: reading cgroups',
      );
    }

    const client = this.kubelet;
    const pods = new PodCache({
      fetch: client ? () => client.pods() : undefined,
      refreshMs: c.pod_refresh_interval,
      minRefreshMs: MIN_POD_REFRESH_MS,
      onError: (err) => this.fail('kubelet', err),
      onRecovered: () => this.recovered('kubelet'),
    });
    this.collector = new CadvisorCollector({
      rootPath,
      source: hostCgroupSource(root, c.extra_cgroups),
      pods,
      sandboxImage: c.sandbox_image,
      onError: (where, err) => this.fail(where, err),
    });

    if (c.exposition) {
      // One part of bytes (render.ts): a string body cost a scrape a quarter of its garbage.
      host.exposition.register('cadvisor', async (format) => [
        renderFamiliesToBuffer((await this.collect()).families, format, this.renderHint),
      ]);
      this.registered = true;
    }
    if (this.next) {
      this.timer = setInterval(() => {
        this.pushing ??= this.push().finally(() => (this.pushing = undefined));
      }, c.collection_interval);
      this.timer.unref();
    }
  }

  /** One collection (shared with concurrent callers). */
  collect(): Promise<Collection> {
    if (!this.collector) throw new Error('cadvisor receiver is not started');
    return this.collector.collect();
  }

  /** One OTLP push of the families and (summary: true) the pod summary. */
  async push(): Promise<void> {
    if (!this.next || this.stopped) return;
    const col = await this.collect();
    const families = [...col.families];
    if (this.config.summary) {
      families.push(
        ...this.summary.compute({
          pods: col.rows
            .filter((r) => r.role === 'pod' && r.pod)
            .map((r) => ({ pod: r.pod!, stats: r.stats })),
          networks: col.rows
            .filter((r) => r.role === 'sandbox' && r.pod && r.stats.network)
            .map((r) => ({ pod: r.pod!, labels: r.labels, stats: r.stats })),
          nowMs: col.nowMs,
          cpus: col.cpus,
        }),
      );
    }
    const data = familiesToOtlp(families, {
      resourceAttributes: this.resource,
      scopeName: SCOPE_NAME,
      scopeVersion: VERSION,
      timeUnixNano: BigInt(col.nowMs) * 1_000_000n,
      startTimeUnixNano: this.startedAtNs,
    });
    setCounterStarts(data, col, this.startedAtNs);
    const n = itemCount('metrics', data);
    if (n === 0) return;
    try {
      await this.next.consume(data, {});
      this.settings.telemetry.accepted('metrics', n, 'cgroups');
    } catch (err) {
      this.settings.telemetry.refused('metrics', n, 'cgroups', (err as Error)?.name ?? 'error');
      this.fail('push', err);
    }
  }

  private fail(where: string, err: unknown): void {
    const key = where.startsWith('reading ') ? 'reading' : where;
    const message = (err as Error)?.message ?? String(err);
    const now = Date.now();
    const last = this.failures.get(key);
    if (last && last.message === message && now - last.loggedAt < RELOG_MS) return;
    this.failures.set(key, { message, loggedAt: now });
    const extra =
      key === 'kubelet' ? ' (container metrics go on with cgroup ids only until the kubelet answers)' : '';
    this.settings.logger.warn({ where, err: message }, `cadvisor: ${where} failed${extra}`);
  }

  private recovered(key: string): void {
    if (this.failures.delete(key)) this.settings.logger.info(`cadvisor: ${key} reachable again`);
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    if (this.registered) this.host?.exposition.unregister('cadvisor');
    await this.pushing?.catch(() => {});
    this.kubelet?.close();
  }
}

/**
 * Cumulative points start when their cgroup was created (container_start_time_seconds), not when
 * the receiver started: a counter then never seems to reset without a new start time.
 */
export function setCounterStarts(data: MetricsData, col: Collection, fallbackNs: bigint): void {
  const starts = new Map<string, bigint>();
  for (const r of col.rows) {
    const s = r.stats.startTimeSeconds;
    if (s !== undefined && s > 0 && s * 1000 <= col.nowMs)
      starts.set(r.labels.id, BigInt(Math.floor(s)) * 1_000_000_000n);
  }
  for (const rm of data.resourceMetrics) {
    for (const sm of rm.scopeMetrics) {
      for (const m of sm.metrics) {
        if (m.data?.type !== 'sum') continue;
        for (const p of m.data.dataPoints) {
          const id = p.attributes.find((a) => a.key === 'id')?.value;
          const start = id && 'stringValue' in id ? starts.get(id.stringValue) : undefined;
          p.startTimeUnixNano = start ?? fallbackNs;
        }
      }
    }
  }
}
