// One pod: its containers and CPU/memory charts, and tabs for its logs, traces and events.
import { apiUrl } from '../api/client.ts';
import type { PodDetail } from '../api/types.ts';
import { ErrorBox, KeyValues, Loading, Page, Status, Tabs, UsageBar } from '../components/common.tsx';
import { atParams } from '../components/data.ts';
import { useApi, useTimeRange } from '../components/hooks.ts';
import { UsageCharts } from '../components/UsageCharts.tsx';
import { Link, useQuery } from '../components/router.tsx';
import { fmtAge, fmtBytes, fmtCores } from '../lib/format.ts';
import { pathOf } from '../lib/url-state.ts';
import { EventList } from './Events.tsx';
import { LogList } from './Logs.tsx';
import { TraceList } from './Traces.tsx';

export function PodPage({ namespace, name }: { namespace: string; name: string }) {
  const range = useTimeRange();
  const [q, set] = useQuery();
  const tab = q.get('tab') ?? 'overview';
  // A wider window finds a pod that ended shortly before the range's end.
  const r = useApi<{ pod: PodDetail }>(
    apiUrl(`k8s/pods/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`, {
      ...atParams(range),
      window: '15m',
    }),
  );
  const p = r.data?.pod;
  const on = [`namespace="${namespace}"`, `pod="${name}"`, 'container!=""', 'container!="POD"'];
  const res = { 'resource.k8s.namespace.name': namespace, 'resource.k8s.pod.name': name };
  return (
    <Page
      title={
        <>
          Pod {namespace}/{name}
        </>
      }
      actions={<Loading show={r.loading} />}
    >
      <ErrorBox error={r.error} />
      {p ? (
        <div className="pod-head">
          <Status value={p.status} />
          <span>node {p.node ? <Link to={pathOf('nodes', p.node)}>{p.node}</Link> : '<none>'}</span>
          <span>
            {p.containers.ready}/{p.containers.total} ready
          </span>
          <span>{p.restarts} restarts</span>
          <span>age {fmtAge(p.ageSeconds)}</span>
        </div>
      ) : null}
      <Tabs
        tabs={[
          ['overview', 'Overview'],
          ['logs', 'Logs'],
          ['traces', 'Traces'],
          ['events', 'Events'],
        ]}
        current={tab}
        onChange={(t) => set({ tab: t === 'overview' ? undefined : t }, true)}
      />
      {tab === 'overview' && p ? (
        <>
          <div className="grid2">
            <div className="card">
              <KeyValues
                rows={[
                  ['Namespace', p.namespace],
                  ['Phase', p.phase],
                  ['Controlled by', p.createdBy ? `${p.createdBy.kind}/${p.createdBy.name}` : '<none>'],
                  [
                    'UID',
                    <span key="u" className="mono">
                      {p.uid}
                    </span>,
                  ],
                  [
                    'CPU',
                    <UsageBar
                      key="c"
                      used={p.cpuCores}
                      of={p.limits.cpuCores ?? p.requests.cpuCores}
                      label={`${fmtCores(p.cpuCores)} (req ${fmtCores(p.requests.cpuCores)}, lim ${fmtCores(p.limits.cpuCores)})`}
                    />,
                  ],
                  [
                    'Memory',
                    <UsageBar
                      key="m"
                      used={p.memoryBytes}
                      of={p.limits.memoryBytes ?? p.requests.memoryBytes}
                      label={`${fmtBytes(p.memoryBytes)} (req ${fmtBytes(p.requests.memoryBytes)}, lim ${fmtBytes(p.limits.memoryBytes)})`}
                    />,
                  ],
                ]}
              />
            </div>
            <div className="card">
              <h2>Containers</h2>
              <table className="list" data-testid="containers">
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>State</th>
                    <th className="right">Restarts</th>
                    <th className="right">CPU</th>
                    <th className="right">Memory</th>
                  </tr>
                </thead>
                <tbody>
                  {p.containerList.map((c) => (
                    <tr key={c.name}>
                      <td title={c.image}>
                        <b>{c.name}</b>
                        <div className="muted small">{c.image}</div>
                      </td>
                      <td>
                        <Status
                          value={
                            c.reason || (c.ready ? 'Ready' : c.state === 'running' ? 'Running' : c.state)
                          }
                        />
                      </td>
                      <td className="right">{c.restarts}</td>
                      <td
                        className="right"
                        title={`request ${fmtCores(c.requests.cpuCores)}, limit ${fmtCores(c.limits.cpuCores)}`}
                      >
                        {fmtCores(c.cpuCores)}
                      </td>
                      <td
                        className="right"
                        title={`request ${fmtBytes(c.requests.memoryBytes)}, limit ${fmtBytes(c.limits.memoryBytes)}`}
                      >
                        {fmtBytes(c.memoryBytes)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
          <UsageCharts matchers={on} by="container" of=" by container" />
        </>
      ) : null}
      {tab === 'logs' ? (
        <>
          <div className="muted">
            <Link
              to={`/logs?resource.k8s.namespace.name=${encodeURIComponent(namespace)}&resource.k8s.pod.name=${encodeURIComponent(name)}`}
            >
              Open in the logs explorer
            </Link>
          </div>
          <LogList filters={res} />
        </>
      ) : null}
      {tab === 'traces' ? <TraceList filters={res} /> : null}
      {tab === 'events' ? <EventList filters={{ namespace, kind: 'Pod', name }} /> : null}
    </Page>
  );
}
