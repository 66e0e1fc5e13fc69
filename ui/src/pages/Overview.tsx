// Cluster overview: the headline numbers, then what needs attention first — nodes not ready,
// pods in trouble, degraded workloads, recent Warning events.
import { apiUrl } from '../api/client.ts';
import type { K8sEvent, Node, Overview as OverviewData, Pod, Workload } from '../api/types.ts';
import { StackBar } from '../components/charts.tsx';
import { ErrorBox, Loading, Page, Stat, Status, UsageBar } from '../components/common.tsx';
import { atParams, rangeParams } from '../components/data.ts';
import { useApi, useTimeRange } from '../components/hooks.ts';
import { Link } from '../components/router.tsx';
import { fmtBytes, fmtCores, fmtTime, nsToMs } from '../lib/format.ts';
import { pathOf } from '../lib/url-state.ts';
import { podInTrouble } from './Pods.tsx';

export function OverviewPage() {
  const range = useTimeRange();
  const at = atParams(range);
  const o = useApi<OverviewData>(apiUrl('k8s/overview', at));
  const nodes = useApi<{ nodes: Node[] }>(apiUrl('k8s/nodes', at));
  // Only the pods that need attention: a 10,000-pod cluster's whole list is 4 MB.
  const pods = useApi<{ pods: Pod[] }>(apiUrl('k8s/pods', { ...at, problems: 'true', limit: 200 }));
  const wl = useApi<{ workloads: Workload[] }>(apiUrl('k8s/workloads', at));
  const ev = useApi<{ events: K8sEvent[] }>(
    apiUrl('k8s/events', { ...rangeParams(range), type: 'Warning', limit: 8 }),
  );
  const d = o.data;
  const badNodes = (nodes.data?.nodes ?? []).filter((n) => !n.ready);
  const badPods = (pods.data?.pods ?? []).filter(podInTrouble);
  const badWl = (wl.data?.workloads ?? []).filter((w) => !w.healthy);
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
      <h2>Needs attention</h2>
      <div className="grid2">
        <div className="card">
          <h3>Nodes not ready ({badNodes.length})</h3>
          {badNodes.length === 0 ? <p className="muted">All nodes are ready.</p> : null}
          <ul className="plain">
            {badNodes.map((n) => (
              <li key={n.name}>
                <Link to={pathOf('nodes', n.name)}>{n.name}</Link> <Status value="NotReady" />
              </li>
            ))}
          </ul>
          <h3>Degraded workloads ({badWl.length})</h3>
          {badWl.length === 0 ? (
            <p className="muted">Every workload has its desired replicas ready.</p>
          ) : null}
          <ul className="plain">
            {badWl.slice(0, 10).map((w) => (
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
          <h3>Pods in trouble ({badPods.length})</h3>
          {badPods.length === 0 ? <p className="muted">No failing, pending or restarting pods.</p> : null}
          <ul className="plain" data-testid="troubled-pods">
            {badPods.slice(0, 12).map((p) => (
              <li key={`${p.namespace}/${p.name}`}>
                <Link to={pathOf('pods', p.namespace, p.name)}>
                  {p.namespace}/{p.name}
                </Link>{' '}
                <Status value={p.status} />{' '}
                {p.restarts ? <span className="muted">{p.restarts} restarts</span> : null}
              </li>
            ))}
            {badPods.length > 12 ? (
              <li>
                <Link to="/pods?problems=1">all {badPods.length}…</Link>
              </li>
            ) : null}
          </ul>
          <h3>Recent Warning events</h3>
          <ErrorBox error={ev.error} />
          {ev.data?.events.length === 0 ? (
            <p className="muted">No Warning events in this time range.</p>
          ) : null}
          <ul className="plain">
            {(ev.data?.events ?? []).map((e) => (
              <li key={`${e.timeUnixNano}/${e.eventName}`}>
                <span className="muted">{fmtTime(nsToMs(e.timeUnixNano)).slice(11)}</span> <b>{e.reason}</b>{' '}
                {e.objectKind}/{e.objectName}: {e.message}
              </li>
            ))}
          </ul>
        </div>
      </div>
    </Page>
  );
}
