// The `hostmetrics` receiver: node_exporter's node_* families from the host's /proc and /sys
// (src/hostmetrics), under root_path.
//   - /metrics/node (and /metrics): a collection at scrape time, like node_exporter, rendered
//     exactly as node_exporter renders it (node_scrape_collector_* included).
//   - OTLP: after initial_delay, then every collection_interval, the same families plus the node
//     summary (summary: true). One resource per push: host.name, os.type and, when known,
//     k8s.node.name / k8s.cluster.name; the Prometheus labels are point attributes. Counters
//     start at the host's boot time (node_boot_time_seconds): node counters count since boot.
//
// Contracts:
//   - Scrapes and pushes share one in-flight collection (HostScraper).
//   - A failing collector is logged at warn when it starts failing or its error changes, at info
//     when it recovers; the other collectors are unaffected.
//   - A refused push is counted (refused_items) and logged at most once a minute.
import { join } from 'node:path';
import { HostScraper, type HostCollection } from '../../../hostmetrics/scrape.ts';
import { HostSummary } from '../../../hostmetrics/summary.ts';
import type { HostPaths } from '../../../hostmetrics/types.ts';
import { familiesToOtlp, type Family } from '../../../metricfamily/family.ts';
import { renderFamiliesToBuffer, type RenderSizeHint } from '../../../metricfamily/render.ts';
import type { KeyValue } from '../../../model/common.ts';
import { itemCount } from '../../../model/signal.ts';
import type {
  Consumer,
  CreateSettings,
  Host,
  KubernetesAccess,
  Lifecycle,
} from '../../../pipeline/component.ts';
import { VERSION } from '../../../version.ts';
import { buildCollectors } from './collectors.ts';
import type { HostMetricsConfig } from './config.ts';
import { hostName, resourceAttributes } from './resource.ts';

const SCOPE_NAME = 'watchingcat/hostmetrics';
/** A failing push is logged again after this long. */
const RELOG_MS = 60_000;

/** The host's /proc, /sys and / under a root path, as node_exporter's --path.* flags. */
export function hostPaths(rootPath: string): HostPaths {
  return { proc: join(rootPath, 'proc'), sys: join(rootPath, 'sys'), rootfs: rootPath };
}

export class HostMetricsReceiver implements Lifecycle {
  private readonly settings: CreateSettings;
  private readonly config: HostMetricsConfig;
  private readonly next: Consumer<'metrics'> | undefined;
  private readonly summary = new HostSummary();
  private readonly startedAtNs = BigInt(Date.now()) * 1_000_000n;
  private scraper: HostScraper | undefined;
  private host: Host | undefined;
  private resource: KeyValue[] = [];
  private first: NodeJS.Timeout | undefined;
  private timer: NodeJS.Timeout | undefined;
  private pushing: Promise<void> | undefined;
  private pushFailureLoggedAt = 0;
  private registered = false;
  /** The last body's size, so the next render starts with a buffer that fits. */
  private readonly renderHint: RenderSizeHint = { bytes: 0 };
  private stopped = false;

  constructor(settings: CreateSettings, config: HostMetricsConfig, next: Consumer<'metrics'> | undefined) {
    this.settings = settings;
    this.config = config;
    this.next = next;
  }

  async start(host: Host): Promise<void> {
    this.host = host;
    const c = this.config;
    const log = this.settings.logger;
    const rootPath = c.root_path ?? this.settings.hostRootPath ?? '/';
    this.scraper = new HostScraper({
      collectors: buildCollectors(c),
      paths: hostPaths(rootPath),
      onFailure: (collector, err) => log.warn({ collector, err }, 'hostmetrics: collector failed'),
      onRecovery: (collector) => log.info({ collector }, 'hostmetrics: collector succeeds again'),
    });

    if (this.next) {
      let kube: KubernetesAccess | undefined;
      const envNode = process.env.K8S_NODE_NAME || process.env.NODE_NAME;
      if (!envNode) kube = await host.kubernetes?.().catch(() => undefined);
      this.resource = resourceAttributes(hostName(rootPath), envNode || kube?.nodeName, kube?.clusterName);
    }
    log.info({ root_path: rootPath, collectors: this.scraper.names }, 'hostmetrics: reading the host');

    if (c.exposition) {
      // One part of bytes (render.ts): a string body cost a scrape a quarter of its garbage.
      host.exposition.register('node', async (format) => [
        renderFamiliesToBuffer((await this.collect()).families, format, this.renderHint),
      ]);
      this.registered = true;
    }
    if (this.next) {
      const tick = () => {
        this.pushing ??= this.push().finally(() => (this.pushing = undefined));
      };
      this.first = setTimeout(() => {
        tick();
        this.timer = setInterval(tick, c.collection_interval);
        this.timer.unref();
      }, c.initial_delay);
      this.first.unref();
    }
  }

  /** One collection (shared with concurrent callers). */
  collect(): Promise<HostCollection> {
    if (!this.scraper) throw new Error('hostmetrics receiver is not started');
    return this.scraper.collect();
  }

  /** One OTLP push of the families and (summary: true) the node summary. */
  async push(): Promise<void> {
    if (!this.next || this.stopped) return;
    const col = await this.collect();
    const families: Family[] = [...col.families];
    if (this.config.summary) families.push(...this.summary.compute(col.families));
    const data = familiesToOtlp(families, {
      resourceAttributes: this.resource,
      scopeName: SCOPE_NAME,
      scopeVersion: VERSION,
      timeUnixNano: BigInt(col.nowMs) * 1_000_000n,
      startTimeUnixNano: bootTimeNs(col.families, col.nowMs) ?? this.startedAtNs,
    });
    const n = itemCount('metrics', data);
    if (n === 0 || this.stopped) return;
    try {
      await this.next.consume(data, {});
      this.settings.telemetry.accepted('metrics', n, 'host');
    } catch (err) {
      this.settings.telemetry.refused('metrics', n, 'host', (err as Error)?.name ?? 'error');
      const now = Date.now();
      if (now - this.pushFailureLoggedAt >= RELOG_MS) {
        this.pushFailureLoggedAt = now;
        this.settings.logger.warn(
          { err: (err as Error)?.message ?? String(err) },
          'hostmetrics: push refused',
        );
      }
    }
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.first);
    clearInterval(this.timer);
    if (this.registered) this.host?.exposition.unregister('node');
    this.registered = false;
    await this.pushing?.catch(() => {});
  }
}

/** The host's boot time from node_boot_time_seconds, when it is sane (in the past). */
export function bootTimeNs(families: readonly Family[], nowMs: number): bigint | undefined {
  const f = families.find((x) => x.name === 'node_boot_time_seconds');
  const v = f?.samples[0]?.value;
  if (v === undefined || !Number.isFinite(v) || v <= 0 || v * 1000 > nowMs) return undefined;
  return BigInt(Math.floor(v * 1000)) * 1_000_000n;
}
