// Exponential backoff with jitter, as the Collector's retry_on_failure computes it: each wait
// is the current interval ± randomization_factor of it; the interval then grows by
// `multiplier` up to `max_interval`.
import type { RetrySettings } from '../config/schema-helpers.ts';

export class ExponentialBackoff {
  private current: number;
  private readonly settings: RetrySettings;
  private readonly random: () => number;

  constructor(settings: RetrySettings, random: () => number = Math.random) {
    this.settings = settings;
    this.random = random;
    this.current = settings.initial_interval;
  }

  /** The next wait in milliseconds. */
  next(): number {
    const interval = this.current;
    this.current = Math.min(interval * this.settings.multiplier, this.settings.max_interval);
    const delta = this.settings.randomization_factor * interval;
    // Uniform in [interval - delta, interval + delta].
    return interval - delta + this.random() * 2 * delta;
  }
}
