// Cron schedules as kube-state-metrics evaluates them for kube_cronjob_next_schedule_time and
// kube_cronjob_schedule_invalid (github.com/netresearch/go-cron v0.15, ParseStandard):
//
// - five fields "minute hour day-of-month month day-of-week" (seconds are always 0), each a
//   comma list of `*`, `?`, `n`, `a-b`, `*/s`, `a/s`, `a-b/s`; month and weekday names
//   (jan..dec, sun..sat, any case); weekday 7 is Sunday; ranges may wrap (`22-2`, `fri-mon`);
//   a step must be smaller than the range it divides (`*/60` is an error);
// - day-of-month and day-of-week must BOTH match (go-cron's default, unlike Vixie cron's OR);
// - descriptors @yearly/@annually, @monthly, @weekly, @daily/@midnight, @hourly, `@every <Go
//   duration>` (at least 1s, whole seconds), and @triggered/@manual/@none (never fire);
// - a `TZ=<zone>` or `CRON_TZ=<zone>` prefix picks the zone; otherwise the process' local zone.
//
// next() walks the calendar like go-cron's SpecSchedule.Next (same DST handling, same 5-year
// search window) and gives Go's zero time when nothing matches. Zone offsets come from Intl,
// so any IANA name Intl knows is accepted (Go matches names case-sensitively; we only catch
// wrong-case spellings of canonical names).

import { GO_ZERO_TIME_SECONDS } from '../generators.ts';

// Go's zero time.Time is what go-cron's Next returns when nothing matches.

export interface CronSchedule {
  /** The first activation after `unixSeconds` (fractions are dropped first), in Unix seconds. */
  next(unixSeconds: number): number;
}

export class CronScheduleError extends Error {}

/** Parses a schedule as go-cron's ParseStandard would; throws CronScheduleError when it would fail. */
export function parseCronSchedule(spec: string): CronSchedule {
  if (spec.length === 0) throw new CronScheduleError('empty spec string');
  if (Buffer.byteLength(spec, 'utf8') > MAX_SPEC_BYTES) throw new CronScheduleError('spec too long');
  const { zone, rest } = splitZone(spec);
  if (rest.startsWith('@')) return parseDescriptor(rest, zone);
  const fields = rest.split(GO_SPACE).filter((f) => f !== '');
  if (fields.length !== 5) throw new CronScheduleError(`expected exactly 5 fields, found ${fields.length}`);
  const [minute, hour, dom, month, dow] = fields as [string, string, string, string, string];
  if (/[LW]/i.test(dom)) throw new CronScheduleError(`L/W day-of-month syntax is not enabled: ${dom}`);
  if (dow.includes('#')) throw new CronScheduleError(`#n day-of-week syntax is not enabled: ${dow}`);
  const weekdays = parseField(dow, DOW);
  if (weekdays[7]) weekdays[0] = 1;
  weekdays[7] = 0;
  return new SpecSchedule(
    {
      minute: parseField(minute, MINUTES),
      hour: parseField(hour, HOURS),
      dom: parseField(dom, DOM),
      month: parseField(month, MONTHS),
      dow: weekdays,
    },
    zone,
  );
}

/** parseCronSchedule without the exception: undefined for a schedule go-cron rejects. */
export function tryParseCronSchedule(spec: string): CronSchedule | undefined {
  try {
    return parseCronSchedule(spec);
  } catch {
    return undefined;
  }
}

const MAX_SPEC_BYTES = 1024;
/** Go's unicode.IsSpace, for strings.Fields / strings.TrimSpace. */
const GO_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
const GO_TRIM =
  /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;

// ---------------------------------------------------------------------------------------------
// Time zones

/** A time zone: its offset east of UTC, in seconds, at an instant. */
interface Zone {
  offset(unixSeconds: number): number;
}

const UTC_ZONE: Zone = { offset: () => 0 };
const LOCAL_ZONE: Zone = {
  offset(t) {
    const minutes = new Date(t * 1000).getTimezoneOffset();
    return Number.isFinite(minutes) ? Math.round(-minutes * 60) : 0;
  },
};

