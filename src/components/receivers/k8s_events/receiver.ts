// The `k8s_events` receiver: events.k8s.io/v1 Events as OTLP log records (mapping.ts), from a
// watch that resumes exactly where the pipeline last acknowledged.
//
// One run ("session") — the whole process life, or one leadership term under k8s_leader_elector:
//   start     load the checkpoint (checkpoint.ts). With none, read the server's current
//             resourceVersion (a one-item list) and persist it at once: only events that happen
//             after the first start are emitted (the Collector skips older ones too), and a restart
//             before the first event still knows where it started.
//   watch     from the checkpoint's resourceVersion with bookmarks. ADDED and MODIFIED events
//             (a repeat bumps the count) that pass the filter are queued; filtered ones,
//             deletions and bookmarks only advance the position. At `queue_size` queued events
//             the watch is cut and resumes from the last queued event once half has drained —
//             the buffer is bounded and nothing is dropped.
//   send      at most one batch (≤ max_batch_size events) is in the pipeline at a time; when
//             consume() resolves, the position after the batch is persisted before the next
//             batch goes. A crash (SIGKILL) therefore repeats at most the one batch that was
//             acknowledged but not yet checkpointed; a graceful stop finishes the batch in flight,
//             checkpoints it and repeats nothing. Position-only progress (bookmarks, filtered
//             events) is persisted at most every CHECKPOINT_IDLE_MS.
//   410       the resourceVersion is older than the server's history (we were stopped too long):
//             relist, emit the events newer than the position — by resourceVersion when both are
//             integers (etcd revisions), else by event time — then watch from the list. Logged as
//             a warning and counted; a crash during such a relist may repeat its events (a relist
//             retried after a failure does not: what it queued is remembered until it completes).
//             Pages are at most queue_size events and each waits for room, so the queue holds
//             at most 1.5 × queue_size events.
//   retry     a refused batch (memory pressure, full queue) is retried with backoff, never
//             dropped; a PermanentError batch is dropped and counted.
import { join } from 'node:path';
import { isGone, isTooLargeResourceVersion, KubeApiError } from '../../../k8s/client.ts';
import type { KubeClient, WatchEvent } from '../../../k8s/client.ts';
import { NotLeaderError } from '../../../k8s/leader-election.ts';
import type { KeyValue } from '../../../model/common.ts';
import type { LogRecord, LogsData, ResourceLogs } from '../../../model/logs.ts';
import { PermanentError } from '../../../pipeline/errors.ts';
import { leaderElectionOf } from '../../../pipeline/component.ts';
import type {
  Consumer,
  CreateSettings,
  Host,
  KubernetesAccess,
  Lifecycle,
} from '../../../pipeline/component.ts';
import { VERSION } from '../../../version.ts';
import {
  checkpointAnnotation,
  FileCheckpoints,
  LeaseCheckpoints,
  type Checkpoint,
  type CheckpointStore,
} from './checkpoint.ts';
import { eventFilter, type K8sEventsConfig } from './config.ts';
import {
  compareResourceVersions,
  eventTimestamp,
  resourceAttributes,
  toLogRecord,
  type EventV1,
} from './mapping.ts';
import { abortableSleep as sleep } from '../../../util/abortable-sleep.ts';

/** Position-only progress is persisted at most this often. */
export const CHECKPOINT_IDLE_MS = 5000;
const LIST_PAGE = 500;

export interface ReceiverOptions {
  /** Watch backoff (ms): initial, max. */
  backoff?: { initialMs: number; maxMs: number };
  /** Server-side watch timeout (s); default random in [300, 600). */
  watchTimeoutSeconds?: number;
}

/** One queued entry: an event to emit and/or the position reached with it. */
interface Entry {
  ev?: EventV1;
  /** Everything up to this resourceVersion has been received (absent on relisted events). */
  rv?: string;
  /** The event's time (ns), for the checkpoint. */
  time?: bigint;
}

