// Descriptors of procfs and sysfs files kept open across collections.
//
// Why: opening a kernel file costs more than reading it — a path walk per component, and for
// /proc/1/net/* a namespace lookup — and node_exporter's collectors reopen ~50 files per scrape.
// procfs and sysfs regenerate a file's content on every read that starts at offset 0 (seq_file,
// sysctl and kernfs handlers), so a kept descriptor read with pread(…, 0) gives what a fresh
// open would. Measured here: 2–5× less CPU per file (bench/RESULTS.md, host metrics).
//
// Contracts:
// - Only files under a directory registered with keepKernelFilesUnder() AND whose filesystem is
//   procfs or sysfs are kept: a regular file (a test fixture, /etc/hostname, udev's database)
//   can be replaced by a rename, which an old descriptor would never see.
// - A kept descriptor whose read fails (its device or process is gone: ENODEV, ESRCH, ...) is
//   closed and the file opened afresh once, so a re-created device is read again.
// - At most MAX_KEPT descriptors; beyond that the least recently used one is closed.
import { closeSync, openSync, statfsSync } from 'node:fs';
import { sep } from 'node:path';

/** Default bound on kept descriptors: ~50 files on a typical node, ~35 more per disk. */
export const MAX_KEPT = 512;
let maxKept = MAX_KEPT;

/** statfs f_type of procfs and sysfs (linux/magic.h). */
const PROC_SUPER_MAGIC = 0x9fa0;
const SYSFS_MAGIC = 0x62656572;

const roots = new Set<string>();
/** path → fd, in least-recently-used order (a use moves the entry to the end). */
const kept = new Map<string, number>();

/** Keeps files under `dir` open when `dir` is a procfs or sysfs mount; returns whether it is. */
export function keepKernelFilesUnder(dir: string): boolean {
  let type: number;
  try {
    type = Number(statfsSync(dir).type);
  } catch {
    return false;
  }
  if (type !== PROC_SUPER_MAGIC && type !== SYSFS_MAGIC) return false;
  roots.add(dir.endsWith(sep) ? dir : dir + sep);
  return true;
}

function keepable(path: string): boolean {
  for (const r of roots) if (path.startsWith(r)) return true;
  return false;
}

/** A read-only descriptor for `path` and whether it is a kept one (else the caller closes it). Throws what openSync throws. */
export function acquire(path: string): { fd: number; kept: boolean } {
  const fd = kept.get(path);
  if (fd !== undefined) {
    kept.delete(path);
    kept.set(path, fd);
    return { fd, kept: true };
  }
  const opened = openSync(path, 'r');
  if (!keepable(path)) return { fd: opened, kept: false };
  kept.set(path, opened);
  if (kept.size > maxKept) {
    const [oldest, oldFd] = kept.entries().next().value!;
    kept.delete(oldest);
    closeQuietly(oldFd);
  }
  return { fd: opened, kept: true };
}

/** Forgets and closes a kept descriptor that failed a read. */
export function discard(path: string): void {
  const fd = kept.get(path);
  if (fd === undefined) return;
  kept.delete(path);
  closeQuietly(fd);
}

export function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // A failed close of a read-only descriptor loses nothing.
  }
}

/** How many descriptors are kept (tests, diagnostics). */
export function keptCount(): number {
  return kept.size;
}

/** Closes every kept descriptor, forgets the registered roots and sets the bound (tests). */
export function resetKeptFiles(max: number = MAX_KEPT): void {
  maxKept = max;
  for (const fd of kept.values()) closeQuietly(fd);
  kept.clear();
  roots.clear();
}
