// One batch buffer. Contract (end-to-end acknowledgement): a consume() promise resolves only
// when the batch that carries its data has been accepted downstream, and rejects with the
// downstream error otherwise. A request's data always travels in one buffered batch (which may
// be split by send_batch_max_size; the request then waits for every part).
import type { Signal } from '../../../model/common.ts';
import { appendData, emptyData, itemCount, takeItems, type SignalData } from '../../../model/signal.ts';
import type { ConsumeContext, Consumer } from '../../../pipeline/component.ts';
import type { SourcePosition } from '../../../queue/positions.ts';
import type { BatchConfig } from './config.ts';

interface Ticket {
  resolve: () => void;
  reject: (e: unknown) => void;
}

export class Batcher<S extends Signal> {
  private data: SignalData<S>;
  private items = 0;
  private tickets: Ticket[] = [];
  /** Source positions of the data buffered (ConsumeContext.positions), sent with it. */
  private positions: SourcePosition[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly inflight = new Set<Promise<void>>();
  private inflightItems = 0;
  private spaceWaiters: Array<() => void> = [];
  private readonly signal: S;
  private readonly cfg: BatchConfig;
  private readonly next: Consumer<S>;
  private readonly ctx: ConsumeContext;
  /** Buffered + in-flight items above which new data waits (bounded memory). */
  private readonly bound: number;

  constructor(signal: S, cfg: BatchConfig, next: Consumer<S>, ctx: ConsumeContext) {
    this.signal = signal;
    this.cfg = cfg;
    this.next = next;
    this.ctx = ctx;
    this.data = emptyData(signal);
    this.bound = Math.max(4 * Math.max(cfg.send_batch_size, cfg.send_batch_max_size), 65_536);
  }

  async add(data: SignalData<S>, positions?: readonly SourcePosition[]): Promise<void> {
    const n = itemCount(this.signal, data);
    if (n === 0) return;
    while (this.items + this.inflightItems >= this.bound)
      await new Promise<void>((r) => this.spaceWaiters.push(r));
    const done = new Promise<void>((resolve, reject) => this.tickets.push({ resolve, reject }));
    appendData(this.signal, this.data, data);
    if (positions) for (const p of positions) this.positions.push(p);
    this.items += n;
    if (this.cfg.timeout === 0 || this.items >= this.cfg.send_batch_size) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.cfg.timeout);
    return done;
  }

  /** Sends what is buffered now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.items === 0) return;
    const data = this.data;
    const items = this.items;
    const tickets = this.tickets;
    const positions = this.positions;
    this.data = emptyData(this.signal);
    this.items = 0;
    this.tickets = [];
    this.positions = [];
    // Positions go with the part that completes the data (the last one sent).
    const last: ConsumeContext = positions.length ? { ...this.ctx, positions } : this.ctx;
    this.inflightItems += items;
    const max = this.cfg.send_batch_max_size;
    const parts: Promise<void>[] = [];
    if (max > 0 && items > max) {
      let left = items;
      while (left > 0) {
        const part = takeItems(this.signal, data, Math.min(max, left));
        left -= Math.min(max, left);
        parts.push(this.next.consume(part, left === 0 ? last : this.ctx));
      }
    } else parts.push(this.next.consume(data, last));
    const p = Promise.all(parts).then(
      () => {
        for (const t of tickets) t.resolve();
      },
      (e: unknown) => {
        for (const t of tickets) t.reject(e);
      },
    );
    const tracked = p.finally(() => {
      this.inflight.delete(tracked);
      this.inflightItems -= items;
      for (const w of this.spaceWaiters.splice(0)) w();
    });
    this.inflight.add(tracked);
  }

  /** Flushes and waits for everything in flight. */
  async drain(): Promise<void> {
    this.flush();
    await Promise.allSettled([...this.inflight]);
  }

  get idle(): boolean {
    return this.items === 0 && this.inflight.size === 0;
  }
}
