// Pods: the list (status as kubectl shows it, restarts, CPU/memory against requests and limits),
// windowed so 10,000 rows stay fast; filters and sort in the URL.
import { useEffect, useLayoutEffect, useMemo, useState } from 'react';
import { apiUrl } from '../api/client.ts';
import type { Namespace, Pod, Resources } from '../api/types.ts';
import { ErrorBox, Loading, Page, Status, UsageBar } from '../components/common.tsx';
import { atParams } from '../components/data.ts';
import { useApi, useDebounced, useTimeRange } from '../components/hooks.ts';
import { Link, useQuery } from '../components/router.tsx';
import { VirtualTable, type Column } from '../components/VirtualTable.tsx';
import { fmtAge, fmtBytes, fmtCores } from '../lib/format.ts';
import { parseSort, pathOf, toggleSort } from '../lib/url-state.ts';

const OK = new Set(['Running', 'Succeeded', 'Completed']);

/** Failing, pending, not ready or restarting. */
export function podInTrouble(p: Pod): boolean {
  if (!OK.has(p.status)) return true;
  if (p.status === 'Running' && p.containers.ready < p.containers.total) return true;
  return p.restarts > 0;
}

/** Use against the limit when there is one, else the request: what kubectl top users compare. */
function usageCell(
  used: number | null,
  req: Resources,
  lim: Resources,
  key: keyof Resources,
  fmt: (v: number | null) => string,
) {
  const of = lim[key] ?? req[key];
  const detail = `${fmt(used)} used, request ${fmt(req[key])}, limit ${fmt(lim[key])}`;
  if (of === null) return <span title="no request or limit">{fmt(used)}</span>;
  const label = `${fmt(used)} / ${fmt(of)}${lim[key] === null ? ' req' : ''}`;
  return (
    <UsageBar
      used={used ?? 0}
      of={of}
      request={lim[key] !== null ? req[key] : null}
      label={label}
      title={detail}
    />
  );
}

const columns: Column<Pod>[] = [
  {
    key: 'name',
    title: 'Name',
    width: 'minmax(200px, 2.2fr)',
    sortable: true,
    render: (p) => <Link to={pathOf('pods', p.namespace, p.name)}>{p.name}</Link>,
  },
  {
    key: 'namespace',
    title: 'Namespace',
    width: 'minmax(100px, 1fr)',
    sortable: true,
    render: (p) => p.namespace,
  },
  {
    key: 'ready',
    title: 'Ready',
    width: '64px',
    align: 'right',
    render: (p) => `${p.containers.ready}/${p.containers.total}`,
  },
  {
    key: 'status',
    title: 'Status',
    width: '150px',
    sortable: true,
    render: (p) => <Status value={p.status} />,
  },
  {
    key: 'restarts',
    title: 'Restarts',
    width: '80px',
    align: 'right',
    sortable: true,
    render: (p) => p.restarts,
  },
  {
    key: 'cpu',
    title: 'CPU',
    width: 'minmax(170px, 1.4fr)',
    sortable: true,
    render: (p) => usageCell(p.cpuCores, p.requests, p.limits, 'cpuCores', fmtCores),
  },
  {
    key: 'memory',
    title: 'Memory',
    width: 'minmax(200px, 1.6fr)',
    sortable: true,
    render: (p) => usageCell(p.memoryBytes, p.requests, p.limits, 'memoryBytes', fmtBytes),
  },
  {
    key: 'node',
    title: 'Node',
    width: 'minmax(100px, 1fr)',
    sortable: true,
    render: (p) =>
      p.node ? (
        <Link to={pathOf('nodes', p.node)}>{p.node}</Link>
      ) : (
        <span className="muted">&lt;none&gt;</span>
      ),
  },
  {
    key: 'age',
    title: 'Age',
    width: '60px',
    align: 'right',
    sortable: true,
    render: (p) => fmtAge(p.ageSeconds),
  },
];

const str = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const num = (a: number | null, b: number | null): number => (a ?? -1) - (b ?? -1);
const SORTS: Record<string, (a: Pod, b: Pod) => number> = {
  name: (a, b) => str(a.name, b.name),
  namespace: (a, b) => str(a.namespace, b.namespace) || str(a.name, b.name),
  status: (a, b) =>
    Number(podInTrouble(b)) - Number(podInTrouble(a)) || str(a.status, b.status) || str(a.name, b.name),
  restarts: (a, b) => a.restarts - b.restarts,
  cpu: (a, b) => num(a.cpuCores, b.cpuCores),
  memory: (a, b) => num(a.memoryBytes, b.memoryBytes),
  node: (a, b) => str(a.node, b.node),
  age: (a, b) => num(a.ageSeconds, b.ageSeconds),
};

