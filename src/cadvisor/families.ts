// container_* families exactly as the kubelet serves them on /metrics/cadvisor: cAdvisor's
// Prometheus collector (metrics/prometheus.go, v0.52.1 = Kubernetes 1.33) with the metric sets
// the kubelet enables (cpu, cpu load, memory, disk I/O, disk usage, network, process, OOM, app;
// per-CPU usage, hugetlb, scheduler, TCP/UDP, perf, resctrl and — with its feature gate off —
// PSI are not) and the kubelet's six base labels.
//
// What the kubelet's output looks like, and so ours:
// - Families sorted by name; within a family, samples sorted by their label values in label-name
//   order (Go's registry normalises every gather that way); label names sorted (const metrics
//   sort their label pairs): e.g. {container,cpu,id,image,name,namespace,pod}.
// - Stats samples carry the stats' timestamp in ms; container_last_seen carries "now";
//   container_start_time_seconds and container_spec_* carry none.
// - container_cpu_usage_seconds_total has only {cpu="total"} (per-CPU usage is off), and only
//   when the total is > 0. container_cpu_cfs_* exist only for cgroups with a CFS quota.
// - container_cpu_load_average_10s and container_tasks_state are always 0: the kubelet's cAdvisor
//   runs without its netlink load reader.
//
// Two deliberate differences, so that `promtool check metrics` reports nothing on our endpoint
// (it flags the kubelet's own output for both):
// - container_memory_failcnt is declared untyped, not counter (promtool: a counter needs the
//   _total suffix). Same name, same values; rate() works on it as before.
// - container_cpu_load_d_average_10s (cAdvisor ≥ 0.50, Kubernetes ≥ 1.31; promtool: "d" is an
//   abbreviated unit) is left out: it is always 0 in the kubelet too.
// - Disk I/O per device of io.stat / blkio: container_fs_{reads,writes}{_bytes,}_total and
//   container_blkio_device_usage_total{operation="Read"|"Write"}; device is "/dev/<disk>" or ""
//   (see devices.ts).
// - Network families only where network counters were read (the pod's sandbox and "/").
// - Spec: cpu period/shares when the cgroup has the cpu controller, quota when set; memory
//   limit/reservation/swap limit when it has a memory limit file, and for "/" (the machine's
//   memory and swap, which the reader puts in its spec); "unlimited" is 0.
//
// Contract: the input is CgroupStats (types.ts). A field that is undefined leaves its series out.
// Optional fields beyond that contract are published when a reader provides them: memory
// kernelUsage / activeFile / inactiveFile / pgfault / pgmajfault (container_memory_kernel_usage,
// container_memory_total_{active,inactive}_file_bytes, container_memory_failures_total) and
// `processes` (container_processes, container_threads, container_threads_max).
import { family, type Family, type FamilyType, type Labels, type Sample } from '../metricfamily/family.ts';
import type { ContainerLabels } from './pods.ts';
import type { CgroupStats, MemoryStats } from './types.ts';

/** Fields a reader may add to MemoryStats (cAdvisor publishes them; the base contract lacks them). */
export interface MemoryExtras {
  kernelUsage?: number;
  activeFile?: number;
  inactiveFile?: number;
  pgfault?: number;
  pgmajfault?: number;
}

/** Process counts a reader may add to CgroupStats (cAdvisor's process metrics). */
export interface ProcessExtras {
  processes?: { count: number; threads?: number; threadsMax?: number };
}

export type ExtendedStats = CgroupStats & ProcessExtras & { memory?: MemoryStats & MemoryExtras };

export interface ContainerRow {
  labels: ContainerLabels;
  stats: ExtendedStats;
}

export interface ContainerFamiliesOptions {
  nowMs: number;
  /** "major:minor" → "/dev/<disk>" or "" */
  deviceName: (majorMinor: string) => string;
  /** Listing the cgroups failed: container_scrape_error is 1 (and rows are whatever was read). */
  scrapeError?: boolean;
}

type Extra = readonly [string, string];

const BASE_KEYS = ['container', 'id', 'image', 'name', 'namespace', 'pod'] as const;

function baseLabels(l: ContainerLabels): Labels {
  return [
    ['container', l.container],
    ['id', l.id],
    ['image', l.image],
    ['name', l.name],
    ['namespace', l.namespace],
    ['pod', l.pod],
  ];
}

