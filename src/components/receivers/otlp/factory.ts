// `otlp` receiver: OTLP over gRPC (4317) and HTTP (4318), every signal, one instance per id.
// Each request is acknowledged only after the pipeline accepted its data (see intake.ts).
import { SIGNALS } from '../../../model/common.ts';
import type { Consumers, CreateSettings, Lifecycle, ReceiverFactory } from '../../../pipeline/component.ts';
import { resolveAuthenticator } from './auth.ts';
import { configSchema, type Config } from './config.ts';
import type { OtlpGrpcServer } from './grpc-server.ts';
import { OtlpHttpServer } from './http-server.ts';
import { Intake } from './intake.ts';
import { ReceiverTelemetry } from './receiver-telemetry.ts';
import { readServerTls } from './tls.ts';

/** How long shutdown waits for requests in flight before dropping them. */
export const DRAIN_TIMEOUT_MS = 5000;

export interface BoundAddress {
  /** The host as configured ("0.0.0.0", "127.0.0.1", "::"). */
  address: string;
  /** The actual port (useful with port 0). */
  port: number;
}

export interface OtlpReceiver extends Lifecycle {
  /** The listening addresses after start(); a protocol not enabled is absent. */
  boundAddresses(): { grpc?: BoundAddress; http?: BoundAddress };
}

export type { Config } from './config.ts';

/** The factory, typed so callers (tests, tools) see boundAddresses() on what it creates. */
export interface OtlpReceiverFactory extends ReceiverFactory<Config> {
  create(settings: CreateSettings, config: Config, next: Consumers): OtlpReceiver;
}

export const factory: OtlpReceiverFactory = {
  kind: 'receiver',
  type: 'otlp',
  signals: SIGNALS,
  configSchema,
  create(settings, config, next): OtlpReceiver {
    const receiver = settings.id.key;
    const intake = new Intake(next, new ReceiverTelemetry(settings.telemetry), settings.logger);
    let grpcServer: OtlpGrpcServer | undefined;
    let httpServer: OtlpHttpServer | undefined;

    const stop = async (): Promise<void> => {
      const g = grpcServer;
      const h = httpServer;
      grpcServer = undefined;
      httpServer = undefined;
      await Promise.all([g?.close(DRAIN_TIMEOUT_MS), h?.close(DRAIN_TIMEOUT_MS)]);
    };

    return {
      async start(host) {
        const { grpc, http } = config.protocols;
        // Everything that can fail on bad settings happens before any port is bound.
        if (grpc) {
          const authenticator = resolveAuthenticator(host, 'grpc', grpc.auth);
          const tls = grpc.tls ? readServerTls('grpc', grpc.tls) : undefined;
          // grpc-js costs ~7 MiB of resident memory: loaded only when gRPC is configured.
          const { OtlpGrpcServer } = await import('./grpc-server.ts');
          grpcServer = new OtlpGrpcServer({
            receiver,
            config: grpc,
            intake,
            logger: settings.logger,
            ...(authenticator ? { authenticator } : {}),
            ...(tls ? { tls } : {}),
          });
        }
        if (http) {
          const authenticator = resolveAuthenticator(host, 'http', http.auth);
          const tls = http.tls ? readServerTls('http', http.tls) : undefined;
          httpServer = new OtlpHttpServer({
            receiver,
            config: http,
            intake,
            logger: settings.logger,
            ...(authenticator ? { authenticator } : {}),
            ...(tls ? { tls } : {}),
          });
        }
        try {
          // Sequential, so a failure leaves a clear single error and the other server closed.
          await grpcServer?.listen();
          await httpServer?.listen();
        } catch (err) {
          await stop();
          throw err;
        }
        settings.logger.info(
          { receiver, grpc: grpc?.endpoint, http: http?.endpoint },
          'otlp receiver listening',
        );
      },
      async shutdown() {
        await stop();
      },
      boundAddresses() {
        const g = grpcServer?.address();
        const h = httpServer?.address();
        return {
          ...(g ? { grpc: { address: g.address, port: g.port } } : {}),
          ...(h ? { http: { address: h.address, port: h.port } } : {}),
        };
      },
    };
  },
};
