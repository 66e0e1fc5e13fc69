// node_exporter's `netdev` collector (v1.9.1, Linux, default flags): node_network_*_total per
// interface, label `device`, no interface excluded by default, address info off.
//
// node_exporter 1.9 reads the counters over rtnetlink (--collector.netdev.netlink, default on)
// and maps them to the /proc/net/dev column names ("legacy" mode, the default). The kernel
// computes /proc/net/dev's columns from the same rtnl_link_stats64 with the same sums
// (net/core/net-procfs.c: drop = rx_dropped + rx_missed_errors, frame = length + over + crc +
// frame errors, carrier = carrier + aborted + window + heartbeat errors), so reading
// /proc/net/dev gives node_exporter's values with no netlink socket. The one netlink counter
// /proc/net/dev lacks, rx_nohandler (node_network_receive_nohandler_total), is read from
// <sys>/class/net/<dev>/statistics/rx_nohandler; a device without that file (kernels before
// 4.6) has no nohandler series.
//
// Which namespace: netlink and /proc/net/dev both show node_exporter's own network namespace,
// so upstream needs hostNetwork to see the host. We read <proc>/1/net/dev (pid 1's namespace,
// the host's when <proc> is the host's procfs) and fall back to <proc>/net/dev when pid 1 is off
// limits: see readHostNetFile. <sys>/class/net is the namespace that mounted sysfs (the host's
// for the host's /sys).
// Deliberate difference: a malformed /proc/net/dev line is skipped (procfs errors or panics).
import { join } from 'node:path';
import { family } from '../../metricfamily/family.ts';
import type { Family, Labels } from '../../metricfamily/family.ts';
import { orderLikeGatherer } from '../gather-order.ts';
import { readHostNetFile, readUintAttribute } from '../read.ts';
import type { CollectContext, HostCollector } from '../types.ts';
import { ignored, statelessRegExp } from './filters.ts';
import { NET_DEV_COLUMNS, parseNetDev } from './net-parse.ts';

export interface NetdevOptions {
  /** --collector.netdev.device-exclude (unset by default). */
  deviceExclude?: RegExp;
  /** --collector.netdev.device-include (unset by default). */
  deviceInclude?: RegExp;
}

function counterFamily(key: string): Family {
  return family(`node_network_${key}_total`, 'counter', `Network device statistic ${key}.`);
}

export function createNetdevCollector(opts: NetdevOptions = {}): HostCollector {
  const exclude = opts.deviceExclude && statelessRegExp(opts.deviceExclude);
  const include = opts.deviceInclude && statelessRegExp(opts.deviceInclude);

  function collect(ctx: CollectContext): Family[] {
    const { proc, sys } = ctx.paths;
    const read = readHostNetFile(proc, 'dev');
    if (!read.ok) throw new Error(`couldn't get netstats: ${read.code} reading ${proc}/1/net/dev`);
    const columns = NET_DEV_COLUMNS.map(counterFamily);
    const nohandler = counterFamily('receive_nohandler');
    for (const row of parseNetDev(read.text)) {
      if (ignored(row.name, exclude, include)) continue;
      const labels: Labels = [['device', row.name]];
      for (let i = 0; i < columns.length; i++) columns[i]!.samples.push({ labels, value: row.values[i]! });
      const nh = readUintAttribute(join(sys, 'class', 'net', row.name, 'statistics', 'rx_nohandler'));
      if (nh !== undefined) nohandler.samples.push({ labels, value: nh });
    }
    return orderLikeGatherer([...columns, nohandler].filter((f) => f.samples.length > 0));
  }

  return { name: 'netdev', collect: async (ctx) => collect(ctx) };
}

export const netdevCollector: HostCollector = createNetdevCollector();
