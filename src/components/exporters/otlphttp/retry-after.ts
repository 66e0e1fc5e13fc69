// The HTTP Retry-After header (RFC 9110 §10.2.3): a number of seconds or an HTTP-date.

/** Milliseconds to wait, or undefined when the header is absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  // Only HTTP-date shapes (IMF-fixdate and the obsolete RFC 850 / asctime forms all name a
  // 4-digit year or GMT); Date.parse alone accepts almost anything.
  if (!/GMT$|\d{4}$/.test(v)) return undefined;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
