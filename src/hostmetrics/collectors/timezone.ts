// The node's local time zone, as node_exporter's Go runtime determines it (time.Local), so that
// node_time_zone_offset_seconds{time_zone} matches: the abbreviation and offset come from the
// TZif file (tzif.ts), not from Node's ICU, whose names differ ("GMT+1" where Go says "CET").
//
// Which file (Go's initLocal, when reading this machine, root "/"):
//   TZ unset             /etc/localtime
//   TZ="" or TZ="UTC"    UTC
//   TZ="[:]/abs/path"    that file
//   TZ="[:]Area/City"    the first of /usr/share/zoneinfo/, /usr/share/lib/zoneinfo/,
//                        /usr/lib/locale/TZ/, /etc/zoneinfo/ that loads
//   anything that fails  UTC (abbreviation "UTC", offset 0)
// With root_path (root other than "/") the zone is the HOST's: <root>/etc/localtime, this
// process's TZ ignored (a container's TZ says nothing of the node). node_exporter in a container
// reports the container's zone instead; this is a deliberate difference.
// Symbolic links are resolved inside the root (/etc/localtime is usually an absolute link into
// /usr/share/zoneinfo, which must be the host's copy); links on intermediate directories are left
// to the kernel.
import { readFileSync, readlinkSync } from 'node:fs';
import { posix } from 'node:path';
import type { ZoneAt } from './tz-rule.ts';
import { parseTzif, zoneAt } from './tzif.ts';
import type { TzifZone } from './tzif.ts';

/** A TZif file above this size is not one (the largest real ones are a few KiB). */
const MAX_TZIF_BYTES = 1 << 20;
const MAX_LINKS = 40;
const ZONE_SOURCES = [
  '/usr/share/zoneinfo/',
  '/usr/share/lib/zoneinfo/',
  '/usr/lib/locale/TZ/',
  '/etc/zoneinfo/',
];

export const UTC: ZoneAt = { name: 'UTC', offset: 0, isDst: false };

/**
 * `path` (absolute, in the root's terms) with its final symbolic links followed inside `root`;
 * undefined after MAX_LINKS links (a loop), which would otherwise be followed by the kernel,
 * outside the root.
 */
export function resolveInRoot(root: string, path: string): string | undefined {
  let p = posix.normalize(path);
  for (let i = 0; i < MAX_LINKS; i++) {
    let target: string;
    try {
      target = readlinkSync(posix.join(root, p));
    } catch {
      return posix.join(root, p); // not a link (EINVAL), or absent: read it as it is
    }
    p = posix.normalize(posix.isAbsolute(target) ? target : posix.join(posix.dirname(p), target));
  }
  return undefined;
}

const isSlash = (root: string): boolean => posix.normalize(root) === '/';

/** A TZif file inside `root`, or undefined when absent, too large or malformed. */
export function loadZoneFile(root: string, path: string): TzifZone | undefined {
  const resolved = resolveInRoot(root, path);
  if (resolved === undefined) return undefined;
  try {
    const b = readFileSync(resolved);
    return b.length > MAX_TZIF_BYTES ? undefined : parseTzif(b);
  } catch {
    return undefined;
  }
}

/** The zone Go's time.Local would be, for a process with environment `env` under root `root`. */
export function loadLocalZone(root: string, env: NodeJS.ProcessEnv = process.env): TzifZone | undefined {
  if (!isSlash(root)) return loadZoneFile(root, '/etc/localtime');
  let tz = env.TZ;
  if (tz === undefined) return loadZoneFile('/', '/etc/localtime');
  if (tz.startsWith(':')) tz = tz.slice(1);
  if (tz === '' || tz === 'UTC') return undefined;
  if (tz.startsWith('/')) return loadZoneFile('/', tz);
  for (const source of ZONE_SOURCES) {
    const z = loadZoneFile('/', `${source}${tz}`);
    if (z !== undefined) return z;
  }
  return undefined;
}

/**
 * The local zone at an instant. Like Go, the zone is loaded once (per root and TZ value) and kept:
 * a changed /etc/localtime is seen after a restart, as with node_exporter.
 */
export class LocalZone {
  private readonly cache = new Map<string, TzifZone | undefined>();
  private readonly env: NodeJS.ProcessEnv;

  constructor(env: NodeJS.ProcessEnv = process.env) {
    this.env = env;
  }

  at(root: string, sec: number): ZoneAt {
    const key = isSlash(root) ? `/\0${this.env.TZ ?? '\0unset'}` : root;
    if (!this.cache.has(key)) this.cache.set(key, loadLocalZone(root, this.env));
    const z = this.cache.get(key);
    return z === undefined ? UTC : zoneAt(z, sec);
  }
}
