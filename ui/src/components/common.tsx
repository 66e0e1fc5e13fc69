// Small shared pieces: error and empty states, badges, tabs, key/value tables, usage bars.
import type { ReactNode } from 'react';
import { fmtPercent } from '../lib/format.ts';
import { Link } from './router.tsx';

export function ErrorBox({ error }: { error: Error | undefined }) {
  if (!error) return null;
  return (
    <div className="error" role="alert">
      {error.message}
    </div>
  );
}

export function Loading({ show }: { show: boolean }) {
  return show ? <span className="loading">loading…</span> : null;
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

const BAD =
  /^(Failed|Unknown|CrashLoopBackOff|Error|OOMKilled|ImagePullBackOff|ErrImagePull|Evicted|NotReady|Warning|CreateContainerConfigError|ContainerStatusUnknown|NodeLost)$/;
const WARN = /^(Pending|ContainerCreating|Terminating|PodInitializing|Degraded)$/;

/** A status word coloured by its meaning (Running green, CrashLoopBackOff red, Pending amber). */
export function Status({ value }: { value: string }) {
  const cls = BAD.test(value)
    ? 'bad'
    : WARN.test(value)
      ? 'warn'
      : /^(Running|Ready|Succeeded|Completed|Active|Healthy|Normal|OK)$/.test(value)
        ? 'good'
        : 'neutral';
  return <span className={`status ${cls}`}>{value}</span>;
}

export function Tabs({
  tabs,
  current,
  onChange,
}: {
  tabs: [string, string][];
  current: string;
  onChange: (id: string) => void;
}) {
  return (
    <div className="tabs" role="tablist">
      {tabs.map(([id, label]) => (
        <button
          key={id}
          role="tab"
          aria-selected={current === id}
          className={current === id ? 'active' : ''}
          onClick={() => onChange(id)}
        >
          {label}
        </button>
      ))}
    </div>
  );
}

export function KeyValues({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <table className="kv">
      <tbody>
        {rows.map(([k, v]) => (
          <tr key={k}>
            <th>{k}</th>
            <td>{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * Use against a capacity, with optional request and limit marks: the bar fills to used/of, a
 * tick shows the request, a red tick the limit. Turns amber above 80 %, red above 95 %.
 */
export function UsageBar({
  used,
  of,
  request,
  limit,
  label,
  title,
}: {
  used: number | null;
  of: number | null;
  request?: number | null;
  limit?: number | null;
  label?: string;
  title?: string;
}) {
  if (used === null || of === null || of <= 0) return <span className="muted">{label ?? '–'}</span>;
  const f = used / of;
  const pos = (x: number): string => `${Math.min(100, (x / of) * 100)}%`;
  return (
    <span className="usage" title={`${title ?? label ?? ''} (${fmtPercent(f)})`}>
      <span className="usage-track">
        <span
          className={`usage-fill ${f > 0.95 ? 'bad' : f > 0.8 ? 'warn' : ''}`}
          style={{ width: pos(used) }}
        />
        {request ? <span className="usage-mark request" style={{ left: pos(request) }} /> : null}
        {limit ? <span className="usage-mark limit" style={{ left: pos(limit) }} /> : null}
      </span>
      <span className="usage-label">{label ?? fmtPercent(f)}</span>
    </span>
  );
}

export function Stat({
  label,
  value,
  sub,
  tone,
  to,
}: {
  label: string;
  value: ReactNode;
  sub?: ReactNode;
  tone?: 'good' | 'bad' | 'warn';
  to?: string;
}) {
  const body = (
    <>
      <div className="stat-label">{label}</div>
      <div className={`stat-value ${tone ?? ''}`}>{value}</div>
      {sub ? <div className="stat-sub">{sub}</div> : null}
    </>
  );
  return to ? (
    <Link to={to} className="stat card">
      {body}
    </Link>
  ) : (
    <div className="stat card">{body}</div>
  );
}

export function Page({
  title,
  actions,
  children,
}: {
  title: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className="page">
      <header className="page-head">
        <h1>{title}</h1>
        <div className="page-actions">{actions}</div>
      </header>
      {children}
    </section>
  );
}
