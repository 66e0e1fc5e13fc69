// GET /api/v1/pipeline: the health of the telemetry pipeline — every WatchingCat process that
// reports its own metrics (agents, gateways, the backend: heartbeat, items accepted, refused and
// dropped, queue depth) and the last data received per source and signal, so a silent stop is
// visible. Reads: storage/pipeline-queries.ts.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { processHealth, sourceActivity } from '../storage/pipeline-queries.ts';
import type { ApiContext } from './context.ts';
import { parseRange, type Query } from './params.ts';

/** A process whose last heartbeat is older than this is silent (selfmetrics pushes every 15 s). */
export const SILENT_AFTER_S = 60;

const ageS = (now: bigint, t: bigint): number => Math.max(0, Number((now - t) / 1_000_000n) / 1000);

export function registerPipelineRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/api/v1/pipeline', async (req: FastifyRequest) => {
    const q = req.query as Query;
    const now = ctx.now();
    const { startNs, endNs } = parseRange(q, now);
    const [procs, sources] = await Promise.all([
      processHealth(ctx.storage, startNs, endNs),
      sourceActivity(ctx.storage, startNs, endNs),
    ]);
    return {
      start: String(startNs),
      end: String(endNs),
      silentAfterSeconds: SILENT_AFTER_S,
      processes: procs
        .map((p) => {
          const v = p.values;
          const silentSeconds = ageS(now, p.lastSeenUnixNano);
          return {
            instance: p.instance,
            role: p.role,
            host: p.host,
            node: p.node,
            pod: p.pod,
            cluster: p.cluster,
            lastSeenUnixNano: String(p.lastSeenUnixNano),
            secondsSinceLastSeen: silentSeconds,
            status: silentSeconds > SILENT_AFTER_S ? 'silent' : 'ok',
            accepted: v.accepted ?? 0,
            refused: (v.refused ?? 0) + (v.processorRefused ?? 0),
            dropped: (v.processorDropped ?? 0) + (v.sendFailed ?? 0) + (v.enqueueFailed ?? 0),
            sent: v.sent ?? 0,
            queueSize: v.queueSize ?? 0,
            queueCapacity: v.queueCapacity ?? null,
          };
        })
        .sort((a, b) =>
          a.status === b.status ? a.instance.localeCompare(b.instance) : a.status === 'silent' ? -1 : 1,
        ),
      sources: sources
        .map((s) => ({
          service: s.service,
          signal: s.signal,
          lastUnixNano: String(s.lastUnixNano),
          secondsSinceLast: ageS(now, s.lastUnixNano),
          items: s.items,
        }))
        .sort((a, b) => b.secondsSinceLast - a.secondsSinceLast || a.service.localeCompare(b.service)),
    };
  });
}
