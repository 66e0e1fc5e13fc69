// A pod's network counters, as cAdvisor reads them: /proc/<pid>/net/dev of one process in the
// pod's network namespace (the sandbox's), per interface, leaving out interfaces whose name starts
// with lo, veth, docker or nerdctl (case-insensitive; cAdvisor's ignoredDevicePrefixes). The root
// cgroup "/" reads pid 1's file, i.e. the host's interfaces.
//
// /proc/net/dev layout (two header lines, then one line per interface):
//   Inter-|   Receive                                                |  Transmit
//    face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
//     eth0: 1234 12 0 0 0 0 0 0 5678 34 0 0 0 0 0 0
// i.e. "name:" and 16 counters; the name may touch the first number ("eth0:1234") on old kernels.
// Contract: a line that is not "name: 16 unsigned integers" is skipped (cAdvisor drops the whole
// file instead; one bad line should not hide the others). Never throws.
import { join } from 'node:path';
import { readSmallFile } from './cgroup/files.ts';
import type { NetInterfaceStats } from './types.ts';

const IGNORED_PREFIXES = ['lo', 'veth', 'docker', 'nerdctl'];

export function isIgnoredInterface(name: string): boolean {
  const lower = name.toLowerCase();
  for (const p of IGNORED_PREFIXES) if (lower.startsWith(p)) return true;
  return false;
}

/** A decimal counter (Go's ParseUint base 10); NaN for anything else. */
function counter(s: string): number {
  if (s.length === 0 || s.length > 20) return NaN;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return NaN;
  }
  return Number(s);
}

/** The interfaces of a /proc/<pid>/net/dev text, minus the ignored ones, in file order. */
export function parseNetDev(text: string): NetInterfaceStats[] {
  const out: NetInterfaceStats[] = [];
  const lines = text.split('\n');
  for (let i = 2; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    if (name === '' || /\s/.test(name) || isIgnoredInterface(name)) continue;
    const f = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/);
    if (f.length !== 16) continue;
    const v = f.map(counter);
    if (v.some((x) => Number.isNaN(x))) continue;
    out.push({
      name,
      rxBytes: v[0]!,
      rxPackets: v[1]!,
      rxErrors: v[2]!,
      rxDropped: v[3]!,
      txBytes: v[8]!,
      txPackets: v[9]!,
      txErrors: v[10]!,
      txDropped: v[11]!,
    });
  }
  return out;
}

/**
 * Network counters of the process `pid` as seen through `procDir` (`<root_path>/proc`); undefined
 * when the file cannot be read (the process exited, or no such pid).
 */
export function readProcessNetwork(procDir: string, pid: number): NetInterfaceStats[] | undefined {
  const text = readSmallFile(join(procDir, String(pid), 'net', 'dev'));
  return text === undefined ? undefined : parseNetDev(text);
}

/**
 * The first readable network of the given pids (a pod's sandbox processes first, then its
 * containers': they share one network namespace). undefined when none is readable.
 */
export function readPodNetwork(procDir: string, pids: readonly number[]): NetInterfaceStats[] | undefined {
  for (const pid of pids) {
    const n = readProcessNetwork(procDir, pid);
    if (n) return n;
  }
  return undefined;
}
