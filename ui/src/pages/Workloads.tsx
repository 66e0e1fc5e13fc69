// Workloads (Deployments, DaemonSets, StatefulSets) and Namespaces.
import { useMemo } from 'react';
import { apiUrl } from '../api/client.ts';
import type { Namespace, Workload } from '../api/types.ts';
import { ErrorBox, Loading, Page, Status } from '../components/common.tsx';
import { atParams } from '../components/data.ts';
import { useApi, useTimeRange } from '../components/hooks.ts';
import { Link, useQuery } from '../components/router.tsx';
import { VirtualTable, type Column } from '../components/VirtualTable.tsx';

const wlColumns: Column<Workload>[] = [
  { key: 'kind', title: 'Kind', width: '120px', render: (w) => w.kind },
  {
    key: 'namespace',
    title: 'Namespace',
    width: 'minmax(120px, 1fr)',
    render: (w) => <Link to={`/pods?namespace=${encodeURIComponent(w.namespace)}`}>{w.namespace}</Link>,
  },
  { key: 'name', title: 'Name', width: 'minmax(180px, 2fr)', render: (w) => <b>{w.name}</b> },
  {
    key: 'status',
    title: 'Status',
    width: '110px',
    render: (w) => <Status value={w.healthy ? 'Healthy' : 'Degraded'} />,
  },
  { key: 'desired', title: 'Desired', width: '80px', align: 'right', render: (w) => w.desired ?? '–' },
  { key: 'ready', title: 'Ready', width: '80px', align: 'right', render: (w) => w.ready ?? '–' },
  { key: 'available', title: 'Available', width: '90px', align: 'right', render: (w) => w.available ?? '–' },
];

export function WorkloadsPage() {
  const range = useTimeRange();
  const [q, set] = useQuery();
  const kind = q.get('kind') ?? '';
  const namespace = q.get('namespace') ?? '';
  const r = useApi<{ workloads: Workload[] }>(apiUrl('k8s/workloads', { ...atParams(range), namespace }));
  // Degraded first, then as the API sorts (kind, namespace, name).
  const rows = useMemo(
    () =>
      (r.data?.workloads ?? [])
        .filter((w) => !kind || w.kind === kind)
        .sort((a, b) => Number(a.healthy) - Number(b.healthy)),
    [r.data, kind],
  );
  return (
    <Page title={`Workloads (${rows.length})`} actions={<Loading show={r.loading} />}>
      <div className="filters">
        <select aria-label="kind" value={kind} onChange={(e) => set({ kind: e.target.value }, true)}>
          <option value="">all kinds</option>
          <option>Deployment</option>
          <option>DaemonSet</option>
          <option>StatefulSet</option>
        </select>
        <input
          aria-label="namespace"
          placeholder="namespace"
          defaultValue={namespace}
          onBlur={(e) => set({ namespace: e.target.value }, true)}
        />
      </div>
      <ErrorBox error={r.error} />
      <VirtualTable
        testId="workloads-table"
        rows={rows}
        columns={wlColumns}
        rowKey={(w) => `${w.kind}/${w.namespace}/${w.name}`}
        rowClass={(w) => (w.healthy ? '' : 'row-bad')}
      />
    </Page>
  );
}

const PHASES = ['Running', 'Pending', 'Succeeded', 'Failed', 'Unknown'];

export function NamespacesPage() {
  const range = useTimeRange();
  const r = useApi<{ namespaces: Namespace[] }>(apiUrl('k8s/namespaces', atParams(range)));
  const nss = r.data?.namespaces ?? [];
  return (
    <Page title={`Namespaces (${nss.length})`} actions={<Loading show={r.loading} />}>
      <ErrorBox error={r.error} />
      <table className="list" data-testid="namespaces-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Phase</th>
            <th className="right">Pods</th>
            {PHASES.map((p) => (
              <th key={p} className="right">
                {p}
              </th>
            ))}
            <th />
          </tr>
        </thead>
        <tbody>
          {nss.map((n) => (
            <tr key={n.name} className={(n.pods['Failed'] ?? 0) > 0 ? 'row-bad' : ''}>
              <td>
                <b>{n.name}</b>
              </td>
              <td>
                <Status value={n.phase} />
              </td>
              <td className="right">{n.pods.total}</td>
              {PHASES.map((p) => (
                <td key={p} className="right">
                  {n.pods[p] ? (
                    <Link to={`/pods?namespace=${encodeURIComponent(n.name)}&phase=${p}`}>{n.pods[p]}</Link>
                  ) : (
                    <span className="muted">0</span>
                  )}
                </td>
              ))}
              <td>
                <Link to={`/pods?namespace=${encodeURIComponent(n.name)}`}>pods</Link> ·{' '}
                <Link to={`/events?namespace=${encodeURIComponent(n.name)}`}>events</Link> ·{' '}
                <Link to={`/workloads?namespace=${encodeURIComponent(n.name)}`}>workloads</Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Page>
  );
}
