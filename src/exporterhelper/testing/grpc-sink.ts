// Test support: an OTLP/gRPC destination on 127.0.0.1:0 (grpc-js server with raw-bytes
// handlers) that decodes requests with our codec, records them, and answers as the test scripts.
import {
  Metadata,
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServiceDefinition,
  type sendUnaryData,
} from '@grpc/grpc-js';
import { decodeRequest } from '../../codecs/otlp/index.ts';
import type { Signal } from '../../model/common.ts';
import { itemCount, type SignalData } from '../../model/signal.ts';

export interface GrpcSinkRequest {
  signal: Signal;
  metadata: Record<string, string>;
  data: SignalData;
  items: number;
  at: number;
  /** Time left until the call's deadline when it arrived (Infinity without one). */
  deadlineInMs: number;
}

/** Either a response body (the encoded Export…ServiceResponse; empty = full success) or an error. */
export type GrpcAnswer =
  | { ok: true; body?: Uint8Array }
  /** Never answer (the client's deadline or cancellation ends the call). */
  | { ok: 'hang' }
  | { ok: false; code: number; details: string; statusDetailsBin?: Uint8Array };

const SERVICES: Record<Signal, string> = {
  traces: 'opentelemetry.proto.collector.trace.v1.TraceService',
  metrics: 'opentelemetry.proto.collector.metrics.v1.MetricsService',
  logs: 'opentelemetry.proto.collector.logs.v1.LogsService',
};

const raw = (b: Buffer): Buffer => b;

export class GrpcSink {
  readonly requests: GrpcSinkRequest[] = [];
  readonly delivered: GrpcSinkRequest[] = [];
  answer: (req: GrpcSinkRequest) => GrpcAnswer = () => ({ ok: true });
  private server: Server | undefined;
  port = 0;

  /** With `tls`, serve over TLS with this certificate. */
  async start(port = 0, tls?: { cert: Buffer; key: Buffer }): Promise<this> {
    const server = new Server();
    for (const signal of Object.keys(SERVICES) as Signal[]) {
      const def: ServiceDefinition = {
        Export: {
          path: `/${SERVICES[signal]}/Export`,
          requestStream: false,
          responseStream: false,
          requestSerialize: raw,
          requestDeserialize: raw,
          responseSerialize: raw,
          responseDeserialize: raw,
        },
      };
      server.addService(def, {
        Export: (call: ServerUnaryCall<Buffer, Buffer>, cb: sendUnaryData<Buffer>) =>
          this.handle(signal, call, cb),
      });
    }
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${port}`, credentials(tls), (err, p) => (err ? reject(err) : resolve(p))),
    );
    this.server = server;
    return this;
  }

  private handle(signal: Signal, call: ServerUnaryCall<Buffer, Buffer>, cb: sendUnaryData<Buffer>): void {
    const data = decodeRequest(signal, call.request);
    const metadata: Record<string, string> = {};
    for (const [k, v] of Object.entries(call.metadata.getMap())) metadata[k] = String(v);
    const at = Date.now();
    const deadline = call.getDeadline();
    const deadlineInMs = deadline instanceof Date ? deadline.getTime() - at : Number(deadline) - at;
    const req: GrpcSinkRequest = { signal, metadata, data, items: itemCount(signal, data), at, deadlineInMs };
    this.requests.push(req);
    const a = this.answer(req);
    if (a.ok === 'hang') return;
    if (a.ok) {
      this.delivered.push(req);
      cb(null, Buffer.from(a.body ?? new Uint8Array(0)));
      return;
    }
    const md = new Metadata();
    if (a.statusDetailsBin) md.set('grpc-status-details-bin', Buffer.from(a.statusDetailsBin));
    cb({ code: a.code, details: a.details, metadata: md });
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    s?.forceShutdown();
  }

  get endpoint(): string {
    return `127.0.0.1:${this.port}`;
  }

  items(signal: Signal): number {
    return this.delivered.filter((r) => r.signal === signal).reduce((a, r) => a + r.items, 0);
  }
}

function credentials(tls: { cert: Buffer; key: Buffer } | undefined): ServerCredentials {
  return tls
    ? ServerCredentials.createSsl(null, [{ private_key: tls.key, cert_chain: tls.cert }])
    : ServerCredentials.createInsecure();
}