const zones = new Map<string, Zone>();
let canonicalZoneNames: Map<string, string> | undefined;

/** time.LoadLocation, backed by Intl's time zone data. */
function loadZone(name: string): Zone | undefined {
  if (name === 'UTC') return UTC_ZONE;
  if (name === 'Local') return LOCAL_ZONE;
  // No zone file is named like an offset, and Go refuses absolute paths.
  if (/^[+\-/]/.test(name)) return undefined;
  const cached = zones.get(name);
  if (cached) return cached;
  canonicalZoneNames ??= new Map(Intl.supportedValuesOf('timeZone').map((z) => [z.toLowerCase(), z]));
  const canonical =
    canonicalZoneNames.get(name.toLowerCase()) ?? (name.toLowerCase() === 'utc' ? 'UTC' : undefined);
  if (canonical !== undefined && canonical !== name) return undefined; // zone names are case-sensitive
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', { timeZone: name, timeZoneName: 'longOffset' });
  } catch {
    return undefined;
  }
  const zone: Zone = {
    offset(t) {
      const part = format.formatToParts(t * 1000).find((p) => p.type === 'timeZoneName')?.value ?? '';
      const m = /^GMT(?:([+-])(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?)?$/.exec(part);
      if (!m || m[1] === undefined) return 0;
      const s = Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
      return m[1] === '-' ? -s : s;
    },
  };
  zones.set(name, zone);
  return zone;
}

/** Strips a `TZ=` / `CRON_TZ=` prefix, as go-cron does, and resolves the zone. */
function splitZone(spec: string): { zone: Zone; rest: string } {
  if (!spec.startsWith('TZ=') && !spec.startsWith('CRON_TZ=')) return { zone: LOCAL_ZONE, rest: spec };
  const space = spec.indexOf(' ');
  if (space === -1) throw new CronScheduleError('missing fields after time zone');
  let name = spec.slice(spec.indexOf('=') + 1, space);
  if (name.length >= 2 && (name[0] === '"' || name[0] === "'") && name.at(-1) === name[0]) {
    name = name.slice(1, -1);
  }
  if (name === '' || name.length > 64 || !/^[A-Za-z0-9/_+:-]+$/.test(name)) {
    throw new CronScheduleError(`invalid time zone ${JSON.stringify(name)}`);
  }
  const zone = loadZone(name);
  if (!zone) throw new CronScheduleError(`unknown time zone ${JSON.stringify(name)}`);
  const rest = spec.slice(space).replace(GO_TRIM, '');
  if (rest === '') throw new CronScheduleError('missing fields after time zone');
  return { zone, rest };
}

// ---------------------------------------------------------------------------------------------
// Wall-clock arithmetic in a zone, with Go's time.Date normalisation

interface Wall {
  year: number;
  month: number; // 1..12
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number; // 0 = Sunday
}

function wallOf(zone: Zone, t: number): Wall {
  const d = new Date((t + zone.offset(t)) * 1000);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    weekday: d.getUTCDay(),
  };
}

/**
 * time.Date: out-of-range fields carry over (month 13, day 0, ...); a wall time that does not
 * exist or exists twice (DST) resolves the way Go resolves it.
 */
