// `filelog` receiver: container logs from /var/log/pods (CRI and Docker formats), with
// rotation-proof checkpoints, into the logs pipelines.
import type { ReceiverFactory } from '../../../pipeline/component.ts';
import { configSchema } from './config.ts';
import type { FileLogConfig } from './config.ts';
import { FileLogReceiver } from './receiver.ts';

export type { FileLogConfig } from './config.ts';

export const factory: ReceiverFactory<FileLogConfig> & {
  create(...a: Parameters<ReceiverFactory<FileLogConfig>['create']>): FileLogReceiver;
} = {
  kind: 'receiver',
  type: 'filelog',
  signals: ['logs'],
  configSchema,
  create(settings, config, next) {
    return new FileLogReceiver(settings, config, next.logs);
  },
};
