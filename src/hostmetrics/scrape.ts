// One host-metrics collection: every enabled collector run in parallel, plus node_exporter's own
// per-collector families, ordered the way node_exporter's /metrics orders them.
//
// node_exporter (collector/collector.go) runs each collector in its own goroutine and, whatever
// the outcome, adds
//   node_scrape_collector_duration_seconds{collector}  gauge, how long Update() took
//   node_scrape_collector_success{collector}           gauge, 1 when Update() returned no error
// The families of every collector then go through client_golang's registry, which merges them
// by name, sorts them (gather-order.ts; collectors hand theirs over already in that order, so only
// merged families are re-sorted here) and serves them; a collector that failed keeps what it
// produced before failing there, and here (a throw loses what the collector built) its families
// are simply absent.
//
// Contracts:
// - collect() never rejects: a collector that throws, rejects, returns something that is not an
//   array, or has not settled within `timeoutMs` counts as failed (success 0) and the others are
//   unaffected.
// - At most one call of each collector is in flight: while a previous call is still pending
//   (a hung read), the collector is not called again and counts as failed, so a stuck source
//   cannot pile up calls scrape after scrape.
// - Concurrent collect() calls share one in-flight collection (Prometheus scrapes and the OTLP
//   push never make the host be read twice at once).
// - A failure is reported (onFailure) when a collector starts failing or its error changes, not
//   at every collection; onRecovery when it succeeds again.
//
// Durations: JavaScript runs the collectors' synchronous parts one after another (procfs reads
// are synchronous, read.ts says why), so a collector's duration is the time of its own call plus,
// for a collector that waits on I/O (statfs), the time from the end of all the calls to its
// settling. Like node_exporter's, durations of collectors that wait overlap.
import type { Family, Labels } from '../metricfamily/family.ts';
import { family } from '../metricfamily/family.ts';
import { orderLikeGatherer } from './gather-order.ts';
import type { HostCollector, HostPaths } from './types.ts';
import { keepKernelFilesUnder } from './kept-files.ts';

/** A collector that has not settled after this long counts as failed for the collection. */
export const DEFAULT_COLLECTOR_TIMEOUT_MS = 10_000;

export interface HostScrapeOptions {
  collectors: readonly HostCollector[];
  paths: HostPaths;
  /** Per-collector deadline for one collection (default DEFAULT_COLLECTOR_TIMEOUT_MS). */
  timeoutMs?: number;
  /** A collector started failing, or fails differently than last time. */
  onFailure?: (collector: string, message: string) => void;
  /** A collector that was failing succeeded. */
  onRecovery?: (collector: string) => void;
  /** Wall clock (tests). */
  now?: () => number;
}

export interface HostCollection {
  /** Wall-clock time the collection started, ms since the epoch. */
  nowMs: number;
  /** Every family, node_scrape_collector_* included, in node_exporter's order; no empty family. */
  families: Family[];
  /** Per collector: whether it succeeded (node_scrape_collector_success). */
  success: ReadonlyMap<string, boolean>;
}

type Outcome = { ok: true; families: Family[] } | { ok: false; message: string };

export class HostScraper {
  private readonly collectors: readonly HostCollector[];
  private readonly paths: HostPaths;
  private readonly timeoutMs: number;
  private readonly onFailure: (collector: string, message: string) => void;
  private readonly onRecovery: (collector: string) => void;
  private readonly now: () => number;
  /** The collection in flight, shared by concurrent callers. */
  private inFlight: Promise<HostCollection> | undefined;
  /** Calls of a collector that have not settled yet (a hung source). */
  private readonly pending = new Set<string>();
  /** Per collector: the message of its current failure. */
  private readonly failing = new Map<string, string>();

  constructor(opts: HostScrapeOptions) {
    const names = new Set<string>();
    for (const c of opts.collectors) {
      if (names.has(c.name)) throw new Error(`host collector "${c.name}" is listed twice`);
      names.add(c.name);
    }
    this.collectors = opts.collectors;
    this.paths = opts.paths;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_COLLECTOR_TIMEOUT_MS;
    this.onFailure = opts.onFailure ?? (() => {});
    this.onRecovery = opts.onRecovery ?? (() => {});
    this.now = opts.now ?? Date.now;
    // Kernel files are read again every collection: keep their descriptors (kept-files.ts).
    keepKernelFilesUnder(this.paths.proc);
    keepKernelFilesUnder(this.paths.sys);
  }

  /** The collectors' names, in their configured order. */
  get names(): string[] {
    return this.collectors.map((c) => c.name);
  }

