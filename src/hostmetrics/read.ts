// Reading procfs / sysfs files and their values for the host collectors, without throwing.
//
// Why synchronous: procfs and sysfs are generated in memory by the kernel and a read never waits
// on a device, so a blocking read costs a few microseconds, where an fs.promises read costs a
// thread-pool round trip (tens of microseconds) per file, and diskstats alone reads dozens of
// sysfs files per scrape. Anything that can block on a device or the network (statfs of a mount)
// must NOT use these helpers.
//
// Contracts:
// - Nothing here throws: a failed read is `undefined` (or a `{ok: false}` result with the errno
//   code), a malformed value is `undefined`.
// - Reads are bounded (maxBytes); a file cut at the bound is cut after its last whole line, so
//   parsers never see half a line.
// - Value parsers accept exactly what Go's strconv accepts (node_exporter and procfs parse with
//   it), so a value we accept is a value node_exporter accepts, and vice versa.
import { existsSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { acquire, closeQuietly, discard } from './kept-files.ts';

/** Default bound for one file: far above any real procfs file the collectors read. */
export const DEFAULT_MAX_BYTES = 4 << 20;
/** Bound for a sysfs attribute (one value; the kernel caps them at a page). */
export const ATTRIBUTE_MAX_BYTES = 4096;

export type ReadResult = { ok: true; text: string; truncated: boolean } | { ok: false; code: string };

const CHUNK = 64 * 1024;
let scratch: Buffer | undefined;

/** Reads a whole file (up to maxBytes) as UTF-8; a failure carries the errno code (ENOENT, EACCES, ...). */
export function readFileResult(path: string, maxBytes: number = DEFAULT_MAX_BYTES): ReadResult {
  return withDescriptor(path, (fd) => readWhole(fd, maxBytes));
}

function readWhole(fd: number, maxBytes: number): ReadResult {
  // Read into one reused buffer, grown as needed (to the largest file read so far): no
  // per-file copies, only the decoded string is new.
  let buf = (scratch ??= Buffer.allocUnsafe(CHUNK));
  let total = 0;
  // Read one byte past the bound: a file of exactly maxBytes is whole, not truncated. Positioned
  // reads from 0: a kept procfs/sysfs descriptor regenerates its content on a read at offset 0.
  while (total <= maxBytes) {
    if (total === buf.length) {
      const grown = Buffer.allocUnsafe(Math.min(buf.length * 2, maxBytes + 1));
      buf.copy(grown, 0, 0, total);
      scratch = buf = grown;
    }
    const n = readSync(fd, buf, total, Math.min(buf.length, maxBytes + 1) - total, total);
    if (n === 0) break;
    total += n;
  }
  const truncated = total > maxBytes;
  let end = total;
  // Cut after the last whole line within the bound (nothing if there is none).
  if (truncated) end = maxBytes > 0 ? buf.lastIndexOf(0x0a, maxBytes - 1) + 1 : 0;
  return { ok: true, text: buf.toString('utf8', 0, end), truncated };
}

/**
 * Runs `read` on a descriptor of `path` (kept open across calls for procfs/sysfs files, see
 * kept-files.ts). A kept descriptor that fails is dropped and the file opened afresh once: its
 * device or process may have gone, or been re-created under the same name.
 */
function withDescriptor(path: string, read: (fd: number) => ReadResult): ReadResult {
  if (missing.has(path)) {
    if (!existsSync(path)) return { ok: false, code: 'ENOENT' };
    missing.delete(path);
  }
  for (let attempt = 0; ; attempt++) {
    let d: { fd: number; kept: boolean };
    try {
      d = acquire(path);
    } catch (err) {
      const code = errnoCode(err);
      if (code === 'ENOENT') rememberMissing(path);
      return { ok: false, code };
    }
    try {
      return read(d.fd);
    } catch (err) {
      if (!d.kept) return { ok: false, code: errnoCode(err) };
      discard(path);
      if (attempt > 0) return { ok: false, code: errnoCode(err) };
    } finally {
      if (!d.kept) closeQuietly(d.fd);
    }
  }
}

/**
 * Files whose last open failed with ENOENT. Collectors look for files that a machine may never
 * have (thermal_throttle on a VM, /proc/pressure/irq, udev data) on every scrape; a failed open
 * throws, and building that error costs ~3x an existsSync (measured: 11 vs 4 µs). So a path that
 * was missing is checked with existsSync first and opened again as soon as it exists. Bounded:
 * past MAX_MISSING the set starts over.
 */
const missing = new Set<string>();
const MAX_MISSING = 1024;

function rememberMissing(path: string): void {
  if (missing.size >= MAX_MISSING) missing.clear();
  missing.add(path);
}

/** The file's text, or undefined when it cannot be read. */
export function readText(path: string, maxBytes: number = DEFAULT_MAX_BYTES): string | undefined {
  const r = readFileResult(path, maxBytes);
  return r.ok ? r.text : undefined;
}

/**
 * A sysfs attribute, whitespace-trimmed (Go's strings.TrimSpace), or undefined. One read(2) of up
 * to a page, like procfs's SysReadFile: sysfs hands an attribute over in a single read, and this
 * saves the second, empty read per file (diskstats reads ~35 attributes per disk).
 */
export function readAttribute(path: string): string | undefined {
  const r = withDescriptor(path, (fd) => {
    scratch ??= Buffer.allocUnsafe(CHUNK);
    const n = readSync(fd, scratch, 0, ATTRIBUTE_MAX_BYTES, 0);
    return { ok: true, text: scratch.toString('utf8', 0, n), truncated: false };
  });
  return r.ok ? goTrimSpace(r.text) : undefined;
}

/** An attribute holding one unsigned decimal (procfs ReadUintFromFile), or undefined. */
export function readUintAttribute(path: string): number | undefined {
  const s = readAttribute(path);
  return s === undefined ? undefined : parseGoUint(s);
}

/** An attribute holding one signed decimal (procfs ReadIntFromFile), or undefined. */
export function readIntAttribute(path: string): number | undefined {
  const s = readAttribute(path);
  return s === undefined ? undefined : parseGoInt(s);
}

/** A directory's entry names, [] when it cannot be listed. */
export function listDir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

/** The errno code of a Node fs error ('ENOENT', ...), 'EUNKNOWN' for anything else. */
export function errnoCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'EUNKNOWN';
}

