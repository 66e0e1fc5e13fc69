// Hand-written SVG charts (no charting library: the whole UI stays far below its JS budget).
import { useMemo, useState, type MouseEvent } from 'react';
import { fmtTime } from '../lib/format.ts';

export interface ChartSeries {
  name: string;
  points: [number, number][];
}

const COLORS = [
  '#2f6fde',
  '#e2711d',
  '#2a9d8f',
  '#c2185b',
  '#7b61ff',
  '#8d6e63',
  '#43a047',
  '#f9a825',
  '#00838f',
  '#6d4c41',
];
export const colorOf = (i: number): string => COLORS[i % COLORS.length]!;

/** About `n` round tick values between lo and hi. */
export function niceTicks(lo: number, hi: number, n = 4): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Number(v.toPrecision(12)));
  return out;
}

/** A multi-series line chart over time with a hover readout. */
export function LineChart({
  series,
  format,
  height = 180,
  title,
  startMs,
  endMs,
}: {
  series: ChartSeries[];
  format: (v: number) => string;
  height?: number;
  title?: string;
  startMs?: number;
  endMs?: number;
}) {
  const W = 640;
  const H = height;
  const pad = { l: 64, r: 12, t: 10, b: 22 };
  const [hover, setHover] = useState<number | null>(null);
  const { x0, x1, y1 } = useMemo(() => {
    let a = startMs ?? Infinity;
    let b = endMs ?? -Infinity;
    let m = 0;
    for (const s of series)
      for (const [t, v] of s.points) {
        if (startMs === undefined) a = Math.min(a, t);
        if (endMs === undefined) b = Math.max(b, t);
        if (Number.isFinite(v)) m = Math.max(m, v);
      }
    if (!(b > a)) b = a + 1;
    return { x0: a, x1: b, y1: m > 0 ? m * 1.1 : 1 };
  }, [series, startMs, endMs]);
  const x = (t: number): number => pad.l + ((t - x0) / (x1 - x0)) * (W - pad.l - pad.r);
  const y = (v: number): number => H - pad.b - (v / y1) * (H - pad.t - pad.b);
  const yTicks = niceTicks(0, y1, 4);
  const xTicks = niceTicks(x0, x1, 4);
  const onMove = (e: MouseEvent<SVGSVGElement>): void => {
    const r = e.currentTarget.getBoundingClientRect();
    const px = ((e.clientX - r.left) / r.width) * W;
    setHover(x0 + ((px - pad.l) / (W - pad.l - pad.r)) * (x1 - x0));
  };
  const readout =
    hover === null
      ? []
      : series.map((s) => {
          let best: [number, number] | undefined;
          for (const p of s.points) if (!best || Math.abs(p[0] - hover) < Math.abs(best[0] - hover)) best = p;
          return { name: s.name, p: best };
        });
  const empty = series.every((s) => s.points.length === 0);
  return (
    <figure className="chart card">
      {title ? <figcaption>{title}</figcaption> : null}
      {empty ? (
        <div className="empty">no data in this time range</div>
      ) : (
        <svg
          viewBox={`0 0 ${W} ${H}`}
          role="img"
          aria-label={title}
          onMouseMove={onMove}
          onMouseLeave={() => setHover(null)}
        >
          {yTicks.map((v) => (
            <g key={`y${v}`}>
              <line className="grid" x1={pad.l} x2={W - pad.r} y1={y(v)} y2={y(v)} />
              <text className="tick" x={pad.l - 6} y={y(v) + 4} textAnchor="end">
                {format(v)}
              </text>
            </g>
          ))}
          {xTicks.map((t) => (
            <text key={`x${t}`} className="tick" x={x(t)} y={H - 6} textAnchor="middle">
              {fmtTime(t).slice(11, 16)}
            </text>
          ))}
          {series.map((s, i) => (
            <polyline
              key={s.name}
              fill="none"
              stroke={colorOf(i)}
              strokeWidth={1.6}
              points={s.points
                .filter(([, v]) => Number.isFinite(v))
                .map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`)
                .join(' ')}
            />
          ))}
          {series.map((s, i) =>
            // Few points (a fresh series): dots, so a line of two points at the edge still shows.
            s.points.length <= 30
              ? s.points
                  .filter(([, v]) => Number.isFinite(v))
                  .map(([t, v]) => (
                    <circle key={`${s.name}@${t}`} cx={x(t)} cy={y(v)} r={2.2} fill={colorOf(i)} />
                  ))
              : null,
          )}
          {hover !== null && hover >= x0 && hover <= x1 ? (
            <line className="cursor" x1={x(hover)} x2={x(hover)} y1={pad.t} y2={H - pad.b} />
          ) : null}
        </svg>
      )}
      <div className="legend">
        {series.slice(0, 12).map((s, i) => {
          const r = readout[i];
          return (
            <span key={s.name} className="legend-item">
              <i style={{ background: colorOf(i) }} />
              {s.name || '(all)'}
              {r?.p ? <b> {format(r.p[1])}</b> : null}
            </span>
          );
        })}
        {series.length > 12 ? <span className="muted">+{series.length - 12} more</span> : null}
        {readout[0]?.p ? <span className="muted"> at {fmtTime(readout[0].p[0])}</span> : null}
      </div>
    </figure>
  );
}

/** Segments of a whole (pods by phase): a stacked horizontal bar with a legend. */
export function StackBar({ parts }: { parts: { label: string; value: number; cls: string }[] }) {
  const total = parts.reduce((s, p) => s + p.value, 0);
  return (
    <div className="stackbar">
      <div className="stackbar-track">
        {parts
          .filter((p) => p.value > 0)
          .map((p) => (
            <span
              key={p.label}
              className={`seg ${p.cls}`}
              style={{ width: `${(p.value / Math.max(total, 1)) * 100}%` }}
              title={`${p.label}: ${p.value}`}
            />
          ))}
      </div>
      <div className="legend">
        {parts.map((p) => (
          <span key={p.label} className="legend-item">
            <i className={`seg ${p.cls}`} />
            {p.label} <b>{p.value}</b>
          </span>
        ))}
      </div>
    </div>
  );
}
