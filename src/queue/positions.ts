// Source positions that travel with data into a persistent queue, so a source that re-reads its
// input after a crash (the filelog receiver) can tell which of it the queue already holds — the
// part of exactly-once that a source's own checkpoint, written after the queue accepted, cannot
// give (kill -9 between the two writes repeats the data).
//
// A position {key, from, to} says: the source's units [from, to) (file bytes) are in this data
// or in data sent with earlier positions. The set keeps, per key, the union of the intervals it
// was given; `reach(key, at)` is how far a source starting at `at` may skip: the end of the
// interval holding `at`. Intervals of one key merge when they touch; a gap (data refused, sent
// later) stays until it is filled, so skipping never passes data that is not stored.
//
// Bounded: at most MAX_INTERVALS per key (the lowest are forgotten: a source then re-reads
// more, never less) and MAX_KEYS keys (the least recently advanced are forgotten).

export interface SourcePosition {
  key: string;
  from: number;
  to: number;
}

const MAX_INTERVALS = 16;
const MAX_KEYS = 20_000;

export class PositionSet {
  /** key → sorted, disjoint, non-touching intervals [from, to]. Map order = least recently added first. */
  private readonly byKey = new Map<string, [number, number][]>();

  get size(): number {
    return this.byKey.size;
  }

  add(p: SourcePosition): void {
    if (!(p.to > p.from) || p.from < 0 || !Number.isSafeInteger(p.from) || !Number.isSafeInteger(p.to))
      return;
    const list = this.byKey.get(p.key) ?? [];
    this.byKey.delete(p.key); // re-inserted last: most recently advanced
    let from = p.from;
    let to = p.to;
    const out: [number, number][] = [];
    for (const iv of list) {
      if (iv[1] < from || iv[0] > to) out.push(iv);
      else {
        from = Math.min(from, iv[0]);
        to = Math.max(to, iv[1]);
      }
    }
    out.push([from, to]);
    out.sort((a, b) => a[0] - b[0]);
    while (out.length > MAX_INTERVALS) out.shift();
    this.byKey.set(p.key, out);
    while (this.byKey.size > MAX_KEYS) this.byKey.delete(this.byKey.keys().next().value!);
  }

  addAll(ps: readonly SourcePosition[] | undefined): void {
    if (ps) for (const p of ps) this.add(p);
  }

  /** The end of the stored interval holding `at` (from ≤ at ≤ to), else `at`. */
  reach(key: string, at: number): number {
    for (const [from, to] of this.byKey.get(key) ?? []) if (from <= at && at <= to) return to;
    return at;
  }

  /** Keys starting with `prefix` and their intervals (for a source to look itself up). */
  entries(prefix = ''): [string, [number, number][]][] {
    return [...this.byKey].filter(([k]) => k.startsWith(prefix));
  }

  /** What every one of `sets` holds (data fanned out to several queues is stored once all have it). */
  static intersect(sets: PositionSet[]): PositionSet {
    const out = new PositionSet();
    if (sets.length === 0) return out;
    for (const [key, first] of sets[0]!.byKey) {
      let acc = first;
      for (const other of sets.slice(1)) {
        const ivs = other.byKey.get(key) ?? [];
        const next: [number, number][] = [];
        for (const a of acc)
          for (const b of ivs) {
            const from = Math.max(a[0], b[0]);
            const to = Math.min(a[1], b[1]);
            if (to > from) next.push([from, to]);
          }
        acc = next;
      }
      for (const [from, to] of acc) out.add({ key, from, to });
    }
    return out;
  }

  toJSON(): { key: string; intervals: [number, number][] }[] {
    return [...this.byKey].map(([key, intervals]) => ({ key, intervals }));
  }

  /** Adds what toJSON() wrote; anything malformed is skipped (a garbled file costs re-reading, never a crash). */
  readJSON(v: unknown): void {
    if (!Array.isArray(v)) return;
    for (const e of v) {
      if (e === null || typeof e !== 'object') continue;
      const { key, intervals } = e as { key?: unknown; intervals?: unknown };
      if (typeof key !== 'string' || !Array.isArray(intervals)) continue;
      for (const iv of intervals)
        if (Array.isArray(iv) && typeof iv[0] === 'number' && typeof iv[1] === 'number')
          this.add({ key, from: iv[0], to: iv[1] });
    }
  }

  static fromJSON(v: unknown): PositionSet {
    const out = new PositionSet();
    out.readJSON(v);
    return out;
  }
}
