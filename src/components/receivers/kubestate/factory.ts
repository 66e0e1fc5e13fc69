// `kubestate` receiver: kube-state-metrics-compatible metrics from the Kubernetes API.
import type { ReceiverFactory } from '../../../pipeline/component.ts';
import { configSchema } from './config.ts';
import type { KubeStateConfig } from './config.ts';
import { KubeStateReceiver } from './receiver.ts';

export type { KubeStateConfig } from './config.ts';

export const factory: ReceiverFactory<KubeStateConfig> & {
  create(...a: Parameters<ReceiverFactory<KubeStateConfig>['create']>): KubeStateReceiver;
} = {
  kind: 'receiver',
  type: 'kubestate',
  signals: ['metrics'],
  configSchema,
  create(settings, config, next) {
    return new KubeStateReceiver(settings, config, next.metrics);
  },
};