export class K8sEventsReceiver implements Lifecycle {
  private readonly settings: CreateSettings;
  private readonly config: K8sEventsConfig;
  private readonly next: Consumer<'logs'> | undefined;
  private readonly opts: ReceiverOptions;
  private kube: KubernetesAccess | undefined;
  private store: CheckpointStore | undefined;
  private session: Session | undefined;
  /** Starts and stops of sessions, in order. */
  private transitions: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | undefined;
  private stopped = false;
  readonly counts = { received: 0, emitted: 0, filtered: 0, relists: 0, dropped: 0, pauses: 0 };

  constructor(
    settings: CreateSettings,
    config: K8sEventsConfig,
    next: Consumer<'logs'> | undefined,
    opts: ReceiverOptions = {},
  ) {
    this.settings = settings;
    this.config = config;
    this.next = next;
    this.opts = opts;
  }

  async start(host: Host): Promise<void> {
    const log = this.settings.logger;
    const kube = await host.kubernetes?.();
    if (!kube) {
      log.warn('k8s_events: no Kubernetes API to watch; no events are collected');
      return;
    }
    this.kube = kube;
    const t = this.settings.telemetry;
    const c = this.counts;
    t.observeCounter(
      'k8s_events_received',
      'Events (added or updated) read from the watch.',
      () => c.received,
    );
    t.observeCounter(
      'k8s_events_emitted',
      'Events the pipeline acknowledged as log records.',
      () => c.emitted,
    );
    t.observeCounter(
      'k8s_events_filtered',
      'Events left out by the namespace, reason and type filters.',
      () => c.filtered,
    );
    t.observeCounter(
      'k8s_events_relists',
      'Relists after the resume point expired (410 Gone).',
      () => c.relists,
    );
    t.observeCounter('k8s_events_dropped', 'Events the pipeline refused permanently.', () => c.dropped);
    t.observeCounter(
      'k8s_events_watch_pauses',
      'Times the watch paused because the queue was full.',
      () => c.pauses,
    );
    t.observe('k8s_events_queued', 'Events waiting for the pipeline.', () => this.session?.queued ?? 0);
    const electorId = this.config.k8s_leader_elector;
    if (electorId) {
      const election = leaderElectionOf(host, electorId, this.settings.id);
      this.store = new LeaseCheckpoints(election, checkpointAnnotation(this.settings.id));
      this.unsubscribe = election.subscribe({
        onStartedLeading: () => this.begin(),
        onStoppedLeading: () => this.end(),
      });
      log.info({ extension: electorId }, 'k8s_events: runs while this process is the leader');
    } else {
      const dir = join(
        this.settings.dataDir,
        'k8s_events',
        this.settings.id.key.replace(/[^A-Za-z0-9._-]/g, '_'),
      );
      this.store = new FileCheckpoints(dir, kube.connection.server);
      void this.begin();
    }
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    await this.end();
  }

  /** Starts a session (after any previous one has ended). */
  private begin(): Promise<void> {
    this.transitions = this.transitions.then(() => {
      if (this.stopped || (this.session && !this.session.ended) || !this.kube || !this.store) return;
      this.session = new Session(this, this.kube, this.store);
      this.session.start();
    });
    return this.transitions;
  }

  /** Ends the session: the batch in flight completes and is checkpointed; the queue is let go. */
  private end(): Promise<void> {
    this.transitions = this.transitions.then(async () => {
      const s = this.session;
      this.session = undefined;
      await s?.stop();
    });
    return this.transitions;
  }

  // Shared with Session.
  get cfg(): K8sEventsConfig {
    return this.config;
  }
  get sink(): Consumer<'logs'> | undefined {
    return this.next;
  }
  get set(): CreateSettings {
    return this.settings;
  }
  get options(): ReceiverOptions {
    return this.opts;
  }
}

