// Cluster overview: the headline numbers, then what needs attention first — nodes not ready,
// pods in trouble, degraded workloads, recent Warning events.
import { apiUrl } from '../api/client.ts';
import type { Overview as OverviewData } from '../api/types.ts';
import { StackBar } from '../components/charts.tsx';
import { ErrorBox, Loading, Page, Stat, Status, UsageBar } from '../components/common.tsx';
import { atParams } from '../components/data.ts';
import { useApi, useTimeRange } from '../components/hooks.ts';
import { Link } from '../components/router.tsx';
import { fmtBytes, fmtCores, fmtTime, nsToMs } from '../lib/format.ts';
import { pathOf } from '../lib/url-state.ts';

/** Items per attention list; the counts beside them are whole. */
const ATTENTION = 12;

export function OverviewPage() {
  const range = useTimeRange();
  // One request: the headline numbers and every attention list share the server's reads.
  const o = useApi<OverviewData>(apiUrl('k8s/overview', { ...atParams(range), limit: ATTENTION }));
  const d = o.data;
  return (
    <Page title="Cluster overview" actions={<Loading show={o.loading} />}>
      <ErrorBox error={o.error} />
      {d ? (
        <>
          <div className="stats">
            <Stat
              label="Nodes"
              value={`${d.nodes.ready}/${d.nodes.total}`}
              sub={d.nodes.notReady ? `${d.nodes.notReady} not ready` : 'all ready'}
              tone={d.nodes.notReady ? 'bad' : 'good'}
              to="/nodes"
            />
            <Stat label="Pods" value={d.pods.total} sub={`${d.pods.Running} running`} to="/pods" />
            <Stat
              label="Workloads"
              value={`${d.workloads.healthy}/${d.workloads.total}`}
              sub={d.workloads.degraded ? `${d.workloads.degraded} degraded` : 'all healthy'}
              tone={d.workloads.degraded ? 'warn' : 'good'}
              to="/workloads"
            />
            <Stat
              label="Warning events (1h)"
              value={d.warningEventsLastHour}
              tone={d.warningEventsLastHour ? 'warn' : 'good'}
              to="/events?type=Warning"
            />
          </div>
          <div className="grid2">
            <div className="card">
              <h2>Pods by phase</h2>
              <StackBar
                parts={[
                  { label: 'Running', value: d.pods.Running, cls: 'good' },
                  { label: 'Pending', value: d.pods.Pending, cls: 'warn' },
                  { label: 'Succeeded', value: d.pods.Succeeded, cls: 'done' },
                  { label: 'Failed', value: d.pods.Failed, cls: 'bad' },
                  { label: 'Unknown', value: d.pods.Unknown, cls: 'neutral' },
                ]}
              />
            </div>
            <div className="card">
              <h2>Resources used vs allocatable</h2>
              <div className="resource-row">
                <span>CPU</span>
                <UsageBar
                  used={d.cpu.usedCores}
                  of={d.cpu.allocatableCores}
                  label={`${fmtCores(d.cpu.usedCores)} / ${fmtCores(d.cpu.allocatableCores)} cores`}
                />
              </div>
              <div className="resource-row">
                <span>Memory</span>
                <UsageBar
                  used={d.memory.usedBytes}
                  of={d.memory.allocatableBytes}
                  label={`${fmtBytes(d.memory.usedBytes)} / ${fmtBytes(d.memory.allocatableBytes)}`}
                />
              </div>
            </div>
          </div>
          {d.truncated ? (
            <div className="error">The cluster is larger than one view reads: numbers are partial.</div>
          ) : null}
        </>
      ) : null}
      {d ? <Attention d={d} /> : null}
    </Page>
  );
}

/** What needs attention first; the lists are capped by the server, the counts are whole. */
function Attention({ d }: { d: OverviewData }) {
  const badNodes = d.attention.nodes;
  const badPods = d.attention.pods;
  const badWl = d.attention.workloads;
  const warnings = d.attention.warningEvents;
  return (
    <>
      <h2>Needs attention</h2>
      <div className="grid2">
        <div className="card">
          <h3>Nodes not ready ({d.nodes.notReady})</h3>
          {badNodes.length === 0 ? <p className="muted">All nodes are ready.</p> : null}
          <ul className="plain">
            {badNodes.map((n) => (
              <li key={n.name}>
                <Link to={pathOf('nodes', n.name)}>{n.name}</Link> <Status value="NotReady" />
              </li>
            ))}
          </ul>
          <h3>Degraded workloads ({d.workloads.degraded})</h3>
          {badWl.length === 0 ? (
            <p className="muted">Every workload has its desired replicas ready.</p>
          ) : null}
          <ul className="plain">
            {badWl.map((w) => (
              <li key={`${w.kind}/${w.namespace}/${w.name}`}>
                {w.kind}{' '}
                <b>
                  {w.namespace}/{w.name}
                </b>{' '}
                {w.ready ?? 0}/{w.desired ?? '?'} ready
              </li>
            ))}
          </ul>
        </div>
        <div className="card">
          <h3>Pods in trouble ({d.attention.podsInTrouble})</h3>
          {badPods.length === 0 ? <p className="muted">No failing, pending or restarting pods.</p> : null}
          <ul className="plain" data-testid="troubled-pods">
            {badPods.map((p) => (
              <li key={`${p.namespace}/${p.name}`}>
                <Link to={pathOf('pods', p.namespace, p.name)}>
                  {p.namespace}/{p.name}
                </Link>{' '}
                <Status value={p.status} />{' '}
                {p.restarts ? <span className="muted">{p.restarts} restarts</span> : null}
              </li>
            ))}
            {d.attention.podsInTrouble > badPods.length ? (
              <li>
                <Link to="/pods?problems=1">all {d.attention.podsInTrouble}…</Link>
              </li>
            ) : null}
          </ul>
          <h3>Latest Warning events (1h)</h3>
          {warnings.length === 0 ? <p className="muted">No Warning events in the last hour.</p> : null}
          <ul className="plain">
            {warnings.map((e) => (
              <li key={`${e.timeUnixNano}/${e.eventName}`}>
                <span className="muted">{fmtTime(nsToMs(e.timeUnixNano)).slice(11)}</span> <b>{e.reason}</b>{' '}
                {e.objectKind}/{e.objectName}: {e.message}
              </li>
            ))}
          </ul>
        </div>
      </div>
    </>
  );
}
