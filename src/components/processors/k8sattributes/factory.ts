// `k8sattributes`: adds the pod's (and container's) Kubernetes metadata to every resource — see
// processor.ts for how resources are matched to pods and config.ts for how we differ from the
// Collector. One pod table serves every pipeline of the process (src/k8s/pod-table.ts); on an
// agent it holds only the node's pods (`filter.node` / `filter.node_from_env_var`).
import type { KubeClient } from '../../../k8s/client.ts';
import { MetaTable } from '../../../k8s/meta-table.ts';
import { acquirePodTable, type PodTableLease } from '../../../k8s/pod-table.ts';
import type { Signal } from '../../../model/common.ts';
import type { SignalData } from '../../../model/signal.ts';
import type {
  ConsumeContext,
  Consumer,
  CreateSettings,
  Host,
  Processor,
  ProcessorFactory,
} from '../../../pipeline/component.ts';
import { resourcesOf } from '../resource/factory.ts';
import { configSchema, selectors, type K8sAttributesConfig } from './config.ts';
import { Enricher, type Tables } from './processor.ts';

/** Per processor id: the telemetry is registered once however many pipelines use the processor. */
const registered = new Set<string>();

interface SharedMeta {
  table: MetaTable;
  users: number;
}
const metaTables = new WeakMap<KubeClient, Map<string, SharedMeta>>();

function acquireMeta(
  client: KubeClient,
  path: string,
  name: string,
  fieldSelector: string | undefined,
  onError: (err: unknown, where: string) => void,
): { table: MetaTable; release(): Promise<void> } {
  let m = metaTables.get(client);
  if (!m) metaTables.set(client, (m = new Map()));
  const key = `${path}?${fieldSelector ?? ''}`;
  let e = m.get(key);
  if (!e) {
    e = { table: new MetaTable({ client, path, name, fieldSelector, onError }), users: 0 };
    m.set(key, e);
    e.table.start();
  }
  e.users++;
  const entry = e;
  const map = m;
  return {
    table: e.table,
    async release() {
      if (--entry.users > 0) return;
      map.delete(key);
      await entry.table.stop();
    },
  };
}

class K8sAttributesProcessor<S extends Signal> implements Processor<S> {
  private enricher: Enricher;
  private readonly releases: Array<() => Promise<void>> = [];
  private readonly settings: CreateSettings;
  private readonly cfg: K8sAttributesConfig;
  private readonly signal: S;
  private readonly next: Consumer<S>;

  constructor(settings: CreateSettings, cfg: K8sAttributesConfig, signal: S, next: Consumer<S>) {
    this.settings = settings;
    this.cfg = cfg;
    this.signal = signal;
    this.next = next;
    // Until start() finds the Kubernetes API: passthrough (k8s.pod.ip from the connection).
    this.enricher = new Enricher(cfg, undefined);
  }

