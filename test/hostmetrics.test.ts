// The agent's `hostmetrics` receiver side by side with the real node_exporter on this machine.
//
// Both read this host (/proc, /sys, /): the agent with --root-path /, node_exporter with the same
// collectors enabled (--collector.disable-defaults --collector.<each of ours>), so
// node_scrape_collector_* cover the same collectors and every family node_exporter exposes for
// them must be ours too, with the same series in the same order. node_exporter is scraped before
// and after ours, one scrape after the other (src/hostmetrics/testing/compare.ts): a counter must
// lie between its two readings, exactly; a value that does not move (MemTotal, uname, boot time,
// filesystem sizes) must be equal; gauges that move both ways during the three scrapes have the
// tolerances of TOLERANCES, each with its reason. HELP and TYPE must match too.
//
// Our collectors follow node_exporter v1.9.1; the peer here is Debian's 1.5.0. Where the two
// versions differ for a family, VERSION_DIFFERENCES names it, with what changed in which release
// (checked in both sources); each applies only when the peer is older than the release that
// changed it, and each one that applies must actually be seen, so the list cannot go stale.
//
// Also: `promtool check metrics` finds nothing in our /metrics/node but the snake_case lint that
// node_exporter's own kernel-derived names draw (see INHERITED_LINT), and the node summary
// metrics reach an OTLP destination with sane values.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COLLECTOR_NAMES } from '../src/components/receivers/hostmetrics/config.ts';
import { DISKSTATS_DEFAULT_DEVICE_EXCLUDE } from '../src/hostmetrics/collectors/diskstats.ts';
import {
  FILESYSTEM_DEFAULT_FS_TYPES_EXCLUDE,
  FILESYSTEM_DEFAULT_MOUNT_POINTS_EXCLUDE,
} from '../src/hostmetrics/collectors/filesystem.ts';
import { NETSTAT_DEFAULT_FIELDS } from '../src/hostmetrics/collectors/netstat.ts';
import {
  compareSideBySide,
  type Difference,
  type DifferenceKind,
  type ToleranceRule,
} from '../src/hostmetrics/testing/compare.ts';
import {
  findNodeExporter,
  nodeExporterVersion,
  parseExposition,
  peerArgs,
  V191_DEFAULT_FILTERS,
  startNodeExporter,
  type ParsedFamily,
  type RunningNodeExporter,
} from '../src/hostmetrics/testing/node-exporter.ts';
import type { NumberDataPoint } from '../src/model/metrics.ts';
import { freePort, startRole, type Running } from './helpers/process.ts';
import { OtlpSink } from './helpers/sink.ts';

const MiB = 2 ** 20;

/**
 * Gauges that move both ways while the three scrapes run (~50 ms; other processes keep working
 * on this machine, including the two servers being compared). Slack is added on both sides of
 * node_exporter's two readings. Anything not listed is compared exactly (within float rounding)
 * against the bracket.
 */
