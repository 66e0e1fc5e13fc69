// The kubelet's pod list, fetched at most every `refreshMs` and shared by every collection.
//
// Contracts:
// - Nothing here rejects: a failed fetch keeps the last good index (or the empty one) and reports
//   the error through onError; collections then label what they can (cgroup ids only). A failure
//   waits a full period before the next try, so an unreachable kubelet is not asked every scrape.
// - One fetch at a time; callers during a fetch share it.
// - A collection never waits long for the kubelet: get() returns the index it has and refreshes in
//   the background — except before the first answer, which it waits for up to `waitMs`.
// - fresh() is for a collection that met containers the index does not know (a pod just started):
//   it re-reads the list (at most once per `minRefreshMs`) and waits up to `waitMs` for it.
import { EMPTY_POD_INDEX, indexPods, type PodIndex } from './pods.ts';

export interface PodCacheOptions {
  /** GET /pods; undefined: no kubelet (the index stays empty). */
  fetch: (() => Promise<unknown>) | undefined;
  refreshMs: number;
  minRefreshMs: number;
  onError: (err: unknown) => void;
  /** Called after the first successful fetch and after a failure streak ends. */
  onRecovered?: () => void;
  now?: () => number;
}

export class PodCache {
  private readonly opts: PodCacheOptions;
  private index: PodIndex = EMPTY_POD_INDEX;
  private fetchedAt = -Infinity;
  private inflight: Promise<PodIndex> | undefined;
  private failing = true;
  private everFetched = false;

  constructor(opts: PodCacheOptions) {
    this.opts = opts;
  }

  /** True once a fetch succeeded. */
  get ready(): boolean {
    return this.everFetched;
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  /** The index, refreshed in the background when due; before the first answer, waits up to waitMs. */
  async get(waitMs: number): Promise<PodIndex> {
    if (!this.opts.fetch) return this.index;
    if (this.now() - this.fetchedAt >= this.opts.refreshMs) this.start();
    if (this.everFetched || !this.inflight) return this.index;
    return this.wait(waitMs);
  }

  /**
   * A re-read for containers the index lacks: at most once per minRefreshMs, waited for up to
   * waitMs. Not while the kubelet is failing (get() retries once per period).
   */
  async fresh(waitMs: number): Promise<PodIndex> {
    if (!this.opts.fetch || this.failing) return this.index;
    if (this.now() - this.fetchedAt >= this.opts.minRefreshMs) this.start();
    return this.inflight ? this.wait(waitMs) : this.index;
  }

  private start(): void {
    this.inflight ??= this.refresh().finally(() => (this.inflight = undefined));
  }

  private async wait(waitMs: number): Promise<PodIndex> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<PodIndex>((resolve) => {
      timer = setTimeout(() => resolve(this.index), waitMs);
      timer.unref();
    });
    try {
      return await Promise.race([this.inflight ?? Promise.resolve(this.index), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async refresh(): Promise<PodIndex> {
    this.fetchedAt = this.now();
    try {
      const list = await this.opts.fetch!();
      this.index = indexPods(list);
      this.everFetched = true;
      if (this.failing) {
        this.failing = false;
        this.opts.onRecovered?.();
      }
    } catch (err) {
      this.failing = true;
      this.opts.onError(err);
    }
    return this.index;
  }
}
