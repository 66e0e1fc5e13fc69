// Logs explorer: search (text, severity, service, resource attributes) over the time range,
// newest first with "older" paging, and a live tail over Server-Sent Events.
import { useEffect, useMemo, useRef, useState } from 'react';
import { anyText, apiUrl, attr, type Params } from '../api/client.ts';
import type { LogRecord } from '../api/types.ts';
import { ErrorBox, Empty, KeyValues, Loading, Page } from '../components/common.tsx';
import { rangeParams } from '../components/data.ts';
import { useApi, useDebounced, useTimeRange } from '../components/hooks.ts';
import { Link, useQuery } from '../components/router.tsx';
import { fmtTime, nsToMs } from '../lib/format.ts';
import { pathOf } from '../lib/url-state.ts';

const SEVERITIES = ['', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
const ZERO_TRACE = /^0*$/;
const MAX_LIVE = 2000;

export function severityClass(n: number): string {
  return n >= 17 ? 'sev-error' : n >= 13 ? 'sev-warn' : n >= 9 ? 'sev-info' : 'sev-debug';
}

/** The `resource.*` filters of a query string. */
export function resourceFilters(q: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of q) if (k.startsWith('resource.') && v !== '') out[k] = v;
  return out;
}

function LogRow({ l, onOpen, open }: { l: LogRecord; onOpen: () => void; open: boolean }) {
  const pod = attr(l.resource.attributes, 'k8s.pod.name');
  const ns = attr(l.resource.attributes, 'k8s.namespace.name');
  const hasTrace = l.traceId !== '' && !ZERO_TRACE.test(l.traceId);
  return (
    <>
      <tr
        className={`log ${severityClass(l.severityNumber)} ${open ? 'open' : ''}`}
        onClick={onOpen}
        data-testid="log-row"
      >
        <td className="nowrap mono">{fmtTime(nsToMs(l.timeUnixNano), { millis: true })}</td>
        <td className="sev">{l.severityText || (l.severityNumber ? String(l.severityNumber) : '')}</td>
        <td className="nowrap">{pod ? `${ns ?? ''}/${pod}` : l.service}</td>
        <td className="body mono">{anyText(l.body)}</td>
        <td className="nowrap">
          {hasTrace ? (
            <Link to={`${pathOf('traces', l.traceId)}?span=${l.spanId}`} testId="log-trace-link">
              trace
            </Link>
          ) : null}
        </td>
      </tr>
      {open ? (
        <tr className="log-detail">
          <td colSpan={5}>
            <div className="grid2">
              <div>
                <h4>Attributes</h4>
                <KeyValues rows={l.attributes.map((a) => [a.key, anyText(a.value)])} />
              </div>
              <div>
                <h4>Resource</h4>
                <KeyValues rows={l.resource.attributes.map((a) => [a.key, anyText(a.value)])} />
              </div>
            </div>
          </td>
        </tr>
      ) : null}
    </>
  );
}

export function LogTable({ logs }: { logs: LogRecord[] }) {
  const [open, setOpen] = useState<string | null>(null);
  if (logs.length === 0) return <Empty>No log records match.</Empty>;
  return (
    <table className="list logs" data-testid="logs-table">
      <thead>
        <tr>
          <th>Time</th>
          <th>Severity</th>
          <th>Source</th>
          <th>Message</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {logs.map((l) => (
          <LogRow
            key={l.cursor}
            l={l}
            open={open === l.cursor}
            onOpen={() => setOpen(open === l.cursor ? null : l.cursor)}
          />
        ))}
      </tbody>
    </table>
  );
}

