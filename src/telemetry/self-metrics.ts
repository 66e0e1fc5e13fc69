// The process's own metrics (`watchingcat_*`), served on the telemetry address (8888).
// One registry per service; components get a ComponentTelemetry bound to their id so the
// label sets stay uniform: {receiver|processor|exporter="<id>", signal="traces|metrics|logs"}.
import type client from 'prom-client';
import { promClient } from '../util/lean-require.ts';
import type { Signal } from '../model/common.ts';

export type Counter = client.Counter<string>;
export type Gauge = client.Gauge<string>;

const P = 'watchingcat_';

export class SelfMetrics {
  readonly registry: client.Registry;
  private readonly counters = new Map<string, Counter>();
  private readonly gauges = new Map<string, Gauge>();

  constructor(opts: { processMetrics?: boolean } = {}) {
    this.registry = new promClient.Registry();
    if (opts.processMetrics !== false) {
      // Process CPU, RSS, heap, event-loop lag, GC: watchingcat_process_* and watchingcat_nodejs_*.
      promClient.collectDefaultMetrics({
        register: this.registry,
        prefix: P,
        eventLoopMonitoringPrecision: 20,
      });
    }
  }

  /** Returns the counter with this name (without prefix/suffix), creating it on first use. */
  counter(name: string, help: string, labelNames: readonly string[]): Counter {
    const full = `${P}${name}_total`;
    let c = this.counters.get(full);
    if (!c) {
      c = new promClient.Counter({
        name: full,
        help,
        labelNames: [...labelNames],
        registers: [this.registry],
      });
      this.counters.set(full, c);
    }
    return c;
  }

  /** Returns the gauge with this name (without prefix), creating it on first use. */
  gauge(name: string, help: string, labelNames: readonly string[]): Gauge {
    const full = `${P}${name}`;
    let g = this.gauges.get(full);
    if (!g) {
      g = new promClient.Gauge({ name: full, help, labelNames: [...labelNames], registers: [this.registry] });
      this.gauges.set(full, g);
    }
    return g;
  }

  forComponent(kind: 'receiver' | 'processor' | 'exporter' | 'extension', id: string): ComponentTelemetry {
    return new ComponentTelemetry(this, kind, id);
  }

  private readonly refreshers: Array<() => void> = [];

  /** Registers a callback that refreshes gauges right before each exposition. */
  beforeCollect(fn: () => void): void {
    this.refreshers.push(fn);
  }

  async exposition(): Promise<string> {
    for (const r of this.refreshers) r();
    return this.registry.metrics();
  }

  /** Every metric's current values as prom-client's JSON (gauges refreshed first), for selfmetrics. */
  async snapshot(): Promise<unknown[]> {
    for (const r of this.refreshers) r();
    return this.registry.getMetricsAsJSON();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/** Counters and gauges of one component, labelled with its kind and id. */
export class ComponentTelemetry {
  readonly metrics: SelfMetrics;
  readonly kind: string;
  readonly id: string;
  constructor(metrics: SelfMetrics, kind: string, id: string) {
    this.metrics = metrics;
    this.kind = kind;
    this.id = id;
  }

  private inc(name: string, help: string, signal: Signal, n: number, extra?: Record<string, string>): void {
    if (n <= 0) return;
    const labels: Record<string, string> = { [this.kind]: this.id, signal, ...extra };
    this.metrics.counter(`${this.kind}_${name}`, help, Object.keys(labels)).inc(labels, n);
  }

  /** Receiver: items accepted from senders (acknowledged). */
  accepted(signal: Signal, n: number, transport: string): void {
    this.inc('accepted_items', 'Items accepted and acknowledged to the sender.', signal, n, { transport });
  }
  /** Receiver: items refused (the sender was told to retry or that the data is bad). */
  refused(signal: Signal, n: number, transport: string, reason: string): void {
    this.inc('refused_items', 'Items refused; the sender was told why.', signal, n, { transport, reason });
  }
  /** Processor: items refused by this processor (e.g. memory pressure). */
  processorRefused(signal: Signal, n: number, reason: string): void {
    this.inc('refused_items', 'Items refused by the processor.', signal, n, { reason });
  }
  /** Processor: items dropped on purpose (filters). */
  dropped(signal: Signal, n: number): void {
    this.inc('dropped_items', 'Items dropped by the processor.', signal, n);
  }
  /** Exporter: items delivered to the destination. */
  sent(signal: Signal, n: number): void {
    this.inc('sent_items', 'Items delivered to the destination.', signal, n);
  }
  /** Exporter: items that failed permanently (rejected by the destination or retries exhausted). */
  sendFailed(signal: Signal, n: number, reason: string): void {
    this.inc('send_failed_items', 'Items that could not be delivered.', signal, n, { reason });
  }
  /** Exporter: items refused because the sending queue was full (the sender was asked to retry). */
  enqueueFailed(signal: Signal, n: number): void {
    this.inc('enqueue_failed_items', 'Items refused because the sending queue was full.', signal, n);
  }
  /** A counter (`…_total`) whose cumulative value is read at scrape time; it only goes up. */
  observeCounter(name: string, help: string, read: () => number): void {
    const labels: Record<string, string> = { [this.kind]: this.id };
    const c = this.metrics.counter(`${this.kind}_${name}`, help, Object.keys(labels));
    let last = 0;
    this.metrics.beforeCollect(() => {
      const now = read();
      if (now > last) c.inc(labels, now - last);
      last = Math.max(last, now);
    });
  }
  /** A gauge with one series per `label` value, all read at scrape time (series that went are dropped). */
  observeEach(name: string, help: string, label: string, read: () => Iterable<[string, number]>): void {
    const g = this.metrics.gauge(`${this.kind}_${name}`, help, [this.kind, label]);
    this.metrics.beforeCollect(() => {
      g.reset();
      for (const [value, n] of read()) g.set({ [this.kind]: this.id, [label]: value }, n);
    });
  }
  /** A gauge read at scrape time. */
  observe(name: string, help: string, read: () => number, extra?: Record<string, string>): void {
    const labels: Record<string, string> = { [this.kind]: this.id, ...extra };
    const g = this.metrics.gauge(`${this.kind}_${name}`, help, Object.keys(labels));
    this.metrics.beforeCollect(() => g.set(labels, read()));
  }
}
