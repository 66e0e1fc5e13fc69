// The container_* families as the kubelet renders them: a golden exposition of hand-made rows
// (testdata/families.prom, checked line by line against cAdvisor's metrics/prometheus.go), and the
// rules behind it one by one.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { renderFamilies, type Family } from '../metricfamily/family.ts';
import { containerFamilies, sortFamilies, type ContainerRow } from './families.ts';
import { APP_ID, NOW_MS, sampleRows } from './testdata/rows.ts';

const deviceName = (d: string): string => (d === '253:0' ? '/dev/vda' : '');
const GOLDEN = new URL('./testdata/families.prom', import.meta.url);

function render(rows: ContainerRow[] = sampleRows()): { families: Family[]; text: string } {
  const families = containerFamilies(rows, { nowMs: NOW_MS, deviceName });
  return { families, text: renderFamilies(families) };
}

function byName(families: Family[], name: string): Family | undefined {
  return families.find((f) => f.name === name);
}

const lbl = (f: Family | undefined, i: number): Record<string, string> =>
  Object.fromEntries(f?.samples[i]?.labels ?? []);

test('the rendered families equal the golden exposition', () => {
  assert.equal(render().text, readFileSync(GOLDEN, 'utf8'));
});

test('input order does not matter: rows and samples are sorted as Go sorts them', () => {
  const rows = sampleRows().reverse();
  assert.equal(render(rows).text, readFileSync(GOLDEN, 'utf8'));
});

test('families are sorted by name; samples by label values in label-name order', () => {
  const { families } = render();
  const names = families.map((f) => f.name);
  assert.deepEqual(names, [...names].sort());
  for (const f of families) {
    for (let i = 1; i < f.samples.length; i++) {
      const a = f.samples[i - 1]!.labels.map(([, v]) => v);
      const b = f.samples[i]!.labels.map(([, v]) => v);
      const k = a.findIndex((v, j) => v !== b[j]);
      assert.ok(k >= 0 && a[k]! < b[k]!, `${f.name}: samples ${i - 1} and ${i} out of order`);
    }
    for (const s of f.samples) {
      const keys = s.labels.map(([k]) => k);
      assert.deepEqual(keys, [...keys].sort(), `${f.name}: label names sorted`);
    }
  }
});

test('every container family carries the six kubelet labels', () => {
  for (const f of render().families) {
    if (f.name === 'container_scrape_error') continue;
    for (const s of f.samples) {
      const keys = new Set(s.labels.map(([k]) => k));
      for (const k of ['container', 'id', 'image', 'name', 'namespace', 'pod'])
        assert.ok(keys.has(k), `${f.name} has ${k}`);
    }
  }
});

test('cpu usage is {cpu="total"} only, and absent while zero (the pod row above used none)', () => {
  const f = byName(render().families, 'container_cpu_usage_seconds_total');
  assert.ok(f);
  assert.equal(f.samples.length, 3);
  assert.ok(f.samples.every((s) => s.labels.some(([k, v]) => k === 'cpu' && v === 'total')));
  assert.ok(!f.samples.some((s) => lbl({ ...f, samples: [s] }, 0).id!.endsWith('2222.slice')));
});

test('CFS families and the quota exist only where a quota is set', () => {
  const { families } = render();
  for (const name of [
    'container_cpu_cfs_periods_total',
    'container_cpu_cfs_throttled_periods_total',
    'container_cpu_cfs_throttled_seconds_total',
    'container_spec_cpu_quota',
  ]) {
    const f = byName(families, name);
    assert.equal(f?.samples.length, 1, name);
    assert.equal(lbl(f, 0).container, 'app');
  }
  assert.equal(byName(families, 'container_cpu_cfs_throttled_seconds_total')!.samples[0]!.value, 0.25);
});

test('stats samples carry the stats timestamp; last_seen now; spec and start time none', () => {
  const { families } = render();
  const ts = sampleRows()[0]!.stats.timestampMs;
  assert.equal(byName(families, 'container_memory_usage_bytes')!.samples[0]!.timestampMs, ts);
  const seen = byName(families, 'container_last_seen')!.samples[0]!;
  assert.equal(seen.timestampMs, NOW_MS);
  assert.equal(seen.value, Math.floor(NOW_MS / 1000));
  for (const name of [
    'container_spec_cpu_shares',
    'container_start_time_seconds',
    'container_spec_memory_limit_bytes',
  ]) {
    assert.ok(
      byName(families, name)!.samples.every((s) => s.timestampMs === undefined),
      name,
    );
  }
  // start time is whole seconds (Go's Time.Unix())
  const start = byName(families, 'container_start_time_seconds')!;
  const app = start.samples.find((s) => s.labels.some(([k, v]) => k === 'container' && v === 'app'))!;
  assert.equal(app.value, 1767268000);
});

test('disk I/O per device, named through /sys/block (partitions and unknown numbers get "")', () => {
  const { families } = render();
  const bytes = byName(families, 'container_fs_reads_bytes_total')!;
  assert.deepEqual(
    bytes.samples.map((s) => [lbl({ ...bytes, samples: [s] }, 0).device, s.value]),
    [
      ['', 10],
      ['/dev/vda', 1048576],
    ],
  );
  const blk = byName(families, 'container_blkio_device_usage_total')!;
  assert.deepEqual(
    blk.samples.map((s) => {
      const l = Object.fromEntries(s.labels);
      return `${l.device}|${l.major}:${l.minor}|${l.operation}=${s.value}`;
    }),
    ['|253:1|Read=10', '|253:1|Write=20', '/dev/vda|253:0|Read=1048576', '/dev/vda|253:0|Write=2097152'],
  );
});

