// Pod summary metrics: utilisation from CPU-time deltas, working set, network counters.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PodSummary } from './summary.ts';
import type { CgroupStats } from './types.ts';

const pod = { uid: 'u1', name: 'web-0', namespace: 'shop' };
const labels = { container: '', id: '/x', image: 'pause', name: 'id', namespace: 'shop', pod: 'web-0' };

function stats(cpuSeconds: number, atMs: number): CgroupStats {
  return {
    path: '/p',
    timestampMs: atMs,
    cpu: { usageSeconds: cpuSeconds },
    memory: { usage: 200, workingSet: 150 },
    spec: {},
  };
}

test('first collection: memory and network only; then CPU share of the node from the delta', () => {
  const s = new PodSummary();
  const net: CgroupStats = {
    path: '/x',
    timestampMs: 0,
    spec: {},
    network: [
      {
        name: 'eth0',
        rxBytes: 10,
        rxPackets: 1,
        rxErrors: 0,
        rxDropped: 0,
        txBytes: 20,
        txPackets: 1,
        txErrors: 0,
        txDropped: 0,
      },
    ],
  };
  const [cpu0, mem0, net0] = s.compute({
    pods: [{ pod, stats: stats(10, 0) }],
    networks: [{ pod, labels, stats: net }],
    nowMs: 0,
    cpus: 4,
  });
  assert.equal(cpu0!.samples.length, 0, 'no rate from a single reading');
  assert.deepEqual(mem0!.samples, [
    {
      labels: [
        ['namespace', 'shop'],
        ['pod', 'web-0'],
      ],
      value: 150,
    },
  ]);
  assert.deepEqual(
    net0!.samples.map((x) => [Object.fromEntries(x.labels).direction, x.value]),
    [
      ['receive', 10],
      ['transmit', 20],
    ],
  );
  assert.equal(net0!.type, 'counter');
  // 2 CPU-seconds over 10 s on 4 CPUs = 0.05 of the node
  const [cpu1] = s.compute({
    pods: [{ pod, stats: stats(12, 10_000) }],
    networks: [],
    nowMs: 10_000,
    cpus: 4,
  });
  assert.equal(cpu1!.samples.length, 1);
  assert.ok(Math.abs(cpu1!.samples[0]!.value - 0.05) < 1e-12);
});

test('a counter that went backwards, no elapsed time or unknown CPUs give no sample', () => {
  const s = new PodSummary();
  s.compute({ pods: [{ pod, stats: stats(10, 0) }], networks: [], nowMs: 0, cpus: 2 });
  assert.equal(
    s.compute({ pods: [{ pod, stats: stats(5, 1000) }], networks: [], nowMs: 1000, cpus: 2 })[0]!.samples
      .length,
    0,
  );
  assert.equal(
    s.compute({ pods: [{ pod, stats: stats(6, 1000) }], networks: [], nowMs: 1000, cpus: 2 })[0]!.samples
      .length,
    0,
  );
  assert.equal(
    s.compute({ pods: [{ pod, stats: stats(7, 2000) }], networks: [], nowMs: 2000, cpus: 0 })[0]!.samples
      .length,
    0,
  );
  assert.equal(
    s.compute({ pods: [{ pod, stats: stats(8, 3000) }], networks: [], nowMs: 3000, cpus: 2 })[0]!.samples[0]!
      .value,
    0.5,
  );
});

test('a pod that disappears is forgotten; when it comes back it starts over', () => {
  const s = new PodSummary();
  s.compute({ pods: [{ pod, stats: stats(1, 0) }], networks: [], nowMs: 0, cpus: 1 });
  s.compute({ pods: [], networks: [], nowMs: 1000, cpus: 1 });
  assert.equal(
    s.compute({ pods: [{ pod, stats: stats(2, 2000) }], networks: [], nowMs: 2000, cpus: 1 })[0]!.samples
      .length,
    0,
  );
});
