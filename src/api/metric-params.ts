// Query parameters of the metric endpoints: label matchers, step, function and grouping.
// Checked here so a bad value is a 400 naming the parameter before any SQL runs.
import type { Matcher, RangeFn } from '../storage/queries.ts';
import { BadRequest, parseDurationNs, type Query } from './params.ts';

const MAX_MATCHERS = 32;
const MAX_BY = 32;
/** The most points one series of a range query may have (as Prometheus). */
export const MAX_POINTS = 11_000;
/** The smallest and largest step. */
export const MIN_STEP_NS = 1_000_000n;
export const MAX_STEP_NS = 31n * 86_400n * 1_000_000_000n;
/** Without `step`: about this many points over the range. */
const DEFAULT_POINTS = 250n;
const FNS: readonly RangeFn[] = ['raw', 'rate', 'sum', 'avg', 'max', 'min'];
const MATCHER = /^\s*([^\s=!~"{},]+)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*$/s;

function all(q: Query, name: string): string[] {
  const v = q[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** Regexes run in ClickHouse (RE2): reject what RE2 lacks, so the error is ours and clear. */
function checkRegex(name: string, re: string): void {
  if (/\(\?<?[=!]/.test(re) || /\\[1-9]/.test(re))
    throw new BadRequest(name, `lookaround and backreferences are not supported (RE2): ${re}`);
  try {
    new RegExp(re, 'u');
  } catch (e) {
    throw new BadRequest(name, `invalid regular expression: ${(e as Error).message}`);
  }
}

/** `match[]=label="value"` (also `!=`, `=~`, `!~`; value as a double-quoted string), repeatable. */
export function parseMatchers(q: Query): Matcher[] {
  const raw = [...all(q, 'match[]')];
  if (raw.length > MAX_MATCHERS) throw new BadRequest('match[]', `at most ${MAX_MATCHERS} matchers`);
  return raw.map((text) => {
    const m = MATCHER.exec(text);
    if (!m)
      throw new BadRequest('match[]', `expected label="value" (or !=, =~, !~), got ${JSON.stringify(text)}`);
    let value: string;
    try {
      value = JSON.parse(`"${m[3]!}"`) as string;
    } catch {
      throw new BadRequest('match[]', `bad escape in the value of ${JSON.stringify(text)}`);
    }
    const op = m[2] as Matcher['op'];
    if (op === '=~' || op === '!~') checkRegex('match[]', value);
    return { label: m[1]!, op, value };
  });
}

export function parseFn(v: string | undefined): RangeFn {
  if (v === undefined) return 'raw';
  if (!(FNS as readonly string[]).includes(v))
    throw new BadRequest('fn', `expected one of ${FNS.join(', ')}, got "${v}"`);
  return v as RangeFn;
}

/** `by=a,b`: the labels to group by (aggregations and rate only). */
export function parseBy(v: string | undefined, fn: RangeFn): string[] {
  if (v === undefined) return [];
  const by = v
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
  if (by.length === 0) throw new BadRequest('by', 'expected label names separated by commas');
  if (by.length > MAX_BY) throw new BadRequest('by', `at most ${MAX_BY} labels`);
  if (fn === 'raw') throw new BadRequest('by', 'grouping needs fn=rate, sum, avg, max or min');
  return by;
}

/** `step` as a duration (15s, 1m, or integer nanoseconds), whole milliseconds, within the caps. */
export function parseStepMs(v: string | undefined, startNs: bigint, endNs: bigint): number {
  const span = endNs - startNs;
  let step: bigint;
  if (v === undefined) {
    // About DEFAULT_POINTS points, rounded up to whole seconds.
    const s = (span / DEFAULT_POINTS + 999_999_999n) / 1_000_000_000n;
    step = (s > 0n ? s : 1n) * 1_000_000_000n;
  } else {
    step = parseDurationNs('step', v);
    if (step < MIN_STEP_NS || step > MAX_STEP_NS)
      throw new BadRequest('step', `must be between 1ms and 31 days, got "${v}"`);
    if (step % 1_000_000n !== 0n) throw new BadRequest('step', `must be whole milliseconds, got "${v}"`);
  }
  const points = span / step + 1n;
  if (points > BigInt(MAX_POINTS))
    throw new BadRequest(
      'step',
      `the range would have ${points} points per series, more than ${MAX_POINTS}; use a larger step or a shorter range`,
    );
  return Number(step / 1_000_000n);
}
