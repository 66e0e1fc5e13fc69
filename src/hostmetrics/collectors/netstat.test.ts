import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { renderFamilies } from '../../metricfamily/family.ts';
import type { Family } from '../../metricfamily/family.ts';
import type { HostPaths } from '../types.ts';
import { parseNetStats, parseSnmp6 } from './net-parse.ts';
import { NETSTAT_DEFAULT_FIELDS, createNetstatCollector, netstatCollector } from './netstat.ts';

const TESTDATA = join(import.meta.dirname, 'testdata');
function fixture(name: string): HostPaths {
  const d = join(TESTDATA, name);
  return { proc: join(d, 'proc'), sys: join(d, 'sys'), rootfs: d };
}
const collect = (paths: HostPaths, c = netstatCollector): Promise<Family[]> => c.collect({ paths, nowMs: 0 });
const asMap = (f: Family[]) =>
  new Map(f.map((x) => [x.name.slice('node_netstat_'.length), x.samples[0]!.value]));

const tmp = mkdtempSync(join(tmpdir(), 'wc-netstat-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('netstat on a Kubernetes worker', () => {
  test('exposition equals the reviewed expected output', async () => {
    const got = renderFamilies(await collect(fixture('storage-net-host')));
    assert.equal(got, readFileSync(join(TESTDATA, 'storage-net-host', 'expected', 'netstat.prom'), 'utf8'));
  });

  test('exactly the fields the default regex selects, untyped, HELP "Statistic <Proto><Field>."', async () => {
    const f = await collect(fixture('storage-net-host'));
    // Every field of the three files, filtered independently of the collector.
    const dir = join(TESTDATA, 'storage-net-host', 'proc', '1', 'net');
    const all = new Map([
      ...parseNetStats(readFileSync(join(dir, 'netstat'), 'utf8')),
      ...parseNetStats(readFileSync(join(dir, 'snmp'), 'utf8')),
      ...parseSnmp6(readFileSync(join(dir, 'snmp6'), 'utf8')),
    ]);
    const want: string[] = [];
    for (const [p, fields] of all)
      for (const k of fields.keys()) if (NETSTAT_DEFAULT_FIELDS.test(`${p}_${k}`)) want.push(`${p}_${k}`);
    assert.deepEqual([...asMap(f).keys()].sort(), want.sort());
    assert.equal(f.length, 42);
    for (const x of f) {
      assert.equal(x.type, 'untyped');
      assert.equal(x.samples.length, 1);
      assert.deepEqual(x.samples[0]!.labels, []);
    }
    assert.equal(
      f.find((x) => x.name === 'node_netstat_TcpExt_TCPOFOQueue')!.help,
      'Statistic TcpExtTCPOFOQueue.',
    );
    const m = asMap(f);
    assert.equal(m.get('Ip_Forwarding'), 1);
    assert.equal(m.get('Tcp_CurrEstab'), 412);
    assert.equal(m.get('TcpExt_ListenDrops'), 17);
    assert.equal(m.get('IpExt_InOctets'), 1844674407370955);
    // Fields outside the regex stay out.
    for (const gone of [
      'Tcp_MaxConn',
      'Ip_DefaultTTL',
      'IcmpMsg_InType3',
      'TcpExt_TW',
      'MPTcpExt_MPCurrEstab',
      'Ip6_InReceives',
    ])
      assert.ok(!m.has(gone), gone);
  });

  test('a fields regex option replaces the default', async () => {
    const f = await collect(fixture('storage-net-host'), createNetstatCollector({ fields: /^Tcp_MaxConn$/ }));
    assert.deepEqual([...asMap(f)], [['Tcp_MaxConn', -1]]);
  });
});

describe('netstat fallbacks and bad input', () => {
  test('malformed pairs and values are skipped; Go float syntax accepted', async () => {
    const m = asMap(await collect(fixture('storage-net-malformed')));
    assert.deepEqual([...m].sort(), [
      ['Ip6_InOctets', 640],
      ['IpExt_InOctets', 123],
      ['Tcp_ActiveOpens', 11],
      ['Tcp_InErrs', 12],
      ['Udp6_InErrors', Infinity],
      ['Udp_InErrors', 1000],
    ]);
  });

  test('without pid 1, <proc>/net is read; a missing snmp6 (IPv6 off) is no error', async () => {
    const m = asMap(await collect(fixture('storage-net-selfonly')));
    assert.deepEqual([...m].sort(), [
      ['TcpExt_ListenDrops', 2],
      ['TcpExt_ListenOverflows', 1],
      ['Tcp_CurrEstab', 3],
      ['Tcp_InErrs', 4],
    ]);
  });

  test('a protocol in both netstat and snmp takes snmp fields (upstream map merge)', async () => {
    const d = join(tmp, 'merge', 'proc', '1', 'net');
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'netstat'), 'Tcp: InErrs ActiveOpens\nTcp: 1 2\n');
    writeFileSync(join(d, 'snmp'), 'Tcp: InErrs\nTcp: 7\n');
    const m = asMap(await collect({ proc: join(tmp, 'merge', 'proc'), sys: tmp, rootfs: tmp }));
    assert.deepEqual([...m], [['Tcp_InErrs', 7]]);
  });

  test('netstat or snmp missing: the collector fails', async () => {
    const d = join(tmp, 'half', 'proc', '1', 'net');
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'netstat'), 'TcpExt: ListenDrops\nTcpExt: 1\n');
    await assert.rejects(
      collect({ proc: join(tmp, 'half', 'proc'), sys: tmp, rootfs: tmp }),
      /couldn't get SNMP stats: ENOENT/,
    );
  });
});

test('this machine: one family per selected field of /proc/1/net/{netstat,snmp,snmp6}', async (t) => {
  if (!existsSync('/proc/1/net/snmp')) return t.skip('no /proc/1/net/snmp here');
  const f = await collect({ proc: '/proc', sys: '/sys', rootfs: '/' });
  const names = f.map((x) => x.name);
  for (const must of [
    'node_netstat_Tcp_InSegs',
    'node_netstat_Udp_InDatagrams',
    'node_netstat_Ip_Forwarding',
  ])
    assert.ok(names.includes(must), must);
  assert.ok(f.every((x) => Number.isFinite(x.samples[0]!.value)));
});
