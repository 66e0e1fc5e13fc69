// `otlp`: sends OTLP over gRPC (gzip by default, TLS unless `tls.insecure: true` or an http://
// endpoint) through the shared sending queue with retries (src/exporterhelper).
import { SIGNALS } from '../../../model/common.ts';
import type { ExporterFactory } from '../../../pipeline/component.ts';
import { resolveAuthenticator } from '../../../exporterhelper/auth.ts';
import { ExporterHelper } from '../../../exporterhelper/exporter-helper.ts';
import type { SendRequest, SendResult } from '../../../exporterhelper/types.ts';
import { readClientTls } from '../../../exporterhelper/tls-files.ts';
import { configSchema, usesTls, type OtlpGrpcExporterConfig } from './config.ts';
import type { OtlpGrpcSender } from './sender.ts';

export const factory: ExporterFactory<OtlpGrpcExporterConfig> = {
  kind: 'exporter',
  type: 'otlp',
  signals: SIGNALS,
  configSchema,
  create(settings, config) {
    let sender: OtlpGrpcSender | undefined;
    const helper = new ExporterHelper({
      settings,
      timeoutMs: config.timeout,
      retry: config.retry_on_failure,
      queue: config.sending_queue,
      send: (req: SendRequest, abort: AbortSignal): Promise<SendResult> =>
        sender
          ? sender.send(req, abort)
          : Promise.resolve({ kind: 'retryable', message: 'exporter not started' }),
    });
    return {
      consumer: (signal) => helper.consumer(signal),
      storedPositions: () => helper.storedPositions(),
      async start(host) {
        const auth = resolveAuthenticator(host, config.auth);
        const tls = usesTls(config) ? readClientTls(config.tls) : {};
        // grpc-js costs ~7 MiB of resident memory: loaded only when this exporter is used.
        const { OtlpGrpcSender } = await import('./sender.ts');
        sender = new OtlpGrpcSender(config, tls, auth);
        await helper.start(host);
        settings.logger.debug({ endpoint: config.endpoint, tls: usesTls(config) }, 'otlp exporter started');
      },
      async shutdown() {
        await helper.shutdown();
        sender?.close();
      },
    };
  },
};