const TOLERANCES: ToleranceRule[] = [
  {
    family: /^node_scrape_collector_duration_seconds$/,
    tolerance: { ignoreValue: true },
    why: 'each process’s own timing',
  },
  {
    family:
      /^node_memory_(MemTotal|SwapTotal|VmallocTotal|Hugepagesize|HugePages_Total|CmaTotal)_bytes$|^node_memory_HugePages_Total$/,
    tolerance: {},
    why: 'sizes: exact',
  },
  {
    family: /^node_memory_/,
    tolerance: { abs: 256 * MiB },
    why: 'free/cached/active/anon memory moves with every allocation on the machine (both servers, the test, other processes)',
  },
  {
    family: /^node_procs_(running|blocked)$/,
    tolerance: { abs: 16 },
    why: 'runnable tasks at the instant of reading',
  },
  {
    family: /^node_load(1|5|15)$/,
    tolerance: { abs: 0.5 },
    why: 'the kernel recomputes load every 5 s; one update may fall between scrapes',
  },
  {
    family: /^node_sockstat_.*_mem_bytes$/,
    tolerance: { abs: 16 * MiB },
    why: 'socket buffer memory moves with traffic, including the scrapes themselves',
  },
  {
    family: /^node_sockstat_/,
    tolerance: { abs: 512 },
    why: 'sockets open/close with the scrapes and other processes',
  },
  { family: /^node_filefd_allocated$/, tolerance: { abs: 2048 }, why: 'open files of every process' },
  {
    family: /^node_filesystem_(free|avail)_bytes$/,
    tolerance: { abs: 1024 * MiB },
    why: 'other processes write to these filesystems (/tmp is on /)',
  },
  {
    family: /^node_filesystem_files_free$/,
    tolerance: { abs: 100_000 },
    why: 'files created and removed by other processes',
  },
  { family: /^node_disk_io_now$/, tolerance: { abs: 64 }, why: 'I/Os in flight at the instant of reading' },
  {
    family: /^node_netstat_Tcp_CurrEstab$/,
    tolerance: { abs: 256 },
    why: 'established connections, the scrapes’ included',
  },
  { family: /^node_time_seconds$/, tolerance: { abs: 1 }, why: 'wall clock: bracketed, plus rounding' },
];

interface VersionDifference {
  family: RegExp;
  /**
   * What differs: a comparison difference of this kind (and, when given, with a detail matching
   * `detail`), or 'label-added': the release added label `label` to the family, which is dropped
   * from our series before comparing (and must be there to drop).
   */
  kind: DifferenceKind | 'label-added';
  detail?: RegExp;
  label?: string;
  /** The node_exporter release that made the change: applies when the peer is older. */
  since: string;
  why: string;
}

/** The node_memory_* names node_exporter 1.9.1's meminfo collector can emit (meminfo_linux.go). */
const V191_MEMINFO = [
  'Active_bytes',
  'Active_anon_bytes',
  'Active_file_bytes',
  'AnonHugePages_bytes',
  'AnonPages_bytes',
  'Bounce_bytes',
  'Buffers_bytes',
  'Cached_bytes',
  'CmaFree_bytes',
  'CmaTotal_bytes',
  'CommitLimit_bytes',
  'Committed_AS_bytes',
  'DirectMap1G_bytes',
  'DirectMap2M_bytes',
  'DirectMap4k_bytes',
  'Dirty_bytes',
  'HardwareCorrupted_bytes',
  'Hugepagesize_bytes',
  'Inactive_bytes',
  'Inactive_anon_bytes',
  'Inactive_file_bytes',
  'KernelStack_bytes',
  'Mapped_bytes',
  'MemAvailable_bytes',
  'MemFree_bytes',
  'MemTotal_bytes',
  'Mlocked_bytes',
  'NFS_Unstable_bytes',
  'PageTables_bytes',
  'Percpu_bytes',
  'SReclaimable_bytes',
  'SUnreclaim_bytes',
  'Shmem_bytes',
  'ShmemHugePages_bytes',
  'ShmemPmdMapped_bytes',
  'Slab_bytes',
  'SwapCached_bytes',
  'SwapFree_bytes',
  'SwapTotal_bytes',
  'Unevictable_bytes',
  'VmallocChunk_bytes',
  'VmallocTotal_bytes',
  'VmallocUsed_bytes',
  'Writeback_bytes',
  'WritebackTmp_bytes',
  'HugePages_Free',
  'HugePages_Rsvd',
  'HugePages_Surp',
  'HugePages_Total',
];

