// Leader election on a coordination.k8s.io/v1 Lease, with client-go's leaderelection semantics:
//
//   acquire  a candidate GETs the Lease (creating it when absent) and takes it when it is free
//            (holderIdentity empty — released) or expired: the holder's renewTime +
//            leaseDurationSeconds is in the past, or — client-go's clock-skew guard — the Lease
//            has not changed for leaseDurationSeconds as this process observed it. Taking it is
//            a PUT carrying the resourceVersion read, so of two candidates exactly one wins (the
//            other gets 409 Conflict); a takeover sets acquireTime and increments leaseTransitions.
//   renew    the leader PUTs renewTime every retry_period (optimistically from the Lease it last
//            wrote; on 409 it reads the Lease again). A failed renewal is retried every
//            retry_period; when none succeeded for renew_deadline the leader steps down. Since
//            renew_deadline < lease_duration, it has stopped before anyone else may take over.
//   release  a graceful stop() clears holderIdentity and sets leaseDurationSeconds to 1, so a
//            standby takes over at its next retry instead of after lease_duration.
//
// Every write to the Lease (acquire, renew, annotations, release) runs one at a time, each
// guarded by the resourceVersion this process last read or wrote. writeAnnotation() lets the
// leader keep small state on the Lease (the k8s_events checkpoint): a deposed leader's write
// meets 409, reads the Lease, sees another holder and is refused with NotLeaderError.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { KubeApiError } from './client.ts';
import type { KubeClient } from './client.ts';
import type { KubeObject } from './types.ts';

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export interface Lease extends KubeObject {
  spec?: LeaseSpec;
}

export interface LeaderCallbacks {
  /** This process became the leader. */
  onStartedLeading(): void | Promise<void>;
  /** It is no longer the leader (lost, stepped down, or stopping); awaited before a release. */
  onStoppedLeading(): void | Promise<void>;
}

/** What components see of an elector (the `k8s_leader_elector` extension). */
export interface LeaderElection {
  /** This process's holderIdentity. */
  readonly identity: string;
  /** "namespace/name" of the Lease. */
  readonly leaseKey: string;
  isLeader(): boolean;
  /**
   * Calls onStartedLeading on every gain and onStoppedLeading on every loss; when already
   * leader, onStartedLeading follows at once. Returns the unsubscribe function.
   */
  subscribe(cb: LeaderCallbacks): () => void;
  /** An annotation of the Lease as this process last read or wrote it. */
  annotation(key: string): string | undefined;
  /**
   * Sets an annotation on the Lease — only while leader, guarded by the Lease's
   * resourceVersion. Rejects with NotLeaderError when this process is not (or no longer) the holder.
   */
  writeAnnotation(key: string, value: string): Promise<void>;
}

export class NotLeaderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotLeaderError';
  }
}

export interface LeaderElectorOptions {
  client: KubeClient;
  namespace: string;
  name: string;
  /** holderIdentity; default: defaultIdentity(). */
  identity?: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  /** Clock (ms since the epoch); tests may shift it. */
  now?: () => number;
  /** Called on gain and loss (after the flag changed, before subscribers are told). */
  onChange?(leader: boolean, why: string): void;
  onError?(err: unknown, where: string): void;
}

/** `$POD_NAME` (the downward API), else the host name, plus a random suffix (unique per process). */
export function defaultIdentity(env: NodeJS.ProcessEnv = process.env): string {
  return `${env.POD_NAME || hostname()}_${randomBytes(4).toString('hex')}`;
}

