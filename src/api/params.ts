// Query-string parsing for the REST API: every parameter is checked and a bad one becomes a
// 400 naming it. Times are RFC 3339 or Unix nanoseconds; ranges and limits are capped.

/** A client mistake: answered 400 with the parameter named. */
export class BadRequest extends Error {
  readonly param: string;
  constructor(param: string, message: string) {
    super(`invalid parameter ${param}: ${message}`);
    this.param = param;
  }
}

export type Query = Record<string, string | string[] | undefined>;

export const MAX_LIMIT = 1000;
export const DEFAULT_LIMIT = 20;
/** The longest time range one request may scan. */
export const MAX_RANGE_NS = 31n * 86_400n * 1_000_000_000n;
/** The range when none is given. */
export const DEFAULT_RANGE_NS = 3_600n * 1_000_000_000n;
const MAX_NS = 2n ** 63n - 1n;

/** One value of a parameter; repeating a single-valued parameter is an error. */
export function one(q: Query, name: string): string | undefined {
  const v = q[name];
  if (Array.isArray(v)) throw new BadRequest(name, 'given more than once');
  return v;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:\d{2})$/;

/** RFC 3339 (nanosecond precision kept) or Unix nanoseconds → nanoseconds since the epoch. */
export function parseTime(name: string, v: string): bigint {
  if (/^\d{1,19}$/.test(v)) {
    const ns = BigInt(v);
    if (ns > MAX_NS) throw new BadRequest(name, 'out of range');
    return ns;
  }
  const m = RFC3339.exec(v);
  if (!m)
    throw new BadRequest(name, `expected RFC 3339 (2024-05-01T12:00:00Z) or Unix nanoseconds, got "${v}"`);
  const ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[8]!.toUpperCase()}`);
  if (Number.isNaN(ms) || ms < 0) throw new BadRequest(name, `not a valid time: "${v}"`);
  const frac = BigInt((m[7] ?? '').padEnd(9, '0'));
  return BigInt(ms) * 1_000_000n + frac;
}

/** A duration: Go style ("250ms", "1.5s", "2m") or an integer of nanoseconds. */
export function parseDurationNs(name: string, v: string): bigint {
  if (/^\d{1,19}$/.test(v)) return BigInt(v);
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/y;
  const unit: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  let total = 0;
  let pos = 0;
  while (pos < v.length) {
    re.lastIndex = pos;
    const m = re.exec(v);
    if (!m) throw new BadRequest(name, `expected a duration such as "250ms" or "2s", got "${v}"`);
    total += Number(m[1]) * unit[m[2]!]!;
    pos = re.lastIndex;
  }
  if (pos === 0 || !Number.isFinite(total) || total > Number(MAX_NS))
    throw new BadRequest(name, `expected a duration such as "250ms" or "2s", got "${v}"`);
  return BigInt(Math.round(total));
}

export function parseLimit(q: Query, dflt = DEFAULT_LIMIT, max = MAX_LIMIT): number {
  const v = one(q, 'limit');
  if (v === undefined) return dflt;
  if (!/^\d{1,6}$/.test(v) || Number(v) < 1 || Number(v) > max)
    throw new BadRequest('limit', `expected an integer from 1 to ${max}, got "${v}"`);
  return Number(v);
}

/** `start`/`end`: default the last hour, end ≥ start, at most MAX_RANGE_NS apart. */
export function parseRange(q: Query, nowNs: bigint): { startNs: bigint; endNs: bigint } {
  const s = one(q, 'start');
  const e = one(q, 'end');
  const endNs = e === undefined ? nowNs : parseTime('end', e);
  const startNs =
    s === undefined ? (endNs > DEFAULT_RANGE_NS ? endNs - DEFAULT_RANGE_NS : 0n) : parseTime('start', s);
  if (endNs < startNs) throw new BadRequest('end', 'end is before start');
  if (endNs - startNs > MAX_RANGE_NS)
    throw new BadRequest(
      'start',
      `the time range may span at most ${MAX_RANGE_NS / 86_400_000_000_000n} days`,
    );
  return { startNs, endNs };
}

const MAX_ATTR_FILTERS = 32;

/**
 * Attribute filters: `attr.<key>=<value>` parameters, and/or `tags` as a JSON object of
 * string values (Jaeger's convention) — `tags={"http.method":"GET"}`.
 */
export function parseAttributes(q: Query): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(q)) {
    if (!k.startsWith('attr.')) continue;
    const key = k.slice(5);
    if (key === '') throw new BadRequest(k, 'attribute key is empty');
    if (Array.isArray(v)) throw new BadRequest(k, 'given more than once');
    out[key] = v ?? '';
  }
  const tags = one(q, 'tags');
  if (tags !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(tags);
    } catch {
      throw new BadRequest('tags', 'expected a JSON object such as {"http.method":"GET"}');
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new BadRequest('tags', 'expected a JSON object such as {"http.method":"GET"}');
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
        throw new BadRequest('tags', `value of "${k}" must be a string, number or boolean`);
      out[k] = String(v);
    }
  }
  if (Object.keys(out).length > MAX_ATTR_FILTERS)
    throw new BadRequest('attr', `at most ${MAX_ATTR_FILTERS} attribute filters`);
  return out;
}
