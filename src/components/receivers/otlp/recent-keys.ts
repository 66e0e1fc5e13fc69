// Idempotency-Key values of requests the pipeline accepted recently. A sender that died after we
// accepted a request but before it saw our answer sends it again with the same key (WatchingCat
// exporters do: QueueItem.id); we answer success without taking the data a second time.
//
// Bounded: at most `max` keys, each remembered for `ttlMs`; the oldest are forgotten first (a
// repeat arriving later than that is stored again: at-least-once, as without keys).
export class RecentKeys {
  private readonly keys = new Map<string, number>();
  private readonly max: number;
  private readonly ttlMs: number;

  constructor(max = 100_000, ttlMs = 60 * 60 * 1000) {
    this.max = max;
    this.ttlMs = ttlMs;
  }

  has(key: string, now = Date.now()): boolean {
    const expires = this.keys.get(key);
    if (expires === undefined) return false;
    if (expires > now) return true;
    this.keys.delete(key);
    return false;
  }

  add(key: string, now = Date.now()): void {
    this.keys.delete(key);
    this.keys.set(key, now + this.ttlMs);
    while (this.keys.size > this.max) this.keys.delete(this.keys.keys().next().value!);
  }

  get size(): number {
    return this.keys.size;
  }
}

/** The key from an `Idempotency-Key` header value (a quoted string, as the IETF draft writes it). */
export function idempotencyKey(raw: string | string[] | undefined): string | undefined {
  const v = Array.isArray(raw) ? raw[0] : raw;
  if (!v) return undefined;
  const key = v.trim().replace(/^"(.*)"$/, '$1');
  return key.length > 0 && key.length <= 256 ? key : undefined;
}