/** Differences between node_exporter releases, for families both expose (see the header). */
const VERSION_DIFFERENCES: VersionDifference[] = [
  {
    family: new RegExp(`^node_memory_(?!(${V191_MEMINFO.join('|')})$)`),
    kind: 'only-theirs',
    since: '1.9.0',
    why:
      'ref!: convert linux meminfo implementation to use procfs lib (#3049): 1.9 reports only the fields ' +
      'procfs’s Meminfo struct knows (no Zswap, KReclaimable, FileHugePages, Hugetlb, SecPageTables, ...); ' +
      'earlier releases reported every line of /proc/meminfo',
  },
  {
    family: /^node_filesystem_/,
    kind: 'label-added',
    label: 'device_error',
    since: '1.8.0',
    why: 'filesystem: surface device errors (#2923) added device_error to every node_filesystem_* series',
  },
  {
    family: /^node_disk_info$/,
    kind: 'label-added',
    label: 'rotational',
    since: '1.9.0',
    why: 'collector/diskstats: add block device rotational (#3022)',
  },
  {
    family: /^node_filesystem_mount_info$/,
    kind: 'only-ours',
    since: '1.9.0',
    why: 'Add node_filesystem_mount_info metric (#2970)',
  },
  {
    family: /^node_filesystem_purgeable_bytes$/,
    kind: 'only-ours',
    since: '1.9.0',
    why: 'Enable purgeable space reporting (#3206): emitted on Linux too, always 0',
  },
];

/** Families of node_exporter's process itself, not of the host. */
const OWN = /^(go|process|promhttp)_|^node_exporter_build_info$/;

const binary = findNodeExporter();
const peerVersion = binary ? nodeExporterVersion(binary) : undefined;
const promtoolPath = spawnSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' }).stdout.trim();
const dir = mkdtempSync(join(tmpdir(), 'wc-hostmetrics-e2e-'));
const sink = new OtlpSink();
let agent: Running | undefined;
let peer: RunningNodeExporter | undefined;
let metricsPort = 0;

/** Removes a label from the matching families' series; true when some series had it. */
function dropLabel(families: ParsedFamily[], family: RegExp, label: string): boolean {
  let had = false;
  for (const f of families) {
    if (!family.test(f.name)) continue;
    for (const smp of f.samples) {
      const n = smp.labels.length;
      smp.labels = smp.labels.filter(([k]) => k !== label);
      had ||= smp.labels.length < n;
    }
  }
  return had;
}

function olderThan(version: string, than: string): boolean {
  const a = version.split('.').map(Number);
  const b = than.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0);
  return false;
}

async function scrapeOurs(): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics/node`);
  const text = await res.text();
  assert.equal(res.status, 200, text);
  return text;
}

before(async () => {
  await sink.start();
  const [health, telemetry, metrics] = await Promise.all([freePort(), freePort(), freePort()]);
  metricsPort = metrics;
  const config = join(dir, 'agent.yaml');
  writeFileSync(
    config,
    `receivers:
  hostmetrics:
    collection_interval: 1s
    initial_delay: 200ms
exporters:
  debug:
  otlphttp:
    endpoint: http://127.0.0.1:${sink.port}
service:
  telemetry:
    metrics:
      address: 127.0.0.1:${telemetry}
  pipelines:
    metrics:
      receivers: [hostmetrics]
      exporters: [debug, otlphttp]
