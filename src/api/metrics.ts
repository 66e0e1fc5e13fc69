// The metric endpoints: names, label names, label values, series and range queries over stored
// gauge/sum points (see storage/metrics-queries.ts for the exact semantics of each fn).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  labelNames,
  labelValues,
  metricNames,
  metricSeries,
  MAX_RANGE_METRICS,
  rangeQuery,
  type RangeSeries,
} from '../storage/queries.ts';
import type { ApiContext } from './context.ts';
import { parseBy, parseFn, parseMatchers, parseStepMs } from './metric-params.ts';
import { BadRequest, one, parseRange, type Query } from './params.ts';

/** Names per response (the storage's own cap); `truncated` says when there were more. */
const MAX_NAMES = 10_000;
const DEFAULT_NAMES = 1000;

function checkName(name: string, param = 'name'): string {
  if (name === '' || name.length > 255)
    throw new BadRequest(param, 'expected a metric name of 1..255 characters');
  return name;
}

function nameLimit(q: Query): number {
  const v = one(q, 'limit');
  if (v === undefined) return DEFAULT_NAMES;
  if (!/^\d{1,5}$/.test(v) || Number(v) < 1 || Number(v) > MAX_NAMES - 1)
    throw new BadRequest('limit', `expected an integer from 1 to ${MAX_NAMES - 1}, got "${v}"`);
  return Number(v);
}

// NaN and ±Infinity are not JSON numbers: they travel as strings (as in OTLP/JSON).
const value = (v: number): number | string => (Number.isFinite(v) ? v : String(v));
const seriesJson = (s: RangeSeries) => ({
  ...(s.metric !== undefined ? { metric: s.metric } : {}),
  labels: s.labels,
  points: s.points.map(([t, v]) => [t, value(v)]),
});

export function registerMetricRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/api/v1/metrics', async (req: FastifyRequest) => {
    const q = req.query as Query;
    const { startNs, endNs } = parseRange(q, ctx.now());
    const limit = nameLimit(q);
    const match = one(q, 'match');
    if (match !== undefined && match.length > 255)
      throw new BadRequest('match', 'longer than 255 characters');
    const names = await metricNames(ctx.storage, {
      start: startNs,
      end: endNs,
      limit: limit + 1,
      ...(match !== undefined ? { match } : {}),
    });
    return {
      start: String(startNs),
      end: String(endNs),
      metrics: names.slice(0, limit),
      truncated: names.length > limit,
    };
  });

  app.get('/api/v1/metrics/:name/labels', async (req: FastifyRequest) => {
    const q = req.query as Query;
    const name = checkName((req.params as { name: string }).name);
    const { startNs, endNs } = parseRange(q, ctx.now());
    const labels = await labelNames(ctx.storage, name, { start: startNs, end: endNs });
    return { metric: name, start: String(startNs), end: String(endNs), labels };
  });

  app.get('/api/v1/metrics/:name/labels/:label/values', async (req: FastifyRequest) => {
    const q = req.query as Query;
    const p = req.params as { name: string; label: string };
    const name = checkName(p.name);
    if (p.label === '' || p.label.length > 255) throw new BadRequest('label', 'expected 1..255 characters');
    const { startNs, endNs } = parseRange(q, ctx.now());
    const values = await labelValues(ctx.storage, name, p.label, { start: startNs, end: endNs });
    return { metric: name, label: p.label, start: String(startNs), end: String(endNs), values };
  });

  app.get('/api/v1/metrics/:name/series', async (req: FastifyRequest) => {
    const q = req.query as Query;
    const name = checkName((req.params as { name: string }).name);
    const { startNs, endNs } = parseRange(q, ctx.now());
    const matchers = parseMatchers(q);
    const series = await metricSeries(ctx.storage, name, matchers, { start: startNs, end: endNs });
    return { metric: name, start: String(startNs), end: String(endNs), series };
  });

  // One metric (in the path), or several read by one query (`?metric=a&metric=b`, the same
  // matchers, fn and by for each; their series carry `metric`): a page with several charts of
  // the same things pays the query's fixed cost once.
  const queryRange = async (req: FastifyRequest, metric: string | string[]) => {
    const q = req.query as Query;
    const { startNs, endNs } = parseRange(q, ctx.now());
    const stepMs = parseStepMs(one(q, 'step'), startNs, endNs);
    const fn = parseFn(one(q, 'fn'));
    const by = parseBy(one(q, 'by'), fn);
    const matchers = parseMatchers(q);
    const series = await rangeQuery(ctx.storage, {
      metric,
      matchers,
      start: startNs,
      end: endNs,
      stepMs,
      fn,
      by,
    });
    return {
      ...(Array.isArray(metric) ? { metrics: metric } : { metric }),
      start: String(startNs),
      end: String(endNs),
      stepMs,
      fn,
      by,
      series: series.map(seriesJson),
    };
  };
  app.get('/api/v1/metrics/:name/query_range', async (req: FastifyRequest) =>
    queryRange(req, checkName((req.params as { name: string }).name)),
  );
  app.get('/api/v1/metrics/query_range', async (req: FastifyRequest) => {
    const v = (req.query as Query)['metric'];
    const names = v === undefined ? [] : Array.isArray(v) ? v : [v];
    if (names.length === 0 || names.length > MAX_RANGE_METRICS)
      throw new BadRequest('metric', `expected 1 to ${MAX_RANGE_METRICS} metric names (metric=a&metric=b)`);
    return queryRange(
      req,
      names.map((n) => checkName(n, 'metric')),
    );
  });
}
