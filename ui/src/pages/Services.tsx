// Services (request rate, error rate, latency percentiles of server spans) and the service map.
import { useMemo } from 'react';
import { apiUrl } from '../api/client.ts';
import type { Dependencies, Service } from '../api/types.ts';
import { ErrorBox, Empty, Loading, Page } from '../components/common.tsx';
import { rangeParams } from '../components/data.ts';
import { useApi, useTimeRange } from '../components/hooks.ts';
import { Link } from '../components/router.tsx';
import { fmtDuration, fmtNumber, fmtPercent, fmtRate } from '../lib/format.ts';

export function ServicesPage() {
  const range = useTimeRange();
  const r = useApi<{ services: Service[] }>(apiUrl('services', rangeParams(range)));
  const services = r.data?.services ?? [];
  return (
    <Page title="Services" actions={<Link to="/services/map">Service map →</Link>}>
      <ErrorBox error={r.error} />
      <Loading show={r.loading && !r.data} />
      {r.data && services.length === 0 ? <Empty>No server spans in this time range.</Empty> : null}
      {services.length > 0 ? (
        <table className="list" data-testid="services-table">
          <thead>
            <tr>
              <th>Service</th>
              <th className="right">Requests</th>
              <th className="right">Rate</th>
              <th className="right">Errors</th>
              <th className="right">p50</th>
              <th className="right">p95</th>
              <th className="right">p99</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {services.map((s) => (
              <tr key={s.name} className={s.errorRate > 0.05 ? 'row-bad' : ''}>
                <td>
                  <b>{s.name}</b>
                </td>
                <td className="right">{fmtNumber(s.spans)}</td>
                <td className="right">{fmtRate(s.requestRate)}</td>
                <td className="right">{fmtPercent(s.errorRate)}</td>
                <td className="right">{fmtDuration(s.latency.p50Nano)}</td>
                <td className="right">{fmtDuration(s.latency.p95Nano)}</td>
                <td className="right">{fmtDuration(s.latency.p99Nano)}</td>
                <td>
                  <Link to={`/traces?service=${encodeURIComponent(s.name)}`}>traces</Link> ·{' '}
                  <Link to={`/logs?service=${encodeURIComponent(s.name)}`}>logs</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </Page>
  );
}

interface Placed {
  name: string;
  x: number;
  y: number;
}

/** Columns by longest call path from a caller-only service; rows in each column by name. */
export function layoutGraph(d: Dependencies): { nodes: Placed[]; w: number; h: number } {
  const names = d.nodes.map((n) => n.name);
  const level = new Map<string, number>(names.map((n) => [n, 0]));
  // Longest path (cycles are cut after names.length rounds).
  for (let round = 0; round < names.length; round++) {
    let changed = false;
    for (const e of d.edges) {
      if (e.parent === e.child) continue;
      const want = (level.get(e.parent) ?? 0) + 1;
      if (want > (level.get(e.child) ?? 0) && want < names.length) {
        level.set(e.child, want);
        changed = true;
      }
    }
    if (!changed) break;
  }
  const cols = new Map<number, string[]>();
  for (const n of [...names].sort()) {
    const l = level.get(n) ?? 0;
    cols.set(l, [...(cols.get(l) ?? []), n]);
  }
  const colW = 220;
  const rowH = 90;
  const maxRows = Math.max(1, ...[...cols.values()].map((c) => c.length));
  const nodes: Placed[] = [];
  for (const [l, col] of cols)
    col.forEach((name, i) =>
      nodes.push({ name, x: 100 + l * colW, y: 50 + (i + (maxRows - col.length) / 2) * rowH }),
    );
  return { nodes, w: 200 + Math.max(0, ...cols.keys()) * colW, h: 40 + maxRows * rowH };
}

export function ServiceMapPage() {
  const range = useTimeRange();
  const r = useApi<Dependencies>(apiUrl('dependencies', rangeParams(range)));
  const g = useMemo(() => (r.data ? layoutGraph(r.data) : undefined), [r.data]);
  const pos = new Map(g?.nodes.map((n) => [n.name, n]) ?? []);
  return (
    <Page title="Service map" actions={<Link to="/services">← Services</Link>}>
      <ErrorBox error={r.error} />
      <Loading show={r.loading && !r.data} />
      {r.data && r.data.edges.length === 0 ? (
        <Empty>No calls between services in this time range.</Empty>
      ) : null}
      {g && r.data && r.data.edges.length > 0 ? (
        <div className="card map">
          <svg
            viewBox={`0 0 ${g.w} ${g.h}`}
            style={{ width: '100%', maxHeight: '70vh' }}
            data-testid="service-map"
            role="img"
            aria-label="service map"
          >
            <defs>
              <marker
                id="arrow"
                viewBox="0 0 10 10"
                refX="10"
                refY="5"
                markerWidth="7"
                markerHeight="7"
                orient="auto-start-reverse"
              >
                <path d="M 0 0 L 10 5 L 0 10 z" fill="#8a94a6" />
              </marker>
            </defs>
            {r.data.edges.map((e) => {
              const a = pos.get(e.parent);
              const b = pos.get(e.child);
              if (!a || !b) return null;
              const x1 = a.x + 70;
              const x2 = b.x - 70;
              const self = e.parent === e.child;
              const d = self
                ? `M ${a.x + 40} ${a.y - 18} C ${a.x + 90} ${a.y - 70}, ${a.x - 90} ${a.y - 70}, ${a.x - 40} ${a.y - 18}`
                : `M ${x1} ${a.y} C ${(x1 + x2) / 2} ${a.y}, ${(x1 + x2) / 2} ${b.y}, ${x2} ${b.y}`;
              return (
                <g key={`${e.parent}->${e.child}`} className={e.errors > 0 ? 'edge failing' : 'edge'}>
                  <path d={d} fill="none" markerEnd="url(#arrow)" />
                  <text
                    x={self ? a.x : (x1 + x2) / 2}
                    y={self ? a.y - 56 : (a.y + b.y) / 2 - 6}
                    textAnchor="middle"
                  >
                    {fmtNumber(e.calls)} calls{e.errors ? `, ${fmtNumber(e.errors)} errors` : ''}
                  </text>
                </g>
              );
            })}
            {g.nodes.map((n) => (
              <g key={n.name} className="svc-node">
                <rect x={n.x - 70} y={n.y - 18} width={140} height={36} rx={8} />
                <text x={n.x} y={n.y + 5} textAnchor="middle">
                  {n.name.length > 20 ? `${n.name.slice(0, 19)}…` : n.name}
                </text>
              </g>
            ))}
          </svg>
        </div>
      ) : null}
    </Page>
  );
}
