// Parsers for the cgroup v1/v2 interface files (and the two /proc files the reader needs), as the
// kernel prints them (Documentation/admin-guide/cgroup-v1 and cgroup-v2.rst, "Interface Files").
//
// Contract for every parser here: pure, never throws for any input, skips a malformed line or
// field instead of failing the file, and returns only finite numbers >= 0 (a value the kernel
// prints negative, e.g. -1 for "no quota", is handled by the dedicated parser that expects it).
// They scan with indexOf/charCodeAt rather than regexes: a collection parses ~10 files for each of
// several hundred cgroups.

/** Unsigned decimal in s[start, end) or NaN. Values past 2^53 lose precision (fine for counters). */
export function parseUintRange(s: string, start: number, end: number): number {
  if (end <= start) return NaN;
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  return n;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** [start, end) of s without surrounding whitespace. */
function trimmed(s: string): [number, number] {
  let a = 0;
  let b = s.length;
  while (a < b && isSpace(s.charCodeAt(a))) a++;
  while (b > a && isSpace(s.charCodeAt(b - 1))) b--;
  return [a, b];
}

/**
 * A single-value file (memory.current, cpuacct.usage, cpu.shares, memory.max, ...).
 * 'max' for the literal "max" (v2's "no limit"); undefined for anything else unparsable.
 */
export function parseSingle(text: string): number | 'max' | undefined {
  const [a, b] = trimmed(text);
  if (b - a === 3 && text.startsWith('max', a)) return 'max';
  const n = parseUintRange(text, a, b);
  return Number.isNaN(n) ? undefined : n;
}

/** A single signed integer (v1 cpu.cfs_quota_us prints -1 for "no quota"). */
export function parseSingleInt(text: string): number | undefined {
  const [a, b] = trimmed(text);
  if (a < b && text.charCodeAt(a) === 45 /* - */) {
    const n = parseUintRange(text, a + 1, b);
    return Number.isNaN(n) ? undefined : -n;
  }
  const n = parseUintRange(text, a, b);
  return Number.isNaN(n) ? undefined : n;
}

const lengthIndex = new WeakMap<ReadonlySet<string>, Map<number, string[]>>();

/** The wanted keys grouped by length (computed once per Set). */
function keysByLength(wanted: ReadonlySet<string>): Map<number, string[]> {
  let m = lengthIndex.get(wanted);
  if (!m) {
    m = new Map();
    for (const k of wanted) {
      const list = m.get(k.length);
      if (list) list.push(k);
      else m.set(k.length, [k]);
    }
    lengthIndex.set(wanted, m);
  }
  return m;
}

/**
 * A flat-keyed file: "key value" per line (memory.stat, cpu.stat, cpuacct.stat, memory.events,
 * memory.oom_control). Returns only the wanted keys that have a valid unsigned value; a repeated
 * key keeps its first value.
 */
export function parseFlatKeyed(text: string, wanted: ReadonlySet<string>): Map<string, number> {
  const byLen = keysByLength(wanted);
  const out = new Map<string, number>();
  let pos = 0;
  const len = text.length;
  while (pos < len) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = len;
    const sp = text.indexOf(' ', pos);
    if (sp > pos && sp < eol) {
      // compare in place instead of slicing every key: memory.stat has 40-70 lines, few wanted
      const candidates = byLen.get(sp - pos);
      let key: string | undefined;
      if (candidates) for (const k of candidates) if (text.startsWith(k, pos)) key = k;
      if (key !== undefined && !out.has(key)) {
        let end = eol;
        if (end > sp && text.charCodeAt(end - 1) === 13) end--;
        const v = parseUintRange(text, sp + 1, end);
        if (!Number.isNaN(v)) out.set(key, v);
      }
    }
    pos = eol + 1;
  }
  return out;
}

/** One block device's I/O counters, "major:minor" as the kernel prints it. */
export interface DeviceIo {
  device: string;
  readBytes: number;
  writeBytes: number;
  reads: number;
  writes: number;
}

