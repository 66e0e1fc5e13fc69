// kube-state metrics from a live cluster: one informer per enabled resource (per namespace when
// namespaces are listed), each object serialized into the exposition cache as it arrives, and
// the raw object dropped. Objects another shard owns are kept only as an empty entry.
import type { KubeClient } from '../k8s/client.ts';
import { KubeApiError } from '../k8s/client.ts';
import { createInformer } from '../k8s/informer.ts';
import type { Informer } from '../k8s/informer.ts';
import type { KubeObject } from '../k8s/types.ts';
import type { SelfMetrics } from '../telemetry/self-metrics.ts';
import { selectFamilies } from './catalog.ts';
import { ChunkWriter } from './chunk-writer.ts';
import type { FamilyFilter } from './catalog.ts';
import type { ExpositionFormat } from './format.ts';
import type { AllowList } from './labels.ts';
import { contextFor } from './render.ts';
import { ownsObject } from './sharding.ts';
import type { ShardSpec } from './sharding.ts';
import { isOwned, NOT_OWNED, ResourceMetricsStore } from './store.ts';
import type { CachedObject } from './store.ts';
import type { KubeResourceObject, ResourceDef } from './types.ts';
import { abortableSleep as sleep } from '../util/abortable-sleep.ts';

export interface CollectorOptions {
  client: KubeClient;
  resources: readonly ResourceDef[];
  families?: FamilyFilter;
  allowLabels?: AllowList;
  allowAnnotations?: AllowList;
  /** Watch only these namespaces (namespaced resources); empty or undefined: all. */
  namespaces?: readonly string[];
  /** Leave these namespaces out (a field selector on every namespaced list/watch). */
  namespacesExclude?: readonly string[];
  shard?: ShardSpec;
  metrics?: SelfMetrics;
  /** Informer and generator failures, for the log. The collector keeps going. */
  onError?(err: unknown, where: string): void;
  /** Told once per resource the API server does not serve (its metrics stay off). */
  onUnserved?(resource: string, why: string): void;
  pageSize?: number;
  now?: () => number;
}

interface Watched {
  store: ResourceMetricsStore;
  informers: Informer<CachedObject>[];
}

export function collectionPath(def: ResourceDef, namespace?: string): string {
  const base = def.group === '' ? `/api/${def.version}` : `/apis/${def.group}/${def.version}`;
  return namespace && def.namespaced
    ? `${base}/namespaces/${encodeURIComponent(namespace)}/${def.resource}`
    : `${base}/${def.resource}`;
}

export class KubeStateCollector {
  private readonly opts: CollectorOptions;
  private readonly shard: ShardSpec;
  private watched: Watched[] = [];
  private started: Promise<void> | undefined;
  private readonly abort = new AbortController();

  constructor(opts: CollectorOptions) {
    this.opts = opts;
    this.shard = opts.shard ?? { shard: 0, totalShards: 1 };
  }

  /**
   * Starts every informer; resolves when all have listed once. Discovery is retried with backoff
   * while the API server is unreachable (errors go to onError), so this may take a while; it
   * never rejects because of the network, and stop() ends it.
   */
  start(): Promise<void> {
    this.started ??= this.run();
    return this.started;
  }

  private async discover(): Promise<ResourceDef[] | undefined> {
    const signal = this.abort.signal;
    for (let attempt = 0; !signal.aborted; attempt++) {
      try {
        return await this.servedResources(this.opts.resources, signal);
      } catch (err) {
        if (signal.aborted) break;
        this.opts.onError?.(err, 'discovery');
        await sleep(Math.min(30_000, 1000 * 2 ** attempt), signal);
      }
    }
    return undefined;
  }

