// machine_* and cadvisor_version_info from a host tree, as cAdvisor reads them.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { renderFamilies } from '../metricfamily/family.ts';
import {
  machineFamilies,
  MachineInfoCache,
  parseCpuinfo,
  parseMeminfoTotals,
  readMachineInfo,
} from './machine.ts';

const root = mkdtempSync(join(tmpdir(), 'wc-cadvisor-machine-'));
after(() => rmSync(root, { recursive: true, force: true }));

function put(path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

// Two sockets × two cores × two threads.
const CPUINFO = [0, 1, 2, 3, 4, 5, 6, 7]
  .map(
    (i) =>
      `processor\t: ${i}\nvendor_id\t: GenuineIntel\nphysical id\t: ${i >> 2}\ncore id\t\t: ${(i >> 1) & 1}\n\n`,
  )
  .join('');

test('cpuinfo: logical CPUs, distinct core ids, distinct physical ids (cAdvisor counts)', () => {
  assert.deepEqual(parseCpuinfo(CPUINFO), { cores: 8, physicalCores: 2, sockets: 2 });
  // arm64 has no core/physical ids in cpuinfo
  assert.deepEqual(parseCpuinfo('processor\t: 0\nBogoMIPS\t: 50.00\n\nprocessor\t: 1\n'), {
    cores: 2,
    physicalCores: 0,
    sockets: 0,
  });
  assert.deepEqual(parseCpuinfo(''), { cores: 0, physicalCores: 0, sockets: 0 });
});

test('meminfo totals in bytes', () => {
  assert.deepEqual(
    parseMeminfoTotals('MemTotal:       16384000 kB\nMemFree: 1 kB\nSwapTotal:        1024 kB\n'),
    {
      memoryBytes: 16384000 * 1024,
      swapBytes: 1024 * 1024,
    },
  );
  assert.deepEqual(parseMeminfoTotals('garbage'), { memoryBytes: 0, swapBytes: 0 });
});

test('reads the host tree below root_path and renders the machine families', () => {
  put('proc/cpuinfo', CPUINFO);
  put('proc/meminfo', 'MemTotal:       16384000 kB\nSwapTotal:           0 kB\n');
  put('etc/machine-id', 'abc123\n');
  put('proc/sys/kernel/random/boot_id', 'b00t-1d\n');
  const m = readMachineInfo(root, 1000);
  assert.equal(m.machineId, 'abc123');
  assert.equal(m.systemUuid, '', 'no dmi: empty, as cAdvisor without access');
  const text = renderFamilies(machineFamilies(m));
  const base = 'boot_id="b00t-1d",machine_id="abc123",system_uuid=""';
  assert.match(text, new RegExp(`^machine_cpu_cores\\{${base}\\} 8 1000$`, 'm'));
  assert.match(text, new RegExp(`^machine_cpu_physical_cores\\{${base}\\} 2 1000$`, 'm'));
  assert.match(text, new RegExp(`^machine_cpu_sockets\\{${base}\\} 2 1000$`, 'm'));
  assert.match(text, new RegExp(`^machine_memory_bytes\\{${base}\\} 1\\.6777216e\\+10 1000$`, 'm'));
  assert.match(text, new RegExp(`^machine_nvm_capacity\\{${base},mode="app_direct_mode"\\} 0 1000$`, 'm'));
  assert.match(text, /^machine_scrape_error 0$/m);
  assert.doesNotMatch(text, /cadvisor_version_info/, 'left out: promtool rejects its camelCase labels');
});

test('an empty tree still gives well-formed families; no info → machine_scrape_error 1', () => {
  const m = readMachineInfo(join(root, 'nothing'), 5);
  assert.equal(m.cores, 0);
  assert.equal(m.machineId, '');
  assert.match(renderFamilies(machineFamilies(undefined)), /^machine_scrape_error 1$/m);
});

test('the cache re-reads after its period', () => {
  put('proc/cpuinfo', CPUINFO);
  const cache = new MachineInfoCache(root, 1000);
  assert.equal(cache.get(0).cores, 8);
  put('proc/cpuinfo', 'processor : 0\n');
  assert.equal(cache.get(999).cores, 8);
  assert.equal(cache.get(1000).cores, 1);
});
