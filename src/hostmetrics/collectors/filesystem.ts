// node_exporter's `filesystem` collector (v1.9.1, Linux, default flags): node_filesystem_* for
// every mount in <proc>/1/mountinfo that passes the default mount-point and fs-type excludes.
//
// Semantics kept from node_exporter (collector/filesystem_{common,linux}.go):
// - Mounts come from <proc>/1/mountinfo (the host's mount namespace when <proc> is the host's
//   procfs), <proc>/self/mountinfo when pid 1's is missing (hidepid). Neither readable: the
//   collector fails.
// - Mount points are reported without the root_path prefix and statfs'd at root_path +
//   mount point (node_exporter's --path.rootfs).
// - Labels device, device_error, fstype, mountpoint. A failed statfs gives device_error=1 and
//   readonly (from the mount's options) with device_error="<Go error text>", and no size
//   families; a mount point whose statfs hung past the timeout gives device_error=1,
//   readonly=0 and device_error="mountpoint timeout" (see statfs-guard.ts).
// - size/free/avail are blocks * f_bsize; files/files_free are f_files/f_ffree.
// - node_filesystem_mount_info{device,major,minor,mountpoint} and
//   node_filesystem_purgeable_bytes (always 0 on Linux: upstream's purgeable field defaults to 0
//   and is emitted when >= 0) exist for mounts without error.
// - The same label set twice (bind mounts, stacked mounts) is exposed once; the first mount in
//   mountinfo order wins (upstream: whichever its stat workers finish first).
// Deliberate differences: a malformed mountinfo line is skipped (upstream fails the collector
// or panics); the scrape in which a statfs hangs gets "mountpoint timeout" after the timeout
// (upstream's scrape waits for the hung call).
import { posix } from 'node:path';
import { family } from '../../metricfamily/family.ts';
import type { Family, Labels } from '../../metricfamily/family.ts';
import { orderLikeGatherer } from '../gather-order.ts';
import { isNotExist, readFileResult } from '../read.ts';
import type { CollectContext, HostCollector } from '../types.ts';
import { parseMountinfo } from './filesystem-mountinfo.ts';
import type { MountEntry } from './filesystem-mountinfo.ts';
import { ignored, statelessRegExp } from './filters.ts';
import { DEFAULT_MOUNT_TIMEOUT_MS, StatfsGuard } from './statfs-guard.ts';
import type { StatfsFn, StatfsOutcome } from './statfs-guard.ts';

/** --collector.filesystem.mount-points-exclude default (1.9.1, Linux). */
export const FILESYSTEM_DEFAULT_MOUNT_POINTS_EXCLUDE =
  /^\/(dev|proc|run\/credentials\/.+|sys|var\/lib\/docker\/.+|var\/lib\/containers\/storage\/.+)($|\/)/;
/** --collector.filesystem.fs-types-exclude default (1.9.1, Linux). */
export const FILESYSTEM_DEFAULT_FS_TYPES_EXCLUDE =
  /^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$/;

/** --collector.filesystem.stat-workers default: statfs calls in flight per scrape. */
const STAT_WORKERS = 4;
const MAX_MOUNTINFO_BYTES = 16 << 20;

export interface FilesystemOptions {
  mountPointsExclude?: RegExp;
  fsTypesExclude?: RegExp;
  /** How long a statfs may take before its mount point is "stuck" (--collector.filesystem.mount-timeout). */
  mountTimeoutMs?: number;
  /** statfs implementation (tests inject slow or failing ones). */
  statfs?: StatfsFn;
}

interface MountResult {
  mount: MountEntry;
  outcome: StatfsOutcome;
}

/** Go's filepath.Join(rootfs, mountPoint): joined and cleaned, no trailing slash ("/hostfs", not "/hostfs/"). */
function rootfsPath(rootfs: string, mountPoint: string): string {
  const p = posix.join(rootfs, mountPoint);
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
}

function readOnly(options: string): number {
  return options.split(',').includes('ro') ? 1 : 0;
}

/** Runs fn over items with at most `workers` in flight; results keep the items' order. */
async function mapLimited<T, R>(
  items: readonly T[],
  workers: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(workers, items.length) }, worker));
  return out;
}