class Session {
  private readonly r: K8sEventsReceiver;
  private readonly client: KubeClient;
  private readonly clusterName: string | undefined;
  private readonly store: CheckpointStore;
  private readonly abort = new AbortController();
  private readonly path: string;
  private readonly keep: (e: { namespace: string; reason: string; type: string }) => boolean;
  private queue: Entry[] = [];
  private head = 0;
  /** Events (not position-only entries) in the queue. */
  queued = 0;
  /** Resume point of the next watch: the last position received and queued. */
  private watchRv = '';
  /** Events queued by a relist that has not completed yet (uid@resourceVersion). */
  private readonly relisted = new Set<string>();
  /** Newest event time received (for relists with incomparable resourceVersions). */
  private watchTime = 0n;
  /** Persisted position. */
  private saved: Checkpoint | undefined;
  /** Acknowledged position not yet persisted (position-only progress). */
  private pending: Checkpoint | undefined;
  private lastSave = 0;
  private watchCut: AbortController | undefined;
  private paused = false;
  private wakeSender: (() => void) | undefined;
  private wakeWatcher: (() => void) | undefined;
  private loops: Promise<unknown> | undefined;

  constructor(r: K8sEventsReceiver, kube: KubernetesAccess, store: CheckpointStore) {
    this.r = r;
    this.client = kube.client;
    this.clusterName = kube.clusterName;
    this.store = store;
    const ns = r.cfg.namespaces;
    this.path =
      ns.length === 1
        ? `/apis/events.k8s.io/v1/namespaces/${encodeURIComponent(ns[0]!)}/events`
        : '/apis/events.k8s.io/v1/events';
    this.keep = eventFilter(r.cfg);
  }

  private get log() {
    return this.r.set.logger;
  }

  start(): void {
    this.loops = this.run().catch((err: unknown) => {
      if (!this.abort.signal.aborted)
        this.log.error({ err: (err as Error)?.message ?? String(err) }, 'k8s_events stopped');
    });
  }

  /** True once the run has ended (stopped, or deposed). */
  get ended(): boolean {
    return this.abort.signal.aborted;
  }

  async stop(): Promise<void> {
    this.end();
    await this.loops;
  }

  private end(): void {
    if (this.abort.signal.aborted) return;
    this.abort.abort(new Error('k8s_events stopped'));
    this.watchCut?.abort(this.abort.signal.reason);
    this.wakeSender?.();
    this.wakeWatcher?.();
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    let cp: Checkpoint | undefined;
    // The starting point, retried until the API server answers (or we are stopped).
    for (let failures = 0; !signal.aborted; failures++) {
      try {
        cp = await this.store.load();
        if (cp) {
          this.log.info(
            { resourceVersion: cp.resourceVersion, from: this.store.where },
            'k8s_events: resuming',
          );
        } else {
          const problem = (this.store as { problem?: string }).problem;
          if (problem) this.log.warn({ problem }, 'k8s_events: checkpoint not usable');
          if (this.r.cfg.start_at === 'beginning') {
            // Before every event: the watch from resourceVersion 1 replays what the server's
            // history holds, or — answered 410, as a real API server does — the relist emits
            // every event newer than time 0, i.e. all it still keeps.
            cp = { resourceVersion: '1', timeUnixNano: 0n };
            await this.store.save(cp);
            this.log.info('k8s_events: first start; emitting the events the API server holds, then new ones');
          } else {
            const list = await this.client.list(this.path, { limit: 1 }, signal);
            const rv = list.metadata.resourceVersion;
            if (!rv) throw new Error(`list ${this.path}: response has no resourceVersion`);
            cp = { resourceVersion: rv, timeUnixNano: BigInt(Date.now()) * 1_000_000n };
            await this.store.save(cp);
            this.log.info({ resourceVersion: rv }, 'k8s_events: first start; emitting events from now on');
          }
        }
        break;
      } catch (err) {
        if (signal.aborted) return;
        if (err instanceof NotLeaderError) return; // deposed before we began; the elector says so
        this.log.warn(
          { err: (err as Error)?.message ?? String(err) },
          'k8s_events: cannot start yet; retrying',
        );
        await sleep(this.backoff(failures + 1), signal);
      }
    }
    if (!cp || signal.aborted) return;
    this.saved = cp;
    this.watchRv = cp.resourceVersion;
    this.watchTime = cp.timeUnixNano;
    this.lastSave = Date.now();
    // A sender that must end (deposed: its checkpoint was refused) ends the watch too.
    await Promise.all([this.watchLoop(signal), this.sendLoop(signal).finally(() => this.end())]);
  }

  // ---- watching ------------------------------------------------------------------------------

