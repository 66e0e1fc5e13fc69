// The part every queued exporter shares, after the Collector's exporterhelper: consumers per
// signal that encode once and enqueue, `num_consumers` workers that send with retries, the
// exporter's own metrics, and shutdown. A concrete exporter supplies only `send`.
//
// Contracts:
// - consume() resolves once the request is in the queue (on disk for the persistent queue) or,
//   with `sending_queue.enabled: false`, once it is delivered. A full queue rejects with
//   RetryableError('queue_full') and counts the items as enqueue_failed.
// - The queue holds the protobuf bytes that will be sent (encoded once, at consume time).
// - A worker acknowledges a request when it is delivered, when the destination refused it for
//   good (counted send_failed reason="permanent"), and when retries are exhausted
//   (reason="retries_exhausted"). Exhausted retries drop the data with either queue, as the
//   Collector does: requeueing would make a destination that is down for longer than
//   max_elapsed_time grow the queue until it refuses new data, and a queue that must never drop
//   is configured with `max_elapsed_time: 0` (retry forever) instead.
// - Shutdown with the memory queue drains it for at most `drainTimeoutMs` (one attempt per
//   request, no more backoff waits); what is left is counted as send_failed reason="shutdown".
//   With the persistent queue nothing new is sent: in-flight attempts get `inflightGraceMs` to
//   finish, unfinished requests go back to the queue and stay on disk for the next start.
import type { RetrySettings, SendingQueueSettings } from '../config/schema-helpers.ts';
import { encodeRequest } from '../codecs/otlp/index.ts';
import type { Signal } from '../model/common.ts';
import { itemCount, type SignalData } from '../model/signal.ts';
import type { ConsumeContext, Consumer, CreateSettings, Host } from '../pipeline/component.ts';
import type { PositionSet } from '../queue/positions.ts';
import { PermanentError, RetryableError } from '../pipeline/errors.ts';
import { QueueClosedError, QueueFullError, type Lease, type SendQueue } from '../queue/types.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { ComponentTelemetry } from '../telemetry/self-metrics.ts';
import { openQueue } from './open-queue.ts';
import { deliver, sleep, type DeliverOptions, type Outcome } from './retry.ts';
import type { SendFunction, SendRequest } from './types.ts';

export interface ExporterHelperOptions {
  settings: CreateSettings;
  /** Per attempt, in milliseconds (0 = none). */
  timeoutMs: number;
  retry: RetrySettings;
  queue: SendingQueueSettings;
  send: SendFunction;
  /** Longest time shutdown spends draining a memory queue (default 5 s). */
  drainTimeoutMs?: number;
  /** Longest time shutdown waits for in-flight attempts with a persistent queue (default 1 s). */
  inflightGraceMs?: number;
  /** For tests: the jitter source. */
  random?: () => number;
}

/** What aborted sends get to settle before shutdown stops waiting for them. */
const ABORT_SETTLE_MS = 1000;

export class ExporterHelper {
  private readonly opts: ExporterHelperOptions;
  private readonly logger: Logger;
  private readonly telemetry: ComponentTelemetry;
  private queue: SendQueue | undefined;
  private persistent = false;
  private workers: Promise<void>[] = [];
  private readonly stopCtl = new AbortController();
  private readonly hardCtl = new AbortController();
  private inflight = 0;
  /** Items offered to the memory queue and not yet acknowledged, to count what shutdown drops. */
  private readonly pendingItems: Record<Signal, number> = { traces: 0, metrics: 0, logs: 0 };
  private waiters: Array<() => void> = [];
  private started = false;
  private stopping: Promise<void> | undefined;

  constructor(opts: ExporterHelperOptions) {
    this.opts = opts;
    this.logger = opts.settings.logger;
    this.telemetry = opts.settings.telemetry;
  }

  consumer<S extends Signal>(signal: S): Consumer<S> {
    return { consume: (data: SignalData<S>, ctx: ConsumeContext) => this.consume(signal, data, ctx) };
  }

  /** Source positions the persistent queue holds; undefined without one. */
  storedPositions(): PositionSet | undefined {
    return this.persistent ? this.queue?.positions?.() : undefined;
  }

