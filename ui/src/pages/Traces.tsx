// Trace search and the trace waterfall with span details and a jump to the pod's logs.
import { useMemo } from 'react';
import { anyText, apiUrl, attr, type Params } from '../api/client.ts';
import type { Service, Span, TraceSummary } from '../api/types.ts';
import { ErrorBox, Empty, KeyValues, Loading, Page } from '../components/common.tsx';
import { colorOf } from '../components/charts.tsx';
import { rangeParams } from '../components/data.ts';
import { useApi, useTimeRange } from '../components/hooks.ts';
import { useFilterInputs } from '../components/FilterInputs.tsx';
import { Link, useQuery } from '../components/router.tsx';
import { fmtDuration, fmtTime, nsToMs } from '../lib/format.ts';
import { pathOf } from '../lib/url-state.ts';
import { resourceFilters } from './Logs.tsx';

export function TraceList({ filters, limit = 50 }: { filters: Params; limit?: number }) {
  const range = useTimeRange();
  const r = useApi<{ traces: TraceSummary[] }>(
    apiUrl('traces', { ...rangeParams(range), ...filters, limit }),
  );
  const traces = r.data?.traces ?? [];
  const max = Math.max(1, ...traces.map((t) => Number(t.durationNano)));
  return (
    <div>
      <ErrorBox error={r.error} />
      <Loading show={r.loading && !r.data} />
      {r.data && traces.length === 0 ? <Empty>No traces match in this time range.</Empty> : null}
      {traces.length > 0 ? (
        <table className="list" data-testid="traces-table">
          <thead>
            <tr>
              <th>Start</th>
              <th>Root</th>
              <th>Spans</th>
              <th>Errors</th>
              <th style={{ width: '30%' }}>Duration</th>
            </tr>
          </thead>
          <tbody>
            {traces.map((t) => (
              <tr key={t.traceId}>
                <td className="nowrap mono">{fmtTime(nsToMs(t.startTimeUnixNano), { millis: true })}</td>
                <td>
                  <Link to={pathOf('traces', t.traceId)} testId="trace-link">
                    <b>{t.rootService || '?'}</b>{' '}
                    {t.rootName || <span className="muted">(root not in range)</span>}
                  </Link>
                </td>
                <td className="right">{t.spanCount}</td>
                <td className="right">
                  {t.errorCount ? <span className="status bad">{t.errorCount}</span> : 0}
                </td>
                <td>
                  <span className="durbar" style={{ width: `${(Number(t.durationNano) / max) * 100}%` }} />{' '}
                  {fmtDuration(t.durationNano)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}

export function TracesPage() {
  const [q, set] = useQuery();
  const range = useTimeRange();
  const services = useApi<{ services: Service[] }>(apiUrl('services', rangeParams(range)));
  const input = useFilterInputs(['operation', 'minDuration', 'maxDuration'] as const);
  const res = resourceFilters(q);
  return (
    <Page title="Traces">
      <div className="filters">
        <select
          aria-label="service"
          value={q.get('service') ?? ''}
          onChange={(e) => set({ service: e.target.value }, true)}
        >
          <option value="">all services</option>
          {(services.data?.services ?? []).map((s) => (
            <option key={s.name}>{s.name}</option>
          ))}
        </select>
        {input('operation', 'operation')}
        {input('minDuration', 'min duration (100ms)')}
        {input('maxDuration', 'max duration (2s)')}
        <select
          aria-label="limit"
          value={q.get('limit') ?? '50'}
          onChange={(e) => set({ limit: e.target.value === '50' ? undefined : e.target.value }, true)}
        >
          {['20', '50', '100', '500'].map((n) => (
            <option key={n} value={n}>
              {n} traces
            </option>
          ))}
        </select>
        {Object.entries(res).map(([k, v]) => (
          <span className="chip" key={k}>
            {k.slice('resource.'.length)}={v} <button onClick={() => set({ [k]: undefined }, true)}>×</button>
          </span>
        ))}
      </div>
      <TraceList
        limit={Number(q.get('limit') ?? 50)}
        filters={{
          service: q.get('service') ?? undefined,
          operation: q.get('operation') ?? undefined,
          minDuration: q.get('minDuration') ?? undefined,
          maxDuration: q.get('maxDuration') ?? undefined,
          ...res,
        }}
      />
    </Page>
  );
}

interface Row {
  span: Span;
  depth: number;
}

/** Spans in tree order (children after their parent, by start time); orphans start new roots. */
export function spanTree(spans: Span[]): Row[] {
  const ids = new Set(spans.map((s) => s.spanId));
  const kids = new Map<string, Span[]>();
  const roots: Span[] = [];
  for (const s of spans) {
    if (s.parentSpanId && ids.has(s.parentSpanId)) {
      const k = kids.get(s.parentSpanId) ?? [];
      k.push(s);
      kids.set(s.parentSpanId, k);
    } else roots.push(s);
  }
  const byStart = (a: Span, b: Span): number => nsToMs(a.startTimeUnixNano) - nsToMs(b.startTimeUnixNano);
  const out: Row[] = [];
  const walk = (s: Span, depth: number): void => {
    out.push({ span: s, depth });
    for (const c of (kids.get(s.spanId) ?? []).sort(byStart)) walk(c, depth + 1);
  };
  for (const r of roots.sort(byStart)) walk(r, 0);
  return out;
}

const KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

function SpanDetails({ span }: { span: Span }) {
  const pod = attr(span.resource.attributes, 'k8s.pod.name');
  const ns = attr(span.resource.attributes, 'k8s.namespace.name');
  const start = nsToMs(span.startTimeUnixNano);
  const end = nsToMs(span.endTimeUnixNano);
  // The pod's logs a minute either side of the span.
  const window = `from=${Math.floor(start - 60_000)}&to=${Math.ceil(end + 60_000)}`;
  return (
    <div className="card span-details" data-testid="span-details">
      <h3>
        {span.service}: {span.name}
      </h3>
      <div className="actions">
        {pod ? (
          <Link
            keepGlobal={false}
            to={`/logs?resource.k8s.pod.name=${encodeURIComponent(pod)}${ns ? `&resource.k8s.namespace.name=${encodeURIComponent(ns)}` : ''}&${window}`}
            testId="span-pod-logs"
          >
            Logs of pod {pod} at this time
          </Link>
        ) : null}
        {span.service ? (
          <Link keepGlobal={false} to={`/logs?service=${encodeURIComponent(span.service)}&${window}`}>
            Logs of {span.service} at this time
          </Link>
        ) : null}
        {pod && ns ? <Link to={pathOf('pods', ns, pod)}>Pod {pod}</Link> : null}
      </div>
      <KeyValues
        rows={[
          ['Span', span.spanId],
          ['Kind', KINDS[span.kind] ?? String(span.kind)],
          ['Start', fmtTime(start, { millis: true })],
          ['Duration', fmtDuration(span.durationNano)],
          [
            'Status',
            span.status.code === 2
              ? `error: ${span.status.message}`
              : span.status.code === 1
                ? 'ok'
                : 'unset',
          ],
          ['Scope', `${span.scope.name} ${span.scope.version}`],
        ]}
      />
      <h4>Attributes</h4>
      <KeyValues rows={span.attributes.map((a) => [a.key, anyText(a.value)])} />
      {span.events.length > 0 ? (
        <>
          <h4>Events</h4>
          <KeyValues
            rows={span.events.map((e) => [
              `${fmtDuration((nsToMs(e.timeUnixNano) - start) * 1e6)} ${e.name}`,
              e.attributes.map((a) => `${a.key}=${anyText(a.value)}`).join(' '),
            ])}
          />
        </>
      ) : null}
      <h4>Resource</h4>
      <KeyValues rows={span.resource.attributes.map((a) => [a.key, anyText(a.value)])} />
    </div>
  );
}

export function TracePage({ traceId }: { traceId: string }) {
  const [q, set] = useQuery();
  const r = useApi<{ spans: Span[] }>(apiUrl(`traces/${traceId}`), { refresh: false });
  const rows = useMemo(() => spanTree(r.data?.spans ?? []), [r.data]);
  const services = useMemo(() => [...new Set(rows.map((x) => x.span.service))], [rows]);
  const t0 = Math.min(...rows.map((x) => nsToMs(x.span.startTimeUnixNano)));
  const t1 = Math.max(...rows.map((x) => nsToMs(x.span.endTimeUnixNano)));
  const total = Math.max(t1 - t0, 1e-6);
  const selected = rows.find((x) => x.span.spanId === q.get('span'))?.span ?? rows[0]?.span;
  return (
    <Page
      title={
        <>
          Trace <span className="mono">{traceId}</span>
        </>
      }
      actions={<Loading show={r.loading} />}
    >
      <ErrorBox error={r.error} />
      {rows.length > 0 ? (
        <>
          <div className="muted">
            {rows.length} spans · {services.length} services · {fmtDuration(total * 1e6)} · started{' '}
            {fmtTime(t0, { millis: true })}
          </div>
          <div className="trace-layout">
            <div className="waterfall card" data-testid="waterfall">
              {rows.map(({ span, depth }) => {
                const s = nsToMs(span.startTimeUnixNano) - t0;
                const d = nsToMs(span.endTimeUnixNano) - nsToMs(span.startTimeUnixNano);
                return (
                  <div
                    key={span.spanId}
                    className={`wf-row ${selected?.spanId === span.spanId ? 'selected' : ''}`}
                    onClick={() => set({ span: span.spanId })}
                    data-testid="span-row"
                  >
                    <div
                      className="wf-name"
                      style={{ paddingLeft: depth * 14 }}
                      title={`${span.service}: ${span.name}`}
                    >
                      <i style={{ background: colorOf(services.indexOf(span.service)) }} />
                      <b>{span.service}</b> {span.name}
                    </div>
                    <div className="wf-track">
                      <span
                        className={`wf-bar ${span.status.code === 2 ? 'error' : ''}`}
                        style={{
                          left: `${(s / total) * 100}%`,
                          width: `max(2px, ${(d / total) * 100}%)`,
                          background: colorOf(services.indexOf(span.service)),
                        }}
                      />
                      <span className="wf-dur" style={{ left: `${Math.min((s / total) * 100, 85)}%` }}>
                        {fmtDuration(d * 1e6)}
                      </span>
                    </div>
                  </div>
                );
              })}
            </div>
            {selected ? <SpanDetails span={selected} /> : null}
          </div>
        </>
      ) : null}
    </Page>
  );
}
