import assert from 'node:assert/strict';
import { test } from 'node:test';
import { family, type Family, type FamilyType } from '../metricfamily/family.ts';
import { HostSummary } from './summary.ts';

function fam(name: string, type: FamilyType, rows: [[string, string][], number][]): Family {
  const f = family(name, type, name);
  for (const [labels, value] of rows) f.samples.push({ labels, value });
  return f;
}

/** node_cpu_seconds_total for CPUs given as {cpu: {mode: seconds}}. */
function cpuSeconds(cpus: Record<string, Record<string, number>>): Family {
  const rows: [[string, string][], number][] = [];
  for (const [cpu, modes] of Object.entries(cpus)) {
    for (const [mode, v] of Object.entries(modes)) {
      rows.push([
        [
          ['cpu', cpu],
          ['mode', mode],
        ],
        v,
      ]);
    }
  }
  return fam('node_cpu_seconds_total', 'counter', rows);
}

function byName(families: Family[]): Map<string, Family> {
  return new Map(families.map((f) => [f.name, f]));
}

const BASE = { user: 100, nice: 0, system: 50, idle: 800, iowait: 10, irq: 0, softirq: 5, steal: 0 };

test('node_cpu_utilization: busy share of the CPU-time delta, none on the first collection', () => {
  const s = new HostSummary();
  assert.equal(byName(s.compute([cpuSeconds({ 0: BASE, 1: BASE })])).get('node_cpu_utilization'), undefined);
  // cpu0: +3 busy (user 2, system 1), +1 idle; cpu1: +4 idle, +1 iowait, +1 steal
  const next = s.compute([
    cpuSeconds({
      0: { ...BASE, user: 102, system: 51, idle: 801 },
      1: { ...BASE, idle: 804, iowait: 11, steal: 1 },
    }),
  ]);
  const u = byName(next).get('node_cpu_utilization')!;
  assert.equal(u.type, 'gauge');
  assert.deepEqual(u.samples[0]!.labels, []);
  assert.ok(Math.abs(u.samples[0]!.value - 4 / 10) < 1e-12, String(u.samples[0]!.value));
});

test('node_cpu_utilization: a CPU that appears, vanishes or goes backwards is left out', () => {
  const s = new HostSummary();
  s.compute([cpuSeconds({ 0: BASE, 1: BASE })]);
  const out = byName(
    s.compute([
      cpuSeconds({
        0: { ...BASE, user: 110, idle: 810 }, // +10 busy, +10 idle
        1: { ...BASE, user: 1 }, // went backwards (re-plugged): ignored
        2: { ...BASE, user: 1e6 }, // new: no previous reading
      }),
    ]),
  );
  assert.equal(out.get('node_cpu_utilization')!.samples[0]!.value, 0.5);
  // no CPU time passed at all: no sample rather than 0/0
  const same = s.compute([cpuSeconds({ 0: { ...BASE, user: 110, idle: 810 } })]);
  assert.equal(byName(same).get('node_cpu_utilization'), undefined);
});

test('node_cpu_utilization: a collection without the cpu family keeps the previous baseline', () => {
  const s = new HostSummary();
  s.compute([cpuSeconds({ 0: BASE })]);
  s.compute([]); // cpu collector failed this time
  const out = byName(s.compute([cpuSeconds({ 0: { ...BASE, user: 101, idle: 801 } })]));
  assert.equal(out.get('node_cpu_utilization')!.samples[0]!.value, 0.5);
});

