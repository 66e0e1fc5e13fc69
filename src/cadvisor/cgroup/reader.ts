// readCgroup: one cgroup's CgroupStats, from the v1 or v2 hierarchy that detectCgroupRoot found.
//
// State, kept per CgroupRoot object (a WeakMap, so it goes away with the root):
// - the spec (limits, shares, CFS period/quota, start time, v1 use_hierarchy) of each cgroup,
//   re-read when older than specMaxAgeMs. cAdvisor re-reads a container's spec when it is older
//   than 5 s at query time; limits only change when a pod is (re)created or resized in place, and
//   re-reading them at every collection would cost 5-8 file reads per cgroup, a third of the CPU
//   budget. Default 60 s: a resized limit shows within a minute.
// - file names found missing in a cgroup (e.g. memory.peak before kernel 5.19, the bfq/cfq blkio
//   files), so a miss (an exception inside Node, ~20 µs) is paid once per spec refresh.
// - kept descriptors of the counter files (see files.ts): halves the per-file cost, bounded by
//   maxKeptFiles (each pins ~4.7 KB of kernel memory) and by a quarter of RLIMIT_NOFILE.
// Entries of cgroups not read since the previous sweep are dropped (and their descriptors closed)
// at the next one, so the state is bounded by the live cgroups.
//
// Contract: never throws for file content or missing files; a cgroup that does not exist yields
// { path, timestampMs, spec: {} } with no cpu/memory/io.

import type { CgroupRoot, CgroupStats } from '../types.ts';
import type { CachedSpec, CgroupAccess, MachineMemory } from './access.ts';
import { diskFiles, openFileLimit, type FileSource } from './files.ts';
import { parseMeminfo, parseUptime } from './parse.ts';
import { readV1 } from './v1.ts';
import { readV2 } from './v2.ts';

export interface CgroupReaderOptions {
  /** how long a cgroup's spec is reused (ms); default 60 000, 0 = read at every collection */
  specMaxAgeMs?: number;
  /** pids returned per cgroup (the first ones in cgroup.procs); default 8 */
  maxPids?: number;
  /** keep counter files open between collections; default true */
  keepOpenFiles?: boolean;
  /** at most this many kept descriptors; default 4096 (and never above RLIMIT_NOFILE / 4) */
  maxKeptFiles?: number;
  /** file access (tests inject failures through it) */
  files?: FileSource;
}

const DEFAULT_SPEC_MAX_AGE_MS = 60_000;
const DEFAULT_MAX_PIDS = 8;
const DEFAULT_MAX_KEPT_FILES = 4096;
/** /proc/meminfo is re-read at most this often (the root's swap usage comes from it) */
const MEMINFO_MAX_AGE_MS = 1000;
const MEMINFO_KEYS = new Set(['MemTotal', 'SwapTotal', 'SwapFree']);

interface Entry {
  spec?: CachedSpec;
  specAtMs: number;
  /** file names found missing since the last spec refresh */
  missing: Set<string>;
  /** kept descriptors by file name */
  fds: Map<string, number>;
  usedMs: number;
}

export class CgroupReadCache {
  readonly specMaxAgeMs: number;
  readonly maxPids: number;
  readonly maxKeptFiles: number;
  readonly files: FileSource;
  private readonly entries = new Map<string, Entry>();
  private kept = 0;
  private lastSweepMs = -Infinity;
  private bootTime: number | null | undefined;
  private meminfo: { atMs: number; value: MachineMemory } | undefined;

  constructor(opts: CgroupReaderOptions = {}) {
    this.specMaxAgeMs = Math.max(0, opts.specMaxAgeMs ?? DEFAULT_SPEC_MAX_AGE_MS);
    this.maxPids = Math.max(1, Math.floor(opts.maxPids ?? DEFAULT_MAX_PIDS));
    this.files = opts.files ?? diskFiles;
    const keep = (opts.keepOpenFiles ?? true) && this.files.open !== undefined;
    const limit = keep ? openFileLimit() : undefined;
    const fdBudget = limit === undefined ? 256 : Math.floor(limit / 4);
    this.maxKeptFiles = keep
      ? Math.max(0, Math.min(opts.maxKeptFiles ?? DEFAULT_MAX_KEPT_FILES, fdBudget))
      : 0;
  }

