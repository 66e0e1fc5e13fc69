// The memory this process may use: the container's cgroup limit when there is one, else the
// machine's memory; and the soft/hard limits derived from the configuration.
import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import type { MemoryLimiterConfig } from './config.ts';

const MiB = 1024 * 1024;

/** cgroup v2 memory.max, else cgroup v1 memory.limit_in_bytes, else undefined. "max" and absurd values mean no limit. */
export function cgroupLimit(
  read: (path: string) => string = (p) => readFileSync(p, 'utf8'),
  root = '/sys/fs/cgroup',
): number | undefined {
  for (const path of [`${root}/memory.max`, `${root}/memory/memory.limit_in_bytes`]) {
    try {
      const text = read(path).trim();
      if (text === 'max') return undefined;
      const n = Number(text);
      if (Number.isFinite(n) && n > 0 && n < 2 ** 60) return n;
    } catch {
      // not this cgroup version
    }
  }
  return undefined;
}

export interface Limits {
  hard: number;
  soft: number;
}

export function computeLimits(
  cfg: MemoryLimiterConfig,
  total: () => number = () => Math.min(cgroupLimit() ?? Infinity, totalmem()),
): Limits {
  let hard: number;
  let spike: number;
  // As in the Collector, a spike limit of 0 means "not set": 20% of the limit.
  if (cfg.limit_mib !== undefined) {
    hard = cfg.limit_mib * MiB;
    spike = cfg.spike_limit_mib ? cfg.spike_limit_mib * MiB : hard * 0.2;
  } else {
    const t = total();
    hard = (t * cfg.limit_percentage!) / 100;
    spike = cfg.spike_limit_percentage ? (t * cfg.spike_limit_percentage) / 100 : hard * 0.2;
  }
  return { hard, soft: Math.max(0, hard - spike) };
}
