// `memory_limiter`: measures the process's resident memory every check_interval; above the
// soft limit (limit − spike) it first forces a garbage collection (at most once a second), and
// if memory is still above it refuses data with a retryable error, so receivers answer
// HTTP 429 / gRPC RESOURCE_EXHAUSTED and senders back off — overload is pushed back instead of
// growing until the kernel kills us. Put it first in a pipeline.
import type { Signal } from '../../../model/common.ts';
import { itemCount, type SignalData } from '../../../model/signal.ts';
import type {
  ConsumeContext,
  Consumer,
  CreateSettings,
  Processor,
  ProcessorFactory,
} from '../../../pipeline/component.ts';
import { RetryableError } from '../../../pipeline/errors.ts';
import { forceGc } from '../../../util/gc.ts';
import { configSchema, type MemoryLimiterConfig } from './config.ts';
import { computeLimits, type Limits } from './limits.ts';

/**
 * What the limiter measures. `live` is memory that holding less data frees (V8 heap in use
 * plus buffers outside it); `rss` is what the kernel counts. Injectable for tests.
 */
export type MemoryReader = () => { live: number; rss: number };

/**
 * Default reader. RSS alone can't drive the decision: it rarely shrinks after a collection
 * (freed pages stay with the process), so a limiter watching RSS would refuse for ever once it
 * had been reached. Instead the limiter judges `live + overhead`, where the overhead is the
 * process's footprint beyond live data (binary, code, runtime) measured at start — an estimate
 * of RSS that falls when data drains.
 */
export const processMemory: MemoryReader = () => {
  const m = process.memoryUsage();
  return { live: m.heapUsed + m.external, rss: m.rss };
};

/** What the limiter depends on outside itself; tests replace these. */
export interface LimiterDeps {
  /** How memory is measured (default: processMemory). */
  read: MemoryReader;
  /** Forces a full garbage collection; false when that is not possible (default: util/gc). */
  gc: () => boolean;
  /** The memory a limit_percentage is taken of (default: cgroup limit, else the machine's). */
  totalMemory?: () => number;
}

/** One limiter per process configuration is enough: pipelines share the measurement. */
class Limiter {
  readonly limits: Limits;
  private readonly read: MemoryReader;
  private readonly gc: () => boolean;
  private timer: NodeJS.Timeout | undefined;
  users = 0;
  /** live + overhead at the last check: what is compared with the limits. */
  current = 0;
  rss = 0;
  private overhead = 0;
  pressure = false;
  private readonly settings: CreateSettings;
  private readonly interval: number;

  constructor(settings: CreateSettings, cfg: MemoryLimiterConfig, deps: LimiterDeps) {
    this.settings = settings;
    this.limits = computeLimits(cfg, deps.totalMemory);
    this.read = deps.read;
    this.gc = deps.gc;
    this.interval = cfg.check_interval;
  }

  private lastGc = 0;

  private measure(): void {
    const m = this.read();
    this.rss = m.rss;
    this.current = m.live + this.overhead;
  }

  check(): void {
    this.measure();
    const was = this.pressure;
    if (
      (this.current >= this.limits.soft || this.rss >= this.limits.hard) &&
      Date.now() - this.lastGc >= Math.max(1000, this.interval)
    ) {
      // Garbage (e.g. from refused requests) is the usual excess: collect before judging,
      // at most once a second because a full collection of a large heap takes a while.
      this.lastGc = Date.now();
      if (this.gc()) this.measure();
    }
    this.pressure = this.current >= this.limits.soft;
    const mib = (n: number) => Math.round(n / 1048576);
    if (this.pressure && !was) {
      this.settings.logger.warn(
        {
          memory_mib: mib(this.current),
          soft_limit_mib: mib(this.limits.soft),
          hard_limit_mib: mib(this.limits.hard),
        },
        'memory above the soft limit: refusing data until it drops',
      );
    } else if (!this.pressure && was) {
      this.settings.logger.info(
        { memory_mib: mib(this.current) },
        'memory back under the soft limit: accepting data again',
      );
    }
  }

  acquire(): void {
    if (this.users++ === 0) {
      const m = this.read();
      this.overhead = Math.max(0, m.rss - m.live);
      this.check();
      this.timer = setInterval(() => this.check(), this.interval);
      this.timer.unref();
    }
  }

  release(): void {
    if (--this.users === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  get retryAfterMs(): number {
    return Math.max(1000, this.interval);
  }

  refusal(): RetryableError {
    const mib = (n: number) => Math.round(n / 1048576);
    return new RetryableError(
      `memory limiter: ${mib(this.current)} MiB in use is above the soft limit of ${mib(this.limits.soft)} MiB; retry later`,
      'memory_pressure',
      this.retryAfterMs,
    );
  }
}

/** A memory_limiter factory measuring with `deps`; the registered one measures this process. */
export function createMemoryLimiterFactory(
  deps: LimiterDeps = { read: processMemory, gc: forceGc },
): ProcessorFactory<MemoryLimiterConfig> {
  const limiters = new Map<string, Limiter>();
  return {
    kind: 'processor',
    type: 'memory_limiter',
    signals: ['traces', 'metrics', 'logs'],
    mutatesData: false,
    configSchema,
    create<S extends Signal>(
      settings: CreateSettings,
      cfg: MemoryLimiterConfig,
      signal: S,
      next: Consumer<S>,
    ): Processor<S> {
      const key = `${settings.id.key}:${JSON.stringify(cfg)}`;
      let limiter = limiters.get(key);
      if (!limiter) {
        limiter = new Limiter(settings, cfg, deps);
        limiters.set(key, limiter);
        settings.telemetry.observe(
          'memory_limiter_memory_bytes',
          'Memory judged at the last check: live data plus the runtime footprint measured at start.',
          () => limiter!.current,
        );
        settings.telemetry.observe(
          'memory_limiter_soft_limit_bytes',
          'Above this, data is refused.',
          () => limiter!.limits.soft,
        );
        settings.telemetry.observe(
          'memory_limiter_hard_limit_bytes',
          'The configured memory limit.',
          () => limiter!.limits.hard,
        );
      }
      const l = limiter;
      return {
        async start() {
          l.acquire();
        },
        async shutdown() {
          l.release();
          if (limiters.get(key) === l && l.users === 0) limiters.delete(key);
        },
        admit() {
          if (l.pressure) {
            throw l.refusal();
          }
          next.admit?.();
        },
        consume(data: SignalData<S>, ctx: ConsumeContext): Promise<void> {
          if (l.pressure) {
            settings.telemetry.processorRefused(signal, itemCount(signal, data), 'memory_pressure');
            return Promise.reject(l.refusal());
          }
          return next.consume(data, ctx);
        },
      };
    },
  };
}

export const factory = createMemoryLimiterFactory();