function dateIn(zone: Zone, y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number {
  const asUtc = new Date(0);
  asUtc.setUTCFullYear(y, mo - 1, d); // unlike Date.UTC, no 1900 offset for years 0-99
  asUtc.setUTCHours(h, mi, s, 0);
  const wall = asUtc.getTime() / 1000;
  const guess = zone.offset(wall);
  if (guess === 0) return wall;
  // The offset in force at the wall time read as UTC is right unless a transition lies in between.
  const other = zone.offset(wall - guess);
  return wall - (other === guess ? guess : other);
}

function addDays(zone: Zone, t: number, months: number, days: number): number {
  const w = wallOf(zone, t);
  return dateIn(zone, w.year, w.month + months, w.day + days, w.hour, w.minute, w.second);
}

// ---------------------------------------------------------------------------------------------
// Fields

interface Bounds {
  min: number;
  max: number;
  names?: Readonly<Record<string, number>>;
}

const MINUTES: Bounds = { min: 0, max: 59 };
const HOURS: Bounds = { min: 0, max: 23 };
const DOM: Bounds = { min: 1, max: 31 };
const MONTHS: Bounds = {
  min: 1,
  max: 12,
  names: {
    jan: 1,
    feb: 2,
    mar: 3,
    apr: 4,
    may: 5,
    jun: 6,
    jul: 7,
    aug: 8,
    sep: 9,
    oct: 10,
    nov: 11,
    dec: 12,
  },
};
const DOW: Bounds = { min: 0, max: 7, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };

/** Which values a field allows: index → 1. */
type FieldSet = Uint8Array;

const INT64_MAX = (1n << 63n) - 1n;

/** strconv.Atoi, then go-cron's refusal of negatives. */
function parseUint(s: string): bigint {
  if (!/^[+-]?\d+$/.test(s)) throw new CronScheduleError(`failed to parse int from ${JSON.stringify(s)}`);
  const n = BigInt(s);
  if (n > INT64_MAX || n < -INT64_MAX - 1n) throw new CronScheduleError(`value out of range: ${s}`);
  if (n < 0n) throw new CronScheduleError(`negative number not allowed: ${s}`);
  return n;
}

function parseValue(s: string, b: Bounds): bigint {
  const named = b.names && Object.hasOwn(b.names, s.toLowerCase()) ? b.names[s.toLowerCase()] : undefined;
  return named !== undefined ? BigInt(named) : parseUint(s);
}

function parseField(field: string, b: Bounds): FieldSet {
  const set = new Uint8Array(b.max + 1);
  for (const expr of field.split(',')) if (expr !== '') addRange(expr, b, set);
  return set;
}

/** One comma-separated part of a field: `*`, `n`, `a-b`, each optionally `/step`. */
function addRange(expr: string, b: Bounds, set: FieldSet): void {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0]!.split('-');
  const min = BigInt(b.min);
  const max = BigInt(b.max);
  let start: bigint;
  let end: bigint;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = min;
    end = max;
  } else if (lowAndHigh.length <= 2) {
    start = parseValue(lowAndHigh[0]!, b);
    end = lowAndHigh.length === 2 ? parseValue(lowAndHigh[1]!, b) : start;
  } else {
    throw new CronScheduleError(`too many hyphens: ${expr}`);
  }
  let step = 1n;
  if (rangeAndStep.length === 2) {
    step = parseUint(rangeAndStep[1]!);
    if (lowAndHigh.length === 1) end = max; // `a/s` runs to the end of the field
  } else if (rangeAndStep.length > 2) {
    throw new CronScheduleError(`too many slashes: ${expr}`);
  }
  if (start < min) throw new CronScheduleError(`beginning of range below minimum: ${expr}`);
  if (end > max) throw new CronScheduleError(`end of range above maximum: ${expr}`);
  if (step === 0n) throw new CronScheduleError(`step of range must be a positive number: ${expr}`);
  // go-cron computes the size in uint64 arithmetic, wrapping included.
  const size = BigInt.asUintN(64, start > end ? max - start + 1n + (end - min + 1n) : end - start + 1n);
  if (step > 1n && step >= size) throw new CronScheduleError(`step must be less than range size: ${expr}`);
  if (start <= end) {
    for (let i = start; i <= end; i += step) set[Number(i)] = 1;
    return;
  }
  // A range that wraps past the field's end (`22-2`): values beyond max fold back from min.
  const fieldSize = max - min + 1n;
  for (let i = start; i <= end + fieldSize; i += step)
    set[Number(i > max ? ((i - min) % fieldSize) + min : i)] = 1;
}

// ---------------------------------------------------------------------------------------------
// Schedules

interface Fields {
  minute: FieldSet;
  hour: FieldSet;
  dom: FieldSet;
  month: FieldSet;
  dow: FieldSet;
}

