// The host collectors, in node_exporter's names. node_exporter's default Linux collectors that
// are left out (arp, bcache, bonding, btrfs, conntrack, edac, entropy, hwmon, ...) are listed in
// docs/architecture.md with why.
import type { HostCollector } from '../types.ts';
import { cpuCollector } from './cpu.ts';
import { statCollector } from './stat.ts';
import { meminfoCollector } from './meminfo.ts';
import { loadavgCollector } from './loadavg.ts';
import { vmstatCollector } from './vmstat.ts';
import { pressureCollector } from './pressure.ts';
import { filefdCollector } from './filefd.ts';
import { unameCollector } from './uname.ts';
import { timeCollector } from './time.ts';
import { sockstatCollector } from './sockstat.ts';
import { diskstatsCollector } from './diskstats.ts';
import { filesystemCollector } from './filesystem.ts';
import { netdevCollector } from './netdev.ts';
import { netstatCollector } from './netstat.ts';

/** Every collector, in the order their families are exposed. */
export const HOST_COLLECTORS: readonly HostCollector[] = [
  cpuCollector,
  statCollector,
  meminfoCollector,
  loadavgCollector,
  vmstatCollector,
  pressureCollector,
  filefdCollector,
  unameCollector,
  timeCollector,
  sockstatCollector,
  diskstatsCollector,
  filesystemCollector,
  netdevCollector,
  netstatCollector,
];