  private async run(): Promise<void> {
    const o = this.opts;
    const served = await this.discover();
    if (!served || this.abort.signal.aborted) return;
    const errors = o.metrics?.counter(
      'watchingcat_kubestate_generate_errors_total',
      'Metric families that failed to generate for an object (the family is left out for it).',
      ['resource'],
    );
    for (const def of served) {
      const families = selectFamilies(def, o.families ?? {});
      const ctx = contextFor(def.resource, o.allowLabels, o.allowAnnotations, o.now);
      const store = new ResourceMetricsStore(def, families, ctx, (family, obj, err) => {
        errors?.inc({ resource: def.resource });
        o.onError?.(err, `${def.resource} ${obj.metadata?.namespace ?? ''}/${obj.metadata?.name}: ${family}`);
      });
      const namespaces =
        def.namespaced && o.namespaces && o.namespaces.length > 0 ? o.namespaces : [undefined];
      const exclude =
        def.namespaced && o.namespacesExclude && o.namespacesExclude.length > 0
          ? o.namespacesExclude.map((n) => `metadata.namespace!=${n}`).join(',')
          : undefined;
      const informers = namespaces.map((ns) =>
        createInformer<CachedObject>({
          client: o.client,
          path: collectionPath(def, ns),
          name: def.resource,
          ...(exclude && { fieldSelector: exclude }),
          ...(o.pageSize && { pageSize: o.pageSize }),
          transform: (obj: KubeObject) =>
            ownsObject(this.shard, obj.metadata.uid ?? '')
              ? store.serialize(obj as unknown as KubeResourceObject)
              : NOT_OWNED,
          onError: (err, where) => o.onError?.(err, `${def.resource} ${where}`),
          ...(o.metrics && { metrics: o.metrics }),
        }),
      );
      this.watched.push({ store, informers });
      for (const inf of informers) inf.start();
    }
    await Promise.all(this.watched.flatMap((w) => w.informers.map((i) => i.synced)));
  }

  /** The resources the API server serves, via discovery; the others are reported once and skipped. */
  private async servedResources(defs: readonly ResourceDef[], signal: AbortSignal): Promise<ResourceDef[]> {
    const byGroupVersion = new Map<string, ResourceDef[]>();
    for (const d of defs) {
      const gv = d.group === '' ? d.version : `${d.group}/${d.version}`;
      byGroupVersion.set(gv, [...(byGroupVersion.get(gv) ?? []), d]);
    }
    const out: ResourceDef[] = [];
    for (const [gv, list] of byGroupVersion) {
      const path = gv.includes('/') ? `/apis/${gv}` : `/api/${gv}`;
      let names: Set<string> | undefined;
      try {
        const doc = await this.opts.client.get<{ resources?: Array<{ name?: string }> }>(path, signal);
        names = new Set((doc.resources ?? []).map((r) => r.name ?? ''));
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      for (const d of list) {
        if (names?.has(d.resource)) out.push(d);
        else
          this.opts.onUnserved?.(
            d.resource,
            names ? `${gv} has no ${d.resource}` : `the server does not serve ${gv}`,
          );
      }
    }
    return defs.filter((d) => out.includes(d));
  }

  /** The exposition of every resource, as chunks of bytes (see ResourceMetricsStore.write). */
  *chunks(format: ExpositionFormat): Generator<Buffer> {
    const writer = new ChunkWriter();
    for (const w of [...this.watched]) yield* w.store.write(this.objects(w), format, writer);
    yield* writer.end();
  }

  /** Every resource with its families and cached objects (for the OTLP push). */
  *snapshot(): Generator<{ store: ResourceMetricsStore; objects: Iterable<CachedObject> }> {
    for (const w of this.watched) yield { store: w.store, objects: this.objects(w) };
  }

  /** Objects this shard owns, per resource. */
  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const w of this.watched) {
      let n = 0;
      for (const o of this.objects(w)) if (isOwned(o)) n++;
      out[w.store.def.resource] = n;
    }
    return out;
  }

  hasSynced(): boolean {
    return this.watched.length > 0 && this.watched.every((w) => w.informers.every((i) => i.hasSynced()));
  }

  private *objects(w: Watched): Generator<CachedObject> {
    for (const inf of w.informers) yield* inf.store.values();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.watched.flatMap((w) => w.informers.map((i) => i.stop())));
    await this.started?.catch(() => {}); // rejected by the informers' stop when it had not synced
    this.watched = [];
  }
}

function isNotFound(err: unknown): boolean {
  return err instanceof KubeApiError && err.code === 404;
}
