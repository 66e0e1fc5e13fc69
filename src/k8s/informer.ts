// An informer: keeps a local, lean copy of one resource type (optionally filtered by selectors)
// and tells handlers about changes. Semantics follow client-go's reflector:
//
//   list   paginated (limit/continue, `pageSize` per page), without resourceVersion: a consistent
//          snapshot (a quorum read; resourceVersion=0 would come from the watch cache but in one
//          unpaginated response, which at 10,000+ pods is the memory spike we avoid). A 410 on a continue token (the snapshot expired while
//          we paged) restarts the list from the first page. The first complete list resolves
//          `synced`; later lists are relists and deliver a diff (see store.ts): adds for new
//          objects, updates for changed ones, one delete for each object that vanished.
//   watch  from the list's resourceVersion with allowWatchBookmarks and a server-side
//          timeoutSeconds (random 5–10 min, as client-go, so informers don't restart in step).
//          Every event — bookmarks included — advances `lastResourceVersion`; when the watch
//          ends (server timeout, dropped connection, network error) the next one resumes from
//          there, so nothing is missed or replayed.
//   410    (HTTP 410 or an ERROR event with code 410): the resourceVersion is older than the
//          server's history, events were lost: relist. Likewise "too large resource version"
//          (504; the server is behind us, e.g. restored from a backup): relist, as client-go does.
//   backoff between failed attempts: `initialMs` (0.8 s) doubling to `maxMs` (30 s), ±`jitter`
//          (20 %). An attempt counts as healthy — and resets the backoff — when its watch delivered
//          an event or stayed open `healthyAfterMs`; after a healthy watch the next attempt starts
//          at once. A clean server-side end of an idle, short watch is treated as a failure so a
//          server that closes at once cannot make us spin. A Retry-After (429/503) is honoured
//          as a lower bound for the next delay.
//
// One informer runs one loop; handlers run synchronously on it (keep them short: at 10,000 pods
// a relist calls them 10,000 times). `stop()` aborts the request in flight and resolves when the
// loop has exited; `synced` rejects if stop() comes first.
import type { KubeObject } from './types.ts';
import type { SelfMetrics } from '../telemetry/self-metrics.ts';
import { isGone, isTooLargeResourceVersion, KubeApiError, KubeProtocolError } from './client.ts';
import type { KubeClient, WatchEvent } from './client.ts';
import { InformerMetrics } from './metrics.ts';
import type { RestartReason } from './metrics.ts';
import { InformerStore } from './store.ts';
import type { ReadableStore } from './store.ts';
import { abortableSleep as sleep } from '../util/abortable-sleep.ts';

export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  /** Fraction: the delay is multiplied by a random factor in [1 - jitter, 1 + jitter]. */
  jitter?: number;
  healthyAfterMs?: number;
}

export interface InformerOptions<T> {
  client: KubeClient;
  /** Collection path: /api/v1/pods, /apis/apps/v1/namespaces/x/deployments, ... */
  path: string;
  /** Resource label for metrics and error messages, e.g. "pods". */
  name: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Objects per list page. Default 500. */
  pageSize?: number;
  /** Keeps a lean form of each object; the raw object is dropped afterwards. Default: identity. */
  transform?: (obj: KubeObject) => T;
  onAdd?(obj: T): void;
  onUpdate?(oldObj: T, newObj: T): void;
  onDelete?(obj: T): void;
  /** Failures of list/watch attempts and of handlers; the informer keeps going. For logging. */
  onError?(err: unknown, where: string): void;
  metrics?: SelfMetrics;
  /** Server-side watch timeout per watch request. Default: random in [300, 600) s. */
  watchTimeoutSeconds?: number | (() => number);
  backoff?: BackoffOptions;
}

export interface Informer<T> {
  start(): void;
  stop(): Promise<void>;
  hasSynced(): boolean;
  readonly synced: Promise<void>;
  readonly store: ReadableStore<T>;
  /** The resourceVersion the next watch resumes from (undefined before the first list). */
  readonly lastResourceVersion: string | undefined;
}

export function createInformer<T = KubeObject>(opts: InformerOptions<T>): Informer<T> {
  return new Reflector<T>(opts);
}

