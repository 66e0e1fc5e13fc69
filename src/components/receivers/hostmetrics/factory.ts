// `hostmetrics` receiver: node_exporter's node_* families read from the host's /proc and /sys,
// served on the metrics address at /metrics/node and pushed as OTLP with the node summary.
import type { ReceiverFactory } from '../../../pipeline/component.ts';
import { configSchema } from './config.ts';
import type { HostMetricsConfig } from './config.ts';
import { HostMetricsReceiver } from './receiver.ts';

export type { HostMetricsConfig } from './config.ts';

export const factory: ReceiverFactory<HostMetricsConfig> & {
  create(...a: Parameters<ReceiverFactory<HostMetricsConfig>['create']>): HostMetricsReceiver;
} = {
  kind: 'receiver',
  type: 'hostmetrics',
  signals: ['metrics'],
  configSchema,
  create(settings, config, next) {
    return new HostMetricsReceiver(settings, config, next.metrics);
  },
};