  async start(host: Host): Promise<void> {
    if (this.opts.queue.enabled) {
      const { queue, persistent } = await openQueue(this.opts.settings, this.opts.queue, host);
      this.queue = queue;
      this.persistent = persistent;
      this.telemetry.observe('queue_size', "Current size of the sending queue, in the sizer's unit.", () =>
        safeSize(queue),
      );
      this.telemetry.observe('queue_capacity', "Capacity of the sending queue, in the sizer's unit.", () =>
        queue.capacity(),
      );
      for (let i = 0; i < this.opts.queue.num_consumers; i++) this.workers.push(this.work(queue));
    }
    this.started = true;
  }

  /** Safe to call more than once; see the file comment for what happens to queued data. */
  shutdown(): Promise<void> {
    this.stopping ??= this.stop();
    return this.stopping;
  }

  private async stop(): Promise<void> {
    this.stopCtl.abort();
    this.notify(); // wakes offers blocked on a full queue
    if (!this.started) return;
    const q = this.queue;
    if (q && this.persistent) {
      await this.waitUntil(() => this.inflight === 0, this.opts.inflightGraceMs ?? 1000);
    } else {
      // Memory queue: drain it; no queue: let synchronous deliveries finish.
      await this.waitUntil(
        () => (q ? safeSize(q) === 0 : true) && this.inflight === 0,
        this.opts.drainTimeoutMs ?? 5000,
      );
    }
    this.hardCtl.abort();
    await this.waitUntil(() => this.inflight === 0, ABORT_SETTLE_MS);
    if (q) {
      await q.close();
      await Promise.all(this.workers);
    }
    if (q && !this.persistent) {
      for (const signal of Object.keys(this.pendingItems) as Signal[]) {
        const n = this.pendingItems[signal];
        if (n <= 0) continue;
        this.telemetry.sendFailed(signal, n, 'shutdown');
        this.logger.error(
          { signal, items: n },
          'Exporter stopped before the sending queue was drained. Dropping data.',
        );
      }
    }
  }

  private async consume<S extends Signal>(
    signal: S,
    data: SignalData<S>,
    ctx?: ConsumeContext,
  ): Promise<void> {
    if (this.stopCtl.signal.aborted) {
      throw new RetryableError(`exporter ${this.opts.settings.id.key} is shutting down`, 'unavailable');
    }
    const items = itemCount(signal, data);
    // Nothing to deliver: an empty request would only cost a round trip. (Positions of data a
    // processor dropped are not kept: after a crash the source re-reads it and it is dropped again.)
    if (items === 0) return;
    let payload: Uint8Array;
    try {
      payload = encodeRequest(signal, data);
    } catch (e) {
      throw new PermanentError(`cannot encode ${signal}: ${(e as Error).message}`);
    }
    const req: SendRequest = ctx?.positions?.length
      ? { signal, items, payload, positions: ctx.positions }
      : { signal, items, payload };
    if (!this.opts.queue.enabled) return this.sendNow(req);
    if (!this.queue) {
      throw new RetryableError(`exporter ${this.opts.settings.id.key} has not started`, 'unavailable');
    }
    return this.enqueue(this.queue, req);
  }

  private async enqueue(queue: SendQueue, req: SendRequest): Promise<void> {
    for (;;) {
      try {
        await queue.offer(req);
        if (!this.persistent) this.pendingItems[req.signal] += req.items;
        this.notify();
        return;
      } catch (e) {
        if (e instanceof QueueFullError) {
          // block_on_overflow: wait for a worker to free space — unless the queue is empty, in
          // which case this request alone exceeds the capacity and waiting cannot help.
          if (this.opts.queue.block_on_overflow && !this.stopCtl.signal.aborted && safeSize(queue) > 0) {
            await this.nextChange();
            continue;
          }
          this.telemetry.enqueueFailed(req.signal, req.items);
          this.logger.debug({ signal: req.signal, items: req.items }, 'sending queue is full; refusing data');
          throw new RetryableError(
            `the sending queue of exporter ${this.opts.settings.id.key} is full`,
            'queue_full',
          );
        }
        if (e instanceof QueueClosedError) {
          throw new RetryableError(`exporter ${this.opts.settings.id.key} is shutting down`, 'unavailable');
        }
        throw e;
      }
    }
  }

