// The machine_* families the kubelet serves on /metrics/cadvisor next to the container ones
// (cAdvisor's machine collector), read from the host through root_path:
//   machine_cpu_cores           "processor" entries of /proc/cpuinfo (logical CPUs)
//   machine_cpu_physical_cores  distinct "core id" values (cAdvisor counts them machine-wide)
//   machine_cpu_sockets         distinct "physical id" values
//   machine_memory_bytes        MemTotal, machine_swap_bytes SwapTotal (/proc/meminfo, kB → bytes)
//   machine_nvm_*               0: the kubelet is built without libipmctl, so these are always 0
// labelled boot_id (/proc/sys/kernel/random/boot_id), machine_id (/etc/machine-id, else
// /var/lib/dbus/machine-id), system_uuid (/sys/class/dmi/id/product_uuid; "" when unreadable).
// cadvisor_version_info is left out on purpose: its label names (kernelVersion, osVersion, …) are
// camelCase, which `promtool check metrics` rejects, and it describes a cAdvisor build there is
// none of here (the kernel and OS versions are in hostmetrics' node_uname_info / node_os_info).
// cAdvisor re-reads machine info every 5 minutes and stamps the machine_* samples with that time;
// MachineInfoCache does the same.
import { join } from 'node:path';
import { family, type Family, type Labels } from '../metricfamily/family.ts';
import { readSmallFile } from './cgroup/files.ts';

export interface MachineInfo {
  readAtMs: number;
  cores: number;
  physicalCores: number;
  sockets: number;
  memoryBytes: number;
  swapBytes: number;
  machineId: string;
  systemUuid: string;
  bootId: string;
}

/** Counts of a cpuinfo text: logical CPUs, distinct core ids, distinct physical ids. */
export function parseCpuinfo(text: string): { cores: number; physicalCores: number; sockets: number } {
  let cores = 0;
  const coreIds = new Set<string>();
  const socketIds = new Set<string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (key === 'processor') cores++;
    else if (key === 'core id' && /^\d+$/.test(value)) coreIds.add(value);
    else if (key === 'physical id' && /^\d+$/.test(value)) socketIds.add(value);
  }
  return { cores, physicalCores: coreIds.size, sockets: socketIds.size };
}

/** MemTotal and SwapTotal of a meminfo text, in bytes (0 when absent). */
export function parseMeminfoTotals(text: string): { memoryBytes: number; swapBytes: number } {
  const kb = (key: string): number => {
    const m = new RegExp(`^${key}:\\s*(\\d+) kB$`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : 0;
  };
  return { memoryBytes: kb('MemTotal'), swapBytes: kb('SwapTotal') };
}

function firstReadable(paths: string[]): string {
  for (const p of paths) {
    const t = readSmallFile(p, 4096);
    if (t !== undefined) return t.trim();
  }
  return '';
}

export function readMachineInfo(rootPath: string, nowMs: number): MachineInfo {
  const at = (p: string): string => join(rootPath, p);
  const cpu = parseCpuinfo(readSmallFile(at('proc/cpuinfo'), 4 * 1024 * 1024) ?? '');
  const mem = parseMeminfoTotals(readSmallFile(at('proc/meminfo')) ?? '');
  return {
    readAtMs: nowMs,
    ...cpu,
    ...mem,
    machineId: firstReadable([at('etc/machine-id'), at('var/lib/dbus/machine-id')]),
    systemUuid: firstReadable([at('sys/class/dmi/id/product_uuid')]),
    bootId: firstReadable([at('proc/sys/kernel/random/boot_id')]),
  };
}

/** Machine info re-read every `refreshMs` (cAdvisor: 5 minutes). */
export class MachineInfoCache {
  private readonly rootPath: string;
  private readonly refreshMs: number;
  private info: MachineInfo | undefined;

  constructor(rootPath: string, refreshMs = 300_000) {
    this.rootPath = rootPath;
    this.refreshMs = refreshMs;
  }

  get(nowMs: number): MachineInfo {
    if (!this.info || nowMs - this.info.readAtMs >= this.refreshMs) {
      this.info = readMachineInfo(this.rootPath, nowMs);
    }
    return this.info;
  }
}

/** machine_* and machine_scrape_error, unsorted. */
export function machineFamilies(m: MachineInfo | undefined): Family[] {
  const scrapeError = family(
    'machine_scrape_error',
    'gauge',
    '1 if there was an error while getting machine metrics, 0 otherwise.',
  );
  scrapeError.samples.push({ labels: [], value: m ? 0 : 1 });
  if (!m) return [scrapeError];
  const base: Labels = [
    ['boot_id', m.bootId],
    ['machine_id', m.machineId],
    ['system_uuid', m.systemUuid],
  ];
  const ts = m.readAtMs;
  const gauge = (name: string, help: string, value: number): Family => {
    const f = family(name, 'gauge', help);
    f.samples.push({ labels: base, value, timestampMs: ts });
    return f;
  };
  const nvm = family(
    'machine_nvm_capacity',
    'gauge',
    'NVM capacity value labeled by NVM mode (memory mode or app direct mode).',
  );
  for (const mode of ['app_direct_mode', 'memory_mode']) {
    nvm.samples.push({ labels: [...base, ['mode', mode]], value: 0, timestampMs: ts });
  }
  return [
    gauge('machine_cpu_cores', 'Number of logical CPU cores.', m.cores),
    gauge('machine_cpu_physical_cores', 'Number of physical CPU cores.', m.physicalCores),
    gauge('machine_cpu_sockets', 'Number of CPU sockets.', m.sockets),
    gauge('machine_memory_bytes', 'Amount of memory installed on the machine.', m.memoryBytes),
    gauge('machine_nvm_avg_power_budget_watts', 'NVM power budget.', 0),
    nvm,
    scrapeError,
    gauge('machine_swap_bytes', 'Amount of swap memory available on the machine.', m.swapBytes),
  ];
}
