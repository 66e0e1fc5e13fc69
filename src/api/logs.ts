// GET /api/v1/logs: log search, newest first, paged backwards in time with `cursor`/`next`, or
// polled forwards with `after`/`latest` (the live tail's semantics without a connection).
//
// Paging contract: `next` names the oldest record returned; the request with `cursor=<next>`
// returns the records strictly older in the (time, tie-breaker) order, so pages neither repeat
// nor skip records, even when many share a nanosecond. `next` is null when the page was not full.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { searchLogs, type LogSearch, type StoredLog } from '../storage/queries.ts';
import type { ApiContext } from './context.ts';
import { logJson } from './json.ts';
import { cursorTimeNs, parseCursor, parseLogFilters, type LogFilters } from './log-params.ts';
import { BadRequest, one, parseLimit, parseRange, type Query } from './params.ts';

/** Records of one nanosecond read to resume a page inside it (storage's own limit). */
const MAX_SAME_NANOSECOND = 10_000;

export function logSearchBase(f: LogFilters): Omit<LogSearch, 'start' | 'end'> {
  return {
    resource: f.resource,
    ...(f.text !== undefined ? { text: f.text } : {}),
    ...(f.severityMin !== undefined ? { severityMin: f.severityMin } : {}),
    ...(f.service !== undefined ? { service: f.service } : {}),
  };
}

const tieOf = (cursor: string): bigint => BigInt(cursor.slice(cursor.indexOf('-') + 1));

/** The page of at most `limit` records strictly before `cursor`, newest first. */
async function pageBefore(
  ctx: ApiContext,
  base: Omit<LogSearch, 'start' | 'end'>,
  startNs: bigint,
  endNs: bigint,
  limit: number,
  cursor: string,
): Promise<StoredLog[]> {
  const t = cursorTimeNs(cursor);
  if (t > endNs) return (await searchLogs(ctx.storage, { ...base, start: startNs, end: endNs, limit })).logs;
  if (t < startNs) return [];
  // The rest of the cursor's own nanosecond (ties are ordered by descending tie-breaker)…
  const tie = tieOf(cursor);
  const same = (
    await searchLogs(ctx.storage, { ...base, start: t, end: t, limit: MAX_SAME_NANOSECOND })
  ).logs.filter((l) => tieOf(l.cursor) < tie);
  if (same.length >= limit || t === startNs || t === 0n) return same.slice(0, limit);
  // …then everything older.
  const older = await searchLogs(ctx.storage, {
    ...base,
    start: startNs,
    end: t - 1n,
    limit: limit - same.length,
  });
  return [...same, ...older.logs];
}

export function registerLogRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/api/v1/logs', async (req: FastifyRequest) => {
    const q = req.query as Query;
    const { startNs, endNs } = parseRange(q, ctx.now());
    const limit = parseLimit(q, 100);
    const base = logSearchBase(parseLogFilters(q));
    const c = one(q, 'cursor');
    const a = one(q, 'after');
    if (c !== undefined && a !== undefined)
      throw new BadRequest('after', 'cursor (older page) and after (newer records) exclude each other');
    const cursor = c === undefined ? undefined : parseCursor('cursor', c);
    const after = a === undefined ? undefined : parseCursor('after', a);
    let logs: StoredLog[];
    if (after !== undefined) {
      logs = (await searchLogs(ctx.storage, { ...base, start: startNs, end: endNs, limit, cursor: after }))
        .logs;
    } else if (cursor !== undefined) {
      logs = await pageBefore(ctx, base, startNs, endNs, limit, cursor);
    } else {
      logs = (await searchLogs(ctx.storage, { ...base, start: startNs, end: endNs, limit })).logs;
    }
    return {
      start: String(startNs),
      end: String(endNs),
      limit,
      logs: logs.map(logJson),
      // Older records: only a full page can have more (with `after`, page forward with `latest`).
      next: after === undefined && logs.length === limit ? logs[logs.length - 1]!.cursor : null,
      latest: logs[0]?.cursor ?? after ?? null,
    };
  });
}
