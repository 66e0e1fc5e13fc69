// Finds the host's cgroup hierarchies under <root_path>/sys/fs/cgroup.
//
// Three layouts exist on real hosts:
//   unified (v2):  sys/fs/cgroup is the cgroup2 mount itself (it has cgroup.controllers);
//   legacy (v1):   sys/fs/cgroup is a tmpfs holding one mount per controller set, e.g. cpu,cpuacct
//                  with cpu and cpuacct as symlinks to it (systemd), or separate cpu and cpuacct
//                  mounts (as on this project's CI machine);
//   hybrid:        legacy plus a controller-less cgroup2 at sys/fs/cgroup/unified. Counted as v1,
//                  as runc and cAdvisor do: the resource controllers are all on the v1 side.
// The mountinfo (when given) names each mount's controllers in its super options, which is the
// authoritative mapping; the directory scan covers what it does not name, e.g. when root_path is a
// bind mount whose mountinfo is not available.
//
// Contract: never throws; an unreadable or absent tree yields { version: 'v1', v1: {} }, which the
// reader turns into empty stats.

import { lstat, readdir, readFile, stat } from 'node:fs/promises';
import type { CgroupRoot, V1Controller } from '../types.ts';
import { parseMountinfo } from './parse.ts';

const CONTROLLERS: readonly V1Controller[] = ['cpu', 'cpuacct', 'memory', 'blkio', 'pids', 'cpuset'];

/** Files a hierarchy of that controller has at its root, any one suffices (pids' root has only core files). */
const MARKERS: Record<V1Controller, readonly string[]> = {
  cpu: ['cpu.shares'],
  cpuacct: ['cpuacct.usage'],
  memory: ['memory.usage_in_bytes'],
  blkio: ['blkio.reset_stats', 'blkio.throttle.io_service_bytes'],
  pids: ['cgroup.procs'],
  cpuset: ['cpuset.cpus'],
};

async function hasMarker(dir: string, c: V1Controller): Promise<boolean> {
  for (const f of MARKERS[c]) if (await isFile(`${dir}/${f}`)) return true;
  return false;
}

const HOST_CGROUP_DIR = '/sys/fs/cgroup';

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

function isController(s: string): s is V1Controller {
  return (CONTROLLERS as readonly string[]).includes(s);
}

/** <root_path>/proc when sysFsCgroup is <root_path>/sys/fs/cgroup. */
function procFor(sysFsCgroup: string): string | undefined {
  const dir = sysFsCgroup.replace(/\/+$/, '');
  if (dir === HOST_CGROUP_DIR) return '/proc';
  if (!dir.endsWith(HOST_CGROUP_DIR)) return undefined;
  return `${dir.slice(0, -HOST_CGROUP_DIR.length)}/proc`;
}

/** Reads mountinfo from a path, or takes it as content when it already is (has a " - " separator line). */
async function mountinfoText(arg: string): Promise<string | undefined> {
  if (arg.includes('\n') || arg.includes(' - ')) return arg;
  try {
    return await readFile(arg, 'latin1');
  } catch {
    return undefined;
  }
}

/**
 * @param sysFsCgroup `<root_path>/sys/fs/cgroup`
 * @param procSelfMountinfo optional path of a mountinfo file in the host's mount namespace
 *   (`<root_path>/proc/1/mountinfo`, or /proc/self/mountinfo when not containerised), or its content.
 *   Mount points in it are host paths; those under /sys/fs/cgroup are mapped below sysFsCgroup.
 */
export async function detectCgroupRoot(sysFsCgroup: string, procSelfMountinfo?: string): Promise<CgroupRoot> {
  const base = sysFsCgroup.replace(/\/+$/, '') || '/';
  const proc = procFor(base);
  const withProc = (r: CgroupRoot): CgroupRoot => (proc === undefined ? r : { ...r, proc });
  if (await isFile(`${base}/cgroup.controllers`)) return withProc({ version: 'v2', v2: base, v1: {} });

  const v1: CgroupRoot['v1'] = {};
  let unified: string | undefined;

  const text = procSelfMountinfo === undefined ? undefined : await mountinfoText(procSelfMountinfo);
  if (text !== undefined) {
    for (const m of parseMountinfo(text)) {
      if (m.root !== '/') continue; // a sub-hierarchy (cgroup namespace) cannot show the host's cgroups
      if (m.mountPoint !== HOST_CGROUP_DIR && !m.mountPoint.startsWith(`${HOST_CGROUP_DIR}/`)) continue;
      const dir = base + m.mountPoint.slice(HOST_CGROUP_DIR.length);
      if (m.fsType === 'cgroup2') {
        if (dir === base) continue; // handled by the cgroup.controllers check above
        if (await isFile(`${dir}/cgroup.controllers`)) unified = dir;
        continue;
      }
      if (m.fsType !== 'cgroup') continue;
      for (const opt of m.superOptions) {
        if (isController(opt) && v1[opt] === undefined && (await hasMarker(dir, opt))) v1[opt] = dir;
      }
    }
  }

  let names: string[] = [];
  try {
    names = (await readdir(base)).sort();
  } catch {
    // no tree: empty result below
  }
  // Real directories first, so "cpu,cpuacct" wins over its "cpu" symlink (same hierarchy either way).
  const entries: { name: string; link: boolean }[] = [];
  for (const name of names) {
    if (!(await isDir(`${base}/${name}`))) continue;
    try {
      entries.push({ name, link: (await lstat(`${base}/${name}`)).isSymbolicLink() });
    } catch {
      // vanished between readdir and lstat
    }
  }
  entries.sort((a, b) => Number(a.link) - Number(b.link));
  for (const { name } of entries) {
    const dir = `${base}/${name}`;
    if (name === 'unified') {
      if (unified === undefined && (await isFile(`${dir}/cgroup.controllers`))) unified = dir;
      continue;
    }
    for (const part of name.split(',')) {
      if (isController(part) && v1[part] === undefined && (await hasMarker(dir, part))) v1[part] = dir;
    }
  }

  if (Object.keys(v1).length === 0 && unified !== undefined) {
    // cgroup2 only at a sub-directory and no v1 controllers: it holds every controller
    return withProc({ version: 'v2', v2: unified, v1: {} });
  }
  const root: CgroupRoot = { version: 'v1', v1 };
  if (unified !== undefined) root.v2 = unified;
  return withProc(root);
}