/** Restarting a list on expired continue tokens more often than this in a row is a failure. */
const MAX_CONTINUE_RESTARTS = 3;

class Reflector<T> implements Informer<T> {
  readonly synced: Promise<void>;
  private readonly opts: InformerOptions<T>;
  private readonly items: InformerStore<T>;
  private readonly metrics: InformerMetrics;
  private readonly backoff: Required<BackoffOptions>;
  private resolveSynced!: () => void;
  private rejectSynced!: (err: Error) => void;
  private isSynced = false;
  private rv: string | undefined;
  private abort: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private stopped = false;

  constructor(opts: InformerOptions<T>) {
    this.opts = opts;
    this.metrics = new InformerMetrics(opts.metrics, opts.name);
    this.items = new InformerStore<T>(opts.transform, {
      onAdd: opts.onAdd,
      onUpdate: opts.onUpdate,
      onDelete: opts.onDelete,
      onError: (err, where) => this.report(err, where),
    });
    this.items.onSizeChange = (n) => this.metrics.size(n);
    this.backoff = {
      initialMs: opts.backoff?.initialMs ?? 800,
      maxMs: opts.backoff?.maxMs ?? 30_000,
      jitter: opts.backoff?.jitter ?? 0.2,
      healthyAfterMs: opts.backoff?.healthyAfterMs ?? 10_000,
    };
    this.synced = new Promise<void>((resolve, reject) => {
      this.resolveSynced = resolve;
      this.rejectSynced = reject;
    });
    this.synced.catch(() => {}); // a stop before sync must not be an unhandled rejection
  }

  get store(): ReadableStore<T> {
    return this.items;
  }

  get lastResourceVersion(): string | undefined {
    return this.rv;
  }

  hasSynced(): boolean {
    return this.isSynced;
  }

  start(): void {
    if (this.loop || this.stopped) return;
    this.abort = new AbortController();
    this.loop = this.run(this.abort.signal);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort?.abort(new Error(`informer ${this.opts.name} stopped`));
    if (!this.isSynced) this.rejectSynced(new Error(`informer ${this.opts.name} stopped before it synced`));
    await this.loop;
  }

  // -------------------------------------------------------------------------------------------

  private async run(signal: AbortSignal): Promise<void> {
    let failures = 0;
    let needList = true;
    let retryAfterMs = 0; // a 429/503's Retry-After: the next attempt waits at least this long
    while (!signal.aborted) {
      if (failures > 0) {
        await sleep(Math.max(this.delay(failures), retryAfterMs), signal);
        if (signal.aborted) break;
      }
      retryAfterMs = 0;
      if (needList) {
        try {
          await this.listAndReplace(signal);
          needList = false;
        } catch (err) {
          if (signal.aborted) break;
          this.items.abortReplace();
          this.metrics.restart('list_failed');
          this.report(err, 'list');
          retryAfterMs = retryAfter(err);
          failures++;
          continue;
        }
        if (signal.aborted) break;
      }
      const started = Date.now();
      let events = 0;
      try {
        await this.opts.client.watch<KubeObject>(
          this.opts.path,
          {
            resourceVersion: this.rv,
            allowWatchBookmarks: true,
            timeoutSeconds: this.watchTimeout(),
            labelSelector: this.opts.labelSelector,
            fieldSelector: this.opts.fieldSelector,
          },
          (ev) => {
            events++;
            this.handleEvent(ev);
          },
          signal,
        );
        this.metrics.restart('closed');
        const healthy = events > 0 || Date.now() - started >= this.backoff.healthyAfterMs;
        failures = healthy ? 0 : failures + 1;
      } catch (err) {
        if (signal.aborted) break;
        const healthy = events > 0 || Date.now() - started >= this.backoff.healthyAfterMs;
        failures = healthy ? 0 : failures + 1;
        if (isGone(err)) {
          this.metrics.restart('expired');
          needList = true;
        } else if (isTooLargeResourceVersion(err)) {
          this.metrics.restart('too_large_resource_version');
          this.report(err, 'watch');
          needList = true;
        } else {
          this.metrics.restart(classify(err));
          this.report(err, 'watch');
          retryAfterMs = retryAfter(err);
          if (retryAfterMs > 0) failures = Math.max(failures, 1);
        }
      }
    }
  }