const SEARCH_YEARS = 5;
/** A backstop far above what any schedule needs within the search window. */
const MAX_STEPS = 500_000;
/** Date's range, in seconds, with room for the search window. */
const MAX_ABS_SECONDS = 8.6e12;

class SpecSchedule implements CronSchedule {
  readonly #f: Fields;
  readonly #zone: Zone;
  readonly #never: boolean;

  constructor(fields: Fields, zone: Zone) {
    this.#f = fields;
    this.#zone = zone;
    // A field that allows nothing can never match: skip the (long) fruitless search.
    this.#never = Object.values(fields).some((set: FieldSet) => !set.includes(1));
  }

  next(unixSeconds: number): number {
    if (this.#never || !Number.isFinite(unixSeconds) || Math.abs(unixSeconds) > MAX_ABS_SECONDS) {
      return GO_ZERO_TIME_SECONDS;
    }
    try {
      return this.#search(Math.floor(unixSeconds) + 1);
    } catch {
      return GO_ZERO_TIME_SECONDS; // Intl refusing an instant far outside any real schedule
    }
  }

  #search(start: number): number {
    const zone = this.#zone;
    const f = this.#f;
    let t = start;
    let w = wallOf(zone, t);
    const yearLimit = w.year + SEARCH_YEARS;
    // Once a field has moved t forward, smaller fields restart from their lowest value.
    let reset = false;
    let steps = 0;
    const move = (to: number) => {
      t = to;
      w = wallOf(zone, t);
      steps++;
    };
    wrap: while (steps < MAX_STEPS) {
      if (w.year > yearLimit) return GO_ZERO_TIME_SECONDS;
      while (!f.month[w.month]) {
        if (!reset) {
          reset = true;
          move(dateIn(zone, w.year, w.month, 1));
        }
        move(addDays(zone, t, 1, 0));
        if (w.month === 1) continue wrap;
      }
      while (!(f.dom[w.day] && f.dow[w.weekday])) {
        if (!reset) {
          reset = true;
          move(dateIn(zone, w.year, w.month, w.day));
        }
        move(addDays(zone, t, 0, 1));
        // Land on midnight again if a DST change shifted the day's start.
        if (w.hour !== 0) move(t + (w.hour > 12 ? 24 - w.hour : -w.hour) * 3600);
        if (w.day === 1) continue wrap;
      }
      while (!f.hour[w.hour]) {
        if (!reset) {
          reset = true;
          move(dateIn(zone, w.year, w.month, w.day, w.hour));
        }
        const before = w.hour;
        move(t + 3600);
        // A DST gap swallowed the wanted hour: take the instant after it.
        if (w.hour - before === 2 && f.hour[w.hour - 1]) break;
        if (w.hour === 0) continue wrap;
      }
      while (!f.minute[w.minute]) {
        if (!reset) {
          reset = true;
          move(t - (((t % 60) + 60) % 60));
        }
        move(t + 60);
        if (w.minute === 0) continue wrap;
      }
      while (w.second !== 0) {
        reset = true;
        move(t + 1);
        if (w.second === 0) continue wrap;
      }
      return t;
    }
    return GO_ZERO_TIME_SECONDS;
  }
}

/** Never fires (go-cron's TriggeredSchedule): Next is the zero time. */
const NEVER: CronSchedule = { next: () => GO_ZERO_TIME_SECONDS };

class EverySchedule implements CronSchedule {
  readonly #seconds: number;
  constructor(seconds: number) {
    this.#seconds = seconds;
  }
  next(unixSeconds: number): number {
    return Math.floor(unixSeconds) + this.#seconds;
  }
}

function all(b: Bounds): FieldSet {
  const set = new Uint8Array(b.max + 1);
  set.fill(1, b.min);
  if (b === DOW) set[7] = 0;
  return set;
}
function only(b: Bounds, v: number): FieldSet {
  const set = new Uint8Array(b.max + 1);
  set[v] = 1;
  return set;
}

