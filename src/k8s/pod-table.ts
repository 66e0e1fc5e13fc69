// The pods enrichment looks data up in: an informer on /api/v1/pods (filtered to one node on an
// agent, so its size does not grow with the cluster) with indices by uid, IP, namespace/name
// and container id, plus a lazy GET for what the informer has not delivered yet.
//
// Contracts:
// - Lookups never wait. `fetch()` is the only call that goes to the API server: it coalesces
//   concurrent misses of one key, remembers a miss for `negativeTtlMs` (so an IP that is not a
//   pod — a node, a host-network pod, a client outside the cluster — costs one request, not one
//   per batch) and keeps at most `maxFetchesInFlight` requests open.
// - A deleted pod stays findable for `keepDeletedMs` (default 2 min): its last logs and spans
//   often arrive after the API server forgot it.
// - An index entry (IP, name, container id) belongs to the newest pod that claimed it; a pod that
//   is terminating, finished or deleted never takes an IP from a live pod, and forgetting a deleted
//   pod removes only the entries that still point to it (IP reuse within the grace period must not
//   unhook the new pod — the Collector's contrib#42978).
// - A pod found by a lazy GET that the informer's filter would not deliver (another node's pod
//   sending to this agent) is kept in a small separate cache (`maxForeign`, `foreignTtlMs`), so
//   the table still does not grow with the cluster.
import type { KubeClient } from './client.ts';
import { KubeApiError } from './client.ts';
import { createInformer, type Informer } from './informer.ts';
import { podInfo, stripRuntimePrefix, type PodInfo } from './pod-info.ts';
import type { KubeObject } from './types.ts';

export interface PodTableFilter {
  /** Only this node's pods (`spec.nodeName=`). */
  node?: string | undefined;
  /** Only this namespace's pods. */
  namespace?: string | undefined;
  /** Extra field selector terms (`status.phase!=Succeeded`, …), ANDed with the node's. */
  fieldSelector?: string | undefined;
  labelSelector?: string | undefined;
}

export interface PodTableOptions {
  client: KubeClient;
  filter?: PodTableFilter;
  keepDeletedMs?: number;
  negativeTtlMs?: number;
  maxFetchesInFlight?: number;
  maxForeign?: number;
  foreignTtlMs?: number;
  onError?(err: unknown, where: string): void;
  now?: () => number;
}

export type LookupKey =
  | { kind: 'uid'; uid: string }
  | { kind: 'ip'; ip: string }
  | { kind: 'name'; namespace: string; name: string }
  | { kind: 'container'; id: string };

export interface PodTableStats {
  added: number;
  updated: number;
  deleted: number;
  fetches: { found: number; notFound: number; error: number; skipped: number };
}

/** Node filter + extra field terms → one field selector string. */
function fieldSelectorOf(f: PodTableFilter): string | undefined {
  const terms = [f.node ? `spec.nodeName=${f.node}` : '', f.fieldSelector ?? ''].filter((t) => t !== '');
  return terms.length ? terms.join(',') : undefined;
}

function nameKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** IPv4-mapped IPv6 (`::ffff:10.1.2.3`) → IPv4, so a dual-stack socket's peer matches a pod IP. */
export function normalizeIp(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

export class PodTable {
  private readonly informer: Informer<PodInfo>;
  private readonly byUidMap = new Map<string, PodInfo>();
  private readonly byIpMap = new Map<string, PodInfo>();
  private readonly byNameMap = new Map<string, PodInfo>();
  private readonly byContainerMap = new Map<string, PodInfo>();
  /** uid → when it was deleted; insertion order is deletion order. */
  private readonly deleted = new Map<string, number>();
  /** Pods outside the filter found by lazy lookups: key → pod and when to forget it. */
  private readonly foreign = new Map<string, { pod: PodInfo; until: number }>();
  private readonly negative = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<PodInfo | undefined>>();
  private readonly o: Required<Omit<PodTableOptions, 'onError' | 'filter'>> & {
    filter: PodTableFilter;
    onError: (err: unknown, where: string) => void;
  };
  readonly stats: PodTableStats = {
    added: 0,
    updated: 0,
    deleted: 0,
    fetches: { found: 0, notFound: 0, error: 0, skipped: 0 },
  };
  /** Bumped on every change to the table: lets callers' per-pod caches notice replaced pods. */
  generation = 0;

  constructor(opts: PodTableOptions) {
    this.o = {
      client: opts.client,
      filter: opts.filter ?? {},
      keepDeletedMs: opts.keepDeletedMs ?? 120_000,
      negativeTtlMs: opts.negativeTtlMs ?? 30_000,
      maxFetchesInFlight: opts.maxFetchesInFlight ?? 4,
      maxForeign: opts.maxForeign ?? 256,
      foreignTtlMs: opts.foreignTtlMs ?? 60_000,
      onError: opts.onError ?? (() => {}),
      now: opts.now ?? Date.now,
    };
    const f = this.o.filter;
    const fieldSelector = fieldSelectorOf(f);
    this.informer = createInformer<PodInfo>({
      client: opts.client,
      path: f.namespace ? `/api/v1/namespaces/${encodeURIComponent(f.namespace)}/pods` : '/api/v1/pods',
      name: 'pods',
      ...(fieldSelector ? { fieldSelector } : {}),
      ...(f.labelSelector ? { labelSelector: f.labelSelector } : {}),
      transform: podInfo,
      onAdd: (p) => this.put(p),
      onUpdate: (_, p) => this.put(p),
      onDelete: (p) => this.markDeleted(p),
      onError: this.o.onError,
    });
  }

  start(): void {
    this.informer.start();
  }

  stop(): Promise<void> {
    return this.informer.stop();
  }

  get synced(): Promise<void> {
    return this.informer.synced;
  }

  hasSynced(): boolean {
    return this.informer.hasSynced();
  }

  /** Pods held, deleted ones within their grace period included. */
  get size(): number {
    return this.byUidMap.size;
  }

  get deletedKept(): number {
    return this.deleted.size;
  }

  get foreignSize(): number {
    return this.foreign.size;
  }

  /** The pod for a key, or undefined. Never waits. */
  lookup(key: LookupKey): PodInfo | undefined {
    this.prune();
    switch (key.kind) {
      case 'uid':
        return this.byUidMap.get(key.uid) ?? this.foreignGet(`uid:${key.uid}`);
      case 'ip':
        return this.byIpMap.get(normalizeIp(key.ip)) ?? this.foreignGet(`ip:${normalizeIp(key.ip)}`);
      case 'name':
        return (
          this.byNameMap.get(nameKey(key.namespace, key.name)) ??
          this.foreignGet(`name:${nameKey(key.namespace, key.name)}`)
        );
      case 'container':
        return this.byContainerMap.get(stripRuntimePrefix(key.id));
    }
  }

  /** Whether `fetch()` can ask the API server for this key at all (uid and container id cannot be selected on). */
  static fetchable(key: LookupKey): boolean {
    return key.kind === 'ip' || key.kind === 'name';
  }

  /**
   * Asks the API server for a pod the table does not hold (see the file comment). Resolves to the
   * pod, or undefined (not found, recently not found, too many requests open, an error).
   */
  fetch(key: LookupKey): Promise<PodInfo | undefined> {
    const found = this.lookup(key);
    if (found) return Promise.resolve(found);
    if (!PodTable.fetchable(key)) return Promise.resolve(undefined);
    const k = keyString(key);
    const pending = this.inFlight.get(k);
    if (pending) return pending;
    const now = this.o.now();
    const until = this.negative.get(k);
    if (until !== undefined && until > now) return Promise.resolve(undefined);
    if (this.inFlight.size >= this.o.maxFetchesInFlight) {
      this.stats.fetches.skipped++;
      return Promise.resolve(undefined);
    }
    const p = this.request(key)
      .then((obj) => {
        if (!obj) {
          this.stats.fetches.notFound++;
          this.remember(k);
          return undefined;
        }
        this.stats.fetches.found++;
        return this.adopt(podInfo(obj));
      })
      .catch((err: unknown) => {
        this.stats.fetches.error++;
        this.remember(k);
        this.o.onError(err, `lazy lookup of ${k}`);
        return undefined;
      })
      .finally(() => this.inFlight.delete(k));
    this.inFlight.set(k, p);
    return p;
  }

  /** Raises the grace period for deleted pods (a table shared by users with different needs keeps the longest). */
  keepDeletedAtLeast(ms: number): void {
    if (ms > this.o.keepDeletedMs) this.o.keepDeletedMs = ms;
  }

  private remember(k: string): void {
    if (this.negative.size >= 10_000) this.negative.delete(this.negative.keys().next().value!);
    this.negative.set(k, this.o.now() + this.o.negativeTtlMs);
  }

  private async request(key: LookupKey): Promise<KubeObject | undefined> {
    if (key.kind === 'name') {
      const path = `/api/v1/namespaces/${encodeURIComponent(key.namespace)}/pods/${encodeURIComponent(key.name)}`;
      try {
        return await this.o.client.get<KubeObject>(path);
      } catch (err) {
        if (err instanceof KubeApiError && err.code === 404) return undefined;
        throw err;
      }
    }
    if (key.kind !== 'ip') return undefined;
    const res = await this.o.client.list<KubeObject>('/api/v1/pods', {
      fieldSelector: `status.podIP=${normalizeIp(key.ip)}`,
      limit: 10,
    });
    // Several pods can have held the IP (finished ones keep it in their status): the live one wins.
    const pods = res.items.map(podInfo);
    return res.items[pods.findIndex((p) => p.live)] ?? res.items[0];
  }

  /** A pod from a lazy GET: into the table when the informer would hold it, else the foreign cache. */
  private adopt(p: PodInfo): PodInfo {
    const f = this.o.filter;
    const ours = (!f.node || p.nodeName === f.node) && (!f.namespace || p.namespace === f.namespace);
    if (ours && !f.fieldSelector && !f.labelSelector) {
      // The informer will deliver it too; an update then replaces it in place.
      if (!this.byUidMap.has(p.uid)) this.put(p);
      return this.byUidMap.get(p.uid) ?? p;
    }
    const until = this.o.now() + this.o.foreignTtlMs;
    const keys = [`uid:${p.uid}`, `name:${nameKey(p.namespace, p.name)}`, ...p.ips.map((ip) => `ip:${ip}`)];
    for (const k of keys) {
      this.foreign.delete(k);
      this.foreign.set(k, { pod: p, until });
    }
    while (this.foreign.size > this.o.maxForeign) this.foreign.delete(this.foreign.keys().next().value!);
    return p;
  }

  private foreignGet(k: string): PodInfo | undefined {
    if (this.foreign.size === 0) return undefined;
    const e = this.foreign.get(k);
    if (!e) return undefined;
    if (e.until <= this.o.now()) {
      this.foreign.delete(k);
      return undefined;
    }
    return e.pod;
  }

  private put(p: PodInfo): void {
    if (!p.uid) return;
    const old = this.byUidMap.get(p.uid);
    if (old) {
      this.unindex(old);
      this.stats.updated++;
    } else this.stats.added++;
    this.byUidMap.set(p.uid, p);
    this.deleted.delete(p.uid);
    this.index(p);
    this.generation++;
  }

  private markDeleted(p: PodInfo): void {
    if (!p.uid) return;
    const held = this.byUidMap.get(p.uid);
    if (held) {
      // Deleted: from now on any other pod may take its IP.
      const dead: PodInfo = { ...held, live: false };
      this.unindex(held);
      this.byUidMap.set(p.uid, dead);
      this.index(dead);
    }
    this.deleted.delete(p.uid);
    this.deleted.set(p.uid, this.o.now());
    this.stats.deleted++;
    this.generation++;
  }

  private index(p: PodInfo): void {
    for (const ip of p.ips) {
      const holder = this.byIpMap.get(ip);
      // A pod that is going away never takes an IP from a live one.
      if (holder && holder.uid !== p.uid && holder.live && !p.live) continue;
      this.byIpMap.set(ip, p);
    }
    const nk = nameKey(p.namespace, p.name);
    const named = this.byNameMap.get(nk);
    if (!named || named.uid === p.uid || !named.live || p.live) this.byNameMap.set(nk, p);
    for (const c of p.containers) for (const i of c.instances) this.byContainerMap.set(i.id, p);
  }

  /** Removes the index entries that point to this pod (and only those). */
  private unindex(p: PodInfo): void {
    for (const ip of p.ips) if (this.byIpMap.get(ip)?.uid === p.uid) this.byIpMap.delete(ip);
    const nk = nameKey(p.namespace, p.name);
    if (this.byNameMap.get(nk)?.uid === p.uid) this.byNameMap.delete(nk);
    for (const c of p.containers)
      for (const i of c.instances)
        if (this.byContainerMap.get(i.id)?.uid === p.uid) this.byContainerMap.delete(i.id);
  }

  private prune(): void {
    if (this.deleted.size === 0) return;
    const cutoff = this.o.now() - this.o.keepDeletedMs;
    for (const [uid, at] of this.deleted) {
      if (at > cutoff) break;
      this.deleted.delete(uid);
      const p = this.byUidMap.get(uid);
      if (p) this.unindex(p);
      this.byUidMap.delete(uid);
      this.generation++;
    }
  }
}

function keyString(key: LookupKey): string {
  switch (key.kind) {
    case 'uid':
      return `uid:${key.uid}`;
    case 'ip':
      return `ip:${normalizeIp(key.ip)}`;
    case 'name':
      return `name:${nameKey(key.namespace, key.name)}`;
    case 'container':
      return `container:${stripRuntimePrefix(key.id)}`;
  }
}

// One table per client and filter for the whole process: the Collector builds one informer per
// processor instance — per pipeline — which triples the API server's watches and the memory.
const shared = new WeakMap<KubeClient, Map<string, { table: PodTable; users: number }>>();

export interface PodTableLease {
  readonly table: PodTable;
  /** Stops the table when the last user releases it. */
  release(): Promise<void>;
}

export function acquirePodTable(opts: PodTableOptions): PodTableLease {
  let byFilter = shared.get(opts.client);
  if (!byFilter) {
    byFilter = new Map();
    shared.set(opts.client, byFilter);
  }
  const key = JSON.stringify(opts.filter ?? {});
  let entry = byFilter.get(key);
  if (!entry) {
    entry = { table: new PodTable(opts), users: 0 };
    byFilter.set(key, entry);
    entry.table.start();
  }
  entry.users++;
  // Every user gets at least the grace period it asked for.
  if (opts.keepDeletedMs !== undefined) entry.table.keepDeletedAtLeast(opts.keepDeletedMs);
  const e = entry;
  const map = byFilter;
  let released = false;
  return {
    table: e.table,
    async release() {
      if (released) return;
      released = true;
      if (--e.users > 0) return;
      map.delete(key);
      await e.table.stop();
    },
  };
}
