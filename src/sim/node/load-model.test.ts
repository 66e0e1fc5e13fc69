import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ContainerLoad,
  memoryCurrent,
  MONOTONIC_FIELDS,
  PodNetwork,
  type ContainerResources,
} from './load-model.ts';

const MiB = 2 ** 20;
const RES: ContainerResources = {
  cpuRequest: 0.25,
  cpuLimit: 0.5,
  memoryRequest: 128 * MiB,
  memoryLimit: 256 * MiB,
};

describe('ContainerLoad', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = new ContainerLoad(42, RES);
    const b = new ContainerLoad(42, RES);
    const c = new ContainerLoad(43, RES);
    for (let i = 0; i < 50; i++) [a, b, c].forEach((l) => l.advance(1000));
    assert.deepEqual(a.snapshot(), b.snapshot());
    assert.notDeepEqual(a.snapshot(), c.snapshot());
  });

  it('never decreases counters and keeps memory under the limit and cpu within it', () => {
    const l = new ContainerLoad(9, RES);
    let prev = l.snapshot();
    for (let i = 0; i < 600; i++) {
      l.advance(i % 7 === 0 ? 10_000 : 1000);
      const s = l.snapshot();
      for (const f of MONOTONIC_FIELDS) assert.ok(s[f] >= prev[f], `${f} went backwards at step ${i}`);
      assert.ok(memoryCurrent(s) < 256 * MiB, 'memory reached the limit without an OOM');
      assert.ok(memoryCurrent(s) > 0);
      assert.ok(
        s.cpuUsageUsec - prev.cpuUsageUsec <= 0.5 * (i % 7 === 0 ? 10_000 : 1000) * 1000 + 1,
        'cpu above limit',
      );
      prev = s;
    }
    assert.ok(prev.cpuUsageUsec > 0 && prev.ioWbytes > 0 && prev.pgfault > 0);
    assert.ok(prev.cpuNrPeriods >= 6000);
  });

  it('an OOM kill fills memory to the limit and counts the event', () => {
    const l = new ContainerLoad(5, RES);
    l.advance(3000);
    l.oomKill();
    const s = l.snapshot();
    assert.ok(Math.abs(memoryCurrent(s) - 256 * MiB) <= 4096);
    assert.equal(s.eventsOomKill, 1);
    assert.equal(s.eventsOom, 1);
    assert.equal(l.maxUsage(), memoryCurrent(s));
  });
});

describe('PodNetwork', () => {
  it('only moves counters forward', () => {
    const n = new PodNetwork(3);
    let prev = { ...n.eth0 };
    for (let i = 0; i < 100; i++) {
      n.advance(1000);
      for (const k of Object.keys(prev) as (keyof typeof prev)[]) assert.ok(n.eth0[k] >= prev[k]);
      prev = { ...n.eth0 };
    }
    assert.ok(prev.rxBytes > 0 && prev.txPackets > 0);
  });
});
