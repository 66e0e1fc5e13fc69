// The CRI log line format that containerd and CRI-O write under /var/log/pods:
//   <RFC 3339 timestamp with 0–9 fraction digits> <stdout|stderr> <P|F> <message>
// P marks a partial line (the runtime split a long line; the next pieces follow, the last one F).
//
// Contracts:
// - parseCriLine never throws: a line that is not CRI gives `{ error }` saying what is wrong.
// - The message is everything after the tag's single space, byte for byte (a CR the runtime
//   wrote stays: it was the application's); a tag at the end of the line means an empty message.
// - Timestamps: `Z` or a numeric offset (`+02:00`); the result is nanoseconds since the epoch.
//   The seconds part (`YYYY-MM-DDTHH:MM:SS` + zone) is memoized: consecutive lines share it, and
//   Date.UTC per line would be most of the parse.

export type Stream = 'stdout' | 'stderr';

export interface CriLine {
  timeUnixNano: bigint;
  stream: Stream;
  partial: boolean;
  message: string;
}

export interface ParseError {
  error: string;
}

// The last second parsed: its 19 characters, its zone and its nanoseconds since the epoch.
let memoPrefix = '';
let memoZone = '';
let memoNanos = 0n;

/** "2023-06-22T10:27:25" (19 chars) → epoch seconds, or undefined. */
function civilSeconds(s: string, at: number): number | undefined {
  // YYYY-MM-DDTHH:MM:SS
  const d = (i: number) => {
    const c = s.charCodeAt(at + i) - 48;
    return c >= 0 && c <= 9 ? c : -1000;
  };
  if (s[at + 4] !== '-' || s[at + 7] !== '-' || (s[at + 10] !== 'T' && s[at + 10] !== 't')) return undefined;
  if (s[at + 13] !== ':' || s[at + 16] !== ':') return undefined;
  const year = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3);
  const month = d(5) * 10 + d(6);
  const day = d(8) * 10 + d(9);
  const hour = d(11) * 10 + d(12);
  const minute = d(14) * 10 + d(15);
  const second = d(17) * 10 + d(18);
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return undefined;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 2023-02-31 over to March: such a date is not a date.
  if (new Date(ms).getUTCDate() !== day) return undefined;
  return ms / 1000;
}

/**
 * An RFC 3339 timestamp occupying s[at, end) → nanoseconds since the epoch, or undefined.
 * Exported for the Docker format, which writes the same timestamps.
 */
export function parseRfc3339Nano(s: string, at: number, end: number): bigint | undefined {
  if (end - at < 20) return undefined;
  // Fraction: optional "." and 1–9 digits after the seconds.
  let i = at + 19;
  let fraction = 0;
  let digits = 0;
  if (s[i] === '.') {
    i++;
    while (i < end) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      if (digits === 9) return undefined;
      fraction = fraction * 10 + c;
      digits++;
      i++;
    }
    if (digits === 0) return undefined;
  }
  for (let k = digits; k < 9; k++) fraction *= 10;
  // Zone: Z or ±HH:MM, then the end.
  let zone: string;
  if (s[i] === 'Z' || s[i] === 'z') {
    zone = 'Z';
    i++;
  } else if ((s[i] === '+' || s[i] === '-') && s[i + 3] === ':') {
    zone = s.slice(i, i + 6);
    i += 6;
  } else return undefined;
  if (i !== end) return undefined;
  // The same second as the line before (the common case): compared in place, no key string.
  if (zone !== memoZone || !s.startsWith(memoPrefix, at) || memoPrefix.length !== 19) {
    const seconds = civilSeconds(s, at);
    if (seconds === undefined) return undefined;
    let offset = 0;
    if (zone !== 'Z') {
      const hh = Number(zone.slice(1, 3));
      const mm = Number(zone.slice(4, 6));
      if (!/^[+-]\d\d:\d\d$/.test(zone) || hh > 23 || mm > 59) return undefined;
      offset = (hh * 3600 + mm * 60) * (zone[0] === '-' ? -1 : 1);
    }
    memoPrefix = s.slice(at, at + 19);
    memoZone = zone;
    memoNanos = BigInt(seconds - offset) * 1_000_000_000n;
  }
  return fraction === 0 ? memoNanos : memoNanos + BigInt(fraction);
}

export function parseCriLine(line: string): CriLine | ParseError {
  const sp1 = line.indexOf(' ');
  if (sp1 < 0) return { error: 'not a CRI log line: no space after the timestamp' };
  const timeUnixNano = parseRfc3339Nano(line, 0, sp1);
  if (timeUnixNano === undefined) return { error: 'not a CRI log line: the timestamp is not RFC 3339' };
  let stream: Stream;
  if (line.startsWith('stdout ', sp1 + 1)) stream = 'stdout';
  else if (line.startsWith('stderr ', sp1 + 1)) stream = 'stderr';
  else return { error: 'not a CRI log line: the stream is neither stdout nor stderr' };
  const tag = sp1 + 8;
  const t = line[tag];
  if (t !== 'P' && t !== 'F') return { error: 'not a CRI log line: the tag is neither P nor F' };
  // Tags may carry more fields in the future ("F:x"): only a space or the end closes a known one.
  if (tag + 1 < line.length && line[tag + 1] !== ' ') return { error: 'not a CRI log line: unknown tag' };
  return { timeUnixNano, stream, partial: t === 'P', message: line.slice(tag + 2) };
}
