// `otlphttp`: sends OTLP over HTTP (protobuf or JSON, gzip by default) to `endpoint` +
// /v1/{traces,metrics,logs}, or to the per-signal URLs, through the shared sending queue with
// retries (src/exporterhelper).
import type { Signal } from '../../../model/common.ts';
import { SIGNALS } from '../../../model/common.ts';
import type { ExporterFactory } from '../../../pipeline/component.ts';
import { resolveAuthenticator } from '../../../exporterhelper/auth.ts';
import { ExporterHelper } from '../../../exporterhelper/exporter-helper.ts';
import type { SendRequest, SendResult } from '../../../exporterhelper/types.ts';
import { readClientTls } from '../../../exporterhelper/tls-files.ts';
import { configSchema, signalUrl, type OtlpHttpExporterConfig } from './config.ts';
import { OtlpHttpSender } from './sender.ts';

export const factory: ExporterFactory<OtlpHttpExporterConfig> = {
  kind: 'exporter',
  type: 'otlphttp',
  signals: SIGNALS,
  configSchema,
  create(settings, config) {
    const urls: Partial<Record<Signal, URL>> = {};
    for (const s of SIGNALS) {
      const u = signalUrl(config, s);
      if (u) urls[s] = u;
    }
    let sender: OtlpHttpSender | undefined;
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
      consumer(signal) {
        if (!urls[signal]) {
          throw new Error(`no endpoint for ${signal}: set endpoint or ${signal}_endpoint`);
        }
        return helper.consumer(signal);
      },
      storedPositions: () => helper.storedPositions(),
      async start(host) {
        const auth = resolveAuthenticator(host, config.auth);
        sender = new OtlpHttpSender(config, urls, readClientTls(config.tls), auth);
        await helper.start(host);
        settings.logger.debug(
          Object.fromEntries(Object.entries(urls).map(([s, u]) => [s, u.toString()])),
          'otlphttp exporter started',
        );
      },
      async shutdown() {
        await helper.shutdown();
        sender?.close();
      },
    };
  },
};
