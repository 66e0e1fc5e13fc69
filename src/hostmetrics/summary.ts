// The node summary metrics, derived from a host collection's node_* families (no second read of
// the host), pushed over OTLP next to them. /metrics/node does not carry them: it stays exactly
// node_exporter's.
//
//   node_cpu_utilization                      gauge, 0..1: the busy share of all CPUs' time
//       between this collection and the previous one summarised: busy = total − idle − iowait,
//       from node_cpu_seconds_total deltas summed over the CPUs present both times (a CPU that
//       went offline or came online does not skew the ratio). Always from cumulative CPU-time
//       deltas, never from an instantaneous reading; the first collection has no sample, nor has
//       one where no CPU time passed or a counter went backwards.
//   node_memory_usage_bytes                   gauge: MemTotal − MemAvailable (what `free` calls
//       used plus what the kernel could not reclaim); no sample without MemAvailable (< 3.14).
//   node_disk_io_bytes{device,direction}      counter (cumulative; an OTLP monotonic sum):
//       bytes read ("read") and written ("write") per device node_exporter reports.
//   node_network_io_bytes{device,direction}   counter: bytes received ("receive") and
//       transmitted ("transmit") per interface.
//   node_filesystem_usage_bytes{device,mountpoint,fstype}  gauge: size − free, the blocks in
//       use including those reserved for root (df's "Used" plus the reserve).
//   node_load_1m / node_load_5m / node_load_15m  gauges: the load averages.
//
// Counters stay counters: a rate is the backend's to compute over any window, and a cumulative
// value survives a lost push. CPU utilisation is the exception because its inputs are per-mode
// per-CPU counters no dashboard wants to combine itself. Directions are OpenTelemetry's
// (system.disk.io, system.network.io).
import type { Family, Labels, Sample } from '../metricfamily/family.ts';
import { family } from '../metricfamily/family.ts';

/** Modes of node_cpu_seconds_total that are not busy time. */
const IDLE_MODES = new Set(['idle', 'iowait']);

interface CpuTimes {
  busy: number;
  total: number;
}

export class HostSummary {
  /** Per CPU (its `cpu` label): busy and total seconds at the previous summarised collection. */
  private prevCpu: Map<string, CpuTimes> | undefined;

  /** The summary families for one collection's families (empty families are left out). */
  compute(families: readonly Family[]): Family[] {
    const byName = new Map<string, Family>();
    for (const f of families) byName.set(f.name, f);
    const out = [
      this.cpu(byName.get('node_cpu_seconds_total')),
      memory(byName),
      io('node_disk_io_bytes', 'Bytes read from and written to the block device.', [
        [byName.get('node_disk_read_bytes_total'), 'read'],
        [byName.get('node_disk_written_bytes_total'), 'write'],
      ]),
      io('node_network_io_bytes', 'Bytes received and transmitted on the network interface.', [
        [byName.get('node_network_receive_bytes_total'), 'receive'],
        [byName.get('node_network_transmit_bytes_total'), 'transmit'],
      ]),
      filesystem(byName.get('node_filesystem_size_bytes'), byName.get('node_filesystem_free_bytes')),
      load('node_load_1m', '1m load average.', byName.get('node_load1')),
      load('node_load_5m', '5m load average.', byName.get('node_load5')),
      load('node_load_15m', '15m load average.', byName.get('node_load15')),
    ];
    return out.filter((f) => f.samples.length > 0);
  }

  private cpu(seconds: Family | undefined): Family {
    const f = family(
      'node_cpu_utilization',
      'gauge',
      'Share of CPU time spent busy (not idle or iowait) across all CPUs between the last two collections (0-1).',
    );
    if (!seconds) return f; // the cpu collector is off or failed: keep the previous reading
    const now = new Map<string, CpuTimes>();
    for (const s of seconds.samples) {
      const cpu = label(s, 'cpu');
      const mode = label(s, 'mode');
      if (cpu === undefined || mode === undefined || !Number.isFinite(s.value)) continue;
      const t = now.get(cpu) ?? { busy: 0, total: 0 };
      t.total += s.value;
      if (!IDLE_MODES.has(mode)) t.busy += s.value;
      now.set(cpu, t);
    }
    const prev = this.prevCpu;
    this.prevCpu = now;
    if (!prev) return f;
    let busy = 0;
    let total = 0;
    for (const [cpu, t] of now) {
      const p = prev.get(cpu);
      if (!p) continue;
      const dt = t.total - p.total;
      const db = t.busy - p.busy;
      // A counter that went backwards (a CPU re-plugged, a reset): that CPU is left out.
      if (dt < 0 || db < 0 || db > dt) continue;
      busy += db;
      total += dt;
    }
    if (total > 0) f.samples.push({ labels: [], value: Math.min(1, Math.max(0, busy / total)) });
    return f;
  }
}

function label(s: Sample, name: string): string | undefined {
  for (const [k, v] of s.labels) if (k === name) return v;
  return undefined;
}

function single(f: Family | undefined): number | undefined {
  const s = f?.samples[0];
  return s !== undefined && Number.isFinite(s.value) ? s.value : undefined;
}

function memory(byName: ReadonlyMap<string, Family>): Family {
  const f = family('node_memory_usage_bytes', 'gauge', 'Memory in use: MemTotal - MemAvailable, in bytes.');
  const total = single(byName.get('node_memory_MemTotal_bytes'));
  const available = single(byName.get('node_memory_MemAvailable_bytes'));
  if (total !== undefined && available !== undefined)
    f.samples.push({ labels: [], value: Math.max(0, total - available) });
  return f;
}

function io(name: string, help: string, sources: readonly [Family | undefined, string][]): Family {
  const f = family(name, 'counter', help);
  for (const [src, direction] of sources) {
    for (const s of src?.samples ?? []) {
      const device = label(s, 'device');
      if (device === undefined || !Number.isFinite(s.value)) continue;
      f.samples.push({
        labels: [
          ['device', device],
          ['direction', direction],
        ],
        value: s.value,
      });
    }
  }
  return f;
}

function filesystem(size: Family | undefined, free: Family | undefined): Family {
  const f = family(
    'node_filesystem_usage_bytes',
    'gauge',
    'Filesystem space in use (size - free, root-reserved blocks included), in bytes.',
  );
  if (!size || !free) return f;
  const key = (s: Sample) => `${label(s, 'device')}\0${label(s, 'mountpoint')}\0${label(s, 'fstype')}`;
  const freeBy = new Map<string, number>();
  for (const s of free.samples) freeBy.set(key(s), s.value);
  for (const s of size.samples) {
    const device = label(s, 'device');
    const mountpoint = label(s, 'mountpoint');
    const fstype = label(s, 'fstype');
    const fr = freeBy.get(key(s));
    if (device === undefined || mountpoint === undefined || fstype === undefined || fr === undefined)
      continue;
    if (!Number.isFinite(s.value) || !Number.isFinite(fr)) continue;
    const labels: Labels = [
      ['device', device],
      ['mountpoint', mountpoint],
      ['fstype', fstype],
    ];
    f.samples.push({ labels, value: Math.max(0, s.value - fr) });
  }
  return f;
}

function load(name: string, help: string, src: Family | undefined): Family {
  const f = family(name, 'gauge', help);
  const v = single(src);
  if (v !== undefined) f.samples.push({ labels: [], value: v });
  return f;
}
