// TZif time zone files (RFC 8536; /etc/localtime, /usr/share/zoneinfo/*): parse, and say which
// offset and abbreviation apply at an instant. Pure functions; malformed data gives undefined,
// never a throw.
//
// Semantics follow Go's time package (LoadLocationFromTZData and Location.lookup), since
// node_exporter's node_time_zone_offset_seconds{time_zone} is Go's time.Now().Zone():
// - version 2+ files are read from their 64-bit block; the footer TZ string (tz-rule.ts) decides
//   for instants at or after the last transition, when it parses;
// - a file without transitions has one implicit transition at the beginning of time;
// - before the first transition: the first zone type when no transition uses it, else the
//   first standard-time type (preferring one listed before the first transition's type).
import { evalTzRule, parseTzRule } from './tz-rule.ts';
import type { TzRule, ZoneAt } from './tz-rule.ts';

export interface TzifZone {
  /** Transition instants, seconds since the epoch, ascending as written. */
  when: number[];
  /** Per transition: the index into types. */
  index: number[];
  types: ZoneAt[];
  /** The footer rule, when present and valid. */
  extend?: TzRule;
}

const HEADER = 44;

interface Counts {
  isut: number;
  isstd: number;
  leap: number;
  time: number;
  type: number;
  char: number;
}

function counts(v: DataView, at: number): Counts {
  const c = (i: number): number => v.getUint32(at + 20 + 4 * i, false);
  return { isut: c(0), isstd: c(1), leap: c(2), time: c(3), type: c(4), char: c(5) };
}

function blockSize(c: Counts, timeBytes: number): number {
  return c.time * timeBytes + c.time + c.type * 6 + c.char + c.leap * (timeBytes + 4) + c.isstd + c.isut;
}

function isMagic(b: Uint8Array, at: number): boolean {
  return b[at] === 0x54 && b[at + 1] === 0x5a && b[at + 2] === 0x69 && b[at + 3] === 0x66; // "TZif"
}

/** A TZif file's content, or undefined when it is not a well-formed one. */
export function parseTzif(b: Uint8Array): TzifZone | undefined {
  if (b.length < HEADER || !isMagic(b, 0)) return undefined;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const version = b[4]!;
  if (version !== 0 && (version < 0x32 || version > 0x34)) return undefined; // NUL, '2', '3', '4'
  let at = 0;
  let c = counts(v, 0);
  let timeBytes = 4;
  if (version !== 0) {
    at = HEADER + blockSize(c, 4);
    if (at + HEADER > b.length || !isMagic(b, at)) return undefined;
    c = counts(v, at);
    timeBytes = 8;
  }
  at += HEADER;
  const end = at + blockSize(c, timeBytes);
  if (end > b.length || c.type === 0) return undefined;

  const when: number[] = [];
  for (let i = 0; i < c.time; i++, at += timeBytes)
    when.push(timeBytes === 8 ? Number(v.getBigInt64(at, false)) : v.getInt32(at, false));
  const index: number[] = [];
  for (let i = 0; i < c.time; i++, at++) {
    if (b[at]! >= c.type) return undefined;
    index.push(b[at]!);
  }
  const typesAt = at;
  const charsAt = typesAt + c.type * 6;
  const types: ZoneAt[] = [];
  for (let i = 0; i < c.type; i++) {
    const t = typesAt + i * 6;
    const abbr = b[t + 5]!;
    if (abbr >= c.char) return undefined;
    let e = charsAt + abbr;
    while (e < charsAt + c.char && b[e] !== 0) e++;
    types.push({
      name: Buffer.from(b.subarray(charsAt + abbr, e)).toString('latin1'),
      offset: v.getInt32(t, false),
      isDst: b[t + 4] !== 0,
    });
  }
  const zone: TzifZone = { when, index, types };
  if (when.length === 0) {
    when.push(-Infinity);
    index.push(0);
  }
  // Footer (version 2+): "\n<TZ string>\n" after the data block.
  if (version !== 0 && b.length - end > 2 && b[end] === 0x0a && b[b.length - 1] === 0x0a) {
    const rule = parseTzRule(Buffer.from(b.subarray(end + 1, b.length - 1)).toString('latin1'));
    if (rule !== undefined) zone.extend = rule;
  }
  return zone;
}

function firstZone(z: TzifZone): number {
  if (!z.index.includes(0)) return 0;
  const first = z.index[0]!;
  if (z.types[first]!.isDst) for (let i = first - 1; i >= 0; i--) if (!z.types[i]!.isDst) return i;
  const std = z.types.findIndex((t) => !t.isDst);
  return std >= 0 ? std : 0;
}

/** The zone in force at `sec` (seconds since the epoch). */
export function zoneAt(z: TzifZone, sec: number): ZoneAt {
  if (sec < z.when[0]!) return z.types[firstZone(z)]!;
  let lo = 0;
  let hi = z.when.length;
  while (hi - lo > 1) {
    const m = (lo + hi) >>> 1;
    if (sec < z.when[m]!) hi = m;
    else lo = m;
  }
  if (lo === z.when.length - 1 && z.extend !== undefined) return evalTzRule(z.extend, sec);
  return z.types[z.index[lo]!]!;
}