  private async watchLoop(signal: AbortSignal): Promise<void> {
    let failures = 0;
    let retryAfterMs = 0;
    while (!signal.aborted) {
      if (failures > 0) await sleep(Math.max(this.backoff(failures), retryAfterMs), signal);
      retryAfterMs = 0;
      await this.space(signal);
      if (signal.aborted) return;
      const cut = new AbortController();
      this.watchCut = cut;
      this.paused = false;
      const started = Date.now();
      let events = 0;
      try {
        await this.client.watch<EventV1>(
          this.path,
          {
            resourceVersion: this.watchRv,
            allowWatchBookmarks: true,
            timeoutSeconds: this.r.options.watchTimeoutSeconds ?? 300 + Math.floor(Math.random() * 300),
          },
          (ev) => {
            events++;
            this.onWatchEvent(ev);
          },
          AbortSignal.any([signal, cut.signal]),
        );
        const healthy = events > 0 || Date.now() - started >= 10_000;
        failures = healthy ? 0 : failures + 1;
      } catch (err) {
        if (signal.aborted) return;
        if (this.paused) {
          failures = 0;
          continue; // cut by us: the queue is full (space() waits)
        }
        const healthy = events > 0 || Date.now() - started >= 10_000;
        failures = healthy ? 0 : failures + 1;
        if (isGone(err) || isTooLargeResourceVersion(err)) {
          try {
            await this.relist(signal, err);
            failures = 0;
          } catch (e) {
            if (signal.aborted) return;
            this.log.warn({ err: (e as Error)?.message ?? String(e) }, 'k8s_events: relist failed; retrying');
            failures = Math.max(failures, 1);
          }
          continue;
        }
        this.log.warn({ err: (err as Error)?.message ?? String(err) }, 'k8s_events: watch failed; resuming');
        if (err instanceof KubeApiError && err.retryAfterSeconds) {
          retryAfterMs = Math.min(err.retryAfterSeconds, 300) * 1000;
          failures = Math.max(failures, 1);
        }
      } finally {
        this.watchCut = undefined;
      }
    }
  }

  private onWatchEvent(ev: WatchEvent<EventV1>): void {
    if (this.paused) return; // the rest of a chunk after the cut: the next watch replays it
    const obj = ev.object;
    const rv = obj?.metadata?.resourceVersion;
    if (typeof rv !== 'string' || rv === '') return;
    const c = this.r.counts;
    if (ev.type === 'ADDED' || ev.type === 'MODIFIED') {
      c.received++;
      if (this.wanted(obj)) {
        const time = eventTimestamp(obj);
        if (time > this.watchTime) this.watchTime = time;
        this.push({ ev: obj, rv, time });
      } else {
        c.filtered++;
        this.push({ rv });
      }
    } else {
      this.push({ rv }); // BOOKMARK, DELETED (expired events): position only
    }
    this.watchRv = rv;
    if (this.queued >= this.r.cfg.queue_size) {
      this.paused = true;
      c.pauses++;
      this.watchCut?.abort(new Error('k8s_events: queue full'));
    }
  }

  private wanted(e: EventV1): boolean {
    return this.keep({
      namespace: e.metadata?.namespace ?? '',
      reason: typeof e.reason === 'string' ? e.reason : '',
      type: typeof e.type === 'string' ? e.type : '',
    });
  }

