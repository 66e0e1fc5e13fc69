// `cpu_memory: auto` asks: can the agent read the pods' cgroups itself (the `cadvisor` receiver's
// source of container CPU and memory)? If so the kubelet's CPU/memory stats would be a second,
// coarser copy and are left out; if not, the Summary API is the fallback.
//
// "Readable" means the kubelet's pod parent cgroup is a directory we can list under the cgroup
// root — for cgroup v2 (unified) `kubepods.slice` (systemd driver) or `kubepods` (cgroupfs
// driver); for v1 the same under the memory or cpu,cpuacct hierarchy. A mounted cgroupfs without
// it (a container with a private cgroup namespace sees only itself) is not enough.
import { opendir } from 'node:fs/promises';
import path from 'node:path';

const CANDIDATES = [
  'kubepods.slice',
  'kubepods',
  'memory/kubepods.slice',
  'memory/kubepods',
  'cpu,cpuacct/kubepods.slice',
  'cpu,cpuacct/kubepods',
  'cpuacct/kubepods.slice',
  'cpuacct/kubepods',
];

/** True when a kubepods cgroup directory under `cgroupRoot` can be listed. Never throws. */
export async function podCgroupsReadable(cgroupRoot: string): Promise<boolean> {
  for (const c of CANDIDATES) {
    try {
      // opendir, not readdir: proves the directory is listable without reading hundreds of entries
      const dir = await opendir(path.join(cgroupRoot, c));
      await dir.close();
      return true;
    } catch {
      // absent or not readable: try the next layout
    }
  }
  return false;
}
