// core/v1 Events as kubelet and the controllers record them: one object per (involved object,
// reason, message, source); a repeat bumps count/lastTimestamp instead of creating another object.
// Events expire one hour after their last update (the API server's default --event-ttl) and the
// total is also capped, so the number kept is bounded however busy the cluster gets.
import type { Sim } from './sim.ts';
import { R } from './resources.ts';
import { HOUR } from './time.ts';

export interface Involved {
  kind: string;
  apiVersion: string;
  namespace?: string;
  name: string;
  uid: string;
  resourceVersion?: string;
  /** e.g. `spec.containers{app}` for container-level kubelet events. */
  fieldPath?: string;
}

export interface EventSource {
  component: string;
  /** The node name, for kubelet events. */
  host?: string;
}

interface Kept {
  namespace: string;
  name: string;
  key: string;
  count: number;
  last: number;
}

/** One create or update; only the newest entry per event is live (`kept.last === last`). */
interface Touch {
  kept: Kept;
  last: number;
}

export interface EventOptions {
  ttlMs?: number;
  maxEvents?: number;
}

export class EventRecorder {
  private readonly sim: Sim;
  private readonly ttlMs: number;
  private readonly maxEvents: number;
  private readonly byKey = new Map<string, Kept>();
  /**
   * Every create/update in time order (simulated time only moves forward), so the first live
   * entry is always the least recently updated event: expiry and the cap pop from the front.
   */
  private queue: Touch[] = [];
  private head = 0;
  private nameSeq = 0;

  constructor(sim: Sim, opts: EventOptions = {}) {
    this.sim = sim;
    this.ttlMs = opts.ttlMs ?? HOUR;
    this.maxEvents = opts.maxEvents ?? 20_000;
  }

  get size(): number {
    return this.byKey.size;
  }

  normal(inv: Involved, reason: string, message: string, source: EventSource): void {
    this.record(inv, 'Normal', reason, message, source);
  }

  warning(inv: Involved, reason: string, message: string, source: EventSource): void {
    this.record(inv, 'Warning', reason, message, source);
  }

  record(
    inv: Involved,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    source: EventSource,
  ): void {
    const sim = this.sim;
    const key = `${inv.uid}\u0000${inv.fieldPath ?? ''}\u0000${reason}\u0000${message}\u0000${source.component}\u0000${source.host ?? ''}`;
    const kept = this.byKey.get(key);
    const ts = sim.ts();
    if (kept) {
      const updated = sim.mutate(R.events, kept.namespace, kept.name, (ev) => {
        ev.count = kept.count + 1;
        ev.lastTimestamp = ts;
        (ev.involvedObject as Record<string, unknown>).resourceVersion = inv.resourceVersion;
      });
      if (updated) {
        kept.count++;
        kept.last = sim.now;
        this.queue.push({ kept, last: sim.now });
        return;
      }
      this.byKey.delete(key); // deleted behind our back: fall through and create a new one
    }
    const namespace = inv.namespace ?? 'default';
    const name = `${inv.name}.${this.nameSuffix()}`;
    const involvedObject: Record<string, unknown> = {
      kind: inv.kind,
      namespace: inv.namespace,
      name: inv.name,
      uid: inv.uid,
      apiVersion: inv.apiVersion,
      resourceVersion: inv.resourceVersion,
    };
    if (inv.namespace === undefined) delete involvedObject.namespace;
    if (inv.fieldPath !== undefined) involvedObject.fieldPath = inv.fieldPath;
    sim.create(R.events, {
      metadata: { name, namespace },
      involvedObject,
      reason,
      message,
      source:
        source.host !== undefined
          ? { component: source.component, host: source.host }
          : { component: source.component },
      firstTimestamp: ts,
      lastTimestamp: ts,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: source.component,
      reportingInstance: source.host ?? '',
    });
    const entry: Kept = { namespace, name, key, count: 1, last: sim.now };
    this.byKey.set(key, entry);
    this.queue.push({ kept: entry, last: sim.now });
    this.trim();
  }

  /** Deletes events whose last update is older than the TTL. Cost is proportional to what expires. */
  expire(): void {
    const cutoff = this.sim.now - this.ttlMs;
    while (this.head < this.queue.length) {
      const t = this.queue[this.head] as Touch;
      if (!this.isLive(t)) {
        this.head++;
        continue;
      }
      if (t.last > cutoff) break;
      this.head++;
      this.drop(t.kept);
    }
    this.compact();
  }

  /** Drops the least recently updated events while over the cap. */
  private trim(): void {
    while (this.byKey.size > this.maxEvents && this.head < this.queue.length) {
      const t = this.queue[this.head++] as Touch;
      if (this.isLive(t)) this.drop(t.kept);
    }
    this.compact();
  }

  private isLive(t: Touch): boolean {
    return this.byKey.get(t.kept.key) === t.kept && t.kept.last === t.last;
  }

  private drop(e: Kept): void {
    this.byKey.delete(e.key);
    this.sim.remove(R.events, e.namespace, e.name);
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    // Stale entries of events repeated many times: rebuild when they dominate (amortised O(1)).
    if (this.queue.length - this.head > 4 * this.byKey.size + 1024) {
      this.queue = this.queue.slice(this.head).filter((t) => this.isLive(t));
      this.head = 0;
    }
  }

  /** Like client-go: the hex of the event's UnixNano time, made unique within the run. */
  private nameSuffix(): string {
    const nanos = BigInt(Math.floor(this.sim.now)) * 1_000_000n + BigInt(this.nameSeq++ % 1_000_000);
    return nanos.toString(16).padStart(16, '0');
  }
}
