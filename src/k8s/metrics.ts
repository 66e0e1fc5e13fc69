// The access layer's own metrics, one set per informer (label `resource` = the informer's name):
//   watchingcat_k8s_watch_restarts_total{resource,reason}  a watch (or list) ended and was restarted
//   watchingcat_k8s_relists_total{resource}               full relists after the first list (410s)
//   watchingcat_k8s_list_duration_seconds{resource}       histogram of complete (all pages) lists
//   watchingcat_k8s_store_objects{resource}               objects in the informer's store
//   watchingcat_k8s_watch_events_total{resource,type}     watch events received, BOOKMARK included
//
// SelfMetrics has counters and gauges only; the histogram is created here with prom-client (loaded
// the way SelfMetrics loads it, util/lean-require) on the same registry, once per registry
// (informers share it through getSingleMetric).
// Children are bound once per label set so the per-event cost is a property update.
import type client from 'prom-client';
import type { SelfMetrics } from '../telemetry/self-metrics.ts';
import { promClient } from '../util/lean-require.ts';

const LIST_DURATION = 'watchingcat_k8s_list_duration_seconds';

export type RestartReason =
  | 'closed' // the server ended the watch cleanly (its timeout) — the normal case
  | 'expired' // 410: resourceVersion too old, a relist follows
  | 'continue_expired' // 410 on a list continue token: the list restarts
  | 'too_large_resource_version' // 504: the server is behind our resourceVersion, a relist follows
  | 'unauthorized'
  | 'forbidden'
  | 'http_error'
  | 'network'
  | 'protocol' // malformed or oversized event, stream cut mid-event
  | 'list_failed';

interface Inc {
  inc(n?: number): void;
}

const NOOP_INC: Inc = { inc: () => {} };

export class InformerMetrics {
  private readonly resource: string;
  private readonly restarts: client.Counter<string> | undefined;
  private readonly relists: Inc;
  private readonly listDuration: { observe(v: number): void };
  private readonly storeObjects: { set(v: number): void };
  private readonly events: client.Counter<string> | undefined;
  private readonly restartChildren = new Map<string, Inc>();
  private readonly eventChildren = new Map<string, Inc>();

  constructor(metrics: SelfMetrics | undefined, resource: string) {
    this.resource = resource;
    if (!metrics) {
      this.relists = NOOP_INC;
      this.listDuration = { observe: () => {} };
      this.storeObjects = { set: () => {} };
      return;
    }
    const labels = { resource };
    this.restarts = metrics.counter('k8s_watch_restarts', 'Watches (or lists) restarted, by reason.', [
      'resource',
      'reason',
    ]);
    this.relists = metrics
      .counter('k8s_relists', 'Full relists after the initial list (the watch could not resume).', [
        'resource',
      ])
      .labels(labels);
    this.storeObjects = metrics
      .gauge('k8s_store_objects', 'Objects held in the informer store.', ['resource'])
      .labels(labels);
    this.events = metrics.counter('k8s_watch_events', 'Watch events received, by type.', [
      'resource',
      'type',
    ]);
    let hist = metrics.registry.getSingleMetric(LIST_DURATION) as client.Histogram<string> | undefined;
    if (!hist) {
      hist = new promClient.Histogram({
        name: LIST_DURATION,
        help: 'Duration of complete (all pages) lists.',
        labelNames: ['resource'],
        buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
        registers: [metrics.registry],
      });
    }
    this.listDuration = hist.labels(labels);
  }

  restart(reason: RestartReason): void {
    if (!this.restarts) return;
    let c = this.restartChildren.get(reason);
    if (!c) {
      c = this.restarts.labels({ resource: this.resource, reason });
      this.restartChildren.set(reason, c);
    }
    c.inc();
  }

  relist(): void {
    this.relists.inc();
  }

  listed(seconds: number): void {
    this.listDuration.observe(seconds);
  }

  size(n: number): void {
    this.storeObjects.set(n);
  }

  event(type: string): void {
    if (!this.events) return;
    let c = this.eventChildren.get(type);
    if (!c) {
      c = this.events.labels({ resource: this.resource, type });
      this.eventChildren.set(type, c);
    }
    c.inc();
  }
}