  /** `sending_queue.enabled: false`: the caller waits for delivery, retries included. */
  private async sendNow(req: SendRequest): Promise<void> {
    this.inflight++;
    let outcome: Outcome;
    try {
      outcome = await deliver(this.opts.send, req, this.deliverOptions(true));
    } finally {
      this.inflight--;
      this.notify();
    }
    this.record(req, outcome);
    switch (outcome.kind) {
      case 'ok':
        return;
      case 'permanent':
        throw new PermanentError(outcome.message);
      case 'exhausted':
        throw new RetryableError(outcome.message, 'unavailable', outcome.retryAfterMs ?? 1000);
      case 'shutdown':
        throw new RetryableError(outcome.message, 'unavailable');
    }
  }

  private async work(queue: SendQueue): Promise<void> {
    for (;;) {
      let lease: Lease | null;
      try {
        lease = await queue.take();
      } catch (e) {
        this.logger.error({ error: (e as Error).message }, 'sending queue failed; worker stops');
        return;
      }
      if (!lease) return;
      if (this.persistent && this.stopCtl.signal.aborted) {
        lease.nack(); // stays on disk for the next start
        return;
      }
      this.inflight++;
      try {
        const outcome = await deliver(this.opts.send, lease.item, this.deliverOptions(!this.persistent));
        if (outcome.kind === 'shutdown' && this.persistent) {
          lease.nack();
        } else {
          this.record(lease.item, outcome);
          lease.ack();
          if (!this.persistent) this.pendingItems[lease.item.signal] -= lease.item.items;
        }
      } catch (e) {
        // Only a bug gets here (deliver never rejects); keep the data where it can be retried.
        this.logger.error({ error: (e as Error).message }, 'unexpected error in exporter worker');
        lease.nack();
      } finally {
        this.inflight--;
        this.notify();
      }
    }
  }

  private deliverOptions(lastAttemptOnStop: boolean): DeliverOptions {
    return {
      retry: this.opts.retry,
      timeoutMs: this.opts.timeoutMs,
      stopping: this.stopCtl.signal,
      hardStop: this.hardCtl.signal,
      lastAttemptOnStop,
      logger: this.logger,
      ...(this.opts.random ? { random: this.opts.random } : {}),
    };
  }

  /** Counts and logs the final outcome of one request. */
  private record(req: SendRequest, outcome: Outcome): void {
    const { signal, items } = req;
    switch (outcome.kind) {
      case 'ok': {
        const rejected = Math.min(outcome.rejected, items);
        this.telemetry.sent(signal, items - rejected);
        if (rejected > 0) {
          this.telemetry.sendFailed(signal, rejected, 'rejected');
          this.logger.warn(
            { signal, rejected, message: outcome.message ?? '' },
            'The destination accepted the request partially; rejected items are dropped.',
          );
        } else if (outcome.message) {
          this.logger.warn({ signal, message: outcome.message }, 'The destination returned a warning.');
        }
        return;
      }
      case 'permanent':
        this.telemetry.sendFailed(signal, items, 'permanent');
        this.logger.error(
          { signal, items, error: outcome.message },
          'Exporting failed. The error is not retryable. Dropping data.',
        );
        return;
      case 'exhausted':
        this.telemetry.sendFailed(signal, items, 'retries_exhausted');
        this.logger.error(
          { signal, items, error: outcome.message },
          'Exporting failed. No more retries left. Dropping data.',
        );
        return;
      case 'shutdown':
        this.telemetry.sendFailed(signal, items, 'shutdown');
        this.logger.error(
          { signal, items, error: outcome.message },
          'Exporting failed during shutdown. Dropping data.',
        );
        return;
    }
  }

  private notify(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolves at the next settle, enqueue or shutdown. */
  private nextChange(): Promise<void> {
    return new Promise((r) => this.waiters.push(r));
  }

  /** Waits until `cond` holds (re-checked at each change) or `ms` pass; returns whether it holds. */
  private async waitUntil(cond: () => boolean, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    const timer = new AbortController();
    const expired = sleep(ms, timer.signal);
    try {
      while (!cond()) {
        if (Date.now() >= deadline) return false;
        await Promise.race([this.nextChange(), expired]);
      }
      return true;
    } finally {
      timer.abort();
    }
  }
}

function safeSize(q: SendQueue): number {
  try {
    return q.size();
  } catch {
    return 0;
  }
}
