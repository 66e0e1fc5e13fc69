// A small URL-state router: the location is the state. `navigate` pushes (or replaces) a URL and
// every component using `useLocation` re-renders; the back button works through popstate.
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type MouseEvent,
  type ReactNode,
} from 'react';
import { globalQuery, matchRoute, withQuery, type Route } from '../lib/url-state.ts';

interface Loc {
  path: string;
  search: string;
}

const read = (): Loc => ({ path: window.location.pathname, search: window.location.search });
const listeners = new Set<() => void>();

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  const now = window.location.pathname + window.location.search;
  if (to === now) return;
  if (opts.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  for (const l of listeners) l();
}

interface LocationValue extends Loc {
  route: Route;
  query: URLSearchParams;
}

const LocationContext = createContext<LocationValue | null>(null);

export function LocationProvider({ children }: { children: ReactNode }) {
  const [loc, setLoc] = useState<Loc>(read);
  useEffect(() => {
    const update = (): void => setLoc(read());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  const value = useMemo(
    () => ({ ...loc, route: matchRoute(loc.path), query: new URLSearchParams(loc.search) }),
    [loc],
  );
  return <LocationContext.Provider value={value}>{children}</LocationContext.Provider>;
}

export function useLocation(): LocationValue {
  const v = useContext(LocationContext);
  if (!v) throw new Error('useLocation outside LocationProvider');
  return v;
}

/** Reading and patching the query: `set({q: 'x'})` replaces history for typing, pushes otherwise. */
export function useQuery(): [
  URLSearchParams,
  (patch: Record<string, string | undefined | null>, push?: boolean) => void,
] {
  const { query, path } = useLocation();
  const set = useCallback(
    (patch: Record<string, string | undefined | null>, push = false) =>
      navigate(path + withQuery(window.location.search, patch), { replace: !push }),
    [path],
  );
  return [query, set];
}

/** A link that keeps the time range and refresh (global query) unless `to` has its own. */
export function Link({
  to,
  children,
  className,
  title,
  keepGlobal = true,
  testId,
}: {
  to: string;
  children: ReactNode;
  className?: string;
  title?: string;
  keepGlobal?: boolean;
  testId?: string;
}) {
  const { search } = useLocation();
  let href = to;
  if (keepGlobal) {
    const [p, q = ''] = to.split('?');
    const g = new URLSearchParams(globalQuery(search).slice(1));
    const own = new URLSearchParams(q);
    for (const [k, v] of g) if (!own.has(k)) own.set(k, v);
    const s = own.toString();
    href = `${p}${s ? `?${s}` : ''}`;
  }
  const onClick = (e: MouseEvent<HTMLAnchorElement>): void => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
    window.scrollTo(0, 0);
  };
  return (
    <a href={href} onClick={onClick} className={className} title={title} data-testid={testId}>
      {children}
    </a>
  );
}
