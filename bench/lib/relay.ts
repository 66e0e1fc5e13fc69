// The limit for any HTTP-in/HTTP-out pipeline on Node: receive an OTLP/HTTP body and forward
// the same bytes to the destination, answering after the destination did. No decoding, no
// batching. Run as its own process: `node relay.ts <listenPort> <targetPort>`.
import { Agent, createServer, request } from 'node:http';

const [listenPort, targetPort] = process.argv.slice(2).map(Number);
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const out = request(
      {
        host: '127.0.0.1',
        port: targetPort,
        path: req.url,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length },
      },
      (r) => {
        r.resume();
        r.on('end', () =>
          res.writeHead(r.statusCode ?? 502, { 'content-type': 'application/x-protobuf' }).end(),
        );
      },
    );
    out.on('error', () => res.writeHead(502).end());
    out.end(body);
  });
}).listen(listenPort, '127.0.0.1', () => process.stdout.write('ready\n'));