  /** Number of cgroups with cached state. */
  get size(): number {
    return this.entries.size;
  }

  /** Number of kept descriptors. */
  get keptFiles(): number {
    return this.kept;
  }

  /** Closes every kept descriptor and forgets all state. */
  close(): void {
    for (const e of this.entries.values()) this.dropFds(e);
    this.entries.clear();
  }

  /** The per-read view handed to the v1/v2 readers. */
  access(root: CgroupRoot, path: string, nowMs: number): CgroupAccess {
    this.sweep(nowMs);
    let e = this.entries.get(path);
    if (!e) {
      e = { specAtMs: -Infinity, missing: new Set(), fds: new Map(), usedMs: nowMs };
      this.entries.set(path, e);
    }
    const entry = e;
    entry.usedMs = nowMs;
    const age = nowMs - entry.specAtMs;
    if (entry.spec && (age >= this.specMaxAgeMs || age < 0)) {
      entry.spec = undefined;
      entry.missing.clear();
    }
    const files = this.files;
    const file = (dir: string, name: string, maxBytes?: number): string | undefined => {
      if (entry.missing.has(name)) return undefined;
      const text = files.read(`${dir}/${name}`, maxBytes);
      if (text === undefined) entry.missing.add(name);
      return text;
    };
    const counter = (dir: string, name: string, maxBytes?: number): string | undefined => {
      let fd = entry.fds.get(name);
      if (fd === undefined) {
        if (entry.missing.has(name) || this.kept >= this.maxKeptFiles || !files.open)
          return file(dir, name, maxBytes);
        fd = files.open(`${dir}/${name}`);
        if (fd === undefined) {
          entry.missing.add(name);
          return undefined;
        }
        entry.fds.set(name, fd);
        this.kept++;
      }
      const text = files.pread?.(fd, maxBytes);
      if (text !== undefined) return text;
      // the cgroup went away (ENODEV) or the descriptor broke: drop it, retry the plain way
      files.close?.(fd);
      entry.fds.delete(name);
      this.kept--;
      return file(dir, name, maxBytes);
    };
    return {
      path,
      isRoot: path === '/',
      maxPids: this.maxPids,
      file,
      counter,
      mtimeMs: (p) => files.mtimeMs(p),
      cachedSpec: () => entry.spec,
      storeSpec(spec) {
        entry.spec = spec;
        entry.specAtMs = nowMs;
      },
      machineMemory: () => this.machineMemory(root, nowMs),
      bootTimeSeconds: () => this.bootTimeSeconds(root, nowMs),
    };
  }

  private dropFds(e: Entry): void {
    for (const fd of e.fds.values()) this.files.close?.(fd);
    this.kept -= e.fds.size;
    e.fds.clear();
  }

  private sweep(nowMs: number): void {
    if (nowMs - this.lastSweepMs < Math.max(this.specMaxAgeMs, 1000) && nowMs >= this.lastSweepMs) return;
    const cutoff = this.lastSweepMs;
    for (const [path, e] of this.entries) {
      if (e.usedMs >= cutoff) continue;
      this.dropFds(e);
      this.entries.delete(path);
    }
    this.lastSweepMs = nowMs;
  }

