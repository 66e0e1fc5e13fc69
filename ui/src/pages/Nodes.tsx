// Nodes list and node detail (conditions, CPU/memory charts, its pods).
import { useMemo } from 'react';
import { apiUrl } from '../api/client.ts';
import type { Node, Pod } from '../api/types.ts';
import { ErrorBox, KeyValues, Loading, Page, Status, UsageBar } from '../components/common.tsx';
import { atParams } from '../components/data.ts';
import { useApi, useTimeRange } from '../components/hooks.ts';
import { Link, useQuery } from '../components/router.tsx';
import { UsageCharts } from '../components/UsageCharts.tsx';
import { VirtualTable, type Column } from '../components/VirtualTable.tsx';
import { fmtBytes, fmtCores } from '../lib/format.ts';
import { parseSort, pathOf, toggleSort } from '../lib/url-state.ts';
import { PodTable } from './Pods.tsx';

const nodeColumns: Column<Node>[] = [
  {
    key: 'name',
    title: 'Name',
    width: 'minmax(160px, 2fr)',
    sortable: true,
    render: (n) => <Link to={pathOf('nodes', n.name)}>{n.name}</Link>,
  },
  {
    key: 'status',
    title: 'Status',
    width: '100px',
    sortable: true,
    render: (n) => <Status value={n.ready ? 'Ready' : 'NotReady'} />,
  },
  {
    key: 'roles',
    title: 'Roles',
    width: '120px',
    render: (n) => n.roles.join(', ') || <span className="muted">&lt;none&gt;</span>,
  },
  {
    key: 'pods',
    title: 'Pods',
    width: '90px',
    sortable: true,
    align: 'right',
    render: (n) => `${n.pods}/${n.allocatable.pods ?? '?'}`,
  },
  {
    key: 'cpu',
    title: 'CPU used / allocatable',
    width: 'minmax(180px, 1.5fr)',
    sortable: true,
    render: (n) => (
      <UsageBar
        used={n.cpuCores}
        of={n.allocatable.cpuCores}
        label={`${fmtCores(n.cpuCores)} / ${fmtCores(n.allocatable.cpuCores)}`}
      />
    ),
  },
  {
    key: 'memory',
    title: 'Memory used / allocatable',
    width: 'minmax(200px, 1.5fr)',
    sortable: true,
    render: (n) => (
      <UsageBar
        used={n.memoryBytes}
        of={n.allocatable.memoryBytes}
        label={`${fmtBytes(n.memoryBytes)} / ${fmtBytes(n.allocatable.memoryBytes)}`}
      />
    ),
  },
  { key: 'version', title: 'Kubelet', width: '110px', render: (n) => n.kubeletVersion },
];

const frac = (a: number | null, b: number | null): number =>
  a === null || b === null || b <= 0 ? -1 : a / b;
const NODE_SORT: Record<string, (a: Node, b: Node) => number> = {
  name: (a, b) => a.name.localeCompare(b.name),
  status: (a, b) => Number(a.ready) - Number(b.ready) || a.name.localeCompare(b.name),
  pods: (a, b) => a.pods - b.pods,
  cpu: (a, b) => frac(a.cpuCores, a.allocatable.cpuCores) - frac(b.cpuCores, b.allocatable.cpuCores),
  memory: (a, b) =>
    frac(a.memoryBytes, a.allocatable.memoryBytes) - frac(b.memoryBytes, b.allocatable.memoryBytes),
};

export function NodesPage() {
  const range = useTimeRange();
  const [q, set] = useQuery();
  const r = useApi<{ nodes: Node[] }>(apiUrl('k8s/nodes', atParams(range)));
  const sort = parseSort(q.get('sort'), 'status');
  const rows = useMemo(() => {
    const cmp = NODE_SORT[sort.key] ?? NODE_SORT['status']!;
    const out = [...(r.data?.nodes ?? [])].sort(cmp);
    return sort.desc ? out.reverse() : out;
  }, [r.data, sort.key, sort.desc]);
  return (
    <Page title={`Nodes (${rows.length})`} actions={<Loading show={r.loading} />}>
      <ErrorBox error={r.error} />
      <VirtualTable
        testId="nodes-table"
        rows={rows}
        columns={nodeColumns}
        rowKey={(n) => n.name}
        sort={sort}
        onSort={(k) => set({ sort: toggleSort(sort, k) })}
        rowClass={(n) => (n.ready ? '' : 'row-bad')}
      />
    </Page>
  );
}

export function NodePage({ name }: { name: string }) {
  const range = useTimeRange();
  const at = atParams(range);
  const r = useApi<{ nodes: Node[] }>(apiUrl('k8s/nodes', at));
  const pods = useApi<{ pods: Pod[] }>(apiUrl('k8s/pods', { ...at, node: name, limit: 10000 }));
  const n = r.data?.nodes.find((x) => x.name === name);
  const on = [`k8s.node.name="${name}"`, 'container!=""', 'container!="POD"'];
  return (
    <Page title={<>Node {name}</>} actions={<Loading show={r.loading} />}>
      <ErrorBox error={r.error} />
      {r.data && !n ? <div className="error">Node {name} has no data at this time.</div> : null}
      {n ? (
        <div className="grid2">
          <div className="card">
            <KeyValues
              rows={[
                ['Status', <Status key="s" value={n.ready ? 'Ready' : 'NotReady'} />],
                ['Roles', n.roles.join(', ') || '<none>'],
                ['Kubelet', n.kubeletVersion],
                ['Pods', `${n.pods} of ${n.allocatable.pods ?? '?'}`],
                [
                  'CPU',
                  <UsageBar
                    key="c"
                    used={n.cpuCores}
                    of={n.allocatable.cpuCores}
                    label={`${fmtCores(n.cpuCores)} / ${fmtCores(n.allocatable.cpuCores)} cores`}
                  />,
                ],
                [
                  'Memory',
                  <UsageBar
                    key="m"
                    used={n.memoryBytes}
                    of={n.allocatable.memoryBytes}
                    label={`${fmtBytes(n.memoryBytes)} / ${fmtBytes(n.allocatable.memoryBytes)}`}
                  />,
                ],
              ]}
            />
          </div>
          <div className="card">
            <h2>Conditions</h2>
            <table className="list" data-testid="node-conditions">
              <thead>
                <tr>
                  <th>Type</th>
                  <th>Status</th>
                </tr>
              </thead>
              <tbody>
                {n.conditions.map((c) => {
                  const good = c.type === 'Ready' ? c.status === 'true' : c.status === 'false';
                  return (
                    <tr key={c.type}>
                      <td>{c.type}</td>
                      <td>
                        <span className={`status ${good ? 'good' : 'bad'}`}>{c.status}</span>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </div>
      ) : null}
      <UsageCharts matchers={on} by="k8s.node.name" of="" io={[`k8s.node.name="${name}"`, 'id="/"']} />
      <h2>Pods on {name}</h2>
      <ErrorBox error={pods.error} />
      <PodTable pods={pods.data?.pods ?? []} height={400} />
    </Page>
  );
}