function isDevice(s: string, a: number, b: number): boolean {
  const colon = s.indexOf(':', a);
  if (colon <= a || colon >= b - 1) return false;
  return !Number.isNaN(parseUintRange(s, a, colon)) && !Number.isNaN(parseUintRange(s, colon + 1, b));
}

/**
 * v2 io.stat: "MAJ:MIN rbytes=N wbytes=N rios=N wios=N dbytes=N dios=N" per device. Keys other
 * than the four read/write ones (discard, cost.*) are ignored; a device line without any of them
 * still yields a zero entry (runc lists every device line it parses). Duplicate device lines are
 * summed rather than duplicated.
 */
export function parseIoStat(text: string): DeviceIo[] {
  const byDev = new Map<string, DeviceIo>();
  let pos = 0;
  const len = text.length;
  while (pos < len) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = len;
    let sp = text.indexOf(' ', pos);
    if (sp < 0 || sp > eol) sp = eol;
    if (isDevice(text, pos, sp)) {
      const device = text.slice(pos, sp);
      let e = byDev.get(device);
      if (!e) {
        e = { device, readBytes: 0, writeBytes: 0, reads: 0, writes: 0 };
        byDev.set(device, e);
      }
      let f = sp + 1;
      while (f < eol) {
        let fe = text.indexOf(' ', f);
        if (fe < 0 || fe > eol) fe = eol;
        const eq = text.indexOf('=', f);
        if (eq > f && eq < fe) {
          let ve = fe;
          if (ve > eq && text.charCodeAt(ve - 1) === 13) ve--;
          const v = parseUintRange(text, eq + 1, ve);
          if (!Number.isNaN(v)) {
            const k = text.slice(f, eq);
            if (k === 'rbytes') e.readBytes += v;
            else if (k === 'wbytes') e.writeBytes += v;
            else if (k === 'rios') e.reads += v;
            else if (k === 'wios') e.writes += v;
          }
        }
        f = fe + 1;
      }
    }
    pos = eol + 1;
  }
  return [...byDev.values()];
}

/** Per-device Read/Write values of a v1 blkio file, in first-seen device order. */
export interface BlkioRow {
  device: string;
  read: number;
  write: number;
}

/**
 * v1 blkio io_serviced / io_service_bytes files (all variants): "MAJ:MIN Op value" lines (Op: Read, Write, Sync,
 * Async, Discard, Total) and a closing "Total N". Only Read and Write are kept; the per-device
 * "Total" and the file's "Total" line are skipped, as runc/cAdvisor publish per-op values.
 * Empty result = the file has no device entries (runc then falls back to the next file group).
 */
export function parseBlkio(text: string): BlkioRow[] {
  const rows = new Map<string, BlkioRow>();
  let pos = 0;
  const len = text.length;
  while (pos < len) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = len;
    const s1 = text.indexOf(' ', pos);
    if (s1 > pos && s1 < eol && isDevice(text, pos, s1)) {
      const s2 = text.indexOf(' ', s1 + 1);
      if (s2 > s1 + 1 && s2 < eol) {
        let ve = eol;
        if (ve > s2 && text.charCodeAt(ve - 1) === 13) ve--;
        const v = parseUintRange(text, s2 + 1, ve);
        const op = text.slice(s1 + 1, s2);
        if (!Number.isNaN(v) && (op === 'Read' || op === 'Write')) {
          const device = text.slice(pos, s1);
          let r = rows.get(device);
          if (!r) {
            r = { device, read: 0, write: 0 };
            rows.set(device, r);
          }
          if (op === 'Read') r.read = v;
          else r.write = v;
        }
      }
    }
    pos = eol + 1;
  }
  return [...rows.values()];
}

/** v2 cpu.max: "$MAX $PERIOD" where $MAX is "max" or microseconds. undefined when malformed. */
export function parseCpuMax(text: string): { quota?: number; period: number } | undefined {
  const [a, b] = trimmed(text);
  const sp = text.indexOf(' ', a);
  if (sp <= a || sp >= b) return undefined;
  const period = parseUintRange(text, sp + 1, b);
  if (Number.isNaN(period)) return undefined;
  if (sp - a === 3 && text.startsWith('max', a)) return { period };
  const quota = parseUintRange(text, a, sp);
  return Number.isNaN(quota) ? undefined : { quota, period };
}

