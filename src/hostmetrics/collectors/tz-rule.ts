// POSIX TZ rule strings ("CET-1CEST,M3.5.0,M10.5.0/3"), as a TZif file's footer carries them for
// times after its last transition (RFC 8536 section 3.3; POSIX.1 "TZ" with the RFC's
// extensions: hours up to 167 and negative transition times). Pure functions; never throw.
//
// Semantics follow Go's time package, which node_exporter's zone label comes from:
// - a name is 3+ characters other than digits, ',', '-', '+' or a <quoted> name;
// - offsets are hh[:mm[:ss]] with an optional sign, POSIX-positive west of Greenwich (the result
//   here is seconds EAST, like TZif's utoff), hours up to 168;
// - no DST name means no DST, whatever follows a ','; DST without an offset is standard + 1 h; DST without rules uses the US rules M3.2.0,M11.1.0;
// - a transition's time defaults to 02:00 local and is read in the local time in force before it;
// - the year is the UTC year of the instant; when the end rule falls before the start rule
//   (southern hemisphere) DST spans the year's turn.

export interface TzRuleDate {
  /** J: 1..365 ignoring Feb 29; N: 0..365 counting it; M: month.week.weekday. */
  kind: 'J' | 'N' | 'M';
  day: number;
  month: number;
  week: number;
  /** Seconds after local midnight (may be negative or above a day). */
  time: number;
}

export interface TzRule {
  stdName: string;
  /** Seconds east of UTC. */
  stdOffset: number;
  dst?: {
    name: string;
    offset: number;
    start: TzRuleDate;
    end: TzRuleDate;
  };
}

/** What a zone says of one instant. */
export interface ZoneAt {
  /** The abbreviation ("CET", "UTC", "+0530"). */
  name: string;
  /** Seconds east of UTC. */
  offset: number;
  isDst: boolean;
}

class Cursor {
  s: string;
  constructor(s: string) {
    this.s = s;
  }
}

function parseName(c: Cursor): string | undefined {
  if (c.s.startsWith('<')) {
    const end = c.s.indexOf('>');
    if (end < 0) return undefined;
    const name = c.s.slice(1, end);
    c.s = c.s.slice(end + 1);
    return name;
  }
  let i = 0;
  while (i < c.s.length && !'0123456789,-+'.includes(c.s[i]!)) i++;
  if (i < 3) return undefined;
  const name = c.s.slice(0, i);
  c.s = c.s.slice(i);
  return name;
}

function parseNum(c: Cursor, min: number, max: number): number | undefined {
  const m = /^[0-9]+/.exec(c.s);
  if (m === null || m[0].length > 9) return undefined;
  const n = Number(m[0]);
  if (n < min || n > max) return undefined;
  c.s = c.s.slice(m[0].length);
  return n;
}

/** [+-]hh[:mm[:ss]] as signed seconds, in the string's own sign convention. */
function parseOffset(c: Cursor): number | undefined {
  let sign = 1;
  if (c.s.startsWith('+') || c.s.startsWith('-')) {
    sign = c.s[0] === '-' ? -1 : 1;
    c.s = c.s.slice(1);
  }
  const h = parseNum(c, 0, 24 * 7);
  if (h === undefined) return undefined;
  let secs = h * 3600;
  for (const unit of [60, 1]) {
    if (!c.s.startsWith(':')) break;
    c.s = c.s.slice(1);
    const n = parseNum(c, 0, 59);
    if (n === undefined) return undefined;
    secs += n * unit;
  }
  return sign * secs;
}

