// The k8sattributes enrichment of one pipeline: finds each resource's pod by the association
// rules, adds that pod's (and container's) attributes, and — when a rule's key is unknown to the
// pod table — asks the API server once (lazy lookup) before passing the batch on.
//
// Contracts:
// - Existing resource attributes are never overwritten, except a `service.name` that is missing
//   or the SDK's `unknown_service[:…]` placeholder.
// - A pod matched through the connection gets `k8s.pod.ip` (the Collector does the same), also
//   in passthrough mode, where nothing else is added.
// - The attributes of one pod (and container) are computed once per pod version and reused:
//   per resource the cost is reading its attributes and one map lookup.
// - A batch waits at most `lookup_timeout` for lazy lookups, and only for keys not looked up (and
//   not found) in the last 30 s: an unknown sender costs one API request per 30 s, not a wait per batch.
import type { ObjectMeta } from '../../../k8s/meta-table.ts';
import { findContainer, type PodInfo } from '../../../k8s/pod-info.ts';
import { PodTable, type LookupKey } from '../../../k8s/pod-table.ts';
import type { KeyValue } from '../../../model/common.ts';
import type { AssociationRule, K8sAttributesConfig } from './config.ts';
import { compileGoRegexp } from '../../../attraction/go-regexp.ts';
import { Extractor, type ContainerRef } from './extract.ts';

/** The resource attributes association and container matching read, picked in one pass. */
interface ResourceView {
  uid?: string;
  ip?: string;
  podName?: string;
  namespace?: string;
  containerId?: string;
  hostName?: string;
  containerName?: string;
  restartCount?: number;
}

function readView(attrs: readonly KeyValue[], v: ResourceView): void {
  v.uid = v.ip = v.podName = v.namespace = v.containerId = v.hostName = v.containerName = undefined;
  v.restartCount = undefined;
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs[i]!;
    if (
      a.key.charCodeAt(0) !== 107 /* k */ &&
      a.key.charCodeAt(0) !== 99 /* c */ &&
      a.key.charCodeAt(0) !== 104 /* h */
    )
      continue;
    const val = a.value as { stringValue?: string; intValue?: number | bigint };
    const s = val.stringValue;
    switch (a.key) {
      case 'k8s.pod.uid':
        v.uid = s;
        break;
      case 'k8s.pod.ip':
        v.ip = s;
        break;
      case 'k8s.pod.name':
        v.podName = s;
        break;
      case 'k8s.namespace.name':
        v.namespace = s;
        break;
      case 'container.id':
        v.containerId = s;
        break;
      case 'host.name':
        v.hostName = s;
        break;
      case 'k8s.container.name':
        v.containerName = s;
        break;
      case 'k8s.container.restart_count':
        v.restartCount =
          val.intValue !== undefined
            ? Number(val.intValue)
            : s !== undefined && /^\d+$/.test(s)
              ? Number(s)
              : undefined;
        break;
    }
  }
}

const IP_LIKE = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]+)$/;

type CompiledRule = (v: ResourceView, connection: string | undefined) => LookupKey | undefined;

function compileRule(rule: AssociationRule): { key: CompiledRule; viaConnection: boolean } {
  const names = rule.sources.map((s) => (s.from === 'connection' ? 'connection' : s.name!));
  if (names.includes('connection'))
    return { key: (_v, conn) => (conn ? { kind: 'ip', ip: conn } : undefined), viaConnection: true };
  if (names.includes('k8s.pod.uid'))
    return { key: (v) => (v.uid ? { kind: 'uid', uid: v.uid } : undefined), viaConnection: false };
  if (names.includes('k8s.pod.ip'))
    return { key: (v) => (v.ip ? { kind: 'ip', ip: v.ip } : undefined), viaConnection: false };
  if (names.includes('host.name'))
    return {
      key: (v) => (v.hostName && IP_LIKE.test(v.hostName) ? { kind: 'ip', ip: v.hostName } : undefined),
      viaConnection: false,
    };
  if (names.includes('container.id'))
    return {
      key: (v) => (v.containerId ? { kind: 'container', id: v.containerId } : undefined),
      viaConnection: false,
    };
  return {
    key: (v) =>
      v.podName && v.namespace ? { kind: 'name', namespace: v.namespace, name: v.podName } : undefined,
    viaConnection: false,
  };
}

export interface EnrichStats {
  /** Resources whose pod was found, by how (rule kind). */
  hits: number;
  misses: number;
  /** Resources with nothing to look up by (no rule had its attributes). */
  unassociated: number;
  excluded: number;
}

export interface Tables {
  pods: PodTable;
  namespaces?: { get(name: string): ObjectMeta | undefined; generation: number } | undefined;
  nodes?: { get(name: string): ObjectMeta | undefined; generation: number } | undefined;
}

interface CacheEntry {
  generation: number;
  attrs: KeyValue[];
}

function isPlaceholderService(v: KeyValue['value']): boolean {
  const s = (v as { stringValue?: string }).stringValue;
  return s === undefined || s === '' || s === 'unknown_service' || s.startsWith('unknown_service:');
}

export class Enricher {
  private readonly rules: Array<{ key: CompiledRule; viaConnection: boolean }>;
  private readonly extractor: Extractor;
  private readonly excluded: RegExp[];
  private readonly passthrough: boolean;
  private readonly lookupTimeoutMs: number;
  private readonly view: ResourceView = {};
  /** Per pod version (object identity): per container key ("" = no container) → attributes. */
  private cache = new WeakMap<PodInfo, Map<string, CacheEntry>>();
  readonly stats: EnrichStats = { hits: 0, misses: 0, unassociated: 0, excluded: 0 };