export function createFilesystemCollector(opts: FilesystemOptions = {}): HostCollector {
  const mountExclude = statelessRegExp(opts.mountPointsExclude ?? FILESYSTEM_DEFAULT_MOUNT_POINTS_EXCLUDE);
  const fsTypeExclude = statelessRegExp(opts.fsTypesExclude ?? FILESYSTEM_DEFAULT_FS_TYPES_EXCLUDE);
  // One guard per collector: the "one statfs in flight per mount point" rule spans scrapes.
  const guard = new StatfsGuard(opts.statfs, opts.mountTimeoutMs ?? DEFAULT_MOUNT_TIMEOUT_MS);

  async function collect(ctx: CollectContext): Promise<Family[]> {
    const { proc, rootfs } = ctx.paths;
    let read = readFileResult(posix.join(proc, '1', 'mountinfo'), MAX_MOUNTINFO_BYTES);
    if (!read.ok && isNotExist(read.code))
      read = readFileResult(posix.join(proc, 'self', 'mountinfo'), MAX_MOUNTINFO_BYTES);
    if (!read.ok) throw new Error(`filesystem: cannot read mountinfo under ${proc}: ${read.code}`);

    const mounts = parseMountinfo(read.text, rootfs).filter(
      (m) => !ignored(m.mountPoint, mountExclude) && !ignored(m.fsType, fsTypeExclude),
    );
    const results = await mapLimited(mounts, STAT_WORKERS, async (mount): Promise<MountResult> => ({
      mount,
      outcome: await guard.stat(mount.mountPoint, rootfsPath(rootfs, mount.mountPoint)),
    }));
    return buildFamilies(results);
  }

  return { name: 'filesystem', collect };
}

function buildFamilies(results: readonly MountResult[]): Family[] {
  const size = family('node_filesystem_size_bytes', 'gauge', 'Filesystem size in bytes.');
  const free = family('node_filesystem_free_bytes', 'gauge', 'Filesystem free space in bytes.');
  const avail = family(
    'node_filesystem_avail_bytes',
    'gauge',
    'Filesystem space available to non-root users in bytes.',
  );
  const files = family('node_filesystem_files', 'gauge', 'Filesystem total file nodes.');
  const filesFree = family('node_filesystem_files_free', 'gauge', 'Filesystem total free file nodes.');
  const purgeable = family(
    'node_filesystem_purgeable_bytes',
    'gauge',
    'Filesystem space available including purgeable space (MacOS specific).',
  );
  const readonly = family('node_filesystem_readonly', 'gauge', 'Filesystem read-only status.');
  const deviceError = family(
    'node_filesystem_device_error',
    'gauge',
    'Whether an error occurred while getting statistics for the given device.',
  );
  const mountInfo = family('node_filesystem_mount_info', 'gauge', 'Filesystem mount information.');

  // Upstream skips a stat whose full label struct (incl. options, major, minor) was seen; what
  // remains equal in the exposed labels is dropped by the registry (orderLikeGatherer here).
  const seen = new Set<string>();
  for (const { mount: m, outcome } of results) {
    const errText =
      outcome.kind === 'ok' ? '' : outcome.kind === 'error' ? outcome.message : 'mountpoint timeout';
    const key = [m.device, m.mountPoint, m.fsType, m.options, errText, m.major, m.minor].join('\0');
    if (seen.has(key)) continue;
    seen.add(key);
    const labels: Labels = [
      ['device', m.device],
      ['device_error', errText],
      ['fstype', m.fsType],
      ['mountpoint', m.mountPoint],
    ];
    deviceError.samples.push({ labels, value: outcome.kind === 'ok' ? 0 : 1 });
    readonly.samples.push({ labels, value: outcome.kind === 'timeout' ? 0 : readOnly(m.options) });
    if (outcome.kind !== 'ok') continue;
    const s = outcome.stats;
    size.samples.push({ labels, value: s.blocks * s.bsize });
    free.samples.push({ labels, value: s.bfree * s.bsize });
    avail.samples.push({ labels, value: s.bavail * s.bsize });
    files.samples.push({ labels, value: s.files });
    filesFree.samples.push({ labels, value: s.ffree });
    mountInfo.samples.push({
      labels: [
        ['device', m.device],
        ['major', m.major],
        ['minor', m.minor],
        ['mountpoint', m.mountPoint],
      ],
      value: 1,
    });
    purgeable.samples.push({ labels, value: 0 });
  }
  return orderLikeGatherer(
    [size, free, avail, files, filesFree, purgeable, readonly, deviceError, mountInfo].filter(
      (f) => f.samples.length > 0,
    ),
  );
}

export const filesystemCollector: HostCollector = createFilesystemCollector();
