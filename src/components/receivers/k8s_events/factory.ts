// `k8s_events` receiver: Kubernetes events (events.k8s.io/v1) as log records, resumed without
// replay or loss across restarts and leader failovers.
import type { ReceiverFactory } from '../../../pipeline/component.ts';
import { configSchema } from './config.ts';
import type { K8sEventsConfig } from './config.ts';
import { K8sEventsReceiver } from './receiver.ts';

export type { K8sEventsConfig } from './config.ts';

export const factory: ReceiverFactory<K8sEventsConfig> & {
  create(...a: Parameters<ReceiverFactory<K8sEventsConfig>['create']>): K8sEventsReceiver;
} = {
  kind: 'receiver',
  type: 'k8s_events',
  signals: ['logs'],
  configSchema,
  create(settings, config, next) {
    return new K8sEventsReceiver(settings, config, next.logs);
  },
};
