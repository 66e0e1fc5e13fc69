// A bounded FIFO in memory. Capacity is counted by the sizer over items not yet acked
// (leased items still count, so a slow destination can't make the queue grow unbounded).
// An item larger than the whole capacity is accepted only into an empty queue — otherwise it
// could never be sent — and refused with QueueFullError otherwise.
import { randomUUID } from 'node:crypto';
import {
  QueueClosedError,
  QueueFullError,
  type Lease,
  type QueueItem,
  type SendQueue,
  type Sizer,
} from '../queue/types.ts';

/** This process's part of the ids of memory-queued requests. */
const PROCESS_ID = randomUUID();

export function itemSize(sizer: Sizer, item: QueueItem): number {
  return sizer === 'requests' ? 1 : sizer === 'items' ? item.items : item.payload.length;
}

export class MemoryQueue implements SendQueue {
  private readonly sizer: Sizer;
  private readonly cap: number;
  private readonly items: QueueItem[] = [];
  private seq = 0;
  private head = 0;
  private used = 0;
  private closed = false;
  private readonly waiters: Array<(l: Lease | null) => void> = [];

  constructor(opts: { sizer: Sizer; capacity: number }) {
    this.sizer = opts.sizer;
    this.cap = opts.capacity;
  }

  async offer(item: QueueItem): Promise<void> {
    if (this.closed) throw new QueueClosedError();
    const n = itemSize(this.sizer, item);
    if (this.used + n > this.cap && this.used > 0) throw new QueueFullError();
    this.used += n;
    // Retries in this process carry the same id (QueueItem.id); a restart loses the queue anyway.
    const it = item.id ? item : { ...item, id: `${PROCESS_ID}-${++this.seq}` };
    const w = this.waiters.shift();
    if (w) w(this.lease(it));
    else this.items.push(it);
  }

  private lease(item: QueueItem): Lease {
    let done = false;
    return {
      item,
      ack: () => {
        if (done) return;
        done = true;
        this.used -= itemSize(this.sizer, item);
      },
      nack: () => {
        if (done) return;
        done = true;
        const w = this.closed ? undefined : this.waiters.shift();
        if (w) w(this.lease(item));
        else {
          // Back to the front.
          if (this.head > 0) this.items[--this.head] = item;
          else this.items.unshift(item);
        }
      },
    };
  }

  take(): Promise<Lease | null> {
    if (this.head < this.items.length) {
      const item = this.items[this.head]!;
      this.items[this.head++] = undefined as unknown as QueueItem;
      if (this.head === this.items.length) {
        this.items.length = 0;
        this.head = 0;
      } else if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items.splice(0, this.head);
        this.head = 0;
      }
      return Promise.resolve(this.lease(item));
    }
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  size(): number {
    return this.used;
  }

  capacity(): number {
    return this.cap;
  }

  /** Items waiting (not leased). */
  pending(): number {
    return this.items.length - this.head;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiters.splice(0)) w(null);
  }
}
