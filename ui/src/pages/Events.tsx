// Kubernetes events as a timeline, with filters for namespace, type, reason and object.
import { apiUrl, type Params } from '../api/client.ts';
import type { K8sEvent } from '../api/types.ts';
import { ErrorBox, Empty, Loading, Page, Status } from '../components/common.tsx';
import { rangeParams } from '../components/data.ts';
import { useApi, useTimeRange } from '../components/hooks.ts';
import { useFilterInputs } from '../components/FilterInputs.tsx';
import { Link, useQuery } from '../components/router.tsx';
import { fmtTime, nsToMs } from '../lib/format.ts';
import { pathOf } from '../lib/url-state.ts';

function objectLink(e: K8sEvent) {
  const label = `${e.objectKind}/${e.objectName}`;
  if (e.objectKind === 'Pod') return <Link to={pathOf('pods', e.namespace, e.objectName)}>{label}</Link>;
  if (e.objectKind === 'Node') return <Link to={pathOf('nodes', e.objectName)}>{label}</Link>;
  return label;
}

export function EventList({ filters, limit = 500 }: { filters: Params; limit?: number }) {
  const range = useTimeRange();
  const r = useApi<{ events: K8sEvent[]; truncated: boolean }>(
    apiUrl('k8s/events', { ...rangeParams(range), ...filters, limit }),
  );
  const events = r.data?.events ?? [];
  let day = '';
  return (
    <div>
      <ErrorBox error={r.error} />
      <Loading show={r.loading && !r.data} />
      {r.data && events.length === 0 ? <Empty>No events in this time range.</Empty> : null}
      <ol className="timeline" data-testid="events-list">
        {events.map((e) => {
          const t = fmtTime(nsToMs(e.timeUnixNano));
          const d = t.slice(0, 10);
          const header = d !== day ? <li className="day">{(day = d)}</li> : null;
          return [
            header,
            <li
              key={`${e.timeUnixNano}/${e.eventName}/${e.reason}`}
              className={`event ${e.type === 'Warning' ? 'warning' : ''}`}
            >
              <span className="time mono">{t.slice(11)}</span>
              <Status value={e.type} />
              <b className="reason">{e.reason}</b>
              <span className="object">
                {e.namespace ? `${e.namespace} · ` : ''}
                {objectLink(e)}
              </span>
              <span className="message">{e.message}</span>
              {e.count > 1 ? <span className="muted">×{e.count}</span> : null}
            </li>,
          ];
        })}
      </ol>
      {r.data?.truncated ? (
        <div className="muted">
          Showing the newest {limit}; narrow the filters or the time range for more.
        </div>
      ) : null}
    </div>
  );
}

export function EventsPage() {
  const [q, set] = useQuery();
  const f = (k: string): string | undefined => q.get(k) ?? undefined;
  const input = useFilterInputs(['namespace', 'reason', 'kind', 'name'] as const);
  return (
    <Page title="Events">
      <div className="filters">
        {input('namespace', 'namespace')}
        <select
          aria-label="type"
          value={q.get('type') ?? ''}
          onChange={(e) => set({ type: e.target.value }, true)}
        >
          <option value="">Warning and Normal</option>
          <option>Warning</option>
          <option>Normal</option>
        </select>
        {input('reason', 'reason (BackOff…)')}
        {input('kind', 'object kind (Pod…)')}
        {input('name', 'object name')}
      </div>
      <EventList
        filters={{
          namespace: f('namespace'),
          type: f('type'),
          reason: f('reason'),
          kind: f('kind'),
          name: f('name'),
        }}
      />
    </Page>
  );
}
