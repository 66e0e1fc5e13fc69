// The time-range picker (presets or an absolute from/to) and the auto-refresh toggle; both live
// in the URL (`from`, `to`, `refresh`).
import { useContext, useState } from 'react';
import { fmtTime } from '../lib/format.ts';
import { DEFAULT_FROM, DEFAULT_TO, RANGE_PRESETS, parseTimeExpr } from '../lib/url-state.ts';
import { RefreshContext } from './hooks.ts';
import { useQuery } from './router.tsx';

const REFRESH = ['off', '5s', '10s', '30s', '1m'];

const toLocalInput = (ms: number): string => fmtTime(ms).replace(' ', 'T').slice(0, 16);

export function TimeControls() {
  const [q, set] = useQuery();
  const { refresh } = useContext(RefreshContext);
  const from = q.get('from') ?? DEFAULT_FROM;
  const to = q.get('to') ?? DEFAULT_TO;
  const preset = to === 'now' ? RANGE_PRESETS.find((p) => p.from === from) : undefined;
  const [custom, setCustom] = useState(false);
  const now = Date.now();
  return (
    <div className="time-controls">
      <select
        aria-label="time range"
        value={custom ? 'custom' : (preset?.from ?? 'custom')}
        onChange={(e) => {
          if (e.target.value === 'custom') return setCustom(true);
          setCustom(false);
          set({ from: e.target.value === DEFAULT_FROM ? undefined : e.target.value, to: undefined }, true);
        }}
      >
        {RANGE_PRESETS.map((p) => (
          <option key={p.from} value={p.from}>
            {p.label}
          </option>
        ))}
        <option value="custom">Custom…</option>
      </select>
      {custom || !preset ? (
        <span className="custom-range">
          <input
            type="datetime-local"
            aria-label="from"
            value={toLocalInput(parseTimeExpr(from, now) ?? now - 3600e3)}
            onChange={(e) => {
              const t = Date.parse(e.target.value);
              if (!Number.isNaN(t)) set({ from: String(t), to: String(parseTimeExpr(to, now) ?? now) }, true);
            }}
          />
          <span>→</span>
          <input
            type="datetime-local"
            aria-label="to"
            value={toLocalInput(parseTimeExpr(to, now) ?? now)}
            onChange={(e) => {
              const t = Date.parse(e.target.value);
              if (!Number.isNaN(t))
                set({ to: String(t), from: String(parseTimeExpr(from, now) ?? t - 3600e3) }, true);
            }}
          />
        </span>
      ) : null}
      <button className="icon" title="refresh now" aria-label="refresh now" onClick={refresh}>
        ⟳
      </button>
      <select
        aria-label="auto-refresh"
        value={q.get('refresh') ?? 'off'}
        onChange={(e) => set({ refresh: e.target.value === 'off' ? undefined : e.target.value }, true)}
      >
        {REFRESH.map((r) => (
          <option key={r} value={r}>
            {r === 'off' ? 'Auto-refresh off' : `Every ${r}`}
          </option>
        ))}
      </select>
    </div>
  );
}