/** base (sorted) merged with extras (sorted): the label pairs in Prometheus' sorted order. */
function withExtras(base: Labels, extras: readonly Extra[]): Labels {
  const out: (readonly [string, string])[] = [];
  let j = 0;
  for (const pair of base) {
    while (j < extras.length && extras[j]![0] < pair[0]) out.push(extras[j++]!);
    out.push(pair);
  }
  while (j < extras.length) out.push(extras[j++]!);
  return out;
}

function compareLabels(a: Labels, b: Labels): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]![1];
    const y = b[i]![1];
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function compareRows(a: ContainerRow, b: ContainerRow): number {
  for (const k of BASE_KEYS) {
    const x = a.labels[k];
    const y = b.labels[k];
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

const byName = (a: Family, b: Family): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Sorts families by name (their samples stay as they are). */
export function sortFamiliesByName(families: Family[]): Family[] {
  return families.sort(byName);
}

/**
 * Sorts families by name and each family's samples by label values (Go's registry order), for
 * families built elsewhere. containerFamilies() needs none of it: it emits in order.
 */
export function sortFamilies(families: Family[]): Family[] {
  families.sort(byName);
  for (const f of families) {
    const s = f.samples;
    let sorted = true;
    for (let i = 1; i < s.length && sorted; i++) sorted = compareLabels(s[i - 1]!.labels, s[i]!.labels) <= 0;
    if (!sorted) s.sort((a, b) => compareLabels(a.labels, b.labels));
  }
  return families;
}

/**
 * Where a sample goes in Go's order, for the families whose extra label sorts before `id`
 * (device, failure_type): rows are sorted by their base labels and `id` is unique per row, so a
 * sample's place is (its row's container block, the extra label's value, its row, its place
 * among the row's samples). Every other family is emitted in row order already sorted.
 */
interface SortKey {
  block: number;
  extra: string;
  row: number;
  seq: number;
}

class Builder {
  readonly families = new Map<string, Family>();
  private readonly keys = new Map<Family, SortKey[]>();
  /** the current row's container block and rank, set by the caller */
  block = 0;
  row = 0;
  private seq = 0;

  get(name: string, type: FamilyType, help: string): Family {
    let f = this.families.get(name);
    if (!f) {
      f = family(name, type, help);
      this.families.set(name, f);
    }
    return f;
  }

  add(name: string, type: FamilyType, help: string, sample: Sample): void {
    this.get(name, type, help).samples.push(sample);
  }

  /** add() for a family whose extra label (`extra`) sorts before `id`. */
  addKeyed(name: string, type: FamilyType, help: string, sample: Sample, extra: string): void {
    const f = this.get(name, type, help);
    f.samples.push(sample);
    let k = this.keys.get(f);
    if (!k) this.keys.set(f, (k = []));
    k.push({ block: this.block, extra, row: this.row, seq: this.seq++ });
  }

  /** Puts the keyed families' samples in Go's order. */
  finish(): Family[] {
    for (const [f, keys] of this.keys) {
      const order = keys.map((_, i) => i);
      order.sort((i, j) => {
        const a = keys[i]!;
        const b = keys[j]!;
        if (a.block !== b.block) return a.block - b.block;
        if (a.extra !== b.extra) return a.extra < b.extra ? -1 : 1;
        if (a.row !== b.row) return a.row - b.row;
        return a.seq - b.seq;
      });
      const s = f.samples;
      f.samples = order.map((i) => s[i]!);
    }
    return [...this.families.values()];
  }
}

const TASK_STATES = ['iowaiting', 'running', 'sleeping', 'stopped', 'uninterruptible'] as const;

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function splitDevice(majorMinor: string): [string, string] {
  const i = majorMinor.indexOf(':');
  return i < 0 ? [majorMinor, ''] : [majorMinor.slice(0, i), majorMinor.slice(i + 1)];
}

function addRow(b: Builder, row: ContainerRow, o: ContainerFamiliesOptions): void {
  const s = row.stats;
  const base = baseLabels(row.labels);
  const ts = s.timestampMs;
  const g = (name: string, help: string, value: number | undefined, labels: Labels = base): void => {
    if (value !== undefined) b.add(name, 'gauge', help, { labels, value, timestampMs: ts });
  };
  const c = (name: string, help: string, value: number | undefined, labels: Labels = base): void => {
    if (value !== undefined) b.add(name, 'counter', help, { labels, value, timestampMs: ts });
  };

  // Spec (no timestamps).
  if (s.startTimeSeconds !== undefined) {
    b.add(
      'container_start_time_seconds',
      'gauge',
      'Start time of the container since unix epoch in seconds.',
      {
        labels: base,
        value: Math.floor(s.startTimeSeconds),
      },
    );
  }
  const sp = s.spec;
  if (s.cpu) {
    b.add('container_spec_cpu_period', 'gauge', 'CPU period of the container.', {
      labels: base,
      value: sp.cpuPeriodMicros ?? 0,
    });
    if (sp.cpuQuotaMicros !== undefined && sp.cpuQuotaMicros > 0) {
      b.add('container_spec_cpu_quota', 'gauge', 'CPU quota of the container.', {
        labels: base,
        value: sp.cpuQuotaMicros,
      });
    }
    b.add('container_spec_cpu_shares', 'gauge', 'CPU share of the container.', {
      labels: base,
      value: sp.cpuShares ?? 0,
    });
  }
  // cAdvisor: a memory limit file (v1 memory dir, v2 memory.max) — and always for "/", whose
  // limit is the machine's memory.
  if (s.memory || s.path === '/') {
    b.add('container_spec_memory_limit_bytes', 'gauge', 'Memory limit for the container.', {
      labels: base,
      value: sp.memoryLimit ?? 0,
    });
    b.add(
      'container_spec_memory_reservation_limit_bytes',
      'gauge',
      'Memory reservation limit for the container.',
      {
        labels: base,
        value: sp.memoryReservation ?? 0,
      },
    );
    b.add('container_spec_memory_swap_limit_bytes', 'gauge', 'Memory swap limit for the container.', {
      labels: base,
      value: sp.memorySwapLimit ?? 0,
    });
  }

  // Stats (timestamped).
  b.add('container_last_seen', 'gauge', 'Last time a container was seen by the exporter', {
    labels: base,
    value: Math.floor(o.nowMs / 1000),
    timestampMs: o.nowMs,
  });
  const cpu = s.cpu;
  if (cpu) {
    c('container_cpu_user_seconds_total', 'Cumulative user cpu time consumed in seconds.', cpu.userSeconds);
    c(
      'container_cpu_system_seconds_total',
      'Cumulative system cpu time consumed in seconds.',
      cpu.systemSeconds,
    );
    if (cpu.usageSeconds > 0) {
      c(
        'container_cpu_usage_seconds_total',
        'Cumulative cpu time consumed in seconds.',
        cpu.usageSeconds,
        withExtras(base, [['cpu', 'total']]),
      );
    }
    if (sp.cpuQuotaMicros !== undefined && sp.cpuQuotaMicros > 0) {
      c('container_cpu_cfs_periods_total', 'Number of elapsed enforcement period intervals.', cpu.periods);
      c(
        'container_cpu_cfs_throttled_periods_total',
        'Number of throttled period intervals.',
        cpu.throttledPeriods,
      );
      c(
        'container_cpu_cfs_throttled_seconds_total',
        'Total time duration the container has been throttled.',
        cpu.throttledSeconds,
      );
    }
  }
  // The kubelet's cAdvisor has no load reader: these are always 0.
  g('container_cpu_load_average_10s', 'Value of container cpu load average over the last 10 seconds.', 0);
  for (const state of TASK_STATES) {
    g('container_tasks_state', 'Number of tasks in given state', 0, withExtras(base, [['state', state]]));
  }

  const m = s.memory;
  if (m) {
    g('container_memory_cache', 'Number of bytes of page cache memory.', m.cache);
    g('container_memory_rss', 'Size of RSS in bytes.', m.rss);
    g('container_memory_kernel_usage', 'Size of kernel memory allocated in bytes.', m.kernelUsage);
    g('container_memory_mapped_file', 'Size of memory mapped files in bytes.', m.mappedFile);
    g('container_memory_swap', 'Container swap usage in bytes.', m.swap);
    if (m.failcnt !== undefined) {
      b.add('container_memory_failcnt', 'untyped', 'Number of memory usage hits limits', {
        labels: base,
        value: m.failcnt,
        timestampMs: ts,
      });
    }
    g(
      'container_memory_usage_bytes',
      'Current memory usage in bytes, including all memory regardless of when it was accessed',
      m.usage,
    );
    g('container_memory_max_usage_bytes', 'Maximum memory usage recorded in bytes', m.maxUsage);
    g('container_memory_working_set_bytes', 'Current working set in bytes.', m.workingSet);
    g('container_memory_total_active_file_bytes', 'Current total active file in bytes.', m.activeFile);
    g('container_memory_total_inactive_file_bytes', 'Current total inactive file in bytes.', m.inactiveFile);
    if (m.pgfault !== undefined && m.pgmajfault !== undefined) {
      const help = 'Cumulative count of memory allocation failures.';
      for (const [type, v] of [
        ['pgfault', m.pgfault],
        ['pgmajfault', m.pgmajfault],
      ] as const) {
        for (const scope of ['container', 'hierarchy']) {
          b.addKeyed(
            'container_memory_failures_total',
            'counter',
            help,
            {
              labels: withExtras(base, [
                ['failure_type', type],
                ['scope', scope],
              ]),
              value: v,
              timestampMs: ts,
            },
            type,
          );
        }
      }
    }
    c('container_oom_events_total', 'Count of out of memory events observed for the container', m.oomEvents);
  }

  if (s.io) {
    // in Go's order within the row: by device name, then major, then minor (as strings)
    const devices = s.io
      .map((d) => ({ d, device: o.deviceName(d.device), mm: splitDevice(d.device) }))
      .sort((x, y) => cmp(x.device, y.device) || cmp(x.mm[0], y.mm[0]) || cmp(x.mm[1], y.mm[1]));
    for (const { d, device, mm } of devices) {
      const dev = withExtras(base, [['device', device]]);
      const io = (name: string, help: string, value: number): void =>
        b.addKeyed(name, 'counter', help, { labels: dev, value, timestampMs: ts }, device);
      io('container_fs_reads_bytes_total', 'Cumulative count of bytes read', d.readBytes);
      io('container_fs_reads_total', 'Cumulative count of reads completed', d.reads);
      io('container_fs_writes_bytes_total', 'Cumulative count of bytes written', d.writeBytes);
      io('container_fs_writes_total', 'Cumulative count of writes completed', d.writes);
      const [major, minor] = mm;
      for (const [op, v] of [
        ['Read', d.readBytes],
        ['Write', d.writeBytes],
      ] as const) {
        // major, minor and operation sort after id: the row's devices are in order, then Read, Write
        b.addKeyed(
          'container_blkio_device_usage_total',
          'counter',
          'Blkio Device bytes usage',
          {
            labels: withExtras(base, [
              ['device', device],
              ['major', major],
              ['minor', minor],
              ['operation', op],
            ]),
            value: v,
            timestampMs: ts,
          },
          device,
        );
      }
    }
  }

  if (s.network) {
    const ifaces = [...s.network].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
    for (const n of ifaces) {
      const l = withExtras(base, [['interface', n.name]]);
      c('container_network_receive_bytes_total', 'Cumulative count of bytes received', n.rxBytes, l);
      c('container_network_receive_packets_total', 'Cumulative count of packets received', n.rxPackets, l);
      c(
        'container_network_receive_packets_dropped_total',
        'Cumulative count of packets dropped while receiving',
        n.rxDropped,
        l,
      );
      c(
        'container_network_receive_errors_total',
        'Cumulative count of errors encountered while receiving',
        n.rxErrors,
        l,
      );
      c('container_network_transmit_bytes_total', 'Cumulative count of bytes transmitted', n.txBytes, l);
      c(
        'container_network_transmit_packets_total',
        'Cumulative count of packets transmitted',
        n.txPackets,
        l,
      );
      c(
        'container_network_transmit_packets_dropped_total',
        'Cumulative count of packets dropped while transmitting',
        n.txDropped,
        l,
      );
      c(
        'container_network_transmit_errors_total',
        'Cumulative count of errors encountered while transmitting',
        n.txErrors,
        l,
      );
    }
  }

  const p = s.processes;
  if (p) {
    g('container_processes', 'Number of processes running inside the container.', p.count);
    g('container_threads', 'Number of threads running inside the container', p.threads);
    g(
      'container_threads_max',
      'Maximum number of threads allowed inside the container, infinity if value is zero',
      p.threadsMax,
    );
  }
}

/**
 * The container_* families of one collection, sorted as the kubelet sorts them. `rows` is sorted
 * in place by its labels.
 */
export function containerFamilies(rows: ContainerRow[], o: ContainerFamiliesOptions): Family[] {
  rows.sort(compareRows);
  const b = new Builder();
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (i === 0 || row.labels.container !== rows[i - 1]!.labels.container) b.block = i;
    b.row = i;
    addRow(b, row, o);
  }
  const scrapeError = b.get(
    'container_scrape_error',
    'gauge',
    '1 if there was an error while getting container metrics, 0 otherwise',
  );
  scrapeError.samples.push({ labels: [], value: o.scrapeError ? 1 : 0 });
  return sortFamiliesByName(b.finish());
}
