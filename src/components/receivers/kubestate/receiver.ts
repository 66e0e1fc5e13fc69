// The `kubestate` receiver: kube-state-metrics' metrics from the cluster's objects, served on
// the metrics address (/metrics/kubestate and /metrics) from the exposition cache, and pushed
// into the pipeline as OTLP every streaming.interval.
import type { Consumer, CreateSettings, Host, Lifecycle } from '../../../pipeline/component.ts';
import { resolveResources } from '../../../kubestate/catalog.ts';
import { KubeStateCollector } from '../../../kubestate/collector.ts';
import { toOtlpBatches } from '../../../kubestate/otlp.ts';
import type { ShardSpec } from '../../../kubestate/sharding.ts';
import { itemCount } from '../../../model/signal.ts';
import { leaderElectionOf, type KubernetesAccess } from '../../../pipeline/component.ts';
import { AutoShardingError, discoverShard } from './auto-sharding.ts';
import type { KubeStateConfig } from './config.ts';

/** The same failure is logged at most once per this interval (watch restarts can repeat). */
const LOG_EVERY_MS = 60_000;

export class KubeStateReceiver implements Lifecycle {
  private readonly settings: CreateSettings;
  private readonly config: KubeStateConfig;
  private readonly next: Consumer<'metrics'> | undefined;
  private collector: KubeStateCollector | undefined;
  private kube: KubernetesAccess | undefined;
  private host: Host | undefined;
  private shard: ShardSpec;
  private pushTimer: NodeJS.Timeout | undefined;
  private shardTimer: NodeJS.Timeout | undefined;
  private pushing: Promise<void> | undefined;
  private readonly startedAt = BigInt(Date.now()) * 1_000_000n;
  private readonly lastLogged = new Map<string, number>();
  private unsubscribe: (() => void) | undefined;
  private stopped = false;

  constructor(settings: CreateSettings, config: KubeStateConfig, next: Consumer<'metrics'> | undefined) {
    this.settings = settings;
    this.config = config;
    this.next = next;
    this.shard = { shard: config.shard, totalShards: config.total_shards };
  }

  async start(host: Host): Promise<void> {
    this.host = host;
    const log = this.settings.logger;
    const kube = await host.kubernetes?.();
    if (this.config.exposition) {
      host.exposition.register('kubestate', (format) => this.collector?.chunks(format) ?? []);
    }
    if (!kube) {
      log.warn('kubestate: no Kubernetes API to watch; /metrics/kubestate stays empty');
      return;
    }
    this.kube = kube;
    const t = this.settings.telemetry;
    t.observe('kubestate_shard_ordinal', "This instance's shard (0-based).", () => this.shard.shard);
    t.observe('kubestate_total_shards', 'How many shards share the objects.', () => this.shard.totalShards);
    if (this.config.auto_sharding.enabled) {
      this.shard = await this.discoverShard();
      this.shardTimer = setInterval(() => void this.recheckShard(), this.config.auto_sharding.check_interval);
      this.shardTimer.unref();
    }
    const electorId = this.config.k8s_leader_elector;
    if (electorId) {
      // One active replica: watch, serve and push only while leader; a standby serves no families.
      const election = leaderElectionOf(host, electorId, this.settings.id);
      this.unsubscribe = election.subscribe({
        onStartedLeading: () => {
          if (!this.stopped && !this.collector) this.startCollector();
        },
        onStoppedLeading: async () => {
          const c = this.collector;
          this.collector = undefined;
          await c?.stop();
        },
      });
      log.info({ extension: electorId }, 'kubestate: runs while this process is the leader');
    } else {
      this.startCollector();
    }
    if (this.next && this.config.streaming.enabled) {
      this.pushTimer = setInterval(() => {
        this.pushing ??= this.push().finally(() => (this.pushing = undefined));
      }, this.config.streaming.interval);
      this.pushTimer.unref();
    }
  }