function parseDate(c: Cursor): TzRuleDate | undefined {
  const r: TzRuleDate = { kind: 'N', day: 0, month: 0, week: 0, time: 2 * 3600 };
  if (c.s.startsWith('J')) {
    c.s = c.s.slice(1);
    const d = parseNum(c, 1, 365);
    if (d === undefined) return undefined;
    r.kind = 'J';
    r.day = d;
  } else if (c.s.startsWith('M')) {
    c.s = c.s.slice(1);
    const month = parseNum(c, 1, 12);
    if (month === undefined || !c.s.startsWith('.')) return undefined;
    c.s = c.s.slice(1);
    const week = parseNum(c, 1, 5);
    if (week === undefined || !c.s.startsWith('.')) return undefined;
    c.s = c.s.slice(1);
    const day = parseNum(c, 0, 6);
    if (day === undefined) return undefined;
    Object.assign(r, { kind: 'M', month, week, day });
  } else {
    const d = parseNum(c, 0, 365);
    if (d === undefined) return undefined;
    r.day = d;
  }
  if (c.s.startsWith('/')) {
    c.s = c.s.slice(1);
    const t = parseOffset(c);
    if (t === undefined) return undefined;
    r.time = t;
  }
  return r;
}

/** A TZ rule string, or undefined when Go would reject it. */
export function parseTzRule(s: string): TzRule | undefined {
  const c = new Cursor(s);
  const stdName = parseName(c);
  if (stdName === undefined) return undefined;
  const stdWest = parseOffset(c);
  if (stdWest === undefined) return undefined;
  const rule: TzRule = { stdName, stdOffset: 0 - stdWest }; // 0 - x: never -0
  if (c.s === '' || c.s.startsWith(',')) return rule; // no DST (Go ignores rules without a DST name)

  const dstName = parseName(c);
  if (dstName === undefined) return undefined;
  let dstOffset = rule.stdOffset + 3600;
  if (c.s !== '' && !c.s.startsWith(',')) {
    const west = parseOffset(c);
    if (west === undefined) return undefined;
    dstOffset = 0 - west;
  }
  if (c.s === '') c.s = ',M3.2.0,M11.1.0';
  if (!c.s.startsWith(',') && !c.s.startsWith(';')) return undefined; // Go accepts either
  c.s = c.s.slice(1);
  const start = parseDate(c);
  if (start === undefined || !c.s.startsWith(',')) return undefined;
  c.s = c.s.slice(1);
  const end = parseDate(c);
  if (end === undefined || c.s !== '') return undefined;
  rule.dst = { name: dstName, offset: dstOffset, start, end };
  return rule;
}

const DAY = 86400;
const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const daysInMonth = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** The UTC instant (seconds) of a rule date in `year`, read in local time `offset` (seconds east). */
export function transitionTime(year: number, d: TzRuleDate, offset: number): number {
  let dayOfYear: number; // 0-based
  if (d.kind === 'J') dayOfYear = d.day - 1 + (isLeap(year) && d.day >= 60 ? 1 : 0);
  else if (d.kind === 'N') dayOfYear = d.day;
  else {
    const firstWeekday = new Date(Date.UTC(year, d.month - 1, 1)).getUTCDay();
    let dom = (d.day - firstWeekday + 7) % 7; // 0-based day of the month of the first such weekday
    const len = daysInMonth(year, d.month);
    for (let w = 1; w < d.week && dom + 7 < len; w++) dom += 7;
    dayOfYear = (Date.UTC(year, d.month - 1, 1 + dom) - Date.UTC(year, 0, 1)) / 1000 / DAY;
  }
  return Date.UTC(year, 0, 1) / 1000 + dayOfYear * DAY + d.time - offset;
}

/** What the rule says of the instant `sec` (seconds since the epoch). */
export function evalTzRule(rule: TzRule, sec: number): ZoneAt {
  const std: ZoneAt = { name: rule.stdName, offset: rule.stdOffset, isDst: false };
  if (rule.dst === undefined) return std;
  const year = new Date(sec * 1000).getUTCFullYear();
  const start = transitionTime(year, rule.dst.start, rule.stdOffset);
  const end = transitionTime(year, rule.dst.end, rule.dst.offset);
  const inDst = start <= end ? sec >= start && sec < end : sec < end || sec >= start;
  return inDst ? { name: rule.dst.name, offset: rule.dst.offset, isDst: true } : std;
}
