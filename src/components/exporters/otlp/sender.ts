// Puts one OTLP/gRPC Export call on the wire with grpc-js, passing our codec's bytes through
// untouched (identity serializers), and classifies the status as the OTLP specification says:
// CANCELLED, DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE, UNAVAILABLE and DATA_LOSS are retryable;
// RESOURCE_EXHAUSTED only when the server attached a RetryInfo (it can recover); everything else
// is permanent. A RetryInfo delay is honoured whenever present.
import { createSecureContext } from 'node:tls';
import {
  Client,
  credentials,
  Metadata,
  status as Status,
  type ChannelCredentials,
  type ChannelOptions,
  type ServiceError,
} from '@grpc/grpc-js';
import { decodeExportResponse, decodeRetryInfoDelayMs, decodeRpcStatus } from '../../../codecs/otlp/index.ts';
import type { Signal } from '../../../model/common.ts';
import type { Authenticator } from '../../../pipeline/component.ts';
import type { SendRequest, SendResult } from '../../../exporterhelper/types.ts';
import type { ClientTlsMaterial } from '../../../exporterhelper/tls-files.ts';
import { VERSION } from '../../../version.ts';
import { parseEndpoint, usesTls, type OtlpGrpcExporterConfig } from './config.ts';

export const EXPORT_METHOD: Record<Signal, string> = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
};

const RETRYABLE = new Set<number>([
  Status.CANCELLED,
  Status.DEADLINE_EXCEEDED,
  Status.ABORTED,
  Status.OUT_OF_RANGE,
  Status.UNAVAILABLE,
  Status.DATA_LOSS,
]);

/** grpc-js's CompressionAlgorithms.gzip (a TypeScript enum we cannot import under type stripping). */
const GZIP = 2;

const identity = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

export class OtlpGrpcSender {
  private readonly config: OtlpGrpcExporterConfig;
  private readonly client: Client;
  private readonly auth: Authenticator | undefined;

  constructor(config: OtlpGrpcExporterConfig, tls: ClientTlsMaterial, auth: Authenticator | undefined) {
    this.config = config;
    this.auth = auth;
    const target = parseEndpoint(config.endpoint)!.target;
    this.client = new Client(target, channelCredentials(config, tls), channelOptions(config));
  }

  close(): void {
    this.client.close();
  }

  send = (req: SendRequest, abort: AbortSignal): Promise<SendResult> =>
    new Promise((resolve) => {
      const metadata = new Metadata(this.config.wait_for_ready ? { waitForReady: true } : {});
      const headers = { ...this.config.headers, ...this.auth?.clientHeaders() };
      for (const [k, v] of Object.entries(headers)) metadata.set(k.toLowerCase(), v);
      if (req.id) metadata.set('idempotency-key', `"${req.id}"`); // see QueueItem.id
      const options = this.config.timeout > 0 ? { deadline: Date.now() + this.config.timeout } : {};
      const call = this.client.makeUnaryRequest<Uint8Array, Buffer>(
        EXPORT_METHOD[req.signal],
        identity,
        (b: Buffer) => b,
        req.payload,
        metadata,
        options,
        (err, response) => {
          abort.removeEventListener('abort', onAbort);
          if (err) resolve(classify(err));
          else resolve(okResult(req.signal, response ?? Buffer.alloc(0)));
        },
      );
      const onAbort = () => call.cancel();
      if (abort.aborted) call.cancel();
      else abort.addEventListener('abort', onAbort, { once: true });
    });
}

function okResult(signal: Signal, body: Buffer): SendResult {
  if (body.length === 0) return { kind: 'ok' };
  try {
    const r = decodeExportResponse(signal, body, 'proto');
    return { kind: 'ok', rejected: r.rejected, ...(r.errorMessage ? { message: r.errorMessage } : {}) };
  } catch (e) {
    // Accepted (status OK); an unreadable body must not cause a duplicate by retrying.
    return { kind: 'ok', message: `unreadable response: ${(e as Error).message}` };
  }
}

/** Maps a failed call's status to retryable / permanent. */
export function classify(err: ServiceError): SendResult {
  const message = `${Status[err.code] ?? err.code}: ${err.details || err.message}`;
  const retryAfterMs = retryInfoDelay(err.metadata);
  if (RETRYABLE.has(err.code) || (err.code === Status.RESOURCE_EXHAUSTED && retryAfterMs !== undefined)) {
    return { kind: 'retryable', message, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
  return { kind: 'permanent', message };
}

/** The RetryInfo delay in the google.rpc.Status the server put in grpc-status-details-bin. */
function retryInfoDelay(metadata: Metadata | undefined): number | undefined {
  const raw = metadata?.get('grpc-status-details-bin')[0];
  if (!(raw instanceof Uint8Array)) return undefined;
  try {
    return decodeRetryInfoDelayMs(decodeRpcStatus(raw));
  } catch {
    return undefined;
  }
}

function channelCredentials(config: OtlpGrpcExporterConfig, tls: ClientTlsMaterial): ChannelCredentials {
  if (!usesTls(config)) return credentials.createInsecure();
  const context = createSecureContext({
    ...tls,
    minVersion: config.tls.min_version === '1.3' ? 'TLSv1.3' : 'TLSv1.2',
  });
  return credentials.createFromSecureContext(context, {
    rejectUnauthorized: !config.tls.insecure_skip_verify,
    ...(config.tls.insecure_skip_verify ? { checkServerIdentity: () => undefined } : {}),
  });
}

function channelOptions(config: OtlpGrpcExporterConfig): ChannelOptions {
  const o: ChannelOptions = {
    'grpc.primary_user_agent': `WatchingCat/${VERSION}`,
    'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ [config.balancer_name]: {} }] }),
    // OTLP responses are small, but a partial-success message may be long; requests are ours.
    'grpc.max_receive_message_length': 16 * 1024 * 1024,
    'grpc.max_send_message_length': -1,
  };
  if (config.compression === 'gzip') o['grpc.default_compression_algorithm'] = GZIP;
  if (config.keepalive) {
    o['grpc.keepalive_time_ms'] = config.keepalive.time;
    o['grpc.keepalive_timeout_ms'] = config.keepalive.timeout;
    o['grpc.keepalive_permit_without_calls'] = config.keepalive.permit_without_stream ? 1 : 0;
  }
  if (config.authority) o['grpc.default_authority'] = config.authority;
  if (config.tls.server_name_override) o['grpc.ssl_target_name_override'] = config.tls.server_name_override;
  return o;
}