`,
  );
  agent = await startRole(
    [
      'agent',
      '--config',
      config,
      '--metrics-address',
      `127.0.0.1:${metrics}`,
      '--root-path',
      '/',
      '--data-dir',
      join(dir, 'data'),
    ],
    { healthPort: health, env: { K8S_NODE_NAME: 'side-by-side-node' } },
  );
  if (binary) {
    peer = await startNodeExporter({
      binary,
      args: peerArgs(COLLECTOR_NAMES),
    });
  }
});

after(async () => {
  await agent?.stop();
  await peer?.stop();
  await sink.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('every family node_exporter exposes for our collectors: same series, values within tolerance', async (t) => {
  if (!peer || !peerVersion) {
    t.skip(
      'node_exporter not found (Debian package prometheus-node-exporter, or set WC_NODE_EXPORTER): no side-by-side comparison',
    );
    return;
  }
  // warm both up (first-scrape effects: caches, lazily opened files)
  await peer.scrape();
  await scrapeOurs();
  let rounds = 0;
  let compared = 0;
  let series = 0;
  let unexplained: Difference[] = [];
  let seen = new Set<VersionDifference>();
  const applicable = VERSION_DIFFERENCES.filter((d) => olderThan(peerVersion, d.since));
  // A gauge can jump outside its tolerance once in a while on a busy machine: up to 3 rounds,
  // and the verdict is the last one.
  for (let round = 0; round < 3; round++) {
    const before = await peer.families();
    const ours = parseExposition(await scrapeOurs());
    const after = await peer.families();
    seen = new Set();
    for (const v of applicable)
      if (v.kind === 'label-added' && dropLabel(ours, v.family, v.label!)) seen.add(v);
    const r = compareSideBySide(before, ours, after, { rules: TOLERANCES, include: (n) => !OWN.test(n) });
    assert.ok(r.compared.length > 0, 'no family in common');
    compared = r.compared.length;
    rounds = round + 1;
    series = ours.reduce((n, f) => n + f.samples.length, 0);
    unexplained = r.differences.filter((d) => {
      const named = applicable.find(
        (v) => v.kind === d.kind && v.family.test(d.family) && (!v.detail || v.detail.test(d.detail)),
      );
      if (named) seen.add(named);
      return !named;
    });
    if (unexplained.length === 0) break;
  }
  const report = unexplained
    .slice(0, 400)
    .map((d) => `${d.family} [${d.kind}] ${d.detail}`)
    .concat(unexplained.length > 400 ? [`… ${unexplained.length} in all`] : [])
    .join('\n');
  assert.ok(
    unexplained.length === 0,
    `differences from node_exporter ${peerVersion} not explained by VERSION_DIFFERENCES:\n${report}`,
  );
  t.diagnostic(
    `node_exporter ${peerVersion}: ${compared} families compared, ${series} of our series, ${rounds} round(s)`,
  );
  const stale = applicable.filter((v) => !seen.has(v)).map((v) => `${v.family} [${v.kind}] ${v.why}`);
  assert.deepEqual(stale, [], `named differences not seen against node_exporter ${peerVersion}`);
});

test('our collectors’ default filters are v1.9.1’s (the ones the peer is given)', () => {
  const ours: Record<string, RegExp> = {
    'collector.diskstats.device-exclude': DISKSTATS_DEFAULT_DEVICE_EXCLUDE,
    'collector.filesystem.mount-points-exclude': FILESYSTEM_DEFAULT_MOUNT_POINTS_EXCLUDE,
    'collector.filesystem.fs-types-exclude': FILESYSTEM_DEFAULT_FS_TYPES_EXCLUDE,
    'collector.netstat.fields': NETSTAT_DEFAULT_FIELDS,
  };
  for (const [flag, re] of Object.entries(ours)) {
    assert.equal(
      re.source,
      new RegExp(V191_DEFAULT_FILTERS[flag as keyof typeof V191_DEFAULT_FILTERS]).source,
      flag,
    );
  }
});

/**
 * promtool 2.42 lints names that are not snake_case. node_exporter keeps the kernel's field
 * names in node_memory_* (MemTotal, ...) and node_netstat_* (Tcp_InSegs, ...), so its own output
 * draws this lint for those families, and ours must keep the same names (dashboards query them).
 * That lint on those families is the one finding allowed; promtool ≥ 2.44 would be told
 * --lint=none, 2.42 has no such flag.
 */
const INHERITED_LINT =
  /^node_(memory|netstat)_\S+ metric names should be written in 'snake_case' not 'camelCase'$/;

test('promtool check metrics finds nothing in /metrics/node beyond node_exporter’s own names', async (t) => {
  if (!promtoolPath) {
    t.skip('promtool not found (Debian package prometheus): the exposition was not linted');
    return;
  }
  const body = await scrapeOurs();
  assert.ok(body.includes('node_scrape_collector_success{collector="cpu"}'));
  const lint = (input: string) => {
    const r = spawnSync(promtoolPath, ['check', 'metrics'], { input, encoding: 'utf8' });
    const lines = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.trim() !== '');
    return { status: r.status, lines };
  };
  const ours = lint(body);
  assert.deepEqual(
    ours.lines.filter((l) => !INHERITED_LINT.test(l)),
    [],
    'promtool findings other than node_exporter’s kernel-derived names',
  );
  // 0: clean; 3: lint findings only (1 would be a parse error)
  assert.ok(
    ours.status === 0 || (ours.status === 3 && ours.lines.length > 0),
    `promtool exit ${ours.status}`,
  );
  if (peer) {
    // the same finding on node_exporter's exposition, for each family both expose
    const theirs = new Set(lint(await peer.scrape()).lines);
    const theirNames = new Set(parseExposition(await peer.scrape()).map((f) => f.name));
    const notTheirs = ours.lines.filter((l) => theirNames.has(l.split(' ')[0]!) && !theirs.has(l));
    assert.deepEqual(notTheirs, [], 'findings node_exporter’s own exposition does not draw');
  }
});

test('the families and the node summary are pushed over OTLP with sane values', async () => {
  const want = [
    'node_cpu_utilization',
    'node_memory_usage_bytes',
    'node_disk_io_bytes',
    'node_network_io_bytes',
    'node_filesystem_usage_bytes',
    'node_load_1m',
    'node_load_5m',
    'node_load_15m',
  ];
  const latest = new Map<string, NumberDataPoint[]>();
  const resource = new Map<string, string>();
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && !want.every((n) => latest.has(n))) {
    for (const d of sink.received.metrics) {
      for (const rm of d.resourceMetrics) {
        for (const a of rm.resource.attributes)
          if ('stringValue' in a.value) resource.set(a.key, a.value.stringValue);
        for (const sm of rm.scopeMetrics) {
          for (const m of sm.metrics) {
            if (m.data?.type === 'gauge' || m.data?.type === 'sum') latest.set(m.name, m.data.dataPoints);
          }
        }
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  for (const n of want) assert.ok(latest.has(n), `${n} pushed`);
  assert.ok(latest.has('node_cpu_seconds_total'), 'the node_exporter families are pushed too');
  assert.equal(resource.get('os.type'), 'linux');
  assert.equal(resource.get('k8s.node.name'), 'side-by-side-node');
  assert.ok(resource.get('host.name'), 'host.name');

  const one = (n: string) => latest.get(n)![0]!.asDouble!;
  const memTotal = latest.get('node_memory_MemTotal_bytes')?.[0]?.asDouble;
  assert.ok(
    one('node_cpu_utilization') >= 0 && one('node_cpu_utilization') <= 1,
    `cpu ${one('node_cpu_utilization')}`,
  );
  assert.ok(memTotal !== undefined && memTotal > 0);
  assert.ok(one('node_memory_usage_bytes') > 0 && one('node_memory_usage_bytes') <= memTotal, 'memory usage');
  for (const n of ['node_load_1m', 'node_load_5m', 'node_load_15m']) assert.ok(one(n) >= 0, n);
  const attr = (p: NumberDataPoint, k: string) => {
    const v = p.attributes.find((a) => a.key === k)?.value;
    return v && 'stringValue' in v ? v.stringValue : undefined;
  };
  const net = latest.get('node_network_io_bytes')!;
  assert.ok(
    net.some((p) => attr(p, 'device') === 'lo' && attr(p, 'direction') === 'receive' && p.asDouble! > 0),
  );
  const root = latest.get('node_filesystem_usage_bytes')!.find((p) => attr(p, 'mountpoint') === '/');
  const size = latest.get('node_filesystem_size_bytes')?.find((p) => attr(p, 'mountpoint') === '/');
  assert.ok(
    root && size && root.asDouble! > 0 && root.asDouble! <= size.asDouble!,
    'usage of / within its size',
  );
  for (const p of latest.get('node_disk_io_bytes')!)
    assert.ok(['read', 'write'].includes(attr(p, 'direction')!));
});
