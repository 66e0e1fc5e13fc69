// GET /api/v1/logs/tail: a live tail of the logs as Server-Sent Events.
//
// Contract:
// - Each record is one `event: log` whose `id` is its cursor and whose `data` is the record as
//   in /api/v1/logs; records arrive oldest first. A reconnecting client sends `Last-Event-ID`
//   (or `after=<cursor>`) and resumes right after the last record it saw.
// - Without a resume point the tail starts after the newest matching record of the last hour
//   (`backfill=N` first replays up to N of those). It then polls storage every `pollMs` with
//   the cursor; a full batch is followed by another poll at once, so a burst catches up quickly.
//   Records are delivered in stored time order; one stored later with an older timestamp than a
//   record already sent is not (searchLogs' cursor contract).
// - `: heartbeat` comments keep proxies from closing an idle stream.
// - Buffering is bounded: after a batch the tail waits until the socket has drained below
//   `maxBufferBytes`; a client that does not read for `drainTimeoutMs` is disconnected.
// - At most `maxTails` tails run at once (503 `too_many_tails` beyond); every tail ends when its
//   client disconnects or the server closes.
import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { searchLogs, type StoredLog } from '../storage/queries.ts';
import type { ApiContext } from './context.ts';
import { HttpError } from './errors.ts';
import { logJson } from './json.ts';
import { cursorTimeNs, parseCursor, parseLogFilters } from './log-params.ts';
import { logSearchBase } from './logs.ts';
import { BadRequest, one, type Query } from './params.ts';

export interface TailOptions {
  pollMs: number;
  heartbeatMs: number;
  maxTails: number;
  /** Records read per poll. */
  batch: number;
  maxBufferBytes: number;
  drainTimeoutMs: number;
}

export const DEFAULT_TAIL_OPTIONS: TailOptions = {
  pollMs: 500,
  heartbeatMs: 15_000,
  maxTails: 64,
  batch: 500,
  maxBufferBytes: 1 << 20,
  drainTimeoutMs: 30_000,
};

const HOUR_NS = 3_600n * 1_000_000_000n;
/** How far back a poll reads at most (storage bounds every scan to 32 days). */
const MAX_LOOKBACK_NS = 31n * 86_400n * 1_000_000_000n;
const MAX_BACKFILL = 1000;
/** Sorts after every tie-breaker: a cursor just after the whole nanosecond before `t`. */
const afterNanosecond = (t: bigint): string => `${t}-18446744073709551615`;

/** The running tails of one API instance. */
export class TailHub {
  readonly opts: TailOptions;
  private readonly stops = new Set<() => void>();
  private closed = false;
  constructor(opts: Partial<TailOptions> = {}) {
    this.opts = { ...DEFAULT_TAIL_OPTIONS, ...opts };
  }
  get active(): number {
    return this.stops.size;
  }
  /** Reserves a slot, or undefined when the cap is reached or the server is closing. */
  reserve(stop: () => void): (() => void) | undefined {
    if (this.closed || this.stops.size >= this.opts.maxTails) return undefined;
    this.stops.add(stop);
    return () => this.stops.delete(stop);
  }
  stopAll(): void {
    this.closed = true;
    for (const stop of [...this.stops]) stop();
  }
}

function event(l: StoredLog): string {
  return `id: ${l.cursor}\nevent: log\ndata: ${JSON.stringify(logJson(l))}\n\n`;
}

/** Resolves when the socket's buffer has drained, false after `ms` or once the stream is gone. */
function drained(raw: ServerResponse, ms: number): Promise<boolean> {
  if (raw.writableLength === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      raw.off('drain', onDrain);
      raw.off('close', onClose);
      resolve(ok);
    };
    const onDrain = (): void => done(true);
    const onClose = (): void => done(false);
    const timer = setTimeout(() => done(false), ms);
    raw.on('drain', onDrain);
    raw.on('close', onClose);
  });
}