function parseDescriptor(d: string, zone: Zone): CronSchedule {
  const at = (hour: FieldSet, dom: FieldSet, month: FieldSet, dow: FieldSet) =>
    new SpecSchedule({ minute: only(MINUTES, 0), hour, dom, month, dow }, zone);
  switch (d) {
    case '@yearly':
    case '@annually':
      return at(only(HOURS, 0), only(DOM, 1), only(MONTHS, 1), all(DOW));
    case '@monthly':
      return at(only(HOURS, 0), only(DOM, 1), all(MONTHS), all(DOW));
    case '@weekly':
      return at(only(HOURS, 0), all(DOM), all(MONTHS), only(DOW, 0));
    case '@daily':
    case '@midnight':
      return at(only(HOURS, 0), all(DOM), all(MONTHS), all(DOW));
    case '@hourly':
      return at(all(HOURS), all(DOM), all(MONTHS), all(DOW));
    case '@triggered':
    case '@manual':
    case '@none':
      return NEVER;
  }
  if (d.startsWith('@every ')) {
    const ns = parseGoDuration(d.slice('@every '.length));
    if (ns === undefined) throw new CronScheduleError(`failed to parse duration ${JSON.stringify(d)}`);
    if (ns < NS_PER_SECOND) throw new CronScheduleError(`@every duration must be at least 1s: ${d}`);
    return new EverySchedule(Number(ns / NS_PER_SECOND));
  }
  throw new CronScheduleError(`unrecognized descriptor: ${JSON.stringify(d)}`);
}

const NS_PER_SECOND = 1_000_000_000n;
const DURATION_UNITS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1000n,
  '\u00b5s': 1000n,
  '\u03bcs': 1000n,
  ms: 1_000_000n,
  s: NS_PER_SECOND,
  m: 60n * NS_PER_SECOND,
  h: 3600n * NS_PER_SECOND,
};
const TWO_63 = 1n << 63n;

/** time.ParseDuration ("1h30m", "1.5h", "90s"), in nanoseconds; undefined when Go rejects it. */
export function parseGoDuration(input: string): bigint | undefined {
  let s = input;
  let negative = false;
  if (s[0] === '-' || s[0] === '+') {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') return undefined;
  let total = 0n;
  while (s !== '') {
    if (!/^[0-9.]/.test(s)) return undefined;
    const int = /^\d*/.exec(s)![0];
    s = s.slice(int.length);
    let v = 0n;
    for (const c of int) {
      if (v > TWO_63 / 10n) return undefined;
      v = v * 10n + BigInt(c);
      if (v > TWO_63) return undefined;
    }
    // Fraction digits stop counting once they would overflow, as in Go.
    let frac = 0n;
    let scale = 1;
    let fracDigits = '';
    if (s[0] === '.') {
      fracDigits = /^\d*/.exec(s.slice(1))![0];
      s = s.slice(1 + fracDigits.length);
      let overflow = false;
      for (const c of fracDigits) {
        if (overflow) continue;
        if (frac > INT64_MAX / 10n) {
          overflow = true;
          continue;
        }
        const next = frac * 10n + BigInt(c);
        if (next > TWO_63) {
          overflow = true;
          continue;
        }
        frac = next;
        scale *= 10;
      }
    }
    if (int === '' && fracDigits === '') return undefined;
    const unitName = /^[^0-9.]*/.exec(s)![0];
    if (unitName === '') return undefined;
    s = s.slice(unitName.length);
    const unit = Object.hasOwn(DURATION_UNITS, unitName) ? DURATION_UNITS[unitName]! : undefined;
    if (unit === undefined) return undefined;
    if (v > TWO_63 / unit) return undefined;
    v *= unit;
    if (frac > 0n) {
      v += BigInt(Math.trunc(Number(frac) * (Number(unit) / scale)));
      if (v > TWO_63) return undefined;
    }
    total += v;
    if (total > TWO_63) return undefined;
  }
  if (negative) return -total;
  return total > INT64_MAX ? undefined : total;
}
