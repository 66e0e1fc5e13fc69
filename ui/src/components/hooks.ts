// Data loading: one hook per request, re-run when its URL changes or the refresh ticks.
import { createContext, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { getJson } from '../api/client.ts';
import { resolveRange, type TimeRange } from '../lib/url-state.ts';
import { useLocation } from './router.tsx';

/** Incremented on every auto-refresh (and by the refresh button). */
export const RefreshContext = createContext<{ tick: number; refresh: () => void }>({
  tick: 0,
  refresh: () => {},
});

export interface Loaded<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
}

/** GETs `url` (null: nothing), keeping the previous data while a newer answer loads. */
export function useApi<T>(url: string | null, opts: { refresh?: boolean } = {}): Loaded<T> {
  const { tick } = useContext(RefreshContext);
  const t = opts.refresh === false ? 0 : tick;
  const [state, setState] = useState<Loaded<T>>({ data: undefined, error: undefined, loading: url !== null });
  const lastUrl = useRef<string | null>(null);
  useEffect(() => {
    if (url === null) {
      setState({ data: undefined, error: undefined, loading: false });
      return;
    }
    const ctl = new AbortController();
    const sameUrl = lastUrl.current === url;
    lastUrl.current = url;
    // A new URL (another filter) drops the old answer; a refresh of the same URL keeps it shown.
    setState((s) => ({ data: sameUrl ? s.data : undefined, error: undefined, loading: true }));
    getJson<T>(url, ctl.signal).then(
      (data) => setState({ data, error: undefined, loading: false }),
      (error: Error) => {
        if (ctl.signal.aborted) return;
        setState((s) => ({ data: s.data, error, loading: false }));
      },
    );
    return () => ctl.abort();
  }, [url, t]);
  return state;
}

/**
 * The view's time range from `from`/`to`, resolved when the URL changes or the refresh ticks
 * (so relative ranges move with auto-refresh, and requests stay stable in between).
 */
export function useTimeRange(): TimeRange {
  const { query } = useLocation();
  const { tick } = useContext(RefreshContext);
  const from = query.get('from');
  const to = query.get('to');
  // `tick` re-resolves relative ranges on refresh.
  return useMemo(() => resolveRange(from, to, Date.now()), [from, to, tick]);
}

/** A value that follows `value` after `ms` without changes (for typing into filters). */
export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setV(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return v;
}