  /** After 410: the events newer than where we are, then a watch from the list's resourceVersion. */
  private async relist(signal: AbortSignal, cause: unknown): Promise<void> {
    this.r.counts.relists++;
    const fromRv = this.watchRv;
    const fromTime = this.watchTime;
    this.log.warn(
      { resourceVersion: fromRv, reason: (cause as Error)?.message ?? String(cause) },
      'k8s_events: the resume point is no longer in the API server’s history (410); relisting and emitting the events newer than it',
    );
    let cont: string | undefined;
    let listRv: string | undefined;
    let newest = fromTime;
    for (;;) {
      await this.space(signal);
      if (signal.aborted) return;
      const limit = Math.min(LIST_PAGE, this.r.cfg.queue_size);
      const page = await this.client.list<EventV1>(this.path, { limit, continue: cont }, signal);
      const fresh: Entry[] = [];
      for (const e of page.items) {
        if (!e?.metadata) continue;
        const rv = e.metadata.resourceVersion;
        // Queued by an earlier attempt of this relist (which failed before the end): not again.
        const key = `${e.metadata.uid ?? e.metadata.name}@${rv}`;
        if (this.relisted.has(key)) continue;
        const time = eventTimestamp(e);
        const byRv = compareResourceVersions(rv, fromRv);
        if (byRv !== undefined ? byRv <= 0 : time <= fromTime) continue;
        this.r.counts.received++;
        if (!this.wanted(e)) {
          this.r.counts.filtered++;
          continue;
        }
        if (time > newest) newest = time;
        this.relisted.add(key);
        fresh.push({ ev: e, time });
      }
      fresh.sort(
        (a, b) =>
          compareResourceVersions(a.ev!.metadata.resourceVersion, b.ev!.metadata.resourceVersion) ?? 0,
      );
      for (const f of fresh) this.push(f);
      listRv = page.metadata.resourceVersion ?? listRv;
      cont = page.metadata.continue || undefined;
      if (!cont) break;
    }
    if (!listRv) throw new Error(`list ${this.path}: response has no resourceVersion`);
    this.relisted.clear();
    this.push({ rv: listRv });
    this.watchRv = listRv;
    this.watchTime = newest;
  }

  // ---- the queue -------------------------------------------------------------------------------

  private push(e: Entry): void {
    const tail = this.queue.length > this.head ? this.queue[this.queue.length - 1]! : undefined;
    if (!e.ev && tail && !tail.ev) {
      tail.rv = e.rv; // consecutive positions: keep the newest
    } else {
      this.queue.push(e);
      if (e.ev) this.queued++;
    }
    this.wakeSender?.();
  }

  /** Removes and returns up to `max` events from the head (with the position entries between them). */
  private take(max: number): Entry[] {
    const out: Entry[] = [];
    let n = 0;
    while (this.head < this.queue.length) {
      const e = this.queue[this.head]!;
      if (e.ev && n === max) break;
      out.push(e);
      this.head++;
      if (e.ev) n++;
    }
    this.queued -= n;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    if (this.queued * 2 <= this.r.cfg.queue_size) this.wakeWatcher?.();
    return out;
  }