  private readonly tables: Tables | undefined;

  constructor(cfg: K8sAttributesConfig, tables: Tables | undefined) {
    this.tables = tables;
    this.rules = cfg.pod_association.map(compileRule);
    this.extractor = new Extractor(cfg.extract);
    this.excluded = cfg.exclude.pods.map((p) => compileGoRegexp(`^(?:${p.name})$`));
    this.passthrough = cfg.passthrough;
    this.lookupTimeoutMs = cfg.lookup_timeout;
  }

  get needsNamespaces(): boolean {
    return this.extractor.needsNamespaces;
  }

  get needsNodes(): boolean {
    return this.extractor.needsNodes;
  }

  /**
   * Enriches every resource in place. Resolves after lazy lookups for unknown keys (bounded by
   * lookup_timeout); the synchronous path is taken when every pod is known.
   */
  enrich(
    resources: ReadonlyArray<{ resource: { attributes: KeyValue[] } }>,
    connection: string | undefined,
  ): Promise<void> | undefined {
    let missed: Array<{ attrs: KeyValue[]; keys: LookupKey[] }> | undefined;
    for (const r of resources) {
      const keys = this.enrichOne(r.resource.attributes, connection, true);
      if (keys) (missed ??= []).push({ attrs: r.resource.attributes, keys });
    }
    if (!missed || !this.tables) return undefined;
    const pods = this.tables.pods;
    const wanted = new Map<string, LookupKey>();
    for (const m of missed)
      for (const k of m.keys) if (PodTable.fetchable(k)) wanted.set(JSON.stringify(k), k);
    if (wanted.size === 0) return undefined;
    const lookups = Promise.all([...wanted.values()].map((k) => pods.fetch(k)));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.lookupTimeoutMs);
    });
    return Promise.race([lookups, timeout]).then(() => {
      clearTimeout(timer);
      for (const m of missed) this.enrichOne(m.attrs, connection, false);
    });
  }

  /**
   * Enriches one resource's attributes. Returns the keys that found no pod (for a lazy lookup)
   * when `reportMisses` and no rule matched; undefined otherwise.
   */
  private enrichOne(
    attrs: KeyValue[],
    connection: string | undefined,
    reportMisses: boolean,
  ): LookupKey[] | undefined {
    const v = this.view;
    readView(attrs, v);
    if (this.passthrough || !this.tables) {
      if (connection && v.ip === undefined)
        attrs.push({ key: 'k8s.pod.ip', value: { stringValue: connection } });
      return undefined;
    }
    let pod: PodInfo | undefined;
    let viaConnection = false;
    let misses: LookupKey[] | undefined;
    for (const rule of this.rules) {
      const key = rule.key(v, connection);
      if (!key) continue;
      pod = this.tables.pods.lookup(key);
      if (pod) {
        viaConnection = rule.viaConnection;
        break;
      }
      (misses ??= []).push(key);
    }
    if (!pod) {
      // A first pass hands keys the API server can be asked about to enrich(), which counts the
      // resource on its second pass; everything else is counted here.
      if (reportMisses && misses?.some((k) => PodTable.fetchable(k))) return misses;
      if (misses) this.stats.misses++;
      else this.stats.unassociated++;
      return undefined;
    }
    if (this.excluded.some((re) => re.test(pod.name))) {
      this.stats.excluded++;
      return undefined;
    }
    this.stats.hits++;
    if (viaConnection && v.ip === undefined && connection)
      attrs.push({ key: 'k8s.pod.ip', value: { stringValue: connection } });
    const add = this.attributesFor(pod, v);
    if (add.length === 0) return undefined;
    // Small lists: a linear scan per added key beats building a set.
    for (const kv of add) {
      let found = -1;
      for (let i = 0; i < attrs.length; i++)
        if (attrs[i]!.key === kv.key) {
          found = i;
          break;
        }
      // Copies: the cached pairs are shared by every resource of the pod, and later processors
      // may change a resource's pairs in place.
      if (found < 0) attrs.push({ key: kv.key, value: kv.value });
      else if (kv.key === 'service.name' && isPlaceholderService(attrs[found]!.value))
        attrs[found] = { key: kv.key, value: kv.value };
    }
    return undefined;
  }

  private attributesFor(pod: PodInfo, v: ResourceView): KeyValue[] {
    const c = findContainer(pod, { id: v.containerId, name: v.containerName });
    const ref: ContainerRef | undefined = c ? { container: c, restartCount: v.restartCount } : undefined;
    const ckey = c ? `${c.name}\u0000${v.restartCount ?? ''}` : '';
    const t = this.tables!;
    const generation = (t.namespaces?.generation ?? 0) * 1_000_003 + (t.nodes?.generation ?? 0);
    let byContainer = this.cache.get(pod);
    if (!byContainer) {
      byContainer = new Map();
      this.cache.set(pod, byContainer);
    }
    const hit = byContainer.get(ckey);
    if (hit && hit.generation === generation) return hit.attrs;
    const attrs = this.extractor.attributes(
      pod,
      ref,
      t.namespaces?.get(pod.namespace),
      pod.nodeName ? t.nodes?.get(pod.nodeName) : undefined,
    );
    byContainer.set(ckey, { generation, attrs });
    return attrs;
  }
}