test('memory, disk, network, filesystem and load from their node_exporter families', () => {
  const out = byName(
    new HostSummary().compute([
      fam('node_memory_MemTotal_bytes', 'gauge', [[[], 1000]]),
      fam('node_memory_MemAvailable_bytes', 'gauge', [[[], 300]]),
      fam('node_disk_read_bytes_total', 'counter', [[[['device', 'vda']], 512]]),
      fam('node_disk_written_bytes_total', 'counter', [[[['device', 'vda']], 1024]]),
      fam('node_network_receive_bytes_total', 'counter', [
        [[['device', 'eth0']], 10],
        [[['device', 'lo']], 20],
      ]),
      fam('node_network_transmit_bytes_total', 'counter', [[[['device', 'eth0']], 30]]),
      fam('node_filesystem_size_bytes', 'gauge', [
        [
          [
            ['device', '/dev/vda'],
            ['fstype', 'ext4'],
            ['mountpoint', '/'],
          ],
          100,
        ],
        [
          [
            ['device', 'tmpfs'],
            ['fstype', 'tmpfs'],
            ['mountpoint', '/run'],
          ],
          50,
        ],
      ]),
      fam('node_filesystem_free_bytes', 'gauge', [
        [
          [
            ['device', '/dev/vda'],
            ['fstype', 'ext4'],
            ['mountpoint', '/'],
          ],
          40,
        ],
      ]),
      fam('node_load1', 'gauge', [[[], 0.5]]),
      fam('node_load5', 'gauge', [[[], 0.25]]),
      fam('node_load15', 'gauge', [[[], 0.125]]),
    ]),
  );
  const rows = (name: string) => out.get(name)!.samples.map((s) => [s.labels, s.value]);
  assert.deepEqual(rows('node_memory_usage_bytes'), [[[], 700]]);
  assert.equal(out.get('node_disk_io_bytes')!.type, 'counter');
  assert.deepEqual(rows('node_disk_io_bytes'), [
    [
      [
        ['device', 'vda'],
        ['direction', 'read'],
      ],
      512,
    ],
    [
      [
        ['device', 'vda'],
        ['direction', 'write'],
      ],
      1024,
    ],
  ]);
  assert.equal(out.get('node_network_io_bytes')!.type, 'counter');
  assert.deepEqual(
    out.get('node_network_io_bytes')!.samples.map((s) => `${s.labels[0]![1]}/${s.labels[1]![1]}=${s.value}`),
    ['eth0/receive=10', 'lo/receive=20', 'eth0/transmit=30'],
  );
  // only the filesystem with both size and free
  assert.deepEqual(rows('node_filesystem_usage_bytes'), [
    [
      [
        ['device', '/dev/vda'],
        ['mountpoint', '/'],
        ['fstype', 'ext4'],
      ],
      60,
    ],
  ]);
  assert.deepEqual(rows('node_load_1m'), [[[], 0.5]]);
  assert.deepEqual(rows('node_load_5m'), [[[], 0.25]]);
  assert.deepEqual(rows('node_load_15m'), [[[], 0.125]]);
});

test('missing inputs give no summary family, not zeros', () => {
  const out = new HostSummary().compute([fam('node_memory_MemTotal_bytes', 'gauge', [[[], 1000]])]);
  assert.deepEqual(out, []);
});

test('fuzz: random families never make the summary throw or emit a non-finite value', () => {
  let seed = 42;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const names = [
    'node_cpu_seconds_total',
    'node_memory_MemTotal_bytes',
    'node_memory_MemAvailable_bytes',
    'node_disk_read_bytes_total',
    'node_network_transmit_bytes_total',
    'node_filesystem_size_bytes',
    'node_filesystem_free_bytes',
    'node_load1',
  ];
  const values = [0, 1, -1, NaN, Infinity, -Infinity, 1e300, 0.5];
  const labelNames = ['cpu', 'mode', 'device', 'mountpoint', 'fstype', 'x'];
  const s = new HostSummary();
  for (let i = 0; i < 2000; i++) {
    const families: Family[] = [];
    for (const name of names) {
      if (rnd() < 0.3) continue;
      const f = family(name, rnd() < 0.5 ? 'counter' : 'gauge', '');
      const n = Math.floor(rnd() * 5);
      for (let j = 0; j < n; j++) {
        const labels: [string, string][] = [];
        for (const l of labelNames) if (rnd() < 0.5) labels.push([l, rnd() < 0.5 ? 'idle' : String(j)]);
        f.samples.push({ labels, value: values[Math.floor(rnd() * values.length)]! });
      }
      families.push(f);
    }
    for (const f of s.compute(families)) {
      for (const x of f.samples) assert.ok(Number.isFinite(x.value), `${f.name} ${x.value}`);
      if (f.name === 'node_cpu_utilization') assert.ok(f.samples[0]!.value >= 0 && f.samples[0]!.value <= 1);
    }
  }
});
