// Formatting of values for display. Pure functions (no DOM), unit-tested with `node --test`.

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 1536 → "1.5 KiB"; null/undefined → "–". */
export function fmtBytes(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  let x = Math.abs(v);
  let i = 0;
  while (x >= 1024 && i < BYTE_UNITS.length - 1) {
    x /= 1024;
    i++;
  }
  const s = i === 0 ? String(Math.round(x)) : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
  return `${v < 0 ? '-' : ''}${s} ${BYTE_UNITS[i]}`;
}

/** CPU cores as kubectl top shows them: below one core in millicores ("250m"), else "1.50". */
export function fmtCores(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  if (v < 1) return `${Math.round(v * 1000)}m`;
  return v >= 100 ? v.toFixed(0) : v.toFixed(2);
}

/** A duration in nanoseconds: "850ns", "12.3µs", "4.56ms", "1.23s", "2m 5s", "3h 2m". */
export function fmtDuration(ns: number | string | bigint | null | undefined): string {
  if (ns === null || ns === undefined) return '–';
  const n = Number(ns);
  if (!Number.isFinite(n)) return '–';
  if (n < 1e3) return `${Math.round(n)}ns`;
  if (n < 1e6) return `${trim(n / 1e3)}µs`;
  if (n < 1e9) return `${trim(n / 1e6)}ms`;
  if (n < 60e9) return `${trim(n / 1e9)}s`;
  const s = Math.floor(n / 1e9);
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

function trim(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

/** An age in seconds as kubectl shows it: 45s, 12m, 5h, 3d. */
export function fmtAge(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  const s = Math.max(0, Math.floor(seconds));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/** Unix nanoseconds (string from the API) → milliseconds. */
export function nsToMs(ns: string | number | bigint): number {
  if (typeof ns === 'string')
    return ns.length > 6 ? Number(ns.slice(0, -6)) + Number(ns.slice(-6)) / 1e6 : Number(ns) / 1e6;
  return Number(ns) / 1e6;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Milliseconds since the epoch → "2024-05-01 12:00:00.123" in local time (or UTC with utc=true). */
export function fmtTime(ms: number, opts: { utc?: boolean; millis?: boolean } = {}): string {
  if (!Number.isFinite(ms)) return '–';
  const d = new Date(ms);
  const [y, mo, da, h, mi, s, msec] = opts.utc
    ? [
        d.getUTCFullYear(),
        d.getUTCMonth() + 1,
        d.getUTCDate(),
        d.getUTCHours(),
        d.getUTCMinutes(),
        d.getUTCSeconds(),
        d.getUTCMilliseconds(),
      ]
    : [
        d.getFullYear(),
        d.getMonth() + 1,
        d.getDate(),
        d.getHours(),
        d.getMinutes(),
        d.getSeconds(),
        d.getMilliseconds(),
      ];
  const base = `${y}-${pad(mo)}-${pad(da)} ${pad(h)}:${pad(mi)}:${pad(s)}`;
  return opts.millis ? `${base}.${pad(msec, 3)}` : base;
}

/** A fraction as a percentage: 0.1234 → "12.3%". */
export function fmtPercent(v: number | null | undefined, digits = 1): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return `${(v * 100).toFixed(digits)}%`;
}

/** A per-second rate: 0.5 → "0.50/s", 1234 → "1.2k/s". */
export function fmtRate(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return `${fmtNumber(v)}/s`;
}

/** A plain number, short: 1234567 → "1.23M", 0.004 → "0.004". */
export function fmtNumber(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a >= 1e9) return `${trim(v / 1e9)}G`;
  if (a >= 1e6) return `${trim(v / 1e6)}M`;
  if (a >= 1e4) return `${trim(v / 1e3)}k`;
  if (a === 0 || a >= 100 || Number.isInteger(v)) return v.toFixed(0);
  if (a >= 1) return v.toFixed(2);
  return v.toPrecision(2);
}

/** used / of as a fraction, or null when either is unknown or `of` is 0. */
export function ratio(used: number | null | undefined, of: number | null | undefined): number | null {
  if (used === null || used === undefined || of === null || of === undefined || of <= 0) return null;
  return used / of;
}
