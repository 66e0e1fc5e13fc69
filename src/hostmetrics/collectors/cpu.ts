// node_exporter's `cpu` collector (v1.9.1, Linux, default flags):
//   node_cpu_seconds_total{cpu,mode}          counter, /proc/stat per CPU: user nice system idle
//                                             iowait irq softirq steal (seconds, USER_HZ=100)
//   node_cpu_guest_seconds_total{cpu,mode}    counter, guest / guest_nice as mode user / nice
//                                             (--collector.cpu.guest, default on; guest time is
//                                             also inside user / nice)
//   node_cpu_core_throttles_total{core,package}   counter  } sysfs thermal_throttle, when present
//   node_cpu_package_throttles_total{package}     counter  }
//   node_cpu_isolated{cpu}                    gauge 1 per isolated CPU
//   node_cpu_online{cpu}                      gauge, when the kernel has per-CPU online files
// node_cpu_info, node_cpu_flag_info, node_cpu_bug_info and node_cpu_frequency_hertz are behind
// --collector.cpu.info (default off) and are not produced.
//
// State (kept per collector instance, as upstream keeps it per process): each counter is
// reported as the maximum seen, so a counter the kernel moves backwards (it happens with
// tickless idle accounting and CPU hotplug) never makes Prometheus see a reset; a CPU whose idle
// time dropped by 3 s or more is taken as replugged and starts afresh; CPUs gone from /proc/stat
// are forgotten.
// A missing /proc/stat fails the collector; sysfs parts that are missing are left out.
import { family } from '../../metricfamily/family.ts';
import type { Family } from '../../metricfamily/family.ts';
import { join } from 'node:path';
import { orderLikeGatherer } from '../gather-order.ts';
import { readFileResult } from '../read.ts';
import type { CollectContext, HostCollector } from '../types.ts';
import { cpuDirNames, readIsolated, readOnline, readThrottles } from './cpu-sysfs.ts';
import { CPU_MODES, parseProcStat, zeroCpuTimes } from './proc-stat.ts';
import type { CpuTimes } from './proc-stat.ts';

/** node_exporter's jumpBackSeconds: an idle drop this large means the CPU was replugged. */
export const JUMP_BACK_SECONDS = 3;

/** Modes of node_cpu_seconds_total, in node_exporter's emission order. */
const SECONDS_MODES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;

export interface CpuOptions {
  /** --collector.cpu.guest (default true): node_cpu_guest_seconds_total. */
  guest?: boolean;
}

/**
 * The reported times of one CPU given the previous ones: each mode keeps the larger value, after a
 * reset of all of them when idle went back by JUMP_BACK_SECONDS or more.
 */
export function monotonicCpuTimes(prev: CpuTimes | undefined, next: CpuTimes): CpuTimes {
  const base = prev === undefined || prev.idle - next.idle >= JUMP_BACK_SECONDS ? zeroCpuTimes() : prev;
  const out = zeroCpuTimes();
  for (const m of CPU_MODES) out[m] = next[m] >= base[m] ? next[m] : base[m];
  return out;
}

export function createCpuCollector(opts: CpuOptions = {}): HostCollector {
  const guest = opts.guest ?? true;
  let reported = new Map<number, CpuTimes>();
  // Per sysfs root: isolated CPUs, read once like upstream's constructor does.
  const isolatedBySys = new Map<string, number[] | undefined>();

  function collect(ctx: CollectContext): Family[] {
    const { proc, sys } = ctx.paths;
    const r = readFileResult(join(proc, 'stat'));
    if (!r.ok) throw new Error(`couldn't read ${join(proc, 'stat')}: ${r.code}`);
    const stat = parseProcStat(r.text);

    const next = new Map<number, CpuTimes>();
    for (const [id, t] of stat.cpus) next.set(id, monotonicCpuTimes(reported.get(id), t));
    reported = next;

    const seconds = family('node_cpu_seconds_total', 'counter', 'Seconds the CPUs spent in each mode.');
    const guestSeconds = family(
      'node_cpu_guest_seconds_total',
      'counter',
      'Seconds the CPUs spent in guests (VMs) for each mode.',
    );
    for (const [id, t] of next) {
      const cpu = String(id);
      for (const mode of SECONDS_MODES) {
        seconds.samples.push({
          labels: [
            ['cpu', cpu],
            ['mode', mode],
          ],
          value: t[mode],
        });
      }
      if (guest) {
        guestSeconds.samples.push(
          {
            labels: [
              ['cpu', cpu],
              ['mode', 'user'],
            ],
            value: t.guest,
          },
          {
            labels: [
              ['cpu', cpu],
              ['mode', 'nice'],
            ],
            value: t.guestNice,
          },
        );
      }
    }
    const out = [seconds, guestSeconds];

    if (!isolatedBySys.has(sys)) isolatedBySys.set(sys, readIsolated(sys));
    const isolated = isolatedBySys.get(sys);
    if (isolated !== undefined) {
      const f = family(
        'node_cpu_isolated',
        'gauge',
        'Whether each core is isolated, information from /sys/devices/system/cpu/isolated.',
      );
      for (const n of isolated) f.samples.push({ labels: [['cpu', String(n)]], value: 1 });
      out.push(f);
    }

    const cpuDirs = cpuDirNames(sys);
    const throttles = readThrottles(sys, cpuDirs);
    const pkg = family(
      'node_cpu_package_throttles_total',
      'counter',
      'Number of times this CPU package has been throttled.',
    );
    for (const [p, n] of throttles.packages) pkg.samples.push({ labels: [['package', p]], value: n });
    const core = family(
      'node_cpu_core_throttles_total',
      'counter',
      'Number of times this CPU core has been throttled.',
    );
    // Labels in name order (client_golang sorts a const metric's label pairs): core, package.
    for (const [p, c, n] of throttles.cores)
      core.samples.push({
        labels: [
          ['core', c],
          ['package', p],
        ],
        value: n,
      });
    out.push(pkg, core);

    const online = readOnline(sys, cpuDirs);
    if (online !== undefined) {
      const f = family('node_cpu_online', 'gauge', 'CPUs that are online and being scheduled.');
      for (const [cpu, v] of online) f.samples.push({ labels: [['cpu', cpu]], value: v });
      out.push(f);
    }
    return orderLikeGatherer(out.filter((f) => f.samples.length > 0));
  }

  return { name: 'cpu', collect: async (ctx) => collect(ctx) };
}

export const cpuCollector: HostCollector = createCpuCollector();
