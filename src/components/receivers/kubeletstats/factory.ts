// `kubeletstats` receiver: volume stats, ephemeral storage and (as a fallback) pod/container CPU
// and memory from the node's kubelet Summary API.
import type { ReceiverFactory } from '../../../pipeline/component.ts';
import { configSchema } from './config.ts';
import type { KubeletStatsConfig } from './config.ts';
import { KubeletStatsReceiver } from './receiver.ts';

export type { KubeletStatsConfig } from './config.ts';

export const factory: ReceiverFactory<KubeletStatsConfig> & {
  create(...a: Parameters<ReceiverFactory<KubeletStatsConfig>['create']>): KubeletStatsReceiver;
} = {
  kind: 'receiver',
  type: 'kubeletstats',
  signals: ['metrics'],
  configSchema,
  create(settings, config, next) {
    return new KubeletStatsReceiver(settings, config, next.metrics);
  },
};
