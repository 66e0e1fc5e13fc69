// Realistic, seeded container log content: JSON application logs, access logs in the combined format,
// logfmt lines, stderr errors with multi-line stack traces, and now and then a message longer than
// the runtime's line limit (so it is split into partial CRI lines).

import { Rng } from './rng.ts';

export type LogStream = 'stdout' | 'stderr';
export interface LogEntry {
  stream: LogStream;
  message: string;
}

export type LogStyle = 'json' | 'access' | 'logfmt';

const PATHS = [
  '/api/v1/orders',
  '/api/v1/users/42',
  '/healthz',
  '/metrics',
  '/login',
  '/static/app.js',
  '/cart',
];
const METHODS = ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE'];
const STATUS = [200, 200, 200, 200, 201, 204, 301, 304, 400, 404, 500, 503];
const AGENTS = ['curl/8.5.0', 'kube-probe/1.32', 'Mozilla/5.0 (X11; Linux x86_64)', 'Go-http-client/1.1'];
const MESSAGES = [
  'request completed',
  'cache refreshed',
  'connected to database',
  'processed batch',
  'user logged in',
  'order placed',
  'retrying upstream call',
];
const ERRORS = [
  'connection refused: upstream payments:8080',
  'context deadline exceeded',
  'failed to parse request body: unexpected EOF',
  'database is locked',
];

export class LogGenerator {
  private readonly rng: Rng;
  readonly style: LogStyle;
  private readonly app: string;
  private seq = 0;

  constructor(seed: number, app: string, style?: LogStyle) {
    this.rng = new Rng(seed);
    this.app = app;
    this.style = style ?? this.rng.pick<LogStyle>(['json', 'access', 'logfmt']);
  }

  /** The entries one log event produces at time t (a stack trace is several lines). */
  next(tMs: number): LogEntry[] {
    const r = this.rng;
    this.seq++;
    const roll = r.next();
    if (roll < 0.01) return this.stackTrace(tMs);
    if (roll < 0.04) return [{ stream: 'stderr', message: this.error(tMs) }];
    if (roll < 0.042) return [{ stream: 'stdout', message: this.longMessage(tMs) }];
    return [{ stream: 'stdout', message: this.line(tMs) }];
  }

  private line(tMs: number): string {
    const r = this.rng;
    const iso = new Date(tMs).toISOString();
    switch (this.style) {
      case 'access': {
        const ip = `10.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`;
        const d = new Date(tMs);
        const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
        const p2 = (n: number): string => String(n).padStart(2, '0');
        const when = `${p2(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000`;
        return `${ip} - - [${when}] "${r.pick(METHODS)} ${r.pick(PATHS)} HTTP/1.1" ${r.pick(STATUS)} ${r.int(0, 20000)} "-" "${r.pick(AGENTS)}"`;
      }
      case 'logfmt':
        return `time=${iso} level=${r.chance(0.1) ? 'debug' : 'info'} app=${this.app} msg="${r.pick(MESSAGES)}" duration_ms=${r.int(1, 900)} seq=${this.seq}`;
      default:
        return JSON.stringify({
          ts: iso,
          level: r.chance(0.1) ? 'debug' : 'info',
          logger: this.app,
          msg: r.pick(MESSAGES),
          method: r.pick(METHODS),
          path: r.pick(PATHS),
          status: r.pick(STATUS),
          latency_ms: r.int(1, 900),
          trace_id: r.hex(32),
          seq: this.seq,
        });
    }
  }

  private error(tMs: number): string {
    const msg = this.rng.pick(ERRORS);
    const iso = new Date(tMs).toISOString();
    if (this.style === 'json')
      return JSON.stringify({ ts: iso, level: 'error', logger: this.app, msg, seq: this.seq });
    return `${iso} ERROR [${this.app}] ${msg}`;
  }

  private stackTrace(tMs: number): LogEntry[] {
    const r = this.rng;
    const iso = new Date(tMs).toISOString();
    const frames = r.int(3, 8);
    const out: LogEntry[] = [];
    if (r.chance(0.5)) {
      out.push({ stream: 'stderr', message: `${iso} ERROR Unhandled exception in request handler` });
      out.push({
        stream: 'stderr',
        message: 'java.lang.IllegalStateException: order 7731 is already closed',
      });
      for (let i = 0; i < frames; i++) {
        out.push({
          stream: 'stderr',
          message: `\tat com.example.shop.OrderService.step${i}(OrderService.java:${r.int(20, 400)})`,
        });
      }
    } else {
      out.push({ stream: 'stderr', message: 'Traceback (most recent call last):' });
      for (let i = 0; i < frames; i++) {
        out.push({
          stream: 'stderr',
          message: `  File "/app/handlers.py", line ${r.int(10, 300)}, in handle_${i}`,
        });
        out.push({ stream: 'stderr', message: `    result = process(payload, retries=${i})` });
      }
      out.push({ stream: 'stderr', message: "KeyError: 'customer_id'" });
    }
    return out;
  }

  /** A message of 17-40 KiB: larger than containerd's default 16 KiB line limit. */
  private longMessage(tMs: number): string {
    const r = this.rng;
    const n = r.int(17 * 1024, 40 * 1024);
    const blob = r
      .hex(64)
      .repeat(Math.ceil(n / 64))
      .slice(0, n);
    return JSON.stringify({
      ts: new Date(tMs).toISOString(),
      level: 'info',
      logger: this.app,
      msg: 'payload dump',
      payload: blob,
    });
  }
}