export function registerTailRoute(app: FastifyInstance, ctx: ApiContext, hub: TailHub): void {
  app.addHook('preClose', async () => hub.stopAll());

  app.get('/api/v1/logs/tail', async (req: FastifyRequest, reply: FastifyReply) => {
    const q = req.query as Query;
    const base = logSearchBase(parseLogFilters(q));
    const b = one(q, 'backfill');
    if (b !== undefined && (!/^\d{1,4}$/.test(b) || Number(b) > MAX_BACKFILL))
      throw new BadRequest('backfill', `expected an integer from 0 to ${MAX_BACKFILL}, got "${b}"`);
    const backfill = Number(b ?? 0);
    const lastId = req.headers['last-event-id'];
    const a = one(q, 'after');
    const resume =
      a !== undefined
        ? parseCursor('after', a)
        : typeof lastId === 'string' && lastId !== ''
          ? parseCursor('Last-Event-ID', lastId)
          : undefined;

    let stopped = false;
    let wake: (() => void) | undefined;
    const stop = (): void => {
      stopped = true;
      wake?.();
    };
    const release = hub.reserve(stop);
    if (!release)
      throw new HttpError(503, 'too_many_tails', `at most ${hub.opts.maxTails} live tails may run at once`);
    try {
      // The start is read before the stream opens, so a storage failure is still a JSON error.
      let cursor = resume;
      let first: StoredLog[] = [];
      if (cursor === undefined) {
        const now = ctx.now();
        const start = now > HOUR_NS ? now - HOUR_NS : 0n;
        const r = await searchLogs(ctx.storage, {
          ...base,
          start,
          end: now,
          limit: Math.max(backfill, 1),
        });
        first = r.logs.slice(0, backfill).reverse();
        cursor = r.logs[0]?.cursor ?? afterNanosecond(start > 0n ? start - 1n : 0n);
      }
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        // A stream is the connection's last response: once it ends the socket closes, so a
        // closing server is not held up by the client's keep-alive.
        connection: 'close',
        'x-accel-buffering': 'no',
      });
      raw.write(`retry: 1000\n: tail started\n\n`);
      for (const l of first) raw.write(event(l));
      raw.on('close', stop);
      raw.on('error', stop);
      const heartbeat = setInterval(() => {
        if (raw.writableLength < hub.opts.maxBufferBytes) raw.write(': heartbeat\n\n');
      }, hub.opts.heartbeatMs);
      const socket = raw.socket;
      void run(
        ctx,
        hub,
        raw,
        base,
        cursor,
        () => stopped,
        (w) => (wake = w),
      ).finally(() => {
        clearInterval(heartbeat);
        release();
        // The end is flushed, then the socket goes: no wait for the client's half of the close.
        if (!raw.destroyed) raw.end(() => socket?.destroy());
      });
    } catch (e) {
      release();
      throw e;
    }
  });
}

/** The polling loop of one tail; returns when the tail stops. */
async function run(
  ctx: ApiContext,
  hub: TailHub,
  raw: ServerResponse,
  base: ReturnType<typeof logSearchBase>,
  from: string,
  isStopped: () => boolean,
  setWake: (w: (() => void) | undefined) => void,
): Promise<void> {
  const o = hub.opts;
  let cursor = from;
  let failing = false;
  let full = false;
  while (!isStopped()) {
    if (!full) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, o.pollMs);
        setWake(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      setWake(undefined);
      if (isStopped()) return;
    }
    const now = ctx.now();
    const t = cursorTimeNs(cursor);
    if (t > now) {
      full = false;
      continue;
    }
    const start = now - t > MAX_LOOKBACK_NS ? now - MAX_LOOKBACK_NS : t;
    let logs: StoredLog[];
    try {
      const r = await searchLogs(ctx.storage, { ...base, start, end: now, limit: o.batch, cursor });
      logs = r.logs;
      cursor = r.cursor || cursor;
      failing = false;
    } catch (e) {
      // Storage may come back: report once per failure streak, keep polling.
      if (!failing) {
        ctx.logger.warn({ error: (e as Error).message }, 'live tail poll failed');
        const err = { error: { code: 'storage_unavailable', message: (e as Error).message } };
        raw.write(`event: error\ndata: ${JSON.stringify(err)}\n\n`);
      }
      failing = true;
      full = false;
      continue;
    }
    if (isStopped()) return;
    for (let i = logs.length - 1; i >= 0; i--) raw.write(event(logs[i]!));
    full = logs.length === o.batch;
    if (raw.writableLength > o.maxBufferBytes && !(await drained(raw, o.drainTimeoutMs))) {
      ctx.logger.warn({}, 'live tail client stopped reading; disconnecting it');
      raw.destroy();
      return;
    }
  }
}