  /** /proc/meminfo values (re-read at most once a second: the root's swap usage is live). */
  private machineMemory(root: CgroupRoot, nowMs: number): MachineMemory {
    const m = this.meminfo;
    if (m && nowMs >= m.atMs && nowMs - m.atMs < MEMINFO_MAX_AGE_MS) return m.value;
    const value: MachineMemory = {};
    const text = root.proc === undefined ? undefined : this.files.read(`${root.proc}/meminfo`);
    if (text !== undefined) {
      const kv = parseMeminfo(text, MEMINFO_KEYS);
      const total = kv.get('MemTotal');
      const swapTotal = kv.get('SwapTotal');
      const swapFree = kv.get('SwapFree');
      if (total !== undefined) value.memTotal = total;
      if (swapTotal !== undefined) value.swapTotal = swapTotal;
      if (swapFree !== undefined) value.swapFree = swapFree;
    }
    this.meminfo = { atMs: nowMs, value };
    return value;
  }

  /** cAdvisor computes it once at start: now - uptime (whole seconds), truncated to the minute. */
  private bootTimeSeconds(root: CgroupRoot, nowMs: number): number | undefined {
    if (this.bootTime === undefined) {
      const text = root.proc === undefined ? undefined : this.files.read(`${root.proc}/uptime`);
      const up = text === undefined ? undefined : parseUptime(text);
      this.bootTime = up === undefined ? null : Math.floor((nowMs / 1000 - Math.floor(up)) / 60) * 60;
    }
    return this.bootTime ?? undefined;
  }
}

const caches = new WeakMap<CgroupRoot, CgroupReadCache>();
// a root dropped without closeCgroupReader() still gets its descriptors closed, once collected
const orphans = new FinalizationRegistry<CgroupReadCache>((cache) => cache.close());

function install(root: CgroupRoot, cache: CgroupReadCache): CgroupReadCache {
  const old = caches.get(root);
  if (old) {
    old.close();
    orphans.unregister(root);
  }
  caches.set(root, cache);
  orphans.register(root, cache, root);
  return cache;
}

/** The cache readCgroup uses for this root (created with defaults on first use). */
export function cgroupReadCache(root: CgroupRoot): CgroupReadCache {
  return caches.get(root) ?? install(root, new CgroupReadCache());
}

/** Sets the reader options for a root; closes and drops its previous state. */
export function configureCgroupReader(root: CgroupRoot, opts: CgroupReaderOptions): void {
  install(root, new CgroupReadCache(opts));
}

/** Closes the kept descriptors of a root and forgets its state (receiver shutdown). */
export function closeCgroupReader(root: CgroupRoot): void {
  caches.get(root)?.close();
  caches.delete(root);
  orphans.unregister(root);
}

/** "/a/b" with no empty, "." or ".." segment, or undefined (such a path could leave the hierarchy). */
export function normalizeCgroupPath(path: string): string | undefined {
  if (path === '' || path === '/') return '/';
  // fast path: already normal (the common case, from listCgroups)
  if (
    path.charCodeAt(0) === 47 &&
    path.charCodeAt(path.length - 1) !== 47 &&
    !path.includes('//') &&
    !path.includes('/.') &&
    !path.includes('\0')
  ) {
    return path;
  }
  const parts = path.split('/').filter((p) => p !== '');
  for (const p of parts) if (p === '.' || p === '..' || p.includes('\0')) return undefined;
  return parts.length === 0 ? '/' : `/${parts.join('/')}`;
}

/**
 * Reads one cgroup. `path` is relative to the hierarchy root ("/" is the root, "/kubepods.slice/…"
 * a child); `nowMs` is the collection time, used as the sample timestamp.
 */
export async function readCgroup(root: CgroupRoot, path: string, nowMs: number): Promise<CgroupStats> {
  const p = normalizeCgroupPath(path);
  if (p === undefined) return { path, timestampMs: nowMs, spec: {} };
  const access = cgroupReadCache(root).access(root, p, nowMs);
  try {
    return root.version === 'v2' ? readV2(root, access, nowMs) : readV1(root, access, nowMs);
  } catch {
    // the readers do not throw by contract; this guards the collector against a bug in them
    return { path: p, timestampMs: nowMs, spec: {} };
  }
}