test('network rows only where counters were read, interfaces sorted, eight families', () => {
  const { families } = render();
  const net = families.filter((f) => f.name.startsWith('container_network_'));
  assert.equal(net.length, 8);
  const rx = byName(families, 'container_network_receive_bytes_total')!;
  assert.deepEqual(
    rx.samples.map((s) => {
      const l = Object.fromEntries(s.labels);
      return `${l.id === '/' ? '/' : l.image}:${l.interface}`;
    }),
    ['/:eth0', 'registry.k8s.io/pause:3.10:eth0', 'registry.k8s.io/pause:3.10:eth1'],
  );
  const drops = byName(families, 'container_network_transmit_packets_dropped_total')!;
  assert.equal(drops.samples[1]!.value, 4);
});

test('memory spec: the root always (machine memory), unlimited as 0', () => {
  const { families } = render();
  const lim = byName(families, 'container_spec_memory_limit_bytes')!;
  assert.equal(lim.samples.length, 4);
  assert.equal(lim.samples[0]!.value, 16777216000);
  const v2root: ContainerRow = {
    labels: { container: '', id: '/', image: '', name: '', namespace: '', pod: '' },
    stats: { path: '/', timestampMs: NOW_MS, spec: { memoryLimit: 1000 } },
  };
  const only = render([v2root]).families;
  assert.equal(byName(only, 'container_spec_memory_limit_bytes')!.samples[0]!.value, 1000);
  assert.equal(byName(only, 'container_spec_cpu_period'), undefined, 'no cpu stats: no cpu spec');
});

test('undefined fields leave their series out; optional reader extras are published', () => {
  const row: ContainerRow = {
    labels: { container: 'c', id: '/x', image: 'i', name: 'n', namespace: 'ns', pod: 'p' },
    stats: {
      path: '/x',
      timestampMs: NOW_MS,
      memory: {
        usage: 10,
        workingSet: 5,
        kernelUsage: 3,
        activeFile: 2,
        inactiveFile: 5,
        pgfault: 7,
        pgmajfault: 1,
      },
      processes: { count: 2, threads: 9, threadsMax: 0 },
      spec: {},
    },
  };
  const { families } = render([row]);
  for (const name of [
    'container_memory_rss',
    'container_memory_cache',
    'container_memory_failcnt',
    'container_oom_events_total',
  ]) {
    assert.equal(byName(families, name), undefined, name);
  }
  assert.equal(byName(families, 'container_memory_kernel_usage')!.samples[0]!.value, 3);
  assert.equal(byName(families, 'container_memory_total_inactive_file_bytes')!.samples[0]!.value, 5);
  const failures = byName(families, 'container_memory_failures_total')!;
  assert.deepEqual(
    failures.samples.map((s) => {
      const l = Object.fromEntries(s.labels);
      return `${l.failure_type}/${l.scope}=${s.value}`;
    }),
    ['pgfault/container=7', 'pgfault/hierarchy=7', 'pgmajfault/container=1', 'pgmajfault/hierarchy=1'],
  );
  assert.equal(byName(families, 'container_threads')!.samples[0]!.value, 9);
  assert.equal(byName(families, 'container_processes')!.samples[0]!.value, 2);
});

test('container_scrape_error is 0, or 1 when the listing failed', () => {
  const ok = byName(render([]).families, 'container_scrape_error')!;
  assert.deepEqual(ok.samples, [{ labels: [], value: 0 }]);
  const failed = containerFamilies([], { nowMs: NOW_MS, deviceName, scrapeError: true });
  assert.equal(byName(failed, 'container_scrape_error')!.samples[0]!.value, 1);
});

test('sortFamilies leaves sorted samples alone and sorts the rest', () => {
  const f: Family = {
    name: 'b',
    help: 'h',
    type: 'gauge',
    samples: [
      { labels: [['x', 'b']], value: 1 },
      { labels: [['x', 'a']], value: 2 },
    ],
  };
  const out = sortFamilies([f, { name: 'a', help: 'h', type: 'gauge', samples: [] }]);
  assert.deepEqual(
    out.map((x) => x.name),
    ['a', 'b'],
  );
  assert.deepEqual(
    f.samples.map((s) => s.value),
    [2, 1],
  );
});

test('promtool check metrics reports nothing for the families', (t) => {
  const promtool = spawnSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' }).stdout.trim();
  if (!promtool) {
    t.skip('promtool not found (Debian package prometheus): the exposition was not linted');
    return;
  }
  const r = spawnSync(promtool, ['check', 'metrics'], { input: render().text, encoding: 'utf8' });
  assert.equal(`${r.stdout}${r.stderr}`.trim(), '', 'promtool reports nothing');
  assert.equal(r.status, 0);
});

test('the golden rows cover the app container by its containerd id', () => {
  assert.match(readFileSync(GOLDEN, 'utf8'), new RegExp(`container="app",id="[^"]+${APP_ID}\\.scope"`));
});
