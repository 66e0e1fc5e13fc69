import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { renderFamilies } from '../../metricfamily/family.ts';
import type { HostPaths } from '../types.ts';
import { pageSize, pageSizeFromAuxv } from './page-size.ts';
import { createSockstatCollector, parseSockstat } from './sockstat.ts';

const TESTDATA = join(import.meta.dirname, 'testdata');
function fixture(name: string): HostPaths {
  const d = join(TESTDATA, name);
  return { proc: join(d, 'proc'), sys: join(d, 'sys'), rootfs: join(d, 'rootfs') };
}
const expected = (name: string) => readFileSync(join(TESTDATA, name, 'expected', 'sockstat.prom'), 'utf8');
const tmp = mkdtempSync(join(tmpdir(), 'wc-sockstat-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const collector = createSockstatCollector({ pageSize: 4096 });

describe('sockstat', () => {
  test('IPv4 and IPv6 families, mem_bytes = pages × page size (reviewed expected output)', async () => {
    const f = await collector.collect({ paths: fixture('system-host'), nowMs: 0 });
    assert.equal(renderFamilies(f), expected('system-host'));
    const m = new Map(f.map((x) => [x.name.slice('node_sockstat_'.length), x]));
    assert.equal(m.get('sockets_used')!.samples[0]!.value, 1204);
    assert.equal(m.get('sockets_used')!.help, 'Number of IPv4 sockets in use.');
    assert.equal(m.get('TCP_tw')!.samples[0]!.value, 140);
    assert.equal(m.get('TCP_tw')!.help, 'Number of TCP sockets in state tw.');
    assert.equal(m.get('TCP_mem')!.samples[0]!.value, 35);
    assert.equal(m.get('TCP_mem_bytes')!.samples[0]!.value, 35 * 4096);
    assert.equal(m.get('TCP_mem_bytes')!.help, 'Number of TCP sockets in state mem_bytes.');
    assert.equal(m.get('UDP_mem_bytes')!.samples[0]!.value, 12 * 4096);
    assert.equal(m.get('FRAG6_memory')!.samples[0]!.value, 0);
    assert.equal(m.get('RAW6_inuse')!.samples[0]!.value, 2);
    assert.equal(m.get('TCP6_inuse')!.samples[0]!.value, 21);
    // No mem_bytes without mem; no sockets_used from sockstat6.
    assert.ok(!m.has('FRAG_mem_bytes') && !m.has('TCP6_mem_bytes'));
    for (const x of f) assert.equal(x.type, 'gauge');
    assert.equal(f.length, 20);
  });

  test('malformed lines skipped, last key wins within a line, invalid names dropped', async () => {
    const f = await collector.collect({ paths: fixture('system-malformed'), nowMs: 0 });
    assert.equal(renderFamilies(f), expected('system-malformed'));
    assert.deepEqual(parseSockstat('sockets: used 0x10\nTCP: inuse 1\r\n'), {
      used: 16,
      protocols: [{ protocol: 'TCP', values: new Map([['inuse', 1]]) }],
    });
    // A "sockets:" line without "used" gives 0, as procfs.
    assert.equal(parseSockstat('sockets: other 1\n').used, 0);
  });

  test('sockstat6 missing (IPv6 disabled) is fine; both missing gives nothing; another error fails', async () => {
    const d = join(tmp, 'v4only');
    mkdirSync(join(d, 'proc', '1', 'net'), { recursive: true });
    writeFileSync(
      join(d, 'proc', '1', 'net', 'sockstat'),
      'sockets: used 3\nTCP: inuse 1 orphan 0 tw 0 alloc 1 mem 1\n',
    );
    const paths = { proc: join(d, 'proc'), sys: join(d, 'sys'), rootfs: d };
    const f = await collector.collect({ paths, nowMs: 0 });
    assert.equal(f.find((x) => x.name === 'node_sockstat_sockets_used')!.samples[0]!.value, 3);
    assert.equal(f.length, 7);

    const e = join(tmp, 'none');
    mkdirSync(join(e, 'proc'), { recursive: true });
    assert.deepEqual(
      await collector.collect({ paths: { proc: join(e, 'proc'), sys: e, rootfs: e }, nowMs: 0 }),
      [],
    );

    // Without pid 1's net directory the files come from <proc>/net (readHostNetFile).
    const n = join(tmp, 'procnet');
    mkdirSync(join(n, 'proc', 'net', 'sockstat6'), { recursive: true });
    writeFileSync(join(n, 'proc', 'net', 'sockstat'), 'sockets: used 5\n');
    await assert.rejects(
      collector.collect({ paths: { proc: join(n, 'proc'), sys: n, rootfs: n }, nowMs: 0 }),
      /failed to get IPv6 sockstat data: EISDIR/,
    );
  });

  test('the page size is the auxv AT_PAGESZ entry', () => {
    const auxv = (words: bigint[], bytes: 4 | 8, le: boolean): Uint8Array => {
      const b = new Uint8Array(words.length * bytes);
      const v = new DataView(b.buffer);
      words.forEach((w, i) =>
        bytes === 8 ? v.setBigUint64(i * 8, w, le) : v.setUint32(i * 4, Number(w), le),
      );
      return b;
    };
    // AT_HWCAP, AT_PAGESZ=65536 (arm64 64K kernel), AT_NULL
    const words = [16n, 0x178bfbffn, 6n, 65536n, 0n, 0n];
    assert.equal(pageSizeFromAuxv(auxv(words, 8, true), 8, true), 65536);
    assert.equal(pageSizeFromAuxv(auxv(words, 8, false), 8, false), 65536);
    assert.equal(pageSizeFromAuxv(auxv(words, 4, true), 4, true), 65536);
    assert.equal(pageSizeFromAuxv(auxv([6n, 4095n, 0n, 0n], 8, true), 8, true), undefined);
    assert.equal(pageSizeFromAuxv(auxv([0n, 0n, 6n, 4096n], 8, true), 8, true), undefined); // after AT_NULL
    assert.equal(pageSizeFromAuxv(new Uint8Array(7), 8, true), undefined);
    const p = pageSize();
    assert.ok(p >= 4096 && (p & (p - 1)) === 0, String(p));
  });
});