/** Search results for `filters` over the view's range, with paging to older records. */
export function LogList({ filters, limit = 200 }: { filters: Params; limit?: number }) {
  const range = useTimeRange();
  const [cursor, setCursor] = useState<string | undefined>();
  const [older, setOlder] = useState<LogRecord[]>([]);
  const key = JSON.stringify(filters);
  useEffect(() => {
    setCursor(undefined);
    setOlder([]);
  }, [key, range.startMs, range.endMs]);
  const r = useApi<{ logs: LogRecord[]; next: string | null }>(
    apiUrl('logs', { ...rangeParams(range), ...filters, limit }),
  );
  const more = useApi<{ logs: LogRecord[]; next: string | null }>(
    cursor ? apiUrl('logs', { ...rangeParams(range), ...filters, limit, cursor }) : null,
    { refresh: false },
  );
  useEffect(() => {
    if (more.data) setOlder((o) => [...o, ...more.data!.logs]);
  }, [more.data]);
  const logs = useMemo(() => [...(r.data?.logs ?? []), ...older], [r.data, older]);
  const next = cursor ? more.data?.next : r.data?.next;
  return (
    <div>
      <ErrorBox error={r.error ?? more.error} />
      <Loading show={r.loading && !r.data} />
      {r.data ? <LogTable logs={logs} /> : null}
      {next ? (
        <button className="more" onClick={() => setCursor(next)}>
          Older records
        </button>
      ) : null}
    </div>
  );
}

/** The live tail: records as they are stored, newest on top. */
function LiveTail({ filters }: { filters: Params }) {
  const [logs, setLogs] = useState<LogRecord[]>([]);
  const [state, setState] = useState('connecting');
  const buf = useRef<LogRecord[]>([]);
  const url = apiUrl('logs/tail', { ...filters, backfill: 50 });
  useEffect(() => {
    setLogs([]);
    const es = new EventSource(url);
    es.onopen = () => setState('live');
    es.onerror = () => setState('reconnecting');
    es.addEventListener('log', (e) => {
      buf.current.push(JSON.parse((e as MessageEvent<string>).data) as LogRecord);
    });
    // Batch renders: a burst of thousands of records is one update per 250 ms.
    const timer = setInterval(() => {
      if (buf.current.length === 0) return;
      const fresh = buf.current.reverse();
      buf.current = [];
      setLogs((old) => [...fresh, ...old].slice(0, MAX_LIVE));
    }, 250);
    return () => {
      es.close();
      clearInterval(timer);
    };
  }, [url]);
  return (
    <div>
      <div className="muted" data-testid="tail-state">
        Live tail: {state} · {logs.length} records (newest first, at most {MAX_LIVE})
      </div>
      <LogTable logs={logs} />
    </div>
  );
}

export function LogsPage() {
  const [q, set] = useQuery();
  const [text, setText] = useState(q.get('q') ?? '');
  const debounced = useDebounced(text, 300);
  useEffect(() => set({ q: debounced }), [debounced, set]);
  const live = q.get('live') === '1';
  const res = resourceFilters(q);
  const filters: Params = {
    q: q.get('q') ?? undefined,
    severity: q.get('severity') ?? undefined,
    service: q.get('service') ?? undefined,
    ...res,
  };
  const [newKey, setNewKey] = useState('');
  return (
    <Page
      title="Logs"
      actions={
        <label className="toggle">
          <input
            type="checkbox"
            checked={live}
            onChange={(e) => set({ live: e.target.checked ? '1' : undefined }, true)}
          />{' '}
          Live tail
        </label>
      }
    >
      <div className="filters">
        <input
          aria-label="search text"
          placeholder="words in the message…"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <select
          aria-label="severity"
          value={q.get('severity') ?? ''}
          onChange={(e) => set({ severity: e.target.value }, true)}
        >
          {SEVERITIES.map((s) => (
            <option key={s} value={s}>
              {s === '' ? 'any severity' : `≥ ${s}`}
            </option>
          ))}
        </select>
        <input
          aria-label="service"
          placeholder="service"
          defaultValue={q.get('service') ?? ''}
          onBlur={(e) => set({ service: e.target.value }, true)}
        />
        {Object.entries(res).map(([k, v]) => (
          <span className="chip" key={k}>
            {k.slice('resource.'.length)}={v} <button onClick={() => set({ [k]: undefined }, true)}>×</button>
          </span>
        ))}
        <input
          aria-label="resource filter"
          placeholder="k8s.pod.name=… (Enter)"
          value={newKey}
          onChange={(e) => setNewKey(e.target.value)}
          onKeyDown={(e) => {
            const m = /^([^=\s]+)=(.+)$/.exec(newKey.trim());
            if (e.key === 'Enter' && m) {
              set({ [`resource.${m[1]}`]: m[2] }, true);
              setNewKey('');
            }
          }}
        />
      </div>
      {live ? <LiveTail filters={filters} /> : <LogList filters={filters} />}
    </Page>
  );
}
