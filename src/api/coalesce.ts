// Identical reads that arrive together share one query. A UI page asks for several views of the
// same moment at once (the overview, its nodes and its pods all need the containers' usage and
// the pods' latest values); computed once, they cost a third. Contract: a result is reused only
// for an identical key and only while it is in flight or younger than `ttlMs`; failures are not
// kept. The key must contain everything the result depends on.
export class Coalescer {
  private readonly entries = new Map<string, { at: number; value: Promise<unknown> }>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(o: { ttlMs?: number; maxEntries?: number; now?: () => number } = {}) {
    this.ttlMs = o.ttlMs ?? 1000;
    this.maxEntries = o.maxEntries ?? 256;
    this.now = o.now ?? Date.now;
  }

  get<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const t = this.now();
    const hit = this.entries.get(key);
    if (hit && t - hit.at <= this.ttlMs) return hit.value as Promise<T>;
    const value = compute();
    this.entries.set(key, { at: t, value });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    if (this.entries.size > this.maxEntries)
      for (const [k, e] of this.entries)
        if (t - e.at > this.ttlMs || this.entries.size > this.maxEntries) this.entries.delete(k);
    return value;
  }
}
