// The UI's state lives in the URL: the path names the view (and the selected item), the query
// holds filters, the time range and the refresh interval. Pure functions, unit-tested.

/** A view and its path parameters. */
export interface Route {
  page:
    | 'overview'
    | 'nodes'
    | 'node'
    | 'pods'
    | 'pod'
    | 'workloads'
    | 'namespaces'
    | 'events'
    | 'services'
    | 'servicemap'
    | 'traces'
    | 'trace'
    | 'logs'
    | 'metrics'
    | 'pipeline'
    | 'notfound';
  params: Record<string, string>;
}

const ROUTES: [RegExp, Route['page'], string[]][] = [
  [/^\/?$/, 'overview', []],
  [/^\/nodes\/?$/, 'nodes', []],
  [/^\/nodes\/([^/]+)\/?$/, 'node', ['name']],
  [/^\/pods\/?$/, 'pods', []],
  [/^\/pods\/([^/]+)\/([^/]+)\/?$/, 'pod', ['namespace', 'name']],
  [/^\/workloads\/?$/, 'workloads', []],
  [/^\/namespaces\/?$/, 'namespaces', []],
  [/^\/events\/?$/, 'events', []],
  [/^\/services\/?$/, 'services', []],
  [/^\/services\/map\/?$/, 'servicemap', []],
  [/^\/traces\/?$/, 'traces', []],
  [/^\/traces\/([0-9a-fA-F]{32})\/?$/, 'trace', ['traceId']],
  [/^\/logs\/?$/, 'logs', []],
  [/^\/metrics\/?$/, 'metrics', []],
  [/^\/pipeline\/?$/, 'pipeline', []],
];

export function matchRoute(pathname: string): Route {
  for (const [re, page, names] of ROUTES) {
    const m = re.exec(pathname);
    if (!m) continue;
    const params: Record<string, string> = {};
    names.forEach((n, i) => {
      const v = m[i + 1] ?? '';
      try {
        params[n] = decodeURIComponent(v);
      } catch {
        params[n] = v;
      }
    });
    return { page, params };
  }
  return { page: 'notfound', params: {} };
}

/** Builds a path from segments, each encoded. */
export function pathOf(...segments: string[]): string {
  return '/' + segments.map(encodeURIComponent).join('/');
}

/**
 * The query string for `base` with `patch` applied: undefined or '' removes a key. Keys keep
 * their order; new keys go last. Returns "" or "?a=1&b=2".
 */
export function withQuery(base: string, patch: Record<string, string | undefined | null>): string {
  const q = new URLSearchParams(base.startsWith('?') ? base.slice(1) : base);
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined || v === null || v === '') q.delete(k);
    else q.set(k, v);
  }
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
}

/** The query parameters that carry across views: time range and refresh. */
export const GLOBAL_KEYS = ['from', 'to', 'refresh'] as const;

/** Only the global parameters of a query string (to keep the time range when changing view). */
export function globalQuery(search: string): string {
  const q = new URLSearchParams(search.startsWith('?') ? search.slice(1) : search);
  const out = new URLSearchParams();
  for (const k of GLOBAL_KEYS) {
    const v = q.get(k);
    if (v !== null) out.set(k, v);
  }
  const s = out.toString();
  return s === '' ? '' : `?${s}`;
}

export const DEFAULT_FROM = 'now-1h';
export const DEFAULT_TO = 'now';

const UNIT_MS: Record<string, number> = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 604800e3 };

/** A duration like "15m", "1h", "7d", "30s" in milliseconds; undefined when malformed. */
export function parseDurationMs(v: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(s|m|h|d|w)$/.exec(v.trim());
  if (!m) return undefined;
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

/**
 * A time expression → ms since the epoch: "now", "now-15m", milliseconds since the epoch
 * (digits), or an ISO 8601 date. Undefined when malformed.
 */
export function parseTimeExpr(v: string, nowMs: number): number | undefined {
  const s = v.trim();
  if (s === 'now') return nowMs;
  const rel = /^now-(.+)$/.exec(s);
  if (rel) {
    const d = parseDurationMs(rel[1]!);
    return d === undefined ? undefined : nowMs - d;
  }
  if (/^\d{1,16}$/.test(s)) return Number(s);
  if (/^\d{4}-\d{2}-\d{2}/.test(s)) {
    const t = Date.parse(s);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

export interface TimeRange {
  startMs: number;
  endMs: number;
  /** True when the range ends now (relative): refreshing moves it. */
  live: boolean;
}

/** `from`/`to` (defaults now-1h / now) resolved at `nowMs`; a bad or inverted pair falls back to the default. */
export function resolveRange(
  from: string | null | undefined,
  to: string | null | undefined,
  nowMs: number,
): TimeRange {
  const f = parseTimeExpr(from ?? DEFAULT_FROM, nowMs);
  const t = parseTimeExpr(to ?? DEFAULT_TO, nowMs);
  if (f === undefined || t === undefined || f >= t)
    return { startMs: nowMs - 3600e3, endMs: nowMs, live: true };
  return { startMs: f, endMs: t, live: (to ?? DEFAULT_TO).trim().startsWith('now') };
}

/** Milliseconds → the API's Unix nanoseconds (a decimal string, exact for whole ms). */
export function msToNs(ms: number): string {
  const whole = Math.floor(ms);
  const frac = Math.round((ms - whole) * 1e6);
  return whole === 0 ? String(frac) : `${whole}${String(frac).padStart(6, '0')}`;
}

export const RANGE_PRESETS: { label: string; from: string }[] = [
  { label: 'Last 5 minutes', from: 'now-5m' },
  { label: 'Last 15 minutes', from: 'now-15m' },
  { label: 'Last 1 hour', from: 'now-1h' },
  { label: 'Last 6 hours', from: 'now-6h' },
  { label: 'Last 24 hours', from: 'now-24h' },
  { label: 'Last 7 days', from: 'now-7d' },
];

/** The refresh interval from `refresh` ("10s", "1m"); undefined when off or malformed. */
export function refreshMs(v: string | null | undefined): number | undefined {
  if (!v || v === 'off') return undefined;
  const d = parseDurationMs(v);
  return d !== undefined && d >= 1000 ? d : undefined;
}

/** Sort state "key" or "-key" (descending). */
export function parseSort(v: string | null | undefined, dflt: string): { key: string; desc: boolean } {
  const s = v && v !== '' ? v : dflt;
  return s.startsWith('-') ? { key: s.slice(1), desc: true } : { key: s, desc: false };
}

/** The next sort state when a column header is clicked: same key flips, a new key sorts ascending. */
export function toggleSort(current: { key: string; desc: boolean }, key: string): string {
  if (current.key === key) return current.desc ? key : `-${key}`;
  return key;
}
