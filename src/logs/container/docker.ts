// Docker's json-file log format: one JSON object per line,
//   {"log":"text\n","stream":"stdout","time":"2023-06-22T10:27:25.813799277Z"}
// A line the application ended has "log" ending in "\n"; Docker splits longer lines into pieces
// without it (partial), the last piece with it.
//
// Contract: parseDockerLine never throws; a line that is not such an object gives `{ error }`.
import type { CriLine, ParseError, Stream } from './cri.ts';
import { parseRfc3339Nano } from './cri.ts';

export type DockerLine = CriLine;

export function parseDockerLine(line: string): DockerLine | ParseError {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return { error: 'not a Docker log line: not JSON' };
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    return { error: 'not a Docker log line: not an object' };
  const o = v as Record<string, unknown>;
  if (typeof o.log !== 'string') return { error: 'not a Docker log line: no "log" string' };
  if (o.stream !== 'stdout' && o.stream !== 'stderr') return { error: 'not a Docker log line: bad "stream"' };
  if (typeof o.time !== 'string') return { error: 'not a Docker log line: no "time" string' };
  const timeUnixNano = parseRfc3339Nano(o.time, 0, o.time.length);
  if (timeUnixNano === undefined) return { error: 'not a Docker log line: "time" is not RFC 3339' };
  const ended = o.log.endsWith('\n');
  return {
    timeUnixNano,
    stream: o.stream as Stream,
    partial: !ended,
    message: ended ? o.log.slice(0, -1) : o.log,
  };
}
