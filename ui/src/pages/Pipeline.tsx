// Pipeline health: every WatchingCat process that reports its own metrics (agents, gateways, the
// backend) with its heartbeat, items accepted / refused / dropped / sent and queue depth, and the
// last data received per source — silent ones first, so a stop that produced no error is visible.
import { apiUrl } from '../api/client.ts';
import { ErrorBox, Loading, Page, Status } from '../components/common.tsx';
import { rangeParams } from '../components/data.ts';
import { useApi, useTimeRange } from '../components/hooks.ts';
import { Link } from '../components/router.tsx';
import { fmtAge, fmtNumber } from '../lib/format.ts';

interface ProcessHealth {
  instance: string;
  role: string;
  host: string;
  node: string;
  pod: string;
  cluster: string;
  secondsSinceLastSeen: number;
  status: 'ok' | 'silent';
  accepted: number;
  refused: number;
  dropped: number;
  sent: number;
  queueSize: number;
  queueCapacity: number | null;
}

interface Source {
  service: string;
  signal: 'traces' | 'logs' | 'metrics';
  secondsSinceLast: number;
  items: number;
}

/** A source is shown as quiet after five minutes without data. */
const QUIET_AFTER_S = 300;

const sourceLink = (s: Source): string =>
  s.signal === 'traces'
    ? `/traces?service=${encodeURIComponent(s.service)}`
    : s.signal === 'logs'
      ? `/logs?service=${encodeURIComponent(s.service)}`
      : `/metrics`;

export function PipelinePage() {
  const range = useTimeRange();
  const r = useApi<{ silentAfterSeconds: number; processes: ProcessHealth[]; sources: Source[] }>(
    apiUrl('pipeline', rangeParams(range)),
  );
  const procs = r.data?.processes ?? [];
  const sources = r.data?.sources ?? [];
  return (
    <Page title="Pipeline health" actions={<Loading show={r.loading} />}>
      <ErrorBox error={r.error} />
      <h2>Processes ({procs.length})</h2>
      <p className="muted">
        Each WatchingCat process reports its own metrics every 15 s; one silent for more than{' '}
        {r.data?.silentAfterSeconds ?? 60} s has stopped or cannot reach the backend.
      </p>
      <table className="list" data-testid="pipeline-processes">
        <thead>
          <tr>
            <th>Status</th>
            <th>Role</th>
            <th>Process</th>
            <th>Node / host</th>
            <th className="right">Last heartbeat</th>
            <th className="right">Accepted</th>
            <th className="right">Refused</th>
            <th className="right">Dropped</th>
            <th className="right">Sent</th>
            <th className="right">Queue</th>
          </tr>
        </thead>
        <tbody>
          {procs.map((p) => (
            <tr key={p.instance} className={p.status === 'silent' || p.dropped > 0 ? 'row-bad' : ''}>
              <td>
                <Status value={p.status === 'ok' ? 'Ready' : 'Silent'} />
              </td>
              <td>{p.role || '–'}</td>
              <td title={p.instance}>{p.pod || p.instance}</td>
              <td>{p.node ? <Link to={`/nodes/${encodeURIComponent(p.node)}`}>{p.node}</Link> : p.host}</td>
              <td className="right">{fmtAge(p.secondsSinceLastSeen)} ago</td>
              <td className="right">{fmtNumber(p.accepted)}</td>
              <td className="right">{fmtNumber(p.refused)}</td>
              <td className="right">{fmtNumber(p.dropped)}</td>
              <td className="right">{fmtNumber(p.sent)}</td>
              <td className="right">
                {fmtNumber(p.queueSize)}
                {p.queueCapacity ? <span className="muted"> / {fmtNumber(p.queueCapacity)}</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Last data per source ({sources.length})</h2>
      <table className="list" data-testid="pipeline-sources">
        <thead>
          <tr>
            <th>Source (service.name)</th>
            <th>Signal</th>
            <th className="right">Last data</th>
            <th className="right">Items in range</th>
          </tr>
        </thead>
        <tbody>
          {sources.map((s) => (
            <tr
              key={`${s.service}/${s.signal}`}
              className={s.secondsSinceLast > QUIET_AFTER_S ? 'row-bad' : ''}
            >
              <td>
                <Link to={sourceLink(s)}>{s.service || '(no service.name)'}</Link>
              </td>
              <td>{s.signal}</td>
              <td className="right">{fmtAge(s.secondsSinceLast)} ago</td>
              <td className="right">{fmtNumber(s.items)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Page>
  );
}
