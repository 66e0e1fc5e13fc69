// Time helpers: the engine keeps simulated time as epoch milliseconds and writes RFC 3339 with
// second precision, like metav1.Time serialises.

let cachedSecond = NaN;
let cachedText = '';

export function rfc3339(ms: number): string {
  const second = Math.floor(ms / 1000);
  // Most calls within one agenda instant format the same second.
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedText = new Date(second * 1000).toISOString().replace('.000Z', 'Z');
  }
  return cachedText;
}

/** metav1.MicroTime (leases' renewTime/acquireTime, events.k8s.io eventTime). */
export function rfc3339Micro(ms: number): string {
  const iso = new Date(Math.floor(ms)).toISOString();
  return `${iso.slice(0, 19)}.${iso.slice(20, 23)}000Z`;
}

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