/** Kubernetes MicroTime: RFC 3339 with microseconds. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

const isConflict = (e: unknown): boolean => e instanceof KubeApiError && e.code === 409;
const isNotFound = (e: unknown): boolean => e instanceof KubeApiError && e.code === 404;

export class LeaderElector implements LeaderElection {
  readonly identity: string;
  readonly leaseKey: string;
  private readonly o: LeaderElectorOptions;
  private readonly now: () => number;
  private readonly path: string;
  private leader = false;
  /** The Lease as last read or written. */
  private lease: Lease | undefined;
  /** client-go's observedRecord/observedTime: when (local clock) the Lease last changed. */
  private observedRv: string | undefined;
  private observedAt = 0;
  private lastRenewOk = 0;
  private readonly subscribers = new Set<LeaderCallbacks>();
  /** Lease writes, one at a time. */
  private serial: Promise<unknown> = Promise.resolve();
  /** Subscriber notifications, in order. */
  private notified: Promise<void> = Promise.resolve();
  private abort: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;
  /** Times this process gained / lost leadership. */
  gains = 0;
  losses = 0;

  constructor(o: LeaderElectorOptions) {
    if (!(o.renewDeadlineMs < o.leaseDurationMs))
      throw new Error('renew_deadline must be less than lease_duration');
    if (!(o.retryPeriodMs < o.renewDeadlineMs))
      throw new Error('retry_period must be less than renew_deadline');
    this.o = o;
    this.identity = o.identity ?? defaultIdentity();
    this.leaseKey = `${o.namespace}/${o.name}`;
    this.now = o.now ?? Date.now;
    this.path = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(o.namespace)}/leases`;
  }

  /** spec.leaseTransitions as last seen. */
  get leaseTransitions(): number {
    return this.lease?.spec?.leaseTransitions ?? 0;
  }

  /** The current holder as last seen ('' when free or unknown). */
  get holder(): string {
    return this.lease?.spec?.holderIdentity ?? '';
  }

  isLeader(): boolean {
    return this.leader;
  }

  start(): void {
    if (this.loop || this.stopped) return;
    this.abort = new AbortController();
    this.loop = this.run(this.abort.signal);
  }

  /**
   * Stops electing. With `release` (the default, a graceful stop) subscribers are told first,
   * then the Lease is released so a standby takes over at once. Without it the process just
   * stops renewing — what a crash looks like to the others.
   */
  async stop(opts: { release?: boolean } = {}): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.abort?.abort(new Error('leader elector stopped'));
    this.wake?.();
    await this.loop;
    const wasLeader = this.leader;
    if (wasLeader) this.lose('stopping');
    await this.notified;
    if (wasLeader && opts.release !== false) {
      try {
        await this.serialized(() => this.release());
      } catch (err) {
        this.report(err, 'release');
      }
    }
  }

  subscribe(cb: LeaderCallbacks): () => void {
    this.subscribers.add(cb);
    if (this.leader) this.notify([cb], true);
    return () => {
      this.subscribers.delete(cb);
    };
  }

  annotation(key: string): string | undefined {
    return this.lease?.metadata.annotations?.[key];
  }

  writeAnnotation(key: string, value: string): Promise<void> {
    return this.serialized(async () => {
      for (let attempt = 0; attempt < 3; attempt++) {
        const base = this.lease;
        if (!this.leader || !base) throw new NotLeaderError(`not the leader of lease ${this.leaseKey}`);
        const now = this.now();
        const next: Lease = {
          ...base,
          metadata: { ...base.metadata, annotations: { ...base.metadata.annotations, [key]: value } },
          spec: { ...base.spec, renewTime: microTime(now) },
        };
        try {
          this.lease = await this.o.client.replace<Lease>(`${this.path}/${enc(this.o.name)}`, next);
          this.lastRenewOk = now;
          return;
        } catch (err) {
          if (!isConflict(err)) throw err;
        }
        // Changed behind us: by a new holder (we were deposed) or by someone else (kubectl).
        const cur = await this.o.client.get<Lease>(`${this.path}/${enc(this.o.name)}`);
        this.lease = cur;
        if ((cur.spec?.holderIdentity ?? '') !== this.identity) {
          if (this.leader) this.lose(`the lease is held by ${cur.spec?.holderIdentity || 'nobody'}`);
          throw new NotLeaderError(
            `lease ${this.leaseKey} is held by ${cur.spec?.holderIdentity || 'nobody'}; write refused`,
          );
        }
      }
      throw new Error(`lease ${this.leaseKey}: annotation write kept conflicting`);
    });
  }

  // -------------------------------------------------------------------------------------------

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      // Acquire: try every retry_period (jittered up to +20 %, as client-go) until we hold it.
      while (!signal.aborted && !this.leader) {
        let ok = false;
        try {
          ok = await this.serialized(() =>
            this.tryAcquireOrRenew(this.timeout(signal, this.o.renewDeadlineMs)),
          );
        } catch (err) {
          if (signal.aborted) return;
          this.report(err, 'acquire');
        }
        if (signal.aborted) return;
        if (ok) {
          this.lastRenewOk = this.now();
          this.gain();
          break;
        }
        await this.sleep(this.o.retryPeriodMs * (1 + 0.2 * Math.random()));
      }
      // Renew every retry_period; step down when nothing succeeded for renew_deadline.
      while (!signal.aborted && this.leader) {
        await this.sleep(this.o.retryPeriodMs);
        if (signal.aborted || !this.leader) break;
        const left = this.lastRenewOk + this.o.renewDeadlineMs - this.now();
        let ok = false;
        let why = `no renewal within renew_deadline (${this.o.renewDeadlineMs} ms)`;
        if (left > 0) {
          try {
            ok = await this.serialized(() => this.tryAcquireOrRenew(this.timeout(signal, left)));
            if (ok) this.lastRenewOk = this.now();
            else if (this.holder !== this.identity) why = `the lease is held by ${this.holder || 'nobody'}`;
          } catch (err) {
            if (signal.aborted) return;
            this.report(err, 'renew');
          }
        }
        if (signal.aborted || !this.leader) break;
        if (
          !ok &&
          (this.holder !== this.identity || this.now() - this.lastRenewOk >= this.o.renewDeadlineMs)
        ) {
          this.lose(why);
        }
      }
      // Subscribers have stopped before we try again.
      await this.notified;
    }
  }

  /** client-go's tryAcquireOrRenew: true when this process holds the Lease afterwards. */
  private async tryAcquireOrRenew(signal: AbortSignal): Promise<boolean> {
    const now = this.now();
    const objPath = `${this.path}/${enc(this.o.name)}`;
    // Fast path: the leader renews from the Lease it last wrote.
    if (this.leader && this.lease && this.holder === this.identity) {
      try {
        this.lease = await this.o.client.replace<Lease>(objPath, this.renewed(this.lease, now), signal);
        return true;
      } catch (err) {
        if (!isConflict(err)) throw err;
      }
    }
    let cur: Lease;
    try {
      cur = await this.o.client.get<Lease>(objPath, signal);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      const created: Lease = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: this.o.name, namespace: this.o.namespace },
        spec: {
          holderIdentity: this.identity,
          leaseDurationSeconds: this.durationSeconds(),
          acquireTime: microTime(now),
          renewTime: microTime(now),
          leaseTransitions: 0,
        },
      };
      try {
        this.lease = await this.o.client.create<Lease>(this.path, created, signal);
        this.observe(this.lease, now);
        return true;
      } catch (e) {
        if (e instanceof KubeApiError && e.code === 409) return false; // another candidate created it first
        throw e;
      }
    }
    this.lease = cur;
    this.observe(cur, now);
    const spec = cur.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    if (holder !== '' && holder !== this.identity && !this.expired(spec, now)) return false;
    try {
      this.lease = await this.o.client.replace<Lease>(objPath, this.renewed(cur, now), signal);
      this.observe(this.lease, now);
      return true;
    } catch (err) {
      if (isConflict(err)) return false; // someone else wrote first
      throw err;
    }
  }

  /** The Lease with this process as the holder, renewed now (a takeover when it held it not). */
  private renewed(cur: Lease, now: number): Lease {
    const spec = cur.spec ?? {};
    const mine = spec.holderIdentity === this.identity && this.leader;
    return {
      ...cur,
      spec: {
        ...spec,
        holderIdentity: this.identity,
        leaseDurationSeconds: this.durationSeconds(),
        acquireTime: mine && spec.acquireTime ? spec.acquireTime : microTime(now),
        renewTime: microTime(now),
        leaseTransitions: mine ? (spec.leaseTransitions ?? 0) : (spec.leaseTransitions ?? 0) + 1,
      },
    };
  }

  private expired(spec: LeaseSpec, now: number): boolean {
    const durMs = Math.max(1, spec.leaseDurationSeconds ?? 0) * 1000;
    const renew = spec.renewTime ? Date.parse(spec.renewTime) : NaN;
    if (Number.isFinite(renew) && renew + durMs < now) return true;
    return this.observedAt + durMs <= now;
  }

  private observe(lease: Lease, now: number): void {
    const rv = lease.metadata.resourceVersion;
    if (rv !== this.observedRv) {
      this.observedRv = rv;
      this.observedAt = now;
    }
  }

  private async release(): Promise<void> {
    const objPath = `${this.path}/${enc(this.o.name)}`;
    for (let attempt = 0; attempt < 3; attempt++) {
      const cur = this.lease;
      if (!cur || cur.spec?.holderIdentity !== this.identity) return; // not ours to release
      const now = microTime(this.now());
      const next: Lease = {
        ...cur,
        spec: {
          ...cur.spec,
          holderIdentity: '',
          leaseDurationSeconds: 1,
          acquireTime: now,
          renewTime: now,
        },
      };
      try {
        this.lease = await this.o.client.replace<Lease>(
          objPath,
          next,
          AbortSignal.timeout(this.o.renewDeadlineMs),
        );
        return;
      } catch (err) {
        if (!isConflict(err)) throw err;
        this.lease = await this.o.client.get<Lease>(objPath, AbortSignal.timeout(this.o.renewDeadlineMs));
      }
    }
  }

  private gain(): void {
    this.leader = true;
    this.gains++;
    this.o.onChange?.(true, 'acquired');
    this.notify([...this.subscribers], true);
  }

  private lose(why: string): void {
    if (!this.leader) return;
    this.leader = false;
    this.losses++;
    this.o.onChange?.(false, why);
    this.notify([...this.subscribers], false);
  }

  private notify(cbs: LeaderCallbacks[], started: boolean): void {
    this.notified = this.notified.then(async () => {
      await Promise.all(
        cbs.map(async (cb) => {
          try {
            await (started ? cb.onStartedLeading() : cb.onStoppedLeading());
          } catch (err) {
            this.report(err, started ? 'onStartedLeading' : 'onStoppedLeading');
          }
        }),
      );
    });
  }

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.serial.then(fn, fn);
    this.serial = p.catch(() => {});
    return p;
  }

  private durationSeconds(): number {
    return Math.max(1, Math.ceil(this.o.leaseDurationMs / 1000));
  }

  private timeout(signal: AbortSignal, ms: number): AbortSignal {
    return AbortSignal.any([signal, AbortSignal.timeout(Math.max(1, ms))]);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(t);
        this.wake = undefined;
        resolve();
      };
    });
  }

  private report(err: unknown, where: string): void {
    try {
      this.o.onError?.(err, where);
    } catch {
      // a failing logger must not stop the elector
    }
  }
}

const enc = encodeURIComponent;
