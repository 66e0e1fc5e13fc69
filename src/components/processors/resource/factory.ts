// `resource`: applies attribute actions to resource attributes (every signal), e.g. adding
// k8s.cluster.name and deployment.environment to everything that passes.
import { z } from 'zod';
import { actionSchema, AttributeActions, type ActionConfig } from '../../../attraction/actions.ts';
import { section } from '../../../config/schema-helpers.ts';
import type { KeyValue, Signal } from '../../../model/common.ts';
import type { LogsData } from '../../../model/logs.ts';
import type { MetricsData } from '../../../model/metrics.ts';
import type { SignalData } from '../../../model/signal.ts';
import type { TracesData } from '../../../model/traces.ts';
import type { ConsumeContext, Consumer, Processor, ProcessorFactory } from '../../../pipeline/component.ts';

const configSchema = section({
  attributes: z.array(actionSchema).min(1, 'list at least one action under attributes'),
});
type ResourceConfig = { attributes: ActionConfig[] };

export function resourcesOf(
  signal: Signal,
  data: SignalData,
): Array<{ resource: { attributes: KeyValue[] } }> {
  if (signal === 'traces') return (data as TracesData).resourceSpans;
  if (signal === 'metrics') return (data as MetricsData).resourceMetrics;
  return (data as LogsData).resourceLogs;
}

export const factory: ProcessorFactory<ResourceConfig> = {
  kind: 'processor',
  type: 'resource',
  signals: ['traces', 'metrics', 'logs'],
  mutatesData: true,
  configSchema: configSchema as never,
  create<S extends Signal>(_s: unknown, cfg: ResourceConfig, signal: S, next: Consumer<S>): Processor<S> {
    const actions = new AttributeActions(cfg.attributes);
    return {
      async start() {},
      async shutdown() {},
      admit: () => next.admit?.(),
      consume(data: SignalData<S>, ctx: ConsumeContext) {
        for (const r of resourcesOf(signal, data)) actions.apply(r.resource.attributes, ctx);
        return next.consume(data, ctx);
      },
    };
  },
};
