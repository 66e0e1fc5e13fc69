// The shell: navigation, the time controls, auto-refresh, and the view the URL names.
import { useCallback, useEffect, useState } from 'react';
import { RefreshContext } from './components/hooks.ts';
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

export function App() {
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
