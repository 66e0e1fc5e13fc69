// OTLP/gRPC: the TraceService, MetricsService and LogsService Export methods on @grpc/grpc-js.
// Messages cross grpc-js as raw bytes (identity (de)serializers) so our own codec decodes them;
// grpc-js handles framing, gzip/deflate message compression and the receive size limit.
//
// A signal no pipeline takes from this receiver is not registered, so grpc-js answers
// UNIMPLEMENTED for it.
import * as grpc from '@grpc/grpc-js';
import { idempotencyKey } from './recent-keys.ts';
import type { SecureContextOptions } from 'node:tls';
import { splitHostPort } from '../../../config/schema-helpers.ts';
import { SIGNALS, type Signal } from '../../../model/common.ts';
import type { Authenticator } from '../../../pipeline/component.ts';
import type { Logger } from '../../../telemetry/logger.ts';
import { isAuthorized } from './auth.ts';
import type { GrpcConfig } from './config.ts';
import type { Intake, IntakeResult } from './intake.ts';
import { listenError, peerIp } from './net.ts';
import type { Refusal } from './outcome.ts';
import { exportResponseBody, grpcStatusDetails } from './replies.ts';
import type { ServerTlsMaterial } from './tls.ts';

/** The fully-qualified Export method of each signal's collector service. */
export const EXPORT_PATHS: Record<Signal, string> = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
};

const identity = (b: Buffer): Buffer => b;

export interface GrpcServerOptions {
  receiver: string;
  config: GrpcConfig;
  intake: Intake;
  logger: Logger;
  authenticator?: Authenticator;
  tls?: ServerTlsMaterial;
}

export class OtlpGrpcServer {
  private readonly o: GrpcServerOptions;
  private readonly server: grpc.Server;
  private port: number | undefined;
  private host = '';

  constructor(o: GrpcServerOptions) {
    this.o = o;
    const maxBytes = Math.floor(o.config.max_recv_msg_size_mib * 1024 * 1024);
    this.server = new grpc.Server({
      'grpc.max_receive_message_length': maxBytes,
      // Responses are tiny; a generous cap keeps a long partial-success message intact.
      'grpc.max_send_message_length': 4 * 1024 * 1024,
    });
    for (const signal of SIGNALS) {
      if (!o.intake.serves(signal)) continue;
      const definition: grpc.ServiceDefinition = {
        Export: {
          path: EXPORT_PATHS[signal],
          requestStream: false,
          responseStream: false,
          requestSerialize: identity,
          requestDeserialize: identity,
          responseSerialize: identity,
          responseDeserialize: identity,
        },
      };
      const handler: grpc.handleUnaryCall<Buffer, Buffer> = (call, callback) =>
        this.export(signal, call, callback);
      this.server.addService(definition, { Export: handler });
    }
  }

  /** Binds the endpoint; rejects with "… cannot listen on HOST:PORT: why". */
  async listen(): Promise<{ address: string; port: number }> {
    const { host, port } = splitHostPort(this.o.config.endpoint);
    this.host = host;
    const target = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    const creds = this.o.tls ? new TlsServerCredentials(this.o.tls) : grpc.ServerCredentials.createInsecure();
    this.port = await new Promise<number>((resolve, reject) => {
      this.server.bindAsync(target, creds, (err, bound) => {
        if (err) reject(listenError(this.o.receiver, this.o.config.endpoint, err));
        else resolve(bound);
      });
    });
    return { address: host, port: this.port };
  }

  address(): { address: string; port: number } | undefined {
    return this.port === undefined ? undefined : { address: this.host, port: this.port };
  }

  /** Refuses new calls, lets running ones finish for up to `drainMs`, then cancels the rest. */
  async close(drainMs: number): Promise<void> {
    if (this.port === undefined) {
      this.server.forceShutdown();
      return;
    }
    this.port = undefined;
    let timer: NodeJS.Timeout | undefined;
    const inTime = await Promise.race([
      new Promise<boolean>((r) => this.server.tryShutdown(() => r(true))),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(false), drainMs))),
    ]);
    clearTimeout(timer);
    if (!inTime) {
      this.o.logger.warn('otlp receiver: gRPC calls still running at shutdown; cancelling them');
      this.server.forceShutdown();
    }
  }

  private export(
    signal: Signal,
    call: grpc.ServerUnaryCall<Buffer, Buffer>,
    callback: grpc.sendUnaryData<Buffer>,
  ): void {
    const key = this.o.authenticator?.header ?? 'authorization';
    if (!isAuthorized(this.o.authenticator, firstString(call.metadata.get(key)))) {
      this.o.intake.refuseEarly(signal, 'grpc', 'unauthenticated');
      callback({ code: grpc.status.UNAUTHENTICATED, details: 'missing or invalid credentials' });
      return;
    }
    const clientAddress = peerIp(call.getPeer());
    this.o.intake
      .receive(
        signal,
        'grpc',
        call.request,
        'proto',
        {
          ...(clientAddress ? { clientAddress } : {}),
          ...(this.o.config.include_metadata ? { metadata: metadataMap(call.metadata) } : {}),
        },
        idempotencyKey(firstString(call.metadata.get('idempotency-key'))),
      )
      .then(
        (result: IntakeResult) => {
          if (result.ok)
            callback(null, exportResponseBody(signal, result.rejected, result.errorMessage, 'proto'));
          else callback(statusOf(result.refusal));
        },
        (err: unknown) => {
          // receive() never rejects by contract; still, never leave a call unanswered.
          this.o.logger.error({ err }, 'otlp receiver: unexpected error handling a gRPC call');
          callback({ code: grpc.status.INTERNAL, details: 'internal error' });
        },
      );
  }
}

/** The gRPC status for a refusal; retryable ones carry google.rpc.RetryInfo (OTLP spec). */
function statusOf(refusal: Refusal): Partial<grpc.StatusObject> {
  const status: Partial<grpc.StatusObject> = { code: refusal.grpcCode, details: refusal.message };
  if (refusal.retryAfterMs !== undefined) {
    const metadata = new grpc.Metadata();
    metadata.set('grpc-status-details-bin', grpcStatusDetails(refusal));
    status.metadata = metadata;
  }
  return status;
}

function firstString(values: grpc.MetadataValue[]): string | undefined {
  const v = values[0];
  return typeof v === 'string' ? v : undefined;
}

/** Text metadata as ConsumeContext.metadata (grpc-js keys are already lower case). */
function metadataMap(md: grpc.Metadata): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(md.getMap())) if (typeof v === 'string') out[k] = v;
  return out;
}

/**
 * Server TLS through grpc-js's public ServerCredentials constructor (server options + secure
 * context options for http2.createSecureServer). Unlike ServerCredentials.createSsl it lets us
 * set the minimum TLS version, as `tls.min_version` asks.
 */
class TlsServerCredentials extends grpc.ServerCredentials {
  constructor(tls: ServerTlsMaterial) {
    const context: SecureContextOptions = { cert: tls.cert, key: tls.key, minVersion: tls.minVersion };
    if (tls.clientCa) context.ca = tls.clientCa;
    super(
      { minVersion: tls.minVersion, requestCert: !!tls.clientCa, rejectUnauthorized: !!tls.clientCa },
      context,
    );
  }
  _equals(other: grpc.ServerCredentials): boolean {
    return other === this;
  }
}
