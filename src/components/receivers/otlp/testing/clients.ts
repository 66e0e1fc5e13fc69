// Raw HTTP and gRPC clients for tests: they send exactly the bytes and headers given, so tests
// control what the receiver sees (SDK exporters are used separately, in sdk.test.ts).
import * as grpc from '@grpc/grpc-js';
import http from 'node:http';
import https from 'node:https';

export interface HttpReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** True when the request went over a kept-alive connection. */
  reusedSocket: boolean;
}

export interface HttpRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  agent?: http.Agent | false;
  /** Sent one write each, without Content-Length (chunked), instead of `body`. */
  chunks?: Buffer[];
  /** CA to trust for https URLs. */
  ca?: Buffer;
  /** Client certificate and key (mutual TLS). */
  cert?: Buffer;
  key?: Buffer;
}

export function httpRequest(url: string, o: HttpRequestOptions = {}): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const lib = u.protocol === 'https:' ? https : http;
    const req = lib.request(
      u,
      {
        method: o.method ?? 'POST',
        headers: o.headers ?? {},
        agent: o.agent ?? false,
        ...(o.ca ? { ca: o.ca } : {}),
        ...(o.cert && o.key ? { cert: o.cert, key: o.key } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
            reusedSocket: req.reusedSocket,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (o.chunks) {
      // Chunked transfer encoding: no Content-Length, the body arrives in pieces.
      for (const c of o.chunks) req.write(c);
      req.end();
    } else req.end(o.body);
  });
}

/** POSTs an OTLP body; `type` is the Content-Type shorthand; `o.headers` add to it. */
export function postOtlp(
  url: string,
  body: Buffer | Uint8Array | string,
  type: 'proto' | 'json',
  o: HttpRequestOptions = {},
): Promise<HttpReply> {
  return httpRequest(url, {
    ...o,
    headers: {
      'content-type': type === 'proto' ? 'application/x-protobuf' : 'application/json',
      ...o.headers,
    },
    body: typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength),
  });
}

export interface GrpcReply {
  response?: Buffer;
  error?: grpc.ServiceError;
}

const identity = (b: Buffer): Buffer => b;

/** A client that sends raw request bytes to any unary method. Close it when done. */
export class RawGrpcClient {
  private readonly client: grpc.Client;
  constructor(target: string, opts: { credentials?: grpc.ChannelCredentials; gzip?: boolean } = {}) {
    const options: grpc.ChannelOptions = {};
    // CompressionAlgorithms.gzip = 2: every request message is sent gzip-compressed.
    if (opts.gzip) options['grpc.default_compression_algorithm'] = 2;
    // With TLS, verify the certificate for "localhost" (an IP address is not a valid SNI name).
    if (opts.credentials) options['grpc.ssl_target_name_override'] = 'localhost';
    this.client = new grpc.Client(target, opts.credentials ?? grpc.credentials.createInsecure(), options);
  }

  call(path: string, body: Buffer | Uint8Array, metadata: Record<string, string> = {}): Promise<GrpcReply> {
    const md = new grpc.Metadata();
    for (const [k, v] of Object.entries(metadata)) md.set(k, v);
    const buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    return new Promise((resolve) => {
      this.client.makeUnaryRequest(
        path,
        identity,
        identity,
        buf,
        md,
        { deadline: Date.now() + 10_000 },
        (error, response) => {
          if (error) resolve({ error });
          else resolve({ response: response ?? Buffer.alloc(0) });
        },
      );
    });
  }

  close(): void {
    this.client.close();
  }
}