  async start(host: Host): Promise<void> {
    const cfg = this.cfg;
    const log = this.settings.logger;
    if (cfg.passthrough) return;
    const kube = await host.kubernetes?.();
    if (!kube) {
      log.warn('no Kubernetes API: k8sattributes adds only k8s.pod.ip from the connection');
      return;
    }
    const node =
      cfg.filter.node ??
      (cfg.filter.node_from_env_var ? process.env[cfg.filter.node_from_env_var] || undefined : undefined);
    if (cfg.filter.node_from_env_var && !node)
      log.warn(
        { variable: cfg.filter.node_from_env_var },
        'filter.node_from_env_var names an empty variable: watching the pods of every node (set it from spec.nodeName)',
      );
    const onError = (err: unknown, where: string): void =>
      log.warn({ err: (err as Error).message ?? String(err), where }, 'k8sattributes: Kubernetes API');
    const sel = selectors(cfg.filter);
    const lease: PodTableLease = acquirePodTable({
      client: kube.client,
      filter: { node, namespace: cfg.filter.namespace, ...sel },
      keepDeletedMs: cfg.pod_delete_grace_period,
      onError,
    });
    this.releases.push(() => lease.release());
    const tables: Tables = { pods: lease.table };
    const waits: Array<Promise<void>> = [lease.table.synced];
    const probe = new Enricher(cfg, undefined);
    if (probe.needsNamespaces) {
      const ns = acquireMeta(kube.client, '/api/v1/namespaces', 'namespaces', undefined, onError);
      this.releases.push(() => ns.release());
      tables.namespaces = ns.table;
      waits.push(ns.table.synced);
    }
    if (probe.needsNodes) {
      const nodes = acquireMeta(
        kube.client,
        '/api/v1/nodes',
        'nodes',
        node ? `metadata.name=${node}` : undefined,
        onError,
      );
      this.releases.push(() => nodes.release());
      tables.nodes = nodes.table;
      waits.push(nodes.table.synced);
    }
    this.enricher = new Enricher(cfg, tables);
    this.registerTelemetry(lease);
    if (cfg.wait_for_metadata) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Error(
                `k8sattributes: the pod list did not arrive within wait_for_metadata_timeout (${cfg.wait_for_metadata_timeout} ms); check the API server and RBAC (list/watch pods)`,
              ),
            ),
          cfg.wait_for_metadata_timeout,
        );
      });
      try {
        await Promise.race([Promise.all(waits), timedOut]);
      } finally {
        clearTimeout(timer);
      }
    }
  }

  private registerTelemetry(lease: PodTableLease): void {
    const id = this.settings.id.key;
    const enrichers = sharedStats(id);
    enrichers.push(this.enricher);
    if (registered.has(id)) return;
    registered.add(id);
    const t = this.settings.telemetry;
    const table = lease.table;
    const sum = (pick: (e: Enricher) => number) => () => enrichers.reduce((n, e) => n + pick(e), 0);
    t.observeCounter(
      'k8sattributes_pod_lookups',
      'Resources whose pod was found.',
      sum((e) => e.stats.hits),
    );
    t.observeCounter(
      'k8sattributes_pod_lookup_misses',
      'Resources with pod identifiers that matched no known pod (after a lazy lookup).',
      sum((e) => e.stats.misses),
    );
    t.observeCounter(
      'k8sattributes_unassociated',
      'Resources with none of the attributes the association rules read (and no connection).',
      sum((e) => e.stats.unassociated),
    );
    t.observeCounter(
      'k8sattributes_excluded',
      'Resources of excluded pods.',
      sum((e) => e.stats.excluded),
    );
    t.observeCounter(
      'k8sattributes_lazy_lookups',
      'Pods asked of the API server on a miss and found.',
      () => table.stats.fetches.found,
    );
    t.observeCounter(
      'k8sattributes_lazy_lookup_failures',
      'Lazy lookups that found nothing, failed, or were skipped (too many in flight).',
      () => table.stats.fetches.notFound + table.stats.fetches.error + table.stats.fetches.skipped,
    );
    t.observeCounter('k8sattributes_pods_added', 'Pods added to the table.', () => table.stats.added);
    t.observeCounter(
      'k8sattributes_pods_deleted',
      'Pods deleted (kept for the grace period).',
      () => table.stats.deleted,
    );
    t.observe(
      'k8sattributes_pod_table_size',
      'Pods held, deleted ones within their grace period included.',
      () => table.size,
    );
  }

  admit(): void {
    this.next.admit?.();
  }

  consume(data: SignalData<S>, ctx: ConsumeContext): Promise<void> {
    const waiting = this.enricher.enrich(resourcesOf(this.signal, data), ctx.clientAddress);
    if (!waiting) return this.next.consume(data, ctx);
    return waiting.then(() => this.next.consume(data, ctx));
  }

  async shutdown(): Promise<void> {
    const r = this.releases.splice(0);
    await Promise.all(r.map((f) => f()));
    const id = this.settings.id.key;
    const list = statsById.get(id);
    if (list?.includes(this.enricher)) list.splice(list.indexOf(this.enricher), 1);
    if (list?.length === 0) {
      statsById.delete(id);
      registered.delete(id);
    }
  }
}

/** Every pipeline's enricher of one processor id, so the counters sum over pipelines. */
const statsById = new Map<string, Enricher[]>();
function sharedStats(id: string): Enricher[] {
  let l = statsById.get(id);
  if (!l) statsById.set(id, (l = []));
  return l;
}

export const factory: ProcessorFactory<K8sAttributesConfig> = {
  kind: 'processor',
  type: 'k8sattributes',
  signals: ['traces', 'metrics', 'logs'],
  mutatesData: true,
  configSchema: configSchema as never,
  create<S extends Signal>(settings: CreateSettings, cfg: K8sAttributesConfig, signal: S, next: Consumer<S>) {
    return new K8sAttributesProcessor(settings, cfg, signal, next);
  },
};