  /** One collection, shared with every caller that asks while it runs. */
  collect(): Promise<HostCollection> {
    this.inFlight ??= this.run().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  /**
   * Starts every collector, then assembles once all have settled or the deadline passed. One
   * timer per collection and plain callbacks (no per-collector race): this runs on every scrape.
   */
  private run(): Promise<HostCollection> {
    const nowMs = this.now();
    const ctx = { paths: this.paths, nowMs };
    const n = this.collectors.length;
    const results = new Array<Outcome | undefined>(n);
    const syncMs = new Float64Array(n);
    const settledAt = new Float64Array(n);
    let left = n;
    let started = false;
    let finished = false;
    let callsDone = 0;
    return new Promise<HostCollection>((resolve) => {
      const finish = (): void => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        const timedOut: Outcome = { ok: false, message: `did not finish within ${this.timeoutMs} ms` };
        const outcomes = Array.from(results, (r) => r ?? timedOut);
        resolve(this.assemble(nowMs, outcomes, syncMs, settledAt, callsDone));
      };
      const timer = setTimeout(finish, this.timeoutMs);
      timer.unref();
      const settle = (i: number, o: Outcome): void => {
        if (finished || results[i]) return; // past the deadline: the collection went on without it
        results[i] = o;
        settledAt[i] = performance.now();
        if (--left === 0 && started) finish();
      };
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        this.start(this.collectors[i]!, ctx, (o) => settle(i, o));
        syncMs[i] = performance.now() - t0;
      }
      callsDone = performance.now();
      started = true;
      if (left === 0) finish();
    });
  }

  /** Calls one collector; `done` gets its outcome exactly once (never a throw). */
  private start(
    c: HostCollector,
    ctx: { paths: HostPaths; nowMs: number },
    done: (o: Outcome) => void,
  ): void {
    if (this.pending.has(c.name)) {
      done({ ok: false, message: 'the previous collection has not finished (source not answering)' });
      return;
    }
    let p: Promise<Family[]>;
    try {
      p = c.collect(ctx);
    } catch (err) {
      done({ ok: false, message: messageOf(err) });
      return;
    }
    this.pending.add(c.name);
    Promise.resolve(p).then(
      (r) => {
        this.pending.delete(c.name);
        done(
          Array.isArray(r)
            ? { ok: true, families: r.filter(isFamily) }
            : { ok: false, message: 'returned no list of families' },
        );
      },
      (err: unknown) => {
        this.pending.delete(c.name);
        done({ ok: false, message: messageOf(err) });
      },
    );
  }

  private assemble(
    nowMs: number,
    results: readonly Outcome[],
    syncMs: Float64Array,
    settledAt: Float64Array,
    callsDone: number,
  ): HostCollection {
    const duration = family(
      'node_scrape_collector_duration_seconds',
      'gauge',
      'node_exporter: Duration of a collector scrape.',
    );
    const success = family(
      'node_scrape_collector_success',
      'gauge',
      'node_exporter: Whether a collector succeeded.',
    );
    const byName = new Map<string, Family>();
    const merged = new Set<Family>();
    const ok = new Map<string, boolean>();
    for (let i = 0; i < results.length; i++) {
      const name = this.collectors[i]!.name;
      const r = results[i]!;
      const waited = settledAt[i]! > 0 ? Math.max(0, settledAt[i]! - callsDone) : 0;
      const labels: Labels = [['collector', name]];
      duration.samples.push({ labels, value: (syncMs[i]! + waited) / 1000 });
      success.samples.push({ labels, value: r.ok ? 1 : 0 });
      ok.set(name, r.ok);
      this.track(name, r);
      if (r.ok) for (const f of r.families) merge(byName, merged, f);
    }
    orderLikeGatherer([duration, success]);
    merge(byName, merged, duration);
    merge(byName, merged, success);
    // Collectors return their families in the registry's order (they build them with
    // orderLikeGatherer); only families merged from several collectors need their samples
    // sorted again, and the list its names sorted.
    orderLikeGatherer([...merged]);
    const families = [...byName.values()].filter((f) => f.samples.length > 0);
    families.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { nowMs, families, success: ok };
  }

  private track(name: string, r: Outcome): void {
    const before = this.failing.get(name);
    if (r.ok) {
      if (before !== undefined) {
        this.failing.delete(name);
        this.onRecovery(name);
      }
      return;
    }
    if (before === r.message) return;
    this.failing.set(name, r.message);
    this.onFailure(name, r.message);
  }
}

/**
 * Adds a family to the collection, merging it into one of the same name as the registry does
 * (one collector's family is never split, but two collectors may share a name). A family whose
 * type or help disagrees with the first of its name is dropped, as the registry rejects it.
 */
function merge(byName: Map<string, Family>, merged: Set<Family>, f: Family): void {
  const have = byName.get(f.name);
  if (!have) {
    byName.set(f.name, f);
    return;
  }
  if (have.type !== f.type || have.help !== f.help) return;
  // A copy on the first merge: collectors may hand out families they keep.
  let into = have;
  if (!merged.has(have)) {
    into = { name: have.name, help: have.help, type: have.type, samples: have.samples.slice() };
    byName.set(f.name, into);
    merged.add(into);
  }
  for (const s of f.samples) into.samples.push(s);
}

function isFamily(f: unknown): f is Family {
  const x = f as Family | null;
  return typeof x === 'object' && x !== null && typeof x.name === 'string' && Array.isArray(x.samples);
}

function messageOf(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  return m.length > 500 ? `${m.slice(0, 500)}…` : m;
}
