// Test support: a bare HTTP/2 server that speaks just enough gRPC to answer unary calls with
// success, so tests can see the wire itself (grpc-js hides grpc-encoding and decompresses):
// the grpc-encoding header and each message's compressed flag, with the message bytes.
import http2 from 'node:http2';
import { gunzipSync } from 'node:zlib';

export interface WireCall {
  path: string;
  encoding: string | undefined;
  /** The length-prefixed message's compressed flag. */
  compressed: boolean;
  /** The message, decompressed. */
  message: Buffer;
}

export class GrpcWireSink {
  readonly calls: WireCall[] = [];
  private server: http2.Http2Server | undefined;
  private readonly sessions = new Set<http2.ServerHttp2Session>();
  port = 0;

  async start(): Promise<this> {
    const server = http2.createServer();
    server.on('session', (s) => {
      this.sessions.add(s);
      s.on('close', () => this.sessions.delete(s));
    });
    server.on('stream', (stream, headers) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const body = Buffer.concat(chunks);
        const compressed = body[0] === 1;
        const framed = body.subarray(5, 5 + body.readUInt32BE(1));
        const encoding = headers['grpc-encoding'] as string | undefined;
        this.calls.push({
          path: String(headers[':path']),
          encoding,
          compressed,
          message: compressed && encoding === 'gzip' ? gunzipSync(framed) : framed,
        });
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
        stream.end(Buffer.from([0, 0, 0, 0, 0])); // an empty response message, uncompressed
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    this.port = (server.address() as { port: number }).port;
    this.server = server;
    return this;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    for (const session of this.sessions) session.destroy();
    await new Promise<void>((r) => s.close(() => r()));
  }

  get endpoint(): string {
    return `127.0.0.1:${this.port}`;
  }
}