/** True for the codes that mean "not there" (Go's os.ErrNotExist covers ENOENT only; ENOTDIR is the same for us). */
export function isNotExist(code: string): boolean {
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * A file of the host's network namespace: <proc>/1/net/<name>. /proc/net is /proc/self/net, the
 * namespace of whoever reads it, so an agent without hostNetwork would see its own pod's
 * interfaces there even through the host's procfs; pid 1's view is the host's. When pid 1's net
 * directory is not readable (hidepid, no permission) this falls back to <proc>/net/<name>, which
 * is what node_exporter reads (it relies on running with hostNetwork).
 * A file missing from a readable pid-1 directory stays missing: no mixing of namespaces.
 */
export function readHostNetFile(
  proc: string,
  name: string,
  maxBytes: number = DEFAULT_MAX_BYTES,
): ReadResult {
  const r = readFileResult(join(proc, '1', 'net', name), maxBytes);
  if (r.ok || !hostNetDirUnusable(proc, r.code)) return r;
  return readFileResult(join(proc, 'net', name), maxBytes);
}

function hostNetDirUnusable(proc: string, code: string): boolean {
  if (!isNotExist(code)) return true; // EACCES, EPERM, ...: pid 1 is off limits
  try {
    return !statSync(join(proc, '1', 'net')).isDirectory();
  } catch {
    return true;
  }
}

const UINT_RE = /^[0-9]+$/;
const INT_RE = /^[+-]?[0-9]+$/;
const UINT64_MAX = 18446744073709551615n;
const INT64_MAX = 9223372036854775807n;

/**
 * strconv.ParseUint(s, 10, 64): decimal digits only (no sign, no spaces, no underscores), at most
 * 2^64-1. The result is the nearest double, as Go's float64(uint64) gives node_exporter.
 */
export function parseGoUint(s: string): number | undefined {
  if (!UINT_RE.test(s)) return undefined;
  if (s.length > 19 && BigInt(s) > UINT64_MAX) return undefined;
  return Number(s);
}

/** strconv.ParseInt(s, 10, 64): optional sign, decimal digits, within int64. */
export function parseGoInt(s: string): number | undefined {
  if (!INT_RE.test(s)) return undefined;
  if (s.length > 18) {
    const b = BigInt(s);
    if (b > INT64_MAX || b < -INT64_MAX - 1n) return undefined;
  }
  return Number(s);
}

const DECIMAL_FLOAT_RE = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const SPECIAL_FLOAT_RE = /^([+-]?)(inf|infinity|nan)$/i;

/**
 * strconv.ParseFloat(s, 64) for the decimal forms the kernel writes, plus Go's inf/infinity/nan
 * spellings. Out-of-range values (Go's ErrRange) and hexadecimal floats are rejected.
 */
export function parseGoFloat(s: string): number | undefined {
  if (DECIMAL_FLOAT_RE.test(s)) {
    const v = Number(s);
    return Number.isFinite(v) ? v : undefined;
  }
  const m = SPECIAL_FLOAT_RE.exec(s);
  if (m === null) return undefined;
  if (m[2]!.toLowerCase() === 'nan') return m[1] === '' ? NaN : undefined; // Go rejects "+nan"
  return m[1] === '-' ? -Infinity : Infinity;
}

// Go's unicode.IsSpace set (strings.Fields splits on it). JavaScript's \s differs: it lacks
// U+0085 and adds U+FEFF.
const GO_SPACE_RUN = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

const GO_SPACE_EDGES =
  /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;

/** strings.TrimSpace (JavaScript's trim() differs on U+0085 and U+FEFF). */
export function goTrimSpace(s: string): string {
  return s.replace(GO_SPACE_EDGES, '');
}

/** strings.Fields: the non-empty runs between Go whitespace. */
export function goFields(s: string): string[] {
  const out = s.split(GO_SPACE_RUN);
  if (out.length > 0 && out[0] === '') out.shift();
  if (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

// Go integer literal syntax, which strconv.ParseUint / ParseInt accept with base 0 (procfs parses
// /proc/meminfo and sockstat values that way): 0x / 0o / 0b prefixes, a leading 0 for octal,
// underscores between digits.
const GO_BASE0_UINT_RE =
  /^(?:0[xX](?:_?[0-9a-fA-F])+|0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0(?:_?[0-7])+|[1-9](?:_?[0-9])*|0)$/;

function base0BigInt(digits: string): bigint {
  const s = digits.replace(/_/g, '');
  // BigInt() reads 0x / 0o / 0b itself; a bare leading 0 means octal in Go.
  return /^0[0-7]/.test(s) ? BigInt(`0o${s.slice(1)}`) : BigInt(s);
}

/** strconv.ParseUint(s, 0, 64): the nearest double, or undefined. */
export function parseGoUintBase0(s: string): number | undefined {
  if (!GO_BASE0_UINT_RE.test(s)) return undefined;
  if (s.length <= 15 && (s === '0' || (s[0] !== '0' && UINT_RE.test(s)))) return Number(s); // short decimal
  const b = base0BigInt(s);
  return b > UINT64_MAX ? undefined : Number(b);
}

/** strconv.ParseInt(s, 0, 64): optional sign, then a base-0 literal within int64; or undefined. */
export function parseGoIntBase0(s: string): number | undefined {
  const neg = s.startsWith('-');
  const body = s.startsWith('-') || s.startsWith('+') ? s.slice(1) : s;
  if (!GO_BASE0_UINT_RE.test(body)) return undefined;
  const b = base0BigInt(body);
  if (neg ? b > INT64_MAX + 1n : b > INT64_MAX) return undefined;
  return Number(neg ? -b : b);
}