/** cgroup.procs: one pid per line; returns at most `limit` valid pids, in file order. */
export function parseProcs(text: string, limit: number): number[] {
  const out: number[] = [];
  let pos = 0;
  const len = text.length;
  while (pos < len && out.length < limit) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = len;
    const v = parseUintRange(text, pos, eol);
    if (v > 0) out.push(v);
    pos = eol + 1;
  }
  return out;
}

/** /proc/meminfo "Key:   N kB" lines for the wanted keys, in bytes. */
export function parseMeminfo(text: string, wanted: ReadonlySet<string>): Map<string, number> {
  const out = new Map<string, number>();
  let pos = 0;
  const len = text.length;
  while (pos < len) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = len;
    const colon = text.indexOf(':', pos);
    if (colon > pos && colon < eol) {
      const key = text.slice(pos, colon);
      if (wanted.has(key)) {
        let a = colon + 1;
        while (a < eol && text.charCodeAt(a) === 32) a++;
        let b = text.indexOf(' ', a);
        if (b < 0 || b > eol) b = eol;
        const v = parseUintRange(text, a, b);
        const kb = text.startsWith(' kB', b);
        if (!Number.isNaN(v)) out.set(key, kb ? v * 1024 : v);
      }
    }
    pos = eol + 1;
  }
  return out;
}

/** /proc/uptime: seconds since boot (first field, "12345.67"). */
export function parseUptime(text: string): number | undefined {
  const [a, b] = trimmed(text);
  let end = text.indexOf(' ', a);
  if (end < 0 || end > b) end = b;
  const dot = text.indexOf('.', a);
  if (dot > a && dot < end) {
    const whole = parseUintRange(text, a, dot);
    const frac = parseUintRange(text, dot + 1, end);
    if (Number.isNaN(whole) || Number.isNaN(frac)) return undefined;
    return whole + frac / 10 ** (end - dot - 1);
  }
  const whole = parseUintRange(text, a, end);
  return Number.isNaN(whole) ? undefined : whole;
}

/** One /proc/<pid>/mountinfo line's fields the cgroup detection needs. */
export interface MountEntry {
  /** root of the mount within its filesystem (field 4) */
  root: string;
  /** mount point (field 5), octal escapes (\040 etc.) decoded */
  mountPoint: string;
  fsType: string;
  /** super options (last field), e.g. "rw,cpu,cpuacct" */
  superOptions: string[];
}

function isOctal(c: number): boolean {
  return c >= 48 && c <= 55;
}

/** The kernel escapes space, tab, newline and backslash in mount paths as \ooo. */
function unescapeOctal(s: string): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (
      s.charCodeAt(i) === 92 &&
      i + 3 < s.length &&
      isOctal(s.charCodeAt(i + 1)) &&
      isOctal(s.charCodeAt(i + 2)) &&
      isOctal(s.charCodeAt(i + 3))
    ) {
      out += String.fromCharCode(
        (s.charCodeAt(i + 1) - 48) * 64 + (s.charCodeAt(i + 2) - 48) * 8 + (s.charCodeAt(i + 3) - 48),
      );
      i += 3;
      continue;
    }
    out += s[i];
  }
  return out;
}

/**
 * /proc/<pid>/mountinfo (proc(5)): "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE
 * SOURCE SUPEROPTS". Lines without the " - " separator or with too few fields are skipped.
 */
export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const pre = line.slice(0, sep).split(' ');
    const post = line.slice(sep + 3).split(' ');
    if (pre.length < 6 || post.length < 3) continue;
    const root = pre[3];
    const mp = pre[4];
    const fsType = post[0];
    const opts = post[2];
    if (!root || !mp || !fsType || opts === undefined) continue;
    out.push({
      root: unescapeOctal(root),
      mountPoint: unescapeOctal(mp),
      fsType,
      superOptions: opts.split(','),
    });
  }
  return out;
}
