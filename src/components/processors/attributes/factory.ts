// `attributes`: applies attribute actions to span, log record and metric data point
// attributes, optionally only to items matching `include` and not matching `exclude`.
import { z } from 'zod';
import { actionSchema, AttributeActions, type ActionConfig } from '../../../attraction/actions.ts';
import { section } from '../../../config/schema-helpers.ts';
import type { KeyValue, Signal } from '../../../model/common.ts';
import type { LogsData } from '../../../model/logs.ts';
import type { MetricsData } from '../../../model/metrics.ts';
import type { SignalData } from '../../../model/signal.ts';
import type { TracesData } from '../../../model/traces.ts';
import type { ConsumeContext, Consumer, Processor, ProcessorFactory } from '../../../pipeline/component.ts';
import { Matcher, matchSchema, validateForSignal, type MatchConfig, type Subject } from './match.ts';

const configSchema = section({
  actions: z.array(actionSchema).min(1, 'list at least one action under actions'),
  include: matchSchema.optional(),
  exclude: matchSchema.optional(),
});
interface AttributesConfig {
  actions: ActionConfig[];
  include?: MatchConfig;
  exclude?: MatchConfig;
}

export const factory: ProcessorFactory<AttributesConfig> = {
  kind: 'processor',
  type: 'attributes',
  signals: ['traces', 'metrics', 'logs'],
  mutatesData: true,
  configSchema: configSchema as never,
  create<S extends Signal>(_s: unknown, cfg: AttributesConfig, signal: S, next: Consumer<S>): Processor<S> {
    if (cfg.include) validateForSignal(cfg.include, signal, 'attributes processor include');
    if (cfg.exclude) validateForSignal(cfg.exclude, signal, 'attributes processor exclude');
    const actions = new AttributeActions(cfg.actions);
    const include = cfg.include ? new Matcher(cfg.include) : undefined;
    const exclude = cfg.exclude ? new Matcher(cfg.exclude) : undefined;
    const selected = (s: () => Subject) => {
      if (!include && !exclude) return true;
      const subj = s();
      return (!include || include.matches(subj)) && (!exclude || !exclude.matches(subj));
    };
    const apply = (data: SignalData<S>, ctx: ConsumeContext) => {
      if (signal === 'traces') {
        for (const r of (data as TracesData).resourceSpans)
          for (const ss of r.scopeSpans)
            for (const sp of ss.spans)
              if (
                selected(() => ({
                  resource: r.resource.attributes,
                  scope: ss.scope,
                  attributes: sp.attributes,
                  spanName: sp.name,
                  spanKind: sp.kind,
                }))
              )
                actions.apply(sp.attributes, ctx);
      } else if (signal === 'logs') {
        for (const r of (data as LogsData).resourceLogs)
          for (const sl of r.scopeLogs)
            for (const lr of sl.logRecords)
              if (
                selected(() => ({
                  resource: r.resource.attributes,
                  scope: sl.scope,
                  attributes: lr.attributes,
                  severityText: lr.severityText,
                  severityNumber: lr.severityNumber,
                  body: lr.body,
                }))
              )
                actions.apply(lr.attributes, ctx);
      } else {
        for (const r of (data as MetricsData).resourceMetrics)
          for (const sm of r.scopeMetrics)
            for (const m of sm.metrics)
              for (const p of (m.data?.dataPoints ?? []) as Array<{ attributes: KeyValue[] }>)
                if (
                  selected(() => ({
                    resource: r.resource.attributes,
                    scope: sm.scope,
                    attributes: p.attributes,
                    metricName: m.name,
                  }))
                )
                  actions.apply(p.attributes, ctx);
      }
    };
    return {
      async start() {},
      async shutdown() {},
      admit: () => next.admit?.(),
      consume(data: SignalData<S>, ctx: ConsumeContext) {
        apply(data, ctx);
        return next.consume(data, ctx);
      },
    };
  },
};
