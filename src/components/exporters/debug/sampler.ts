// The debug exporter's log sampling, as the Collector's (zap's sampler): in each one-second
// window the first `initial` batches are logged, then every `thereafter`-th.
export class Sampler {
  private readonly initial: number;
  private readonly thereafter: number;
  private readonly now: () => number;
  private windowStart = -Infinity;
  private count = 0;

  constructor(initial: number, thereafter: number, now: () => number = Date.now) {
    this.initial = initial;
    this.thereafter = thereafter;
    this.now = now;
  }

  /** True when this batch should be logged. */
  sample(): boolean {
    const t = this.now();
    if (t - this.windowStart >= 1000) {
      this.windowStart = t;
      this.count = 0;
    }
    this.count++;
    if (this.count <= this.initial) return true;
    return this.thereafter > 0 && (this.count - this.initial) % this.thereafter === 0;
  }
}