  /** Lists all pages and applies them; sets rv; resolves `synced` the first time. */
  private async listAndReplace(signal: AbortSignal): Promise<void> {
    const started = performance.now();
    const limit = this.opts.pageSize ?? 500;
    let cont: string | undefined;
    let continueRestarts = 0;
    let rv: string | undefined;
    this.items.beginReplace();
    for (;;) {
      let page;
      try {
        page = await this.opts.client.list<KubeObject>(
          this.opts.path,
          {
            limit,
            continue: cont,
            labelSelector: this.opts.labelSelector,
            fieldSelector: this.opts.fieldSelector,
          },
          signal,
        );
      } catch (err) {
        if (cont !== undefined && isGone(err) && continueRestarts < MAX_CONTINUE_RESTARTS) {
          // The snapshot behind the continue token is gone: start again from the first page.
          // Objects already applied stay; the new list's diff corrects them.
          continueRestarts++;
          this.metrics.restart('continue_expired');
          cont = undefined;
          this.items.beginReplace();
          continue;
        }
        throw err;
      }
      if (signal.aborted) throw signal.reason;
      for (const obj of page.items) {
        if (typeof obj?.metadata?.name !== 'string' || obj.metadata.name === '') {
          this.report(new KubeProtocolError('list item without metadata.name'), 'list');
          continue; // nothing to key it by
        }
        this.items.upsert(obj);
      }
      rv = page.metadata.resourceVersion;
      cont = page.metadata.continue || undefined;
      if (!cont) break;
    }
    if (!rv) throw new Error(`list ${this.opts.path}: response has no resourceVersion`);
    this.items.finishReplace();
    this.rv = rv;
    this.metrics.listed((performance.now() - started) / 1000);
    if (this.isSynced) {
      this.metrics.relist();
    } else {
      this.isSynced = true;
      this.resolveSynced();
    }
  }

  private handleEvent(ev: WatchEvent<KubeObject>): void {
    const obj = ev.object;
    this.metrics.event(ev.type);
    const meta = obj.metadata;
    if (ev.type !== 'BOOKMARK') {
      if (!meta || typeof meta.name !== 'string' || meta.name === '') {
        // Skipped, not thrown: throwing would resume before this event and meet it again forever.
        this.report(new KubeProtocolError(`${ev.type} event for an object without metadata.name`), 'watch');
      } else if (ev.type === 'DELETED') {
        this.items.remove(obj);
      } else {
        this.items.upsert(obj);
      }
    }
    const rv = meta?.resourceVersion;
    if (typeof rv === 'string' && rv !== '') this.rv = rv;
  }

  private watchTimeout(): number {
    const t = this.opts.watchTimeoutSeconds;
    if (typeof t === 'number') return t;
    if (typeof t === 'function') return t();
    return 300 + Math.floor(Math.random() * 300);
  }

  private delay(failures: number): number {
    const { initialMs, maxMs, jitter } = this.backoff;
    const base = Math.min(maxMs, initialMs * 2 ** Math.min(failures - 1, 30));
    return Math.max(0, base * (1 + jitter * (2 * Math.random() - 1)));
  }

  private report(err: unknown, where: string): void {
    if (!this.opts.onError) return;
    try {
      this.opts.onError(err, `${this.opts.name}: ${where}`);
    } catch {
      // a failing logger must not stop the informer
    }
  }
}

/** Retry-After in ms, capped at 5 min; 0 when the error has none. */
function retryAfter(err: unknown): number {
  const s = err instanceof KubeApiError ? err.retryAfterSeconds : undefined;
  return s !== undefined && s > 0 ? Math.min(s, 300) * 1000 : 0;
}

function classify(err: unknown): RestartReason {
  if (err instanceof KubeApiError) {
    if (err.code === 401) return 'unauthorized';
    if (err.code === 403) return 'forbidden';
    return 'http_error';
  }
  if (err instanceof KubeProtocolError) return 'protocol';
  return 'network';
}
