// GET /api/v1/traces: trace search with pagination.
//
// The storage query (searchTraces) returns the `n` traces whose newest matching span is newest,
// with no cursor of its own. A page is therefore the set difference of two such queries:
// top(offset + limit) minus top(offset), shown newest start first. The cursor pins the range's
// end, so traces stored later with newer spans do not shift the pages.
// Limits (also in the OpenAPI document): at most 10,000 traces can be paged through per search
// (the storage query's cap); traces whose newest matching span has exactly the same timestamp
// at a page boundary may be ordered differently by the two queries (repeated or skipped).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { searchTraces, type TraceSearch, type TraceSummary } from '../storage/queries.ts';
import type { ApiContext } from './context.ts';
import { traceSummaryJson } from './json.ts';
import { parseResourceFilters } from './log-params.ts';
import {
  BadRequest,
  one,
  parseAttributes,
  parseDurationNs,
  parseLimit,
  parseRange,
  parseTime,
  type Query,
} from './params.ts';

/** The storage query's largest limit: how deep pages reach. */
export const MAX_TRACE_DEPTH = 10_000;
const CURSOR = /^(\d{1,19}):(\d{1,5})$/;

function parseTraceCursor(v: string): { endNs: bigint; offset: number } {
  const m = CURSOR.exec(v);
  if (!m || Number(m[2]) >= MAX_TRACE_DEPTH || BigInt(m[1]!) >= 2n ** 63n)
    throw new BadRequest('cursor', `expected a cursor returned by this API, got "${v.slice(0, 64)}"`);
  return { endNs: BigInt(m[1]!), offset: Number(m[2]) };
}

export function registerTraceSearch(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/api/v1/traces', async (req: FastifyRequest) => {
    const q = req.query as Query;
    const c = one(q, 'cursor');
    const cursor = c === undefined ? undefined : parseTraceCursor(c);
    if (cursor !== undefined) {
      const e = one(q, 'end');
      if (e !== undefined && parseTime('end', e) !== cursor.endNs)
        throw new BadRequest('cursor', 'the cursor belongs to a search with another end; omit end');
    }
    const { startNs, endNs } = parseRange(
      cursor ? { ...q, end: String(cursor.endNs) } : q,
      cursor?.endNs ?? ctx.now(),
    );
    const limit = parseLimit(q);
    const min = one(q, 'minDuration');
    const max = one(q, 'maxDuration');
    const minDurationNs = min === undefined ? undefined : parseDurationNs('minDuration', min);
    const maxDurationNs = max === undefined ? undefined : parseDurationNs('maxDuration', max);
    if (minDurationNs !== undefined && maxDurationNs !== undefined && maxDurationNs < minDurationNs)
      throw new BadRequest('maxDuration', 'maxDuration is below minDuration');
    const service = one(q, 'service');
    const operation = one(q, 'operation');
    const offset = cursor?.offset ?? 0;
    const search: TraceSearch = {
      startNs,
      endNs,
      attributes: parseAttributes(q),
      resource: parseResourceFilters(q),
      ...(service ? { service } : {}),
      ...(operation ? { operation } : {}),
      ...(minDurationNs !== undefined ? { minDurationNs } : {}),
      ...(maxDurationNs !== undefined ? { maxDurationNs } : {}),
    };
    const depth = Math.min(offset + limit, MAX_TRACE_DEPTH);
    const upTo = await searchTraces(ctx.storage, { ...search, limit: depth });
    let page: TraceSummary[] = upTo;
    if (offset > 0) {
      const before = new Set(
        (await searchTraces(ctx.storage, { ...search, limit: offset })).map((t) => t.traceId),
      );
      page = upTo.filter((t) => !before.has(t.traceId));
    }
    const more = upTo.length === depth && depth < MAX_TRACE_DEPTH;
    return {
      start: String(startNs),
      end: String(endNs),
      limit,
      traces: page.map(traceSummaryJson),
      next: more ? `${endNs}:${depth}` : null,
    };
  });
}