  /** Resolves when the watch may read on (the queue is at most half full) or when stopped. */
  private space(signal: AbortSignal): Promise<void> {
    if (this.queued * 2 <= this.r.cfg.queue_size || signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.wakeWatcher = () => {
        this.wakeWatcher = undefined;
        resolve();
      };
    });
  }

  // ---- sending ---------------------------------------------------------------------------------

  private async sendLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      if (this.head >= this.queue.length) {
        // Idle: persist position-only progress when it is due, else wait for entries.
        if (this.pending && Date.now() - this.lastSave >= CHECKPOINT_IDLE_MS) {
          if (!(await this.persist(this.pending, signal))) return;
          continue;
        }
        const wait = this.pending ? Math.max(1, CHECKPOINT_IDLE_MS - (Date.now() - this.lastSave)) : 60_000;
        await new Promise<void>((resolve) => {
          const t = setTimeout(done, wait);
          function done(): void {
            clearTimeout(t);
            resolve();
          }
          this.wakeSender = () => {
            this.wakeSender = undefined;
            done();
          };
        });
        continue;
      }
      const batch = this.take(this.r.cfg.max_batch_size);
      const events = batch.filter((e) => e.ev);
      let cp = this.pending ?? this.saved!;
      for (const e of batch) {
        if (e.rv !== undefined) cp = { ...cp, resourceVersion: e.rv };
        if (e.time !== undefined && e.time > cp.timeUnixNano) cp = { ...cp, timeUnixNano: e.time };
      }
      if (events.length === 0) {
        this.pending = cp;
        continue;
      }
      // The batch in flight completes even when stop() comes meanwhile (the signal is not passed).
      if (
        !(await this.deliver(
          events.map((e) => e.ev!),
          signal,
        ))
      )
        return;
      this.pending = undefined;
      if (!(await this.persist(cp, signal))) return;
    }
    // Stopping: what was acknowledged but not yet persisted (position-only progress) is saved.
    if (this.pending) await this.persist(this.pending, undefined);
  }

  /** Hands the events to the pipeline until it accepts them; false when stopped before that. */
  private async deliver(events: EventV1[], signal: AbortSignal): Promise<boolean> {
    const next = this.r.sink;
    const t = this.r.set.telemetry;
    const c = this.r.counts;
    if (!next) {
      c.emitted += events.length;
      return true;
    }
    for (let attempt = 1; ; attempt++) {
      const data = this.logsData(events);
      try {
        await next.consume(data, {});
        t.accepted('logs', events.length, 'api');
        c.emitted += events.length;
        return true;
      } catch (err) {
        const reason = (err as Error)?.name ?? 'error';
        t.refused('logs', events.length, 'api', reason);
        if (err instanceof PermanentError) {
          c.dropped += events.length;
          this.log.warn(
            { err: err.message, events: events.length },
            'k8s_events: the pipeline can never accept these records; dropped',
          );
          return true;
        }
        if (signal.aborted) return false; // not acknowledged: the next run sends them again
        const hint = (err as { retryAfterMs?: number }).retryAfterMs ?? 0;
        if (attempt === 1 || attempt % 10 === 0)
          this.log.warn(
            { err: (err as Error)?.message ?? String(err), attempt },
            'k8s_events: pipeline refused a batch; retrying',
          );
        await sleep(Math.max(hint, this.backoff(attempt)), signal);
        if (signal.aborted) return false;
      }
    }
  }

  /** Persists a position; retried until it works. False when this run must end (deposed, stopped). */
  private async persist(cp: Checkpoint, signal: AbortSignal | undefined): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.store.save(cp);
        this.saved = cp;
        if (this.pending === cp) this.pending = undefined;
        this.lastSave = Date.now();
        return true;
      } catch (err) {
        if (err instanceof NotLeaderError) {
          this.log.warn(
            { err: err.message },
            'k8s_events: checkpoint refused (no longer the leader); stopping',
          );
          return false;
        }
        if (!signal || signal.aborted) {
          this.log.warn(
            { err: (err as Error)?.message ?? String(err) },
            'k8s_events: last checkpoint not saved',
          );
          return false;
        }
        if (attempt === 1 || attempt % 10 === 0)
          this.log.warn(
            { err: (err as Error)?.message ?? String(err), where: this.store.where },
            'k8s_events: cannot save the checkpoint; retrying',
          );
        await sleep(this.backoff(attempt), signal);
        if (signal.aborted) {
          // Stopping: one last try so a graceful stop repeats nothing.
          signal = undefined;
        }
      }
    }
  }

  private logsData(events: EventV1[]): LogsData {
    const observed = BigInt(Date.now()) * 1_000_000n;
    const byResource = new Map<string, { attrs: KeyValue[]; records: LogRecord[] }>();
    for (const e of events) {
      const attrs = resourceAttributes(e, this.clusterName);
      const key = JSON.stringify(attrs);
      let g = byResource.get(key);
      if (!g) byResource.set(key, (g = { attrs, records: [] }));
      g.records.push(toLogRecord(e, observed));
    }
    const resourceLogs: ResourceLogs[] = [];
    for (const g of byResource.values()) {
      resourceLogs.push({
        resource: { attributes: g.attrs, droppedAttributesCount: 0 },
        scopeLogs: [
          {
            scope: {
              name: 'watchingcat/k8s_events',
              version: VERSION,
              attributes: [],
              droppedAttributesCount: 0,
            },
            logRecords: g.records,
            schemaUrl: '',
          },
        ],
        schemaUrl: '',
      });
    }
    return { resourceLogs };
  }

  private backoff(failures: number): number {
    const b = this.r.options.backoff ?? { initialMs: 800, maxMs: 30_000 };
    const base = Math.min(b.maxMs, b.initialMs * 2 ** Math.min(failures - 1, 30));
    return base * (0.8 + 0.4 * Math.random());
  }
}
