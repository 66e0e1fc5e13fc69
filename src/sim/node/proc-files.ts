// /proc files the simulator provides: <pid>/net/dev (Linux /proc/net/dev format) and <pid>/cgroup.

import type { NetCounters } from './load-model.ts';

/** /proc/net/dev for the given interfaces, column layout as the kernel prints it. */
export function renderNetDev(ifaces: [string, NetCounters][]): string {
  let s =
    'Inter-|   Receive                                                |  Transmit\n' +
    ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n';
  for (const [name, c] of ifaces) {
    s +=
      `${name.padStart(6)}: ${String(c.rxBytes).padStart(7)} ${String(c.rxPackets).padStart(7)} ` +
      `${String(c.rxErrors).padStart(4)} ${String(c.rxDrop).padStart(4)}    0     0          0         0 ` +
      `${String(c.txBytes).padStart(8)} ${String(c.txPackets).padStart(7)} ${String(c.txErrors).padStart(4)} ` +
      `${String(c.txDrop).padStart(4)}    0     0       0          0\n`;
  }
  return s;
}
