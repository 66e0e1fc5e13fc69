// The exporter sending queue: bounded, with every refusal counted by the caller.
// Items are encoded OTLP export requests, so the persistent queue stores exactly the bytes
// that will be sent.
import type { Signal } from '../model/common.ts';
import type { PositionSet, SourcePosition } from './positions.ts';

export interface QueueItem {
  signal: Signal;
  /** Telemetry items (spans / points / log records) in the payload, for the `items` sizer. */
  items: number;
  /** An encoded Export<Signal>ServiceRequest (protobuf). */
  payload: Uint8Array;
  /**
   * The request's identity for as long as it is queued — the same on every attempt, also after a
   * restart (persistent queue) — sent as `Idempotency-Key` so a destination can tell a retry of
   * a request it already stored (the exporter died before it could note the answer) from new data.
   */
  id?: string;
  /** Where the data's sources are with it (positions.ts); kept by the persistent queue. */
  positions?: readonly SourcePosition[];
}

export type Sizer = 'requests' | 'items' | 'bytes';

/** Thrown by offer() when the queue is at capacity; nothing was added. */
export class QueueFullError extends Error {
  constructor(message = 'sending queue is full') {
    super(message);
    this.name = 'QueueFullError';
  }
}

/** Thrown by offer() after close(). */
export class QueueClosedError extends Error {
  constructor() {
    super('sending queue is closed');
    this.name = 'QueueClosedError';
  }
}

/** An item handed to a consumer; it stays in the queue until ack() (or is retried after nack()). */
export interface Lease {
  readonly item: QueueItem;
  /** The item is done (delivered, or failed for good): remove it for ever. */
  ack(): void;
  /** The item could not be sent now: make it available again (to the front of the queue). */
  nack(): void;
}

export interface SendQueue {
  /**
   * Adds an item. Resolves once it is stored: for the persistent queue, written to the
   * operating system (survives kill -9; with fsync also power loss). Rejects with
   * QueueFullError when the item would exceed capacity.
   */
  offer(item: QueueItem): Promise<void>;
  /** Waits for the next item; resolves null once the queue is closed. */
  take(): Promise<Lease | null>;
  /** Current size in the sizer's unit (items leased but not acked count). */
  size(): number;
  /** Capacity in the sizer's unit. */
  capacity(): number;
  /** Stops take() (pending takes resolve null) and offer(); persists state. Unacked leases stay stored. */
  close(): Promise<void>;
  /** Source positions of the data stored (persistent queues only). */
  positions?(): PositionSet;
}
