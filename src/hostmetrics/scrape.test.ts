import assert from 'node:assert/strict';
import { test } from 'node:test';
import { family, renderFamilies, type Family } from '../metricfamily/family.ts';
import { HostScraper } from './scrape.ts';
import type { HostCollector } from './types.ts';

const PATHS = { proc: '/nonexistent/proc', sys: '/nonexistent/sys', rootfs: '/nonexistent' };

function gauge(name: string, ...values: [string, number][]): Family {
  const f = family(name, 'gauge', `${name} help.`);
  for (const [dev, v] of values) f.samples.push({ labels: [['device', dev]], value: v });
  return f;
}

function fixed(name: string, families: () => Family[]): HostCollector {
  return { name, collect: async () => families() };
}

function successOf(families: Family[]): Record<string, number> {
  const f = families.find((x) => x.name === 'node_scrape_collector_success');
  return Object.fromEntries(f!.samples.map((s) => [s.labels[0]![1], s.value]));
}

test('families of every collector in registry order, with node_exporter’s scrape families', async () => {
  const scraper = new HostScraper({
    paths: PATHS,
    collectors: [
      fixed('zeta', () => [gauge('node_zeta', ['a', 1], ['b', 2])]),
      fixed('alpha', () => [gauge('node_alpha', ['x', 1])]),
    ],
  });
  const col = await scraper.collect();
  assert.deepEqual(
    col.families.map((f) => f.name),
    ['node_alpha', 'node_scrape_collector_duration_seconds', 'node_scrape_collector_success', 'node_zeta'],
  );
  // a collector's samples as it ordered them, scrape rows by collector name
  assert.deepEqual(
    col.families[3]!.samples.map((s) => s.labels[0]![1]),
    ['a', 'b'],
  );
  const text = renderFamilies(col.families);
  assert.match(
    text,
    /# HELP node_scrape_collector_success node_exporter: Whether a collector succeeded\.\n# TYPE node_scrape_collector_success gauge\nnode_scrape_collector_success\{collector="alpha"\} 1\nnode_scrape_collector_success\{collector="zeta"\} 1\n/,
  );
  assert.match(
    text,
    /# HELP node_scrape_collector_duration_seconds node_exporter: Duration of a collector scrape\.\n/,
  );
  for (const s of col.families[1]!.samples) assert.ok(s.value >= 0 && s.value < 5, `duration ${s.value}`);
  assert.deepEqual(
    [...col.success],
    [
      ['zeta', true],
      ['alpha', true],
    ],
  );
});

test('a collector that throws, rejects, returns garbage or hangs fails alone', async () => {
  const failures: string[] = [];
  const scraper = new HostScraper({
    paths: PATHS,
    timeoutMs: 100,
    onFailure: (c, m) => failures.push(`${c}: ${m}`),
    collectors: [
      fixed('good', () => [gauge('node_good', ['a', 1])]),
      {
        name: 'sync',
        collect: () => {
          throw new Error('sync boom');
        },
      },
      { name: 'rejects', collect: async () => Promise.reject(new Error('async boom')) },
      { name: 'garbage', collect: async () => 'nope' as unknown as Family[] },
      { name: 'hangs', collect: () => new Promise<Family[]>(() => {}) },
    ],
  });
  const col = await scraper.collect();
  assert.deepEqual(successOf(col.families), { garbage: 0, good: 1, hangs: 0, rejects: 0, sync: 0 });
  assert.ok(col.families.some((f) => f.name === 'node_good'));
  assert.deepEqual(failures.sort(), [
    'garbage: returned no list of families',
    'hangs: did not finish within 100 ms',
    'rejects: async boom',
    'sync: sync boom',
  ]);
});

test('a hung collector is not called again while its call is pending', async () => {
  let calls = 0;
  let release: (f: Family[]) => void = () => {};
  const scraper = new HostScraper({
    paths: PATHS,
    timeoutMs: 20,
    collectors: [
      {
        name: 'slow',
        collect: () => {
          calls++;
          return new Promise<Family[]>((r) => (release = r));
        },
      },
    ],
  });
  assert.equal(successOf((await scraper.collect()).families).slow, 0);
  assert.equal(successOf((await scraper.collect()).families).slow, 0);
  assert.equal(calls, 1);
  release([]);
  await new Promise((r) => setImmediate(r));
  assert.equal(successOf((await scraper.collect()).families).slow, 0); // called again, hangs again
  assert.equal(calls, 2);
});

test('failures are reported when they start or change, recoveries once', async () => {
  let mode: 'ok' | 'a' | 'b' = 'a';
  const events: string[] = [];
  const scraper = new HostScraper({
    paths: PATHS,
    onFailure: (c, m) => events.push(`fail ${c} ${m}`),
    onRecovery: (c) => events.push(`ok ${c}`),
    collectors: [
      {
        name: 'flaky',
        collect: async () => {
          if (mode !== 'ok') throw new Error(`error ${mode}`);
          return [];
        },
      },
    ],
  });
  for (const m of ['a', 'a', 'a', 'b', 'b', 'ok', 'ok', 'a'] as const) {
    mode = m;
    await scraper.collect();
  }
  assert.deepEqual(events, ['fail flaky error a', 'fail flaky error b', 'ok flaky', 'fail flaky error a']);
});

test('concurrent callers share one collection', async () => {
  let calls = 0;
  const scraper = new HostScraper({
    paths: PATHS,
    collectors: [
      {
        name: 'counted',
        collect: async () => {
          calls++;
          await new Promise((r) => setTimeout(r, 20));
          return [gauge('node_counted', ['a', calls])];
        },
      },
    ],
  });
  const [a, b, c] = await Promise.all([scraper.collect(), scraper.collect(), scraper.collect()]);
  assert.equal(calls, 1);
  assert.equal(a, b);
  assert.equal(b, c);
  await scraper.collect();
  assert.equal(calls, 2);
});

test('families of the same name from two collectors merge; a conflicting one is dropped', async () => {
  const other = family('node_shared', 'counter', 'node_shared help.');
  other.samples.push({ labels: [['device', 'z']], value: 9 });
  const scraper = new HostScraper({
    paths: PATHS,
    collectors: [
      fixed('one', () => [gauge('node_shared', ['b', 2])]),
      fixed('two', () => [gauge('node_shared', ['a', 1], ['b', 3])]),
      fixed('three', () => [other]),
    ],
  });
  const shared = (await scraper.collect()).families.find((f) => f.name === 'node_shared')!;
  // sorted; the repeated series keeps the first collected value
  assert.deepEqual(
    shared.samples.map((s) => [s.labels[0]![1], s.value]),
    [
      ['a', 1],
      ['b', 2],
    ],
  );
});

test('a collector’s own family objects are not reordered or grown by the merge', async () => {
  const mine = gauge('node_mine', ['b', 2], ['a', 1]);
  const scraper = new HostScraper({
    paths: PATHS,
    collectors: [fixed('one', () => [mine]), fixed('two', () => [gauge('node_mine', ['c', 3])])],
  });
  await scraper.collect();
  assert.deepEqual(
    mine.samples.map((s) => s.labels[0]![1]),
    ['b', 'a'],
  );
});

test('a collector listed twice is a construction error', () => {
  assert.throws(
    () => new HostScraper({ paths: PATHS, collectors: [fixed('x', () => []), fixed('x', () => [])] }),
    /listed twice/,
  );
});
