// Fuzzing of what the cadvisor receiver parses itself (the cgroup file parsers have their own):
// /proc/<pid>/net/dev, cpuinfo, meminfo, the kubelet's PodList (mutated fixture and
// random JSON), and the families built from random stats. Nothing may throw; what comes out must
// be well-formed (finite counters, sorted families, parseable exposition lines).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { renderFamilies } from '../metricfamily/family.ts';
import { prng, randInt } from '../queue/testdata/prng.ts';
import { containerFamilies, type ContainerRow } from './families.ts';
import { parseCpuinfo, parseMeminfoTotals } from './machine.ts';
import { parseNetDev } from './network.ts';
import { indexPods, labelCgroups, type LabelInput } from './pods.ts';
import type { CgroupIdentity } from './types.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20261203);
const NET_DEV = readFileSync(new URL('./testdata/net-dev.txt', import.meta.url), 'utf8');
const POD_LIST: unknown = JSON.parse(
  readFileSync(new URL('./testdata/podlist.json', import.meta.url), 'utf8'),
);
const CPUINFO =
  'processor\t: 0\nphysical id\t: 0\ncore id\t\t: 0\n\nprocessor\t: 1\nphysical id\t: 0\ncore id\t\t: 1\n';
const MEMINFO = 'MemTotal:       16384000 kB\nMemFree:  1 kB\nSwapTotal:        1024 kB\n';
const ALPHABET = ' \t\n:|-_.0123456789abcdefxyzXYZ"=\\\u0000\u00ff\u2028é';

function randomText(rnd: () => number, max: number): string {
  let s = '';
  const n = randInt(rnd, max);
  for (let i = 0; i < n; i++) s += ALPHABET[randInt(rnd, ALPHABET.length)];
  return s;
}

/** Byte-level mutations: flips, deletions, duplications, insertions of random text. */
function mutateText(text: string, rnd: () => number): string {
  let s = text;
  const edits = 1 + randInt(rnd, 6);
  for (let e = 0; e < edits; e++) {
    const at = randInt(rnd, s.length + 1);
    const r = rnd();
    if (r < 0.25) s = s.slice(0, at) + s.slice(at + 1 + randInt(rnd, 20));
    else if (r < 0.5) s = s.slice(0, at) + randomText(rnd, 12) + s.slice(at);
    else if (r < 0.7) s = s.slice(0, at) + s.slice(randInt(rnd, s.length + 1));
    else if (r < 0.85) s = s + s.slice(at);
    else s = s.slice(0, at) + String(Math.floor(rnd() * 1e21)) + s.slice(at);
  }
  return s;
}

const ODD: unknown[] = [
  null,
  0,
  -1,
  1e308,
  2 ** 64,
  '',
  'x',
  'containerd://',
  'docker://Z',
  true,
  [],
  {},
  [null],
  { name: 1 },
];

function mutateJson(v: unknown, rnd: () => number, depth = 0): unknown {
  if (depth > 10) return v;
  if (Array.isArray(v)) {
    const r = rnd();
    if (r < 0.05) return ODD[randInt(rnd, ODD.length)];
    if (r < 0.1) return [...v, ...v];
    return v.map((x) => mutateJson(x, rnd, depth + 1));
  }
  if (v && typeof v === 'object') {
    if (depth > 0 && rnd() < 0.05) return ODD[randInt(rnd, ODD.length)];
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const r = rnd();
      if (r < 0.05) continue;
      out[k] = r < 0.1 ? ODD[randInt(rnd, ODD.length)] : mutateJson(x, rnd, depth + 1);
    }
    return out;
  }
  return rnd() < 0.1 ? ODD[randInt(rnd, ODD.length)] : v;
}

test(`net/dev, cpuinfo and meminfo parsers never throw (seed ${SEED})`, () => {
  const rnd = prng(SEED);
  for (let i = 0; i < 3000; i++) {
    const text = i % 3 === 0 ? randomText(rnd, 400) : mutateText(NET_DEV, rnd);
    for (const n of parseNetDev(text)) {
      assert.ok(n.name.length > 0 && !/\s/.test(n.name));
      for (const v of [
        n.rxBytes,
        n.rxPackets,
        n.rxErrors,
        n.rxDropped,
        n.txBytes,
        n.txPackets,
        n.txErrors,
        n.txDropped,
      ]) {
        assert.ok(Number.isFinite(v) && v >= 0, `counter ${v} from ${JSON.stringify(text)}`);
      }
    }
    const cpu = parseCpuinfo(mutateText(CPUINFO, rnd));
    assert.ok(cpu.cores >= 0 && cpu.physicalCores >= 0 && cpu.sockets >= 0);
    const mem = parseMeminfoTotals(mutateText(MEMINFO, rnd));
    assert.ok(Number.isFinite(mem.memoryBytes) && Number.isFinite(mem.swapBytes));
  }
});

