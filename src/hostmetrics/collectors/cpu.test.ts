import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { renderFamilies } from '../../metricfamily/family.ts';
import type { Family } from '../../metricfamily/family.ts';
import type { HostPaths } from '../types.ts';
import { createCpuCollector, monotonicCpuTimes } from './cpu.ts';
import { parseCpuList } from './cpu-sysfs.ts';
import { parseProcStat, zeroCpuTimes } from './proc-stat.ts';

const TESTDATA = join(import.meta.dirname, 'testdata');
function fixture(name: string): HostPaths {
  const d = join(TESTDATA, name);
  return { proc: join(d, 'proc'), sys: join(d, 'sys'), rootfs: join(d, 'rootfs') };
}
const expected = (name: string, c: string) =>
  readFileSync(join(TESTDATA, name, 'expected', `${c}.prom`), 'utf8');
const value = (fs: Family[], name: string, labels: Record<string, string>): number | undefined =>
  fs
    .find((f) => f.name === name)
    ?.samples.find((s) =>
      Object.entries(labels).every(([k, v]) => s.labels.some(([lk, lv]) => lk === k && lv === v)),
    )?.value;

const tmp = mkdtempSync(join(tmpdir(), 'wc-cpu-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A scratch host whose /proc/stat is `stat`. */
function scratch(name: string, stat: string): HostPaths {
  const d = join(tmp, name);
  mkdirSync(join(d, 'proc'), { recursive: true });
  mkdirSync(join(d, 'sys'), { recursive: true });
  writeFileSync(join(d, 'proc', 'stat'), stat);
  return { proc: join(d, 'proc'), sys: join(d, 'sys'), rootfs: d };
}

describe('cpu on a 4-CPU node', () => {
  test('exposition equals the reviewed expected output', async () => {
    const got = renderFamilies(
      await createCpuCollector().collect({ paths: fixture('system-host'), nowMs: 0 }),
    );
    assert.equal(got, expected('system-host', 'cpu'));
  });

  test('seconds are ticks / USER_HZ per cpu and mode; guest split out; sysfs families', async () => {
    const f = await createCpuCollector().collect({ paths: fixture('system-host'), nowMs: 0 });
    assert.deepEqual(
      f.map((x) => [x.name, x.type, x.samples.length]),
      [
        ['node_cpu_core_throttles_total', 'counter', 2],
        ['node_cpu_guest_seconds_total', 'counter', 8],
        ['node_cpu_isolated', 'gauge', 2],
        ['node_cpu_online', 'gauge', 5],
        ['node_cpu_package_throttles_total', 'counter', 1],
        ['node_cpu_seconds_total', 'counter', 32],
      ],
    );
    // cpu0 740551 301 203417 10026433 12880 0 21544 2351 30010 75
    assert.equal(value(f, 'node_cpu_seconds_total', { cpu: '0', mode: 'user' }), 7405.51);
    assert.equal(value(f, 'node_cpu_seconds_total', { cpu: '0', mode: 'idle' }), 100264.33);
    assert.equal(value(f, 'node_cpu_seconds_total', { cpu: '0', mode: 'softirq' }), 215.44);
    assert.equal(value(f, 'node_cpu_seconds_total', { cpu: '0', mode: 'steal' }), 23.51);
    assert.equal(value(f, 'node_cpu_guest_seconds_total', { cpu: '0', mode: 'user' }), 300.1);
    assert.equal(value(f, 'node_cpu_guest_seconds_total', { cpu: '0', mode: 'nice' }), 0.75);
    // No "guest" modes in node_cpu_seconds_total, and no total ("cpu") line.
    const secs = f.find((x) => x.name === 'node_cpu_seconds_total')!;
    assert.deepEqual([...new Set(secs.samples.map((s) => s.labels[0]![1]))], ['0', '1', '2', '3']);
    assert.deepEqual([...new Set(secs.samples.map((s) => s.labels[1]![1]))].sort(), [
      'idle',
      'iowait',
      'irq',
      'nice',
      'softirq',
      'steal',
      'system',
      'user',
    ]);
    // Thermal: the first CPU of each core supplies its count (cpu2 / cpu3 say 99: ignored).
    assert.equal(value(f, 'node_cpu_core_throttles_total', { core: '0', package: '0' }), 12);
    assert.equal(value(f, 'node_cpu_core_throttles_total', { core: '1', package: '0' }), 5);
    assert.deepEqual(f[0]!.samples[0]!.labels, [
      ['core', '0'],
      ['package', '0'],
    ]);
    assert.equal(value(f, 'node_cpu_package_throttles_total', { package: '0' }), 40);
    assert.equal(value(f, 'node_cpu_online', { cpu: '4' }), 0);
    assert.equal(value(f, 'node_cpu_online', { cpu: '3' }), 1);
    assert.deepEqual(
      f.find((x) => x.name === 'node_cpu_isolated')!.samples.map((s) => s.labels),
      [[['cpu', '2']], [['cpu', '3']]],
    );
  });

  test('--collector.cpu.guest=false drops node_cpu_guest_seconds_total', async () => {
    const f = await createCpuCollector({ guest: false }).collect({ paths: fixture('system-host'), nowMs: 0 });
    assert.ok(!f.some((x) => x.name === 'node_cpu_guest_seconds_total'));
    assert.ok(f.some((x) => x.name === 'node_cpu_seconds_total'));
  });
});

describe('cpu counters stay monotonic across collections', () => {
  test('a counter moving back keeps its high mark; an idle drop of 3 s or more resets the CPU', async () => {
    const c = createCpuCollector();
    const p = scratch('mono', 'cpu0 1000 0 500 90000 10 0 0 0 0 0\ncpu1 1000 0 500 90000 10 0 0 0 0 0\n');
    await c.collect({ paths: p, nowMs: 0 });
    // cpu0: user goes back 1 tick (tickless accounting jitter), idle back by 2.99 s (< 3 s).
    // cpu1: idle back by 3 s: a replug, everything starts afresh.
    writeFileSync(join(p.proc, 'stat'), 'cpu0 999 0 501 89701 10 0 0 0 0 0\ncpu1 5 0 1 89700 0 0 0 0 0 0\n');
    const f = await c.collect({ paths: p, nowMs: 1 });
    assert.equal(value(f, 'node_cpu_seconds_total', { cpu: '0', mode: 'user' }), 10);
    assert.equal(value(f, 'node_cpu_seconds_total', { cpu: '0', mode: 'system' }), 5.01);
    assert.equal(value(f, 'node_cpu_seconds_total', { cpu: '0', mode: 'idle' }), 900);
    assert.equal(value(f, 'node_cpu_seconds_total', { cpu: '1', mode: 'user' }), 0.05);
    assert.equal(value(f, 'node_cpu_seconds_total', { cpu: '1', mode: 'idle' }), 897);
    assert.equal(value(f, 'node_cpu_seconds_total', { cpu: '1', mode: 'iowait' }), 0);
  });

  test('a CPU gone from /proc/stat is forgotten, and starts afresh when it returns', async () => {
    const c = createCpuCollector();
    const p = scratch('hotplug', 'cpu0 100 0 0 100 0 0 0 0 0 0\ncpu1 100 0 0 100 0 0 0 0 0 0\n');
    await c.collect({ paths: p, nowMs: 0 });
    writeFileSync(join(p.proc, 'stat'), 'cpu0 100 0 0 100 0 0 0 0 0 0\n');
    let f = await c.collect({ paths: p, nowMs: 1 });
    assert.equal(value(f, 'node_cpu_seconds_total', { cpu: '1', mode: 'user' }), undefined);
    writeFileSync(join(p.proc, 'stat'), 'cpu0 100 0 0 100 0 0 0 0 0 0\ncpu1 7 0 0 8 0 0 0 0 0 0\n');
    f = await c.collect({ paths: p, nowMs: 2 });
    assert.equal(value(f, 'node_cpu_seconds_total', { cpu: '1', mode: 'user' }), 0.07);
  });

  test('monotonicCpuTimes: per-mode maximum, reset at exactly JUMP_BACK_SECONDS', () => {
    const prev = { ...zeroCpuTimes(), idle: 10, user: 5 };
    assert.equal(monotonicCpuTimes(prev, { ...zeroCpuTimes(), idle: 7.01, user: 4 }).user, 5);
    assert.equal(monotonicCpuTimes(prev, { ...zeroCpuTimes(), idle: 7, user: 4 }).user, 4);
    assert.equal(monotonicCpuTimes(undefined, { ...zeroCpuTimes(), idle: 1 }).idle, 1);
  });
});

describe('cpu with bad or missing input', () => {
  test('malformed lines and sysfs values are skipped (reviewed expected output)', async () => {
    const got = renderFamilies(
      await createCpuCollector().collect({ paths: fixture('system-malformed'), nowMs: 0 }),
    );
    assert.equal(got, expected('system-malformed', 'cpu'));
    // The later of two cpu1 lines wins; a short line keeps its leading values, the rest 0.
    assert.match(got, /node_cpu_seconds_total\{cpu="1",mode="user"\} 1\.5\n/);
    assert.match(got, /node_cpu_seconds_total\{cpu="2",mode="system"\} 0\.4\n/);
    assert.match(got, /node_cpu_seconds_total\{cpu="2",mode="idle"\} 0\n/);
    assert.doesNotMatch(got, /cpu="0"|cpu="X"|node_cpu_isolated|node_cpu_online|node_cpu_core_throttles/);
  });

  test('no /proc/stat fails the collector', async () => {
    const d = join(tmp, 'empty');
    mkdirSync(d, { recursive: true });
    await assert.rejects(
      createCpuCollector().collect({
        paths: { proc: join(d, 'proc'), sys: join(d, 'sys'), rootfs: d },
        nowMs: 0,
      }),
      /couldn't read .*proc\/stat: ENOENT/,
    );
  });

  test('no sysfs: /proc/stat families only', async () => {
    const p = scratch('nosys', 'cpu0 1 2 3 4 5 6 7 8 9 10\n');
    const f = await createCpuCollector().collect({ paths: p, nowMs: 0 });
    assert.deepEqual(
      f.map((x) => x.name),
      ['node_cpu_guest_seconds_total', 'node_cpu_seconds_total'],
    );
  });
});

describe('parseProcStat and parseCpuList', () => {
  test('a 2.6.11-era cpu line (no steal / guest columns) reads as zeros there', () => {
    const s = parseProcStat('cpu0 10 20 30 40 50 60 70\n');
    assert.deepEqual(s.cpus.get(0), {
      ...zeroCpuTimes(),
      user: 0.1,
      nice: 0.2,
      system: 0.3,
      idle: 0.4,
      iowait: 0.5,
      irq: 0.6,
      softirq: 0.7,
    });
  });

  test('scalars, the intr total only, and the machine this runs on', (t) => {
    const s = parseProcStat(
      'intr 99 1 2 3\nctxt 5\nbtime 1700000000\nprocesses 7\nprocs_running 2\nprocs_blocked 1\n',
    );
    assert.deepEqual(
      [s.intrTotal, s.contextSwitches, s.bootTime, s.processesCreated, s.procsRunning, s.procsBlocked],
      [99, 5, 1700000000, 7, 2, 1],
    );
    let real: string;
    try {
      real = readFileSync('/proc/stat', 'utf8');
    } catch {
      t.skip('no /proc/stat on this machine (the fixtures cover the format)');
      return;
    }
    const r = parseProcStat(real);
    assert.ok(r.cpus.size >= 1 && r.total !== undefined && r.bootTime! > 1e9 && r.intrTotal! > 0);
  });

  test('CPU lists as the kernel writes them', () => {
    assert.deepEqual(parseCpuList('\n'), []);
    assert.deepEqual(parseCpuList(''), []);
    assert.deepEqual(parseCpuList('0-2,5,7-8\n'), [0, 1, 2, 5, 7, 8]);
    assert.deepEqual(parseCpuList('3'), [3]);
    for (const bad of ['1-2-3', 'a', '-1', '1-', '1 ,2', '0-99999999'])
      assert.equal(parseCpuList(bad), undefined, bad);
  });
});
