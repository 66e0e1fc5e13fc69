// major:minor → device name for the `device` label of container_fs_* and
// container_blkio_device_usage_total, as cAdvisor names disks: "/dev/<name>" for every entry of
// /sys/block except loop*, ram* and sr* devices (its machine info's DiskMap); anything else —
// partitions, loop devices, unknown numbers — gets "" (what the kubelet shows for them).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readSmallFile } from './cgroup/files.ts';

/** At most this many block devices are read (a host with more is unusual; the rest are named ""). */
const MAX_DEVICES = 4096;

/** Reads `<sysDir>/block/*\/dev` ("253:0\n"). Missing or unreadable entries are skipped. */
export function readBlockDevices(sysDir: string): Map<string, string> {
  const out = new Map<string, string>();
  let names: string[];
  try {
    names = readdirSync(join(sysDir, 'block'));
  } catch {
    return out;
  }
  for (const name of names.slice(0, MAX_DEVICES)) {
    if (name.startsWith('loop') || name.startsWith('ram') || name.startsWith('sr')) continue;
    const dev = readSmallFile(join(sysDir, 'block', name, 'dev'), 64)?.trim();
    if (dev && /^\d+:\d+$/.test(dev)) out.set(dev, `/dev/${name}`);
  }
  return out;
}

/**
 * The device map, re-read at most every `refreshMs` — and earlier (at most every `unknownRefreshMs`)
 * when a collection meets a number it does not know (a disk was attached).
 */
export class BlockDevices {
  private readonly sysDir: string;
  private readonly refreshMs: number;
  private readonly unknownRefreshMs: number;
  private map = new Map<string, string>();
  private readAt = -Infinity;
  private missed = false;

  constructor(sysDir: string, refreshMs = 300_000, unknownRefreshMs = 60_000) {
    this.sysDir = sysDir;
    this.refreshMs = refreshMs;
    this.unknownRefreshMs = unknownRefreshMs;
  }

  /** Call once per collection before name(). */
  refresh(nowMs: number): void {
    const age = nowMs - this.readAt;
    if (age >= this.refreshMs || (this.missed && age >= this.unknownRefreshMs)) {
      this.map = readBlockDevices(this.sysDir);
      this.readAt = nowMs;
      this.missed = false;
    }
  }

  /** "/dev/vda" for "253:0", "" when unknown. */
  name(majorMinor: string): string {
    const n = this.map.get(majorMinor);
    if (n === undefined) {
      this.missed = true;
      return '';
    }
    return n;
  }
}
