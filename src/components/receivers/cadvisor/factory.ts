// `cadvisor` receiver: the kubelet's /metrics/cadvisor (container_* and machine_*) read straight
// from the host's cgroups, served on the metrics address and pushed as OTLP.
import type { ReceiverFactory } from '../../../pipeline/component.ts';
import { configSchema } from './config.ts';
import type { CadvisorConfig } from './config.ts';
import { CadvisorReceiver } from './receiver.ts';

export type { CadvisorConfig } from './config.ts';

export const factory: ReceiverFactory<CadvisorConfig> & {
  create(...a: Parameters<ReceiverFactory<CadvisorConfig>['create']>): CadvisorReceiver;
} = {
  kind: 'receiver',
  type: 'cadvisor',
  signals: ['metrics'],
  configSchema,
  create(settings, config, next) {
    return new CadvisorReceiver(settings, config, next.metrics);
  },
};
