// /proc/<pid>/net/dev as cAdvisor reads it: per interface, without lo/veth/docker/nerdctl, bad
// lines skipped; a pod's network from the first readable pid.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isIgnoredInterface, parseNetDev, readPodNetwork, readProcessNetwork } from './network.ts';

const TEXT = readFileSync(new URL('./testdata/net-dev.txt', import.meta.url), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'wc-cadvisor-net-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('parses every valid interface, skipping the ignored prefixes and malformed lines', () => {
  const n = parseNetDev(TEXT);
  assert.deepEqual(
    n.map((i) => i.name),
    ['eth0', 'Tunl0', 'eth1'],
  );
  assert.deepEqual(n[0], {
    name: 'eth0',
    rxBytes: 2953041500,
    rxPackets: 75844,
    rxErrors: 3,
    rxDropped: 4,
    txBytes: 6777181,
    txPackets: 54670,
    txErrors: 5,
    txDropped: 6,
  });
  // uint64 counters beyond 2^53 keep their magnitude (float64, as Prometheus stores them)
  assert.equal(n[1]!.rxBytes, 2 ** 64);
  // old kernels print the first number against the colon
  assert.equal(n[2]!.rxBytes, 1234);
  assert.equal(n[2]!.txBytes, 678);
});

test('ignored interfaces are matched case-insensitively by prefix, as cAdvisor does', () => {
  for (const name of ['lo', 'LO', 'lo0', 'veth1', 'VETHx', 'docker0', 'nerdctl1'])
    assert.ok(isIgnoredInterface(name), name);
  for (const name of ['eth0', 'ens3', 'cni0', 'flannel.1', 'wlo1'])
    assert.ok(!isIgnoredInterface(name), name);
});

test('headers only, empty or garbage text gives no interfaces', () => {
  assert.deepEqual(parseNetDev(''), []);
  assert.deepEqual(parseNetDev(TEXT.split('\n').slice(0, 2).join('\n')), []);
  assert.deepEqual(parseNetDev('a\nb\nc: d\n'), []);
});

test('reads /proc/<pid>/net/dev below the proc dir; the first readable pid wins', () => {
  const proc = join(dir, 'proc');
  mkdirSync(join(proc, '42', 'net'), { recursive: true });
  writeFileSync(join(proc, '42', 'net', 'dev'), TEXT);
  assert.equal(readProcessNetwork(proc, 41), undefined);
  assert.equal(readProcessNetwork(proc, 42)?.length, 3);
  assert.equal(readPodNetwork(proc, [7, 41, 42])?.[0]?.name, 'eth0');
  assert.equal(readPodNetwork(proc, []), undefined);
  assert.equal(readPodNetwork(proc, [1, 2]), undefined);
});
