// node_exporter's `uname` collector (v1.9.1, Linux): node_uname_info, gauge 1, labels (in name
// order, as client_golang sorts them) domainname, machine, nodename, release, sysname, version.
//
// Upstream calls uname(2), which answers for the caller's UTS namespace. Here the values come
// from the host's procfs, so that with root_path they describe the host:
//   sysname    <proc>/sys/kernel/ostype      } the kernel's own strings: the same in every
//   release    <proc>/sys/kernel/osrelease   } namespace, byte-equal to uname(2)'s fields
//   version    <proc>/sys/kernel/version     }
//   machine    <proc>/sys/kernel/arch (Linux 6.1+), else os.machine() (the kernel is shared)
//   nodename   <proc>/sys/kernel/hostname    } these two are per UTS namespace, and procfs shows
//   domainname <proc>/sys/kernel/domainname  } the READER's namespace whatever procfs is read
// So the node name: when this process shares pid 1's UTS namespace (run on the host, or a pod with
// hostNetwork, which Kubernetes gives the host's UTS namespace), <proc>/sys/kernel/hostname is
// the host's name. When it provably does not (the <proc>/1/ns/uts and /proc/self/ns/uts links
// differ), the host's /etc/hostname under root_path is used instead, and the domain name stays
// this namespace's (Kubernetes never sets one; both are "(none)"). When the links cannot be read
// (no permission), the procfs value is used, as uname(2) would give.
// A file that cannot be read falls back to Node's os.* view (os.hostname() last of all); the
// collector never fails.
import { readlinkSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { family } from '../../metricfamily/family.ts';
import type { Family } from '../../metricfamily/family.ts';
import { readText } from '../read.ts';
import type { CollectContext, HostCollector, HostPaths } from '../types.ts';

const MAX = 4096;

export interface Uname {
  sysname: string;
  release: string;
  version: string;
  machine: string;
  nodename: string;
  domainname: string;
}

/** A /proc/sys/kernel string: the kernel writes it with one trailing newline. */
function kernelString(proc: string, name: string): string | undefined {
  const t = readText(join(proc, 'sys', 'kernel', name), MAX);
  if (t === undefined) return undefined;
  return t.endsWith('\n') ? t.slice(0, -1) : t;
}

function link(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}

/**
 * True when this process is provably in another UTS namespace than the host's pid 1. `selfProc`
 * is this process's own procfs (always /proc: the links compare namespaces of one kernel).
 */
export function inForeignUtsNamespace(hostProc: string, selfProc = '/proc'): boolean {
  const host = link(join(hostProc, '1', 'ns', 'uts'));
  const self = link(join(selfProc, 'self', 'ns', 'uts'));
  return host !== undefined && self !== undefined && host !== self;
}

/** The first line of /etc/hostname under the host's root, trimmed; undefined when empty or absent. */
function etcHostname(rootfs: string): string | undefined {
  const t = readText(join(rootfs, 'etc', 'hostname'), MAX);
  const first = t?.split('\n')[0]?.trim();
  return first ? first : undefined;
}

export function readUname(paths: HostPaths, selfProc = '/proc'): Uname {
  const { proc } = paths;
  let nodename = kernelString(proc, 'hostname');
  if (inForeignUtsNamespace(proc, selfProc)) nodename = etcHostname(paths.rootfs) ?? nodename;
  return {
    sysname: kernelString(proc, 'ostype') ?? os.type(),
    release: kernelString(proc, 'osrelease') ?? os.release(),
    version: kernelString(proc, 'version') ?? os.version(),
    machine: kernelString(proc, 'arch') ?? os.machine(),
    nodename: nodename ?? os.hostname(),
    domainname: kernelString(proc, 'domainname') ?? '(none)',
  };
}

export function createUnameCollector(selfProc = '/proc'): HostCollector {
  return {
    name: 'uname',
    collect: async (ctx: CollectContext): Promise<Family[]> => {
      const u = readUname(ctx.paths, selfProc);
      const f = family(
        'node_uname_info',
        'gauge',
        'Labeled system information as provided by the uname system call.',
      );
      f.samples.push({
        labels: [
          ['domainname', u.domainname],
          ['machine', u.machine],
          ['nodename', u.nodename],
          ['release', u.release],
          ['sysname', u.sysname],
          ['version', u.version],
        ],
        value: 1,
      });
      return [f];
    },
  };
}

export const unameCollector: HostCollector = createUnameCollector();
