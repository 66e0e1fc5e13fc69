// The shell: navigation, the time controls, auto-refresh, and the view the URL names.
import { useCallback, useEffect, useState } from 'react';
import { onUnauthorized } from './api/client.ts';
import { sessionState, signOut } from './api/session.ts';
import { RefreshContext } from './components/hooks.ts';
import { SignIn } from './components/SignIn.tsx';
import { Link, useLocation } from './components/router.tsx';
import { TimeControls } from './components/TimeControls.tsx';
import { refreshMs, type Route } from './lib/url-state.ts';
import { EventsPage } from './pages/Events.tsx';
import { LogsPage } from './pages/Logs.tsx';
import { MetricsPage } from './pages/Metrics.tsx';
import { NodePage, NodesPage } from './pages/Nodes.tsx';
import { OverviewPage } from './pages/Overview.tsx';
import { PodPage } from './pages/PodDetail.tsx';
import { PipelinePage } from './pages/Pipeline.tsx';
import { PodsPage } from './pages/Pods.tsx';
import { ServiceMapPage, ServicesPage } from './pages/Services.tsx';
import { TracePage, TracesPage } from './pages/Traces.tsx';
import { NamespacesPage, WorkloadsPage } from './pages/Workloads.tsx';

const NAV: [string, string, Route['page'][]][] = [
  ['/', 'Overview', ['overview']],
  ['/nodes', 'Nodes', ['nodes', 'node']],
  ['/pods', 'Pods', ['pods', 'pod']],
  ['/workloads', 'Workloads', ['workloads']],
  ['/namespaces', 'Namespaces', ['namespaces']],
  ['/events', 'Events', ['events']],
  ['/services', 'Services', ['services', 'servicemap']],
  ['/traces', 'Traces', ['traces', 'trace']],
  ['/logs', 'Logs', ['logs']],
  ['/metrics', 'Metrics', ['metrics']],
  ['/pipeline', 'Pipeline', ['pipeline']],
];

function View({ route }: { route: Route }) {
  const p = route.params;
  switch (route.page) {
    case 'overview':
      return <OverviewPage />;
    case 'nodes':
      return <NodesPage />;
    case 'node':
      return <NodePage key={p['name']} name={p['name']!} />;
    case 'pods':
      return <PodsPage />;
    case 'pod':
      return <PodPage key={`${p['namespace']}/${p['name']}`} namespace={p['namespace']!} name={p['name']!} />;
    case 'workloads':
      return <WorkloadsPage />;
    case 'namespaces':
      return <NamespacesPage />;
    case 'events':
      return <EventsPage />;
    case 'services':
      return <ServicesPage />;
    case 'servicemap':
      return <ServiceMapPage />;
    case 'traces':
      return <TracesPage />;
    case 'trace':
      return <TracePage key={p['traceId']} traceId={p['traceId']!} />;
    case 'logs':
      return <LogsPage />;
    case 'pipeline':
      return <PipelinePage />;
    case 'metrics':
      return <MetricsPage />;
    default:
      return (
        <section className="page">
          <h1>Not found</h1>
          <p>
            No view at this address. <Link to="/">Go to the overview.</Link>
          </p>
        </section>
      );
  }
}

/**
 * The session: 'open' when the API needs no token or this browser is signed in; 'signin' when it
 * needs one (at start, or when any request answers 401 — the token changed, the cookie expired).
 */
type Session = { state: 'checking' } | { state: 'open'; authRequired: boolean } | { state: 'signin' };

export function App() {
  const [session, setSession] = useState<Session>({ state: 'checking' });
  const check = useCallback(() => {
    sessionState().then(
      (s) => setSession(s.signedIn ? { state: 'open', authRequired: s.authRequired } : { state: 'signin' }),
      // An old backend without /api/v1/session, or a transient error: let the pages show it.
      () => setSession({ state: 'open', authRequired: false }),
    );
  }, []);
  useEffect(() => {
    check();
    onUnauthorized(() => setSession({ state: 'signin' }));
    return () => onUnauthorized(undefined);
  }, [check]);
  if (session.state === 'checking') return null;
  if (session.state === 'signin') return <SignIn onSignedIn={check} />;
  const out = session.authRequired
    ? () => {
        void signOut().then(() => setSession({ state: 'signin' }));
      }
    : undefined;
  return <Shell onSignOut={out} />;
}

function Shell({ onSignOut }: { onSignOut: (() => void) | undefined }) {
  const { route, query } = useLocation();
  const [tick, setTick] = useState(0);
  const refresh = useCallback(() => setTick((t) => t + 1), []);
  const every = refreshMs(query.get('refresh'));
  useEffect(() => {
    if (every === undefined) return;
    const timer = setInterval(refresh, every);
    return () => clearInterval(timer);
  }, [every, refresh]);
  return (
    <RefreshContext.Provider value={{ tick, refresh }}>
      <div className="app">
        <nav className="sidebar">
          <div className="brand">WatchingCat</div>
          {NAV.map(([to, label, pages]) => (
            <Link key={to} to={to} className={pages.includes(route.page) ? 'active' : ''}>
              {label}
            </Link>
          ))}
          <a className="api-link" href="/api/v1/openapi.json" target="_blank" rel="noreferrer">
            REST API
          </a>
          {onSignOut ? (
            <button className="signout" onClick={onSignOut}>
              Sign out
            </button>
          ) : null}
        </nav>
        <main>
          <div className="topbar">
            <TimeControls />
          </div>
          <View route={route} />
        </main>
      </div>
    </RefreshContext.Provider>
  );
}
