// Metrics explorer: pick a metric, see its labels, filter with matchers, aggregate and chart.
import { useState } from 'react';
import { apiUrl } from '../api/client.ts';
import { ErrorBox, Loading, Page } from '../components/common.tsx';
import { rangeParams } from '../components/data.ts';
import { useApi, useDebounced, useTimeRange } from '../components/hooks.ts';
import { MetricChart } from '../components/MetricChart.tsx';
import { navigate, useQuery } from '../components/router.tsx';
import { fmtNumber } from '../lib/format.ts';

const FNS = ['raw', 'rate', 'sum', 'avg', 'max', 'min'];

export function MetricsPage() {
  const [q, set] = useQuery();
  const range = useTimeRange();
  const metric = q.get('metric') ?? '';
  const fn = q.get('fn') ?? (metric.endsWith('_total') ? 'rate' : 'sum');
  const by = (q.get('by') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const matchers = q.getAll('match');
  const [search, setSearch] = useState('');
  const match = useDebounced(search, 200);
  const names = useApi<{ metrics: string[]; truncated: boolean }>(
    apiUrl('metrics', { ...rangeParams(range), match, limit: 200 }),
  );
  const labels = useApi<{ labels: string[] }>(
    metric ? apiUrl(`metrics/${encodeURIComponent(metric)}/labels`, rangeParams(range)) : null,
  );
  const [draft, setDraft] = useState(matchers.join('\n'));
  const applyMatchers = (): void => {
    const list = draft
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean);
    const p = new URLSearchParams(window.location.search);
    p.delete('match');
    for (const m of list) p.append('match', m);
    navigate(`${window.location.pathname}?${p.toString()}`, { replace: true });
  };
  return (
    <Page title="Metrics" actions={<Loading show={names.loading} />}>
      <div className="metrics-layout">
        <aside className="card metric-list">
          <input
            aria-label="find metric"
            placeholder="find a metric…"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
          <ErrorBox error={names.error} />
          <ul className="plain" data-testid="metric-names">
            {(names.data?.metrics ?? []).map((m) => (
              <li key={m}>
                <button
                  className={`link ${m === metric ? 'active' : ''}`}
                  onClick={() => set({ metric: m, fn: undefined, by: undefined }, true)}
                >
                  {m}
                </button>
              </li>
            ))}
          </ul>
          {names.data?.truncated ? <div className="muted small">more… narrow the search</div> : null}
        </aside>
        <div>
          {metric ? (
            <>
              <div className="filters">
                <b className="mono">{metric}</b>
                <select
                  aria-label="function"
                  value={fn}
                  onChange={(e) =>
                    set({ fn: e.target.value, by: e.target.value === 'raw' ? undefined : q.get('by') }, true)
                  }
                >
                  {FNS.map((f) => (
                    <option key={f}>{f}</option>
                  ))}
                </select>
                <input
                  aria-label="group by"
                  placeholder="by labels, comma separated"
                  defaultValue={by.join(',')}
                  disabled={fn === 'raw'}
                  onBlur={(e) => set({ by: e.target.value }, true)}
                />
              </div>
              <div className="filters">
                <textarea
                  aria-label="matchers"
                  rows={Math.max(2, draft.split('\n').length)}
                  placeholder={'label="value" (one per line; also !=, =~, !~)'}
                  value={draft}
                  onChange={(e) => setDraft(e.target.value)}
                  onBlur={applyMatchers}
                />
              </div>
              <div className="muted small">Labels: {(labels.data?.labels ?? []).join(', ') || '…'}</div>
              <MetricChart
                title={`${fn}(${metric})${by.length ? ` by ${by.join(', ')}` : ''}`}
                metric={metric}
                fn={fn}
                by={fn === 'raw' ? [] : by}
                matchers={matchers}
                format={fmtNumber}
                height={280}
              />
            </>
          ) : (
            <div className="empty">Pick a metric on the left.</div>
          )}
        </div>
      </div>
    </Page>
  );
}