test(`mutated and random PodLists index and label without throwing (seed ${SEED})`, () => {
  const rnd = prng(SEED + 1);
  const ids: CgroupIdentity[] = [
    { path: '/', kind: 'root' },
    { path: '/p', kind: 'pod', podUid: '6f8a2c1e-3b4d-4e5f-8a9b-0c1d2e3f4a5b' },
    {
      path: '/p/a',
      kind: 'container',
      podUid: '6f8a2c1e-3b4d-4e5f-8a9b-0c1d2e3f4a5b',
      containerId: '1'.repeat(64),
      runtime: 'containerd',
    },
    {
      path: '/p/b',
      kind: 'container',
      podUid: '6f8a2c1e-3b4d-4e5f-8a9b-0c1d2e3f4a5b',
      containerId: 'f'.repeat(64),
      runtime: 'cri-o',
    },
    {
      path: '/p/c',
      kind: 'container',
      podUid: '6f8a2c1e-3b4d-4e5f-8a9b-0c1d2e3f4a5b',
      containerId: 'e'.repeat(64),
    },
  ];
  for (let i = 0; i < 2000; i++) {
    const list = i % 4 === 0 ? ODD[randInt(rnd, ODD.length)] : mutateJson(POD_LIST, rnd);
    const index = indexPods(list);
    const inputs: LabelInput[] = ids.map((identity) => ({
      identity,
      ...(rnd() < 0.7 && { startTimeSeconds: randInt(rnd, 3) }),
    }));
    const out = labelCgroups(inputs, index, { sandboxImage: 'pause' });
    assert.equal(out.length, inputs.length);
    for (const l of out) for (const v of Object.values(l.labels)) assert.equal(typeof v, 'string');
    assert.ok(out.filter((l) => l.role === 'sandbox').length <= 1, 'at most one sandbox per pod');
  }
});

test(`families from random stats render well-formed, sorted lines (seed ${SEED})`, () => {
  const rnd = prng(SEED + 2);
  const num = (): number | undefined => {
    const r = rnd();
    if (r < 0.15) return undefined;
    if (r < 0.2) return 0;
    if (r < 0.25) return 2 ** 64;
    return Math.floor(rnd() * 1e12) / 1000;
  };
  const line = /^[a-z_][a-z0-9_]*(\{([a-zA-Z_]+="([^"\\\n]|\\[\\"n])*",?)*\})? \S+( \d+)?$/;
  for (let i = 0; i < 300; i++) {
    const rows: ContainerRow[] = [];
    const n = randInt(rnd, 8);
    for (let j = 0; j < n; j++) {
      const id = rnd() < 0.2 ? '/' : `/${randomText(rnd, 10)}`;
      rows.push({
        labels: {
          container: ['', 'app', randomText(rnd, 3)][randInt(rnd, 3)]!,
          id,
          image: randomText(rnd, 5),
          name: '',
          namespace: '',
          pod: randomText(rnd, 3),
        },
        stats: {
          path: id,
          timestampMs: 1e12,
          ...(rnd() < 0.8 && {
            cpu: { usageSeconds: num() ?? 0, userSeconds: num(), systemSeconds: num(), periods: num() },
          }),
          ...(rnd() < 0.8 && {
            memory: {
              usage: num() ?? 0,
              workingSet: num() ?? 0,
              rss: num(),
              failcnt: num(),
              pgfault: num(),
              pgmajfault: num(),
            },
          }),
          ...(rnd() < 0.6 && {
            io: Array.from({ length: 1 + randInt(rnd, 3) }, () => ({
              device: `${randInt(rnd, 300)}:${randInt(rnd, 20)}`,
              readBytes: 1,
              writeBytes: 2,
              reads: 3,
              writes: 4,
            })),
          }),
          ...(rnd() < 0.5 && {
            network: [
              {
                name: randomText(rnd, 4) || 'x',
                rxBytes: 1,
                rxPackets: 1,
                rxErrors: 0,
                rxDropped: 0,
                txBytes: 1,
                txPackets: 1,
                txErrors: 0,
                txDropped: 0,
              },
            ],
          }),
          spec: { cpuQuotaMicros: num(), cpuShares: num(), memoryLimit: num() },
          ...(rnd() < 0.5 && { startTimeSeconds: num() }),
        },
      });
    }
    const families = containerFamilies(rows, {
      nowMs: 1e12,
      deviceName: (d) => (d.startsWith('1') ? `/dev/${d[1] ?? ''}` : ''),
    });
    const names = families.map((f) => f.name);
    assert.deepEqual(names, [...names].sort());
    // Go's sample order: label values compared in label-name order, never decreasing
    for (const f of families) {
      for (let k = 1; k < f.samples.length; k++) {
        const a = f.samples[k - 1]!.labels;
        const b = f.samples[k]!.labels;
        const d = a.findIndex(([, v], x) => v !== b[x]![1]);
        assert.ok(d < 0 || a[d]![1] < b[d]![1], `${f.name}: sample ${k} out of order`);
      }
    }
    for (const l of renderFamilies(families).split('\n')) {
      if (l === '' || l.startsWith('#')) continue;
      assert.match(l, line);
    }
  }
});
