// Request parameters derived from the view's time range.
import { msToNs, type TimeRange } from '../lib/url-state.ts';

/** `start`/`end` for range endpoints. */
export const rangeParams = (r: TimeRange): { start: string; end: string } => ({
  start: msToNs(r.startMs),
  end: msToNs(r.endMs),
});

/** `at` for the Kubernetes views: omitted (the server's now) for a range ending now. */
export const atParams = (r: TimeRange): { at?: string } => (r.live ? {} : { at: msToNs(r.endMs) });
