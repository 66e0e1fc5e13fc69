import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { renderFamilies } from '../../metricfamily/family.ts';
import type { Family } from '../../metricfamily/family.ts';
import type { HostPaths } from '../types.ts';
import { NET_DEV_COLUMNS, parseNetDev } from './net-parse.ts';
import { createNetdevCollector, netdevCollector } from './netdev.ts';

const TESTDATA = join(import.meta.dirname, 'testdata');
function fixture(name: string): HostPaths {
  const d = join(TESTDATA, name);
  return { proc: join(d, 'proc'), sys: join(d, 'sys'), rootfs: d };
}
const collect = (paths: HostPaths, c = netdevCollector): Promise<Family[]> => c.collect({ paths, nowMs: 0 });
const value = (f: Family[], name: string, dev: string) =>
  f.find((x) => x.name === name)?.samples.find((s) => s.labels[0]![1] === dev)?.value;
const devices = (f: Family[], name = 'node_network_receive_bytes_total') =>
  (f.find((x) => x.name === name)?.samples ?? []).map((s) => s.labels[0]![1]);

describe('netdev on a Kubernetes worker', () => {
  test('exposition equals the reviewed expected output', async () => {
    const got = renderFamilies(await collect(fixture('storage-net-host')));
    assert.equal(got, readFileSync(join(TESTDATA, 'storage-net-host', 'expected', 'netdev.prom'), 'utf8'));
  });

  test("node_exporter's legacy names, all interfaces (none excluded by default), wide counters touching the colon", async () => {
    const f = await collect(fixture('storage-net-host'));
    assert.deepEqual(
      f.map((x) => x.name),
      [
        'node_network_receive_bytes_total',
        'node_network_receive_compressed_total',
        'node_network_receive_drop_total',
        'node_network_receive_errs_total',
        'node_network_receive_fifo_total',
        'node_network_receive_frame_total',
        'node_network_receive_multicast_total',
        'node_network_receive_nohandler_total',
        'node_network_receive_packets_total',
        'node_network_transmit_bytes_total',
        'node_network_transmit_carrier_total',
        'node_network_transmit_colls_total',
        'node_network_transmit_compressed_total',
        'node_network_transmit_drop_total',
        'node_network_transmit_errs_total',
        'node_network_transmit_fifo_total',
        'node_network_transmit_packets_total',
      ],
    );
    assert.ok(
      f.every((x) => x.type === 'counter' && x.help === `Network device statistic ${x.name.slice(13, -6)}.`),
    );
    assert.deepEqual(devices(f), ['cali7f0e9d8c6b5', 'cni0', 'ens5', 'flannel.1', 'lo', 'veth1a2b3c4d']);
    assert.equal(value(f, 'node_network_receive_bytes_total', 'ens5'), 184467440737);
    assert.equal(value(f, 'node_network_receive_drop_total', 'ens5'), 1827);
    assert.equal(value(f, 'node_network_receive_frame_total', 'ens5'), 2);
    assert.equal(value(f, 'node_network_receive_multicast_total', 'ens5'), 86321);
    assert.equal(value(f, 'node_network_transmit_carrier_total', 'ens5'), 1);
    assert.equal(value(f, 'node_network_transmit_drop_total', 'flannel.1'), 180);
  });

  test('receive_nohandler comes from sysfs and is absent for a device sysfs does not have', async () => {
    const f = await collect(fixture('storage-net-host'));
    assert.equal(value(f, 'node_network_receive_nohandler_total', 'ens5'), 1532);
    assert.equal(value(f, 'node_network_receive_nohandler_total', 'cali7f0e9d8c6b5'), undefined);
    assert.deepEqual(devices(f, 'node_network_receive_nohandler_total'), [
      'cni0',
      'ens5',
      'flannel.1',
      'lo',
      'veth1a2b3c4d',
    ]);
  });

  test('include / exclude regexes (node_exporter flags, unset by default)', async () => {
    const ex = await collect(
      fixture('storage-net-host'),
      createNetdevCollector({ deviceExclude: /^(veth|cali|lo$)/ }),
    );
    assert.deepEqual(devices(ex), ['cni0', 'ens5', 'flannel.1']);
    const inc = await collect(fixture('storage-net-host'), createNetdevCollector({ deviceInclude: /^ens/ }));
    assert.deepEqual(devices(inc), ['ens5']);
  });
});

describe('netdev fallbacks and bad input', () => {
  test('without pid 1 in procfs, <proc>/net/dev is read', async () => {
    const f = await collect(fixture('storage-net-selfonly'));
    assert.deepEqual(devices(f), ['eth0', 'lo']);
    assert.equal(value(f, 'node_network_receive_drop_total', 'eth0'), 2);
  });

  test('malformed lines are skipped; extra columns ignored', async () => {
    const f = await collect(fixture('storage-net-malformed'));
    assert.deepEqual(devices(f), ['eth0', 'eth5']);
    assert.equal(value(f, 'node_network_transmit_compressed_total', 'eth5'), 0);
    assert.equal(value(f, 'node_network_receive_bytes_total', 'eth5'), 3000);
  });

  test('a repeated interface keeps its last line', () => {
    const text =
      'h1\nh2\n  a: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n  a: 9 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n';
    assert.deepEqual(parseNetDev(text), [
      { name: 'a', values: [9, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16] },
    ]);
  });

  test('no net/dev anywhere: the collector fails', async () => {
    await assert.rejects(
      collect({ proc: join(TESTDATA, 'nowhere'), sys: '/', rootfs: '/' }),
      /couldn't get netstats/,
    );
  });
});

test('this machine: the interfaces of /proc/1/net/dev, each with 16 or 17 families', async (t) => {
  if (!existsSync('/proc/1/net/dev')) return t.skip('no /proc/1/net/dev here');
  const f = await collect({ proc: '/proc', sys: '/sys', rootfs: '/' });
  const want = parseNetDev(readFileSync('/proc/1/net/dev', 'utf8'))
    .map((r) => r.name)
    .sort();
  assert.deepEqual(devices(f), want);
  assert.ok(f.length === NET_DEV_COLUMNS.length || f.length === NET_DEV_COLUMNS.length + 1);
  if (existsSync('/sys/class/net')) {
    const sysDevs = readdirSync('/sys/class/net').filter((d) => want.includes(d));
    assert.deepEqual(devices(f, 'node_network_receive_nohandler_total'), sysDevs.sort());
  }
});
