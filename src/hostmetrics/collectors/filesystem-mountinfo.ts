// Parser for /proc/<pid>/mountinfo (proc(5)) as node_exporter 1.9.1's filesystem collector reads
// it. Pure function of the text; never throws.
//
// Line format: ID PARENT MAJOR:MINOR ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS
import { goFields } from '../read.ts';

export interface MountEntry {
  /** The mount source (device) as the kernel wrote it, escapes left in (upstream does not decode it). */
  device: string;
  /** The mount point with \040 and \011 decoded and the rootfs prefix stripped. */
  mountPoint: string;
  fsType: string;
  /** Per-mount options (field 6), e.g. "rw,nosuid,relatime". */
  options: string;
  /** Decimal, as Go's fmt.Sprint of the parsed int (leading zeros gone). */
  major: string;
  minor: string;
}

const DEV_RE = /^([+-]?[0-9]+):([+-]?[0-9]+)/;

/**
 * node_exporter's rootfsStripPrefix: with --path.rootfs set (root_path here), a mount point under
 * it is reported without the prefix, the prefix itself as "/". `rootfs` is used without a
 * trailing slash ("/hostfs/" would otherwise strip "/hostfs/boot" to "boot").
 */
export function stripRootfsPrefix(mountPoint: string, rootfs: string): string {
  let root = rootfs;
  while (root.length > 1 && root.endsWith('/')) root = root.slice(0, -1);
  if (root === '/' || root === '') return mountPoint;
  if (!mountPoint.startsWith(root)) return mountPoint;
  const stripped = mountPoint.slice(root.length);
  return stripped === '' ? '/' : stripped;
}

function decodeInt(s: string): string | undefined {
  const n = Number(s);
  // Go's int is 64-bit: beyond it Sscanf fails, beyond 2^53 the digits would not survive Number.
  if (!Number.isSafeInteger(n)) return undefined;
  return String(n);
}

/**
 * The mounts of a mountinfo file, in file order. Where node_exporter fails the whole collector
 * (fewer than 10 fields, a bad MAJOR:MINOR) or panics (no "-" separator), the line is skipped.
 */
export function parseMountinfo(text: string, rootfs: string): MountEntry[] {
  const mounts: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const parts = goFields(line);
    if (parts.length < 10) continue;
    const dev = DEV_RE.exec(parts[2]!);
    if (dev === null) continue;
    const major = decodeInt(dev[1]!);
    const minor = decodeInt(dev[2]!);
    if (major === undefined || minor === undefined) continue;
    // The optional fields end at the "-" separator; FSTYPE and SOURCE follow it.
    let m = 5;
    while (m + 1 < parts.length && parts[m + 1] !== '-') m++;
    if (m + 3 >= parts.length) continue;
    const mountPoint = parts[4]!.replaceAll('\\040', ' ').replaceAll('\\011', '\t');
    mounts.push({
      device: parts[m + 3]!,
      mountPoint: stripRootfsPrefix(mountPoint, rootfs),
      fsType: parts[m + 2]!,
      options: parts[5]!,
      major,
      minor,
    });
  }
  return mounts;
}