export function sortPods(pods: readonly Pod[], key: string, desc: boolean): Pod[] {
  const out = [...pods].sort(SORTS[key] ?? SORTS['status']!);
  return desc ? out.reverse() : out;
}

export function PodTable({
  pods,
  height = 600,
  sort,
  onSort,
}: {
  pods: readonly Pod[];
  height?: number;
  sort?: { key: string; desc: boolean };
  onSort?: (k: string) => void;
}) {
  const [own, setOwn] = useState({ key: 'status', desc: false });
  const s = sort ?? own;
  const rows = useMemo(() => sortPods(pods, s.key, s.desc), [pods, s.key, s.desc]);
  return (
    <VirtualTable
      testId="pods-table"
      rows={rows}
      columns={columns}
      rowKey={(p) => `${p.namespace}/${p.name}`}
      height={height}
      sort={s}
      onSort={
        onSort ??
        ((k) =>
          setOwn((c) => {
            const t = toggleSort(c, k);
            return { key: t.replace(/^-/, ''), desc: t.startsWith('-') };
          }))
      }
      rowClass={(p) => (podInTrouble(p) && !OK.has(p.status) ? 'row-bad' : '')}
    />
  );
}

export function PodsPage() {
  const range = useTimeRange();
  const [q, set] = useQuery();
  const namespace = q.get('namespace') ?? '';
  const node = q.get('node') ?? '';
  const phase = q.get('phase') ?? '';
  const problems = q.get('problems') === '1';
  const [text, setText] = useState(q.get('q') ?? '');
  const search = useDebounced(text, 150);
  useEffect(() => set({ q: search }), [search, set]);
  const r = useApi<{ pods: Pod[]; truncated: boolean }>(
    apiUrl('k8s/pods', { ...atParams(range), namespace, node, phase, limit: 10000 }),
  );
  const nss = useApi<{ namespaces: Namespace[] }>(apiUrl('k8s/namespaces', atParams(range)));
  const sort = parseSort(q.get('sort'), 'status');
  // How long the list takes from its data to rows on screen (read by the browser test): marked
  // while rendering the new data, measured at the next frame after the commit.
  useMemo(() => {
    if (r.data) performance.mark('wc:pods:data');
  }, [r.data]);
  const filtered = useMemo(() => {
    const words = search.toLowerCase().split(/\s+/).filter(Boolean);
    return (r.data?.pods ?? []).filter(
      (p) =>
        (!problems || podInTrouble(p)) &&
        words.every((w) => p.name.toLowerCase().includes(w) || p.status.toLowerCase().includes(w)),
    );
  }, [r.data, search, problems]);
  useLayoutEffect(() => {
    if (!r.data || performance.getEntriesByName('wc:pods:data').length === 0) return;
    requestAnimationFrame(() => {
      if (performance.getEntriesByName('wc:pods:data').length === 0) return;
      performance.measure('wc:pods:render', 'wc:pods:data');
      performance.clearMarks('wc:pods:data');
    });
  }, [r.data]);
  return (
    <Page title={`Pods (${filtered.length})`} actions={<Loading show={r.loading} />}>
      <div className="filters">
        <input
          aria-label="search pods"
          placeholder="name or status…"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <select
          aria-label="namespace"
          value={namespace}
          onChange={(e) => set({ namespace: e.target.value }, true)}
        >
          <option value="">all namespaces</option>
          {(nss.data?.namespaces ?? []).map((n) => (
            <option key={n.name} value={n.name}>
              {n.name}
            </option>
          ))}
        </select>
        <select aria-label="phase" value={phase} onChange={(e) => set({ phase: e.target.value }, true)}>
          <option value="">any phase</option>
          {['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'].map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
        {node ? (
          <span className="chip">
            node={node} <button onClick={() => set({ node: undefined }, true)}>×</button>
          </span>
        ) : null}
        <label>
          <input
            type="checkbox"
            checked={problems}
            onChange={(e) => set({ problems: e.target.checked ? '1' : undefined }, true)}
          />{' '}
          problems only
        </label>
      </div>
      <ErrorBox error={r.error} />
      {r.data?.truncated ? (
        <div className="error">The cluster is larger than one view reads: the list is partial.</div>
      ) : null}
      <PodTable
        pods={filtered}
        sort={sort}
        onSort={(k) => set({ sort: toggleSort(sort, k) })}
        height={Math.max(300, window.innerHeight - 230)}
      />
      <div className="footer-count" data-testid="pods-count">
        {filtered.length} pods
      </div>
    </Page>
  );
}