  private async discoverShard(): Promise<ShardSpec> {
    const a = this.config.auto_sharding;
    try {
      const s = await discoverShard(this.kube!.client, a.pod_namespace, a.pod_name);
      this.settings.logger.info(
        { shard: s.shard, total_shards: s.totalShards },
        'kubestate: shard from the StatefulSet',
      );
      return s;
    } catch (err) {
      if (err instanceof AutoShardingError) throw err;
      throw new Error(
        `auto_sharding: cannot read pod ${a.pod_namespace}/${a.pod_name}: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }

  /** A changed replica count reshards: the cache is rebuilt from a fresh list. */
  private async recheckShard(): Promise<void> {
    let s: ShardSpec;
    try {
      s = await this.discoverShard();
    } catch (err) {
      this.warn('auto_sharding', err);
      return;
    }
    if (this.stopped || (s.shard === this.shard.shard && s.totalShards === this.shard.totalShards)) return;
    this.settings.logger.info({ from: this.shard, to: s }, 'kubestate: resharding');
    this.shard = s;
    const old = this.collector;
    this.startCollector();
    await old?.stop();
  }

  private startCollector(): void {
    const c = this.config;
    const collector = new KubeStateCollector({
      client: this.kube!.client,
      resources: resolveResources(c.resources),
      families: {
        optIn: c.metric_opt_in_list,
        allow: c.metric_allowlist,
        deny: c.metric_denylist,
      },
      ...(c.metric_labels_allowlist && { allowLabels: c.metric_labels_allowlist }),
      ...(c.metric_annotations_allowlist && { allowAnnotations: c.metric_annotations_allowlist }),
      namespaces: c.namespaces,
      namespacesExclude: c.namespaces_exclude,
      shard: this.shard,
      metrics: this.settings.telemetry.metrics,
      onError: (err, where) => this.warn(where, err),
      onUnserved: (resource, why) =>
        this.settings.logger.warn(
          { resource, why },
          'kubestate: the API server does not serve this resource; its metrics are off',
        ),
    });
    this.collector = collector;
    const started = Date.now();
    collector.start().then(
      () => {
        if (this.collector === collector && !this.stopped) {
          this.settings.logger.info(
            { ms: Date.now() - started, objects: collector.counts() },
            'kubestate: initial list done',
          );
        }
      },
      () => {}, // stopped before it synced
    );
  }

  private warn(where: string, err: unknown): void {
    const key = `${where.split(' ')[0]}:${(err as Error)?.message ?? String(err)}`;
    const now = Date.now();
    if ((this.lastLogged.get(key) ?? 0) > now - LOG_EVERY_MS) return;
    this.lastLogged.set(key, now);
    if (this.lastLogged.size > 1000) this.lastLogged.clear();
    this.settings.logger.warn({ where, err: (err as Error)?.message ?? String(err) }, 'kubestate');
  }

  /**
   * One OTLP push of everything this shard owns, in batches: each is handed to the pipeline and
   * waited for before the next is built (a 10k-pod cluster is ~400k points). Skipped until the
   * first list is done. A refused batch is counted and logged; the rest still go.
   */
  async push(): Promise<void> {
    const collector = this.collector;
    if (!this.next || !collector?.hasSynced()) return;
    const batches = toOtlpBatches(collector.snapshot(), {
      ...(this.kube?.clusterName && { resourceAttributes: { 'k8s.cluster.name': this.kube.clusterName } }),
      signalMetadata: {
        enabled: this.config.signal_metadata.enabled,
        category: this.config.signal_metadata.category,
        subcategory: this.config.signal_metadata.subcategory,
        sourceModule: this.config.signal_metadata.source_module,
        collectorType: this.config.signal_metadata.collector_type,
        description: this.config.signal_metadata.description,
      },
      timeUnixNano: BigInt(Date.now()) * 1_000_000n,
      startTimeUnixNano: this.startedAt,
    });
    for (const data of batches) {
      if (this.stopped) return;
      const n = itemCount('metrics', data);
      try {
        await this.next.consume(data, {});
        this.settings.telemetry.accepted('metrics', n, 'api');
      } catch (err) {
        this.settings.telemetry.refused('metrics', n, 'api', (err as Error)?.name ?? 'error');
        this.warn('push', err);
      }
    }
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    clearInterval(this.pushTimer);
    clearInterval(this.shardTimer);
    if (this.config.exposition) this.host?.exposition.unregister('kubestate');
    await this.pushing;
    await this.collector?.stop();
  }
}
