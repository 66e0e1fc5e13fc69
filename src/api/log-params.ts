// Query parameters of the log endpoints (/api/v1/logs and its live tail). Everything is checked
// here, before storage runs any SQL, so a bad value is a 400 naming the parameter.
import { textTokens } from '../storage/queries.ts';
import { BadRequest, one, type Query } from './params.ts';

/** The filters a log search and a tail share. */
export interface LogFilters {
  text?: string;
  severityMin?: number;
  service?: string;
  resource: Record<string, string>;
}

// OTLP severity numbers: each name covers four numbers (TRACE 1-4, DEBUG 5-8, … FATAL 21-24).
const SEVERITY_BASE: Record<string, number> = {
  TRACE: 1,
  DEBUG: 5,
  INFO: 9,
  WARN: 13,
  WARNING: 13,
  ERROR: 17,
  FATAL: 21,
};
const MAX_TEXT_WORDS = 16;
const MAX_RESOURCE_FILTERS = 32;
const MAX_VALUE_LENGTH = 1024;
const CURSOR = /^(\d{1,19})-(\d{1,20})$/;

/** `severity`: a number 1..24, or a name (TRACE, DEBUG, INFO, WARN, ERROR, FATAL, optionally with 2-4: WARN2). */
export function parseSeverity(v: string): number {
  if (/^\d{1,2}$/.test(v)) {
    const n = Number(v);
    if (n >= 1 && n <= 24) return n;
  } else {
    const m = /^([A-Za-z]+)([1-4])?$/.exec(v);
    const base = m ? SEVERITY_BASE[m[1]!.toUpperCase()] : undefined;
    if (base !== undefined) return base + Number(m![2] ?? 1) - 1;
  }
  throw new BadRequest(
    'severity',
    `expected a number 1..24 or TRACE, DEBUG, INFO, WARN, ERROR, FATAL (optionally 2-4, e.g. WARN2), got "${v}"`,
  );
}

function bounded(name: string, v: string): string {
  if (v.length > MAX_VALUE_LENGTH) throw new BadRequest(name, `longer than ${MAX_VALUE_LENGTH} characters`);
  return v;
}

/** `q`, `severity`, `service` and `resource.<key>=<value>` (resource attribute equality). */
export function parseLogFilters(q: Query): LogFilters {
  const out: LogFilters = { resource: {} };
  const text = one(q, 'q');
  if (text !== undefined) {
    const words = textTokens(bounded('q', text));
    if (words.length === 0) throw new BadRequest('q', 'contains no words to search for');
    if (words.length > MAX_TEXT_WORDS) throw new BadRequest('q', `more than ${MAX_TEXT_WORDS} words`);
    out.text = text;
  }
  const severity = one(q, 'severity');
  if (severity !== undefined) out.severityMin = parseSeverity(severity);
  const service = one(q, 'service');
  if (service !== undefined) out.service = bounded('service', service);
  out.resource = parseResourceFilters(q);
  return out;
}

/** `resource.<key>=<value>` parameters: resource attribute equality (logs and trace search). */
export function parseResourceFilters(q: Query): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(q)) {
    if (!k.startsWith('resource.')) continue;
    const key = k.slice('resource.'.length);
    if (key === '') throw new BadRequest(k, 'resource attribute key is empty');
    if (Array.isArray(v)) throw new BadRequest(k, 'given more than once');
    out[bounded(k, key)] = bounded(k, v ?? '');
  }
  if (Object.keys(out).length > MAX_RESOURCE_FILTERS)
    throw new BadRequest('resource', `at most ${MAX_RESOURCE_FILTERS} resource attribute filters`);
  return out;
}

/** A cursor as returned in `next` / an event id: `<unix ns>-<tie breaker>`. */
export function parseCursor(name: string, v: string): string {
  const m = CURSOR.exec(v);
  if (m === null || BigInt(m[1]!) >= 2n ** 63n || BigInt(m[2]!) >= 2n ** 64n)
    throw new BadRequest(name, `expected a cursor returned by this API, got "${v.slice(0, 64)}"`);
  return v;
}

/** The time part of a cursor, in nanoseconds. */
export const cursorTimeNs = (cursor: string): bigint => BigInt(cursor.slice(0, cursor.indexOf('-')));
