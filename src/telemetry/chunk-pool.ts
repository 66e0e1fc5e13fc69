// Reusable buffers for large streamed bodies. A 10,000-pod kube-state scrape is ~65 chunks of
// 1 MiB; allocating them fresh for every scrape makes V8 run a full mark-compact every ~250 ms
// of scraping (external memory pressure) — measured as tens of milliseconds per scrape and most
// of its tail latency. Chunks are taken by the producer and given back by whoever consumed them
// last (the socket write's callback, or the gzip block's completion).
//
// Contract: give() accepts only what take() handed out (or a view of it from its first byte),
// and only once per take; anything else is ignored, so a stray give cannot put a buffer in use
// back on the free list. At most `maxFree` buffers are kept; the rest are left to the GC.

export class ChunkPool {
  readonly chunkBytes: number;
  private readonly maxFree: number;
  private readonly free: Buffer[] = [];
  private readonly ours = new WeakSet<ArrayBufferLike>();
  private readonly isFree = new WeakSet<ArrayBufferLike>();

  constructor(chunkBytes = 1 << 20, maxFree = 8) {
    this.chunkBytes = chunkBytes;
    this.maxFree = maxFree;
  }

  take(): Buffer {
    const b = this.free.pop();
    if (b) {
      this.isFree.delete(b.buffer);
      return b;
    }
    // Its own ArrayBuffer (not the shared 8 KiB pool): identified by it when it comes back.
    const fresh = Buffer.allocUnsafeSlow(this.chunkBytes);
    this.ours.add(fresh.buffer);
    return fresh;
  }

  give(b: Uint8Array): void {
    const ab = b.buffer;
    if (!this.ours.has(ab) || b.byteOffset !== 0 || this.isFree.has(ab)) return;
    if (this.free.length >= this.maxFree) return;
    this.isFree.add(ab);
    this.free.push(Buffer.from(ab, 0, this.chunkBytes));
  }

  /** Buffers waiting on the free list (tests). */
  get size(): number {
    return this.free.length;
  }
}

/** The process-wide pool for exposition bodies. */
export const chunkPool = new ChunkPool();
