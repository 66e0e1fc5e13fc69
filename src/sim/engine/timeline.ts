// A deterministic agenda of things due at simulated times. Entries due at the same time run in the
// order they were scheduled, so step(10_000) and ten step(1_000) calls produce the same history.

interface Entry {
  at: number;
  seq: number;
  run: () => void;
}

export class Timeline {
  private readonly heap: Entry[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  at(time: number, run: () => void): void {
    const entry: Entry = { at: time, seq: this.seq++, run };
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(entry, heap[parent] as Entry)) break;
      heap[i] = heap[parent] as Entry;
      i = parent;
    }
    heap[i] = entry;
  }

  /** The time of the earliest entry, or Infinity. */
  peekTime(): number {
    return this.heap.length > 0 ? (this.heap[0] as Entry).at : Infinity;
  }

  /** Removes and returns the earliest entry if it is due at or before `time`. */
  popDue(time: number): Entry | undefined {
    const heap = this.heap;
    const top = heap[0];
    if (top === undefined || top.at > time) return undefined;
    const last = heap.pop() as Entry;
    if (heap.length > 0) {
      let i = 0;
      const n = heap.length;
      while (true) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const child = r < n && before(heap[r] as Entry, heap[l] as Entry) ? r : l;
        if (!before(heap[child] as Entry, last)) break;
        heap[i] = heap[child] as Entry;
        i = child;
      }
      heap[i] = last;
    }
    return top;
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
