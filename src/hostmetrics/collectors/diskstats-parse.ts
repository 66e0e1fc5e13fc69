// Parsers for the diskstats collector's sources: /proc/diskstats and udev's device database
// (/run/udev/data/b<major>:<minor>). Pure functions of the file text; they never throw.
import { goFields, parseGoUint } from '../read.ts';

/** One /proc/diskstats line (Documentation/admin-guide/iostats.rst). */
export interface DiskstatsRow {
  major: number;
  minor: number;
  device: string;
  /**
   * The counters after the device name, in kernel order: 11 before Linux 4.18, 15 with the
   * discard fields (4.18+), 17 with the flush fields (5.5+). Never fewer than 11 or more than 17.
   */
  stats: number[];
}

const UINT32_MAX = 0xffffffff;
const MAX_STATS = 17;
const MIN_STATS = 11;

/**
 * The rows of /proc/diskstats. procfs scans each line with fmt.Sscanf("%d %d %s %d ...") and
 * keeps lines with at least 14 fields; extra fields beyond 20 are ignored. A line procfs would
 * fail on (a non-numeric or out-of-range counter) makes node_exporter fail the whole collector;
 * here only that line is skipped. A short line keeps its leading good counters, as Sscanf does,
 * and is kept when those are at least 11.
 */
export function parseDiskstats(text: string): DiskstatsRow[] {
  const rows: DiskstatsRow[] = [];
  for (const line of text.split('\n')) {
    const f = goFields(line);
    if (f.length < 3 + MIN_STATS) continue;
    const major = parseGoUint(f[0]!);
    const minor = parseGoUint(f[1]!);
    if (major === undefined || minor === undefined || major > UINT32_MAX || minor > UINT32_MAX) continue;
    const n = Math.min(f.length - 3, MAX_STATS);
    const stats: number[] = new Array<number>(n);
    let bad = false;
    for (let i = 0; i < n; i++) {
      const v = parseGoUint(f[3 + i]!);
      if (v === undefined) {
        bad = true;
        break;
      }
      stats[i] = v;
    }
    if (bad) continue;
    rows.push({ major, minor, device: f[2]!, stats });
  }
  return rows;
}

/**
 * The device properties of one udev database file: its `E:KEY=VALUE` lines (udevadm(8)); other
 * lines (S: symlinks, I: usec, G: tags, ...) are ignored, a later key overrides an earlier one.
 */
export function parseUdevData(text: string): Map<string, string> {
  const props = new Map<string, string>();
  for (let line of text.split('\n')) {
    if (!line.startsWith('E:')) continue;
    if (line.endsWith('\r')) line = line.slice(0, -1); // bufio.ScanLines drops it too
    const eq = line.indexOf('=', 2);
    if (eq < 0) continue;
    props.set(line.slice(2, eq), line.slice(eq + 1));
  }
  return props;
}
